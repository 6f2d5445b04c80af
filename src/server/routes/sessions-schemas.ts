/** The /v1/sessions request and response shapes (zod → /openapi.json → the SDK's types). */
import { z } from "zod";
import { commandSchema, envSchema } from "../../engine/schemas.ts";
import type { SessionFileMeta, SessionRecord } from "../../store/index.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export const sessionParams = z.strictObject({ id: z.string().min(1).max(64) });
/** `*` is the file's workspace-relative path (the rest of the URL); /openapi.json calls it `path`. */
export const sessionFileParams = z.strictObject({ id: z.string().min(1).max(64), "*": z.string().max(4096) });

export const createSessionBody = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  image: z.string().min(1).max(1024).optional(),
  env: envSchema.optional(),
  limits: z
    .strictObject({
      memoryBytes: z
        .number()
        .int()
        .min(4 * 1024 * 1024)
        .optional(),
      pids: z.number().int().min(8).optional(),
      cpuMillis: z.number().int().min(10).optional(),
    })
    .optional(),
  idleTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(30 * DAY_MS)
    .optional(),
  maxLifetimeMs: z
    .number()
    .int()
    .min(1000)
    .max(30 * DAY_MS)
    .optional(),
  ignore: z
    .array(
      z
        .string()
        .min(1)
        .max(256)
        .refine((v) => !v.startsWith("/") && !v.split("/").includes(".."), "a relative pattern without '..'"),
    )
    .max(100)
    .optional()
    .describe(
      "Paths not synced back to the store; `dir/` names a directory at any depth. Default: node_modules/, .venv/, __pycache__/, .cache/.",
    ),
});

export const sessionInfo = z.object({
  id: z.string(),
  team: z.string(),
  name: z.string().nullable(),
  state: z.enum(["active", "deleted"]),
  image: z.string().nullable(),
  envNames: z.array(z.string()),
  ignore: z.array(z.string()),
  idleTimeoutMs: z.number(),
  maxLifetimeMs: z.number(),
  sandboxId: z.string().nullable().describe("The sandbox attached now (purpose `session`), or null."),
  createdAt: z.string(),
  lastActivityAt: z.string(),
});

export const sessionDetail = sessionInfo.extend({
  usage: z.object({ files: z.number(), bytes: z.number() }),
});

export const fileInfo = z.object({
  path: z.string(),
  kind: z.enum(["file", "symlink"]),
  mode: z.number(),
  size: z.number(),
  sha256: z.string(),
  version: z.number().describe("1 on creation, +1 per write; the ETag, and what If-Match names."),
  linkTarget: z.string().nullable(),
  mtime: z.string(),
});

export const listFilesQuery = z.strictObject({ dir: z.string().max(4096).optional() });
export const writeFileQuery = z.strictObject({
  mode: z.coerce
    .number()
    .int()
    .min(0)
    .max(0o7777)
    .optional()
    .describe("Permission bits (decimal), default 420 (0644)."),
});

export const sessionExecBody = z
  .strictObject({
    command: commandSchema,
    env: envSchema.optional(),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(7 * DAY_MS)
      .optional(),
    stdin: z.string().optional(),
    stdinBase64: z.string().base64().optional(),
  })
  .refine((v) => v.stdin === undefined || v.stdinBase64 === undefined, {
    message: "give stdin or stdinBase64, not both",
    path: ["stdinBase64"],
  });

export const sessionExecResponse = z.object({
  stdout: z.string(),
  stderr: z.string(),
  encoding: z.enum(["utf8", "base64"]),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  reason: z.string(),
  durationMs: z.number(),
  truncated: z.boolean(),
  sandbox: z.object({
    sandboxId: z.string(),
    attached: z.boolean().describe("True when this exec attached a new sandbox and restored the files into it."),
    replaced: z.object({ sandboxId: z.string(), reason: z.string() }).nullable(),
  }),
  sync: z.object({
    written: z.number(),
    deleted: z.number(),
    skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  }),
});

export function sessionView(r: SessionRecord): z.infer<typeof sessionInfo> {
  return {
    id: r.id,
    team: r.teamId,
    name: r.name,
    state: r.state,
    image: r.spec.image ?? null,
    envNames: Object.keys(r.spec.env ?? {}).sort(),
    ignore: r.spec.ignore ?? [],
    idleTimeoutMs: r.idleTimeoutMs,
    maxLifetimeMs: r.maxLifetimeMs,
    sandboxId: r.sandboxId,
    createdAt: r.createdAt,
    lastActivityAt: r.lastActivityAt,
  };
}

export const fileView = (m: SessionFileMeta): z.infer<typeof fileInfo> => ({ ...m });
