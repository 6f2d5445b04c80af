/**
 * zod schemas of the HTTP API: request bodies, queries and path parameters (parsed at the
 * edge with `.strict()`), and the response shapes (used for /openapi.json). The sandbox
 * and exec inputs mirror `CreateSandboxInput`/`ExecInput` in `engine/types.ts`.
 */
import { z } from "zod";

const MAX_ID = 200;
const envMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name"),
  z.string(),
);
const labelMap = z.record(z.string().min(1).max(63), z.string().max(255));
const positiveInt = z.number().int().positive();
const queryBool = z.enum(["true", "false"]).transform((v) => v === "true");
const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a non-negative integer")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const SIGNALS = [
  "SIGTERM",
  "SIGKILL",
  "SIGINT",
  "SIGHUP",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
  "SIGSTOP",
  "SIGCONT",
] as const;
export const signalSchema = z.enum(SIGNALS);
export const sandboxStates = ["creating", "running", "stopping", "terminated"] as const;

// ---------- path parameters ----------
export const sandboxParams = z.object({ id: z.string().min(1).max(MAX_ID) }).strict();
export const execParams = z
  .object({ id: z.string().min(1).max(MAX_ID), execId: z.string().min(1).max(MAX_ID) })
  .strict();
export const tokenParams = z.object({ id: z.string().min(1).max(MAX_ID) }).strict();

// ---------- sandboxes ----------
export const createSandboxBody = z
  .object({
    image: z.string().min(1).max(1024).optional(),
    env: envMap.optional(),
    labels: labelMap.optional(),
    ttlMs: positiveInt.optional(),
    idleTimeoutMs: positiveInt.optional(),
    network: z.enum(["none", "host"]).optional(),
    limits: z
      .object({ memoryBytes: positiveInt.optional(), pids: positiveInt.optional(), cpuMillis: positiveInt.optional() })
      .strict()
      .optional(),
    workdir: z.string().startsWith("/", "must be an absolute path").max(4096).optional(),
  })
  .strict();

export const listSandboxesQuery = z
  .object({
    state: z
      .string()
      .transform((s) => s.split(","))
      .pipe(z.array(z.enum(sandboxStates)))
      .optional(),
    label: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^[^=]+=.*$/, "must be key=value")))
      .optional(),
    limit: queryInt(1, 1000).optional(),
  })
  .strict();

// ---------- exec ----------
const command = z
  .array(z.string().max(128 * 1024))
  .min(1, "must name a program")
  .max(4096);
const execCommon = {
  command,
  env: envMap.optional(),
  cwd: z.string().min(1).max(4096).optional(),
  timeoutMs: positiveInt.optional(),
};
export const ttySizeSchema = z
  .object({ rows: z.number().int().min(1).max(1000), cols: z.number().int().min(1).max(1000) })
  .strict();

export const runExecBody = z
  .object({ ...execCommon, stdin: z.string().optional(), stdinBase64: z.base64().optional() })
  .strict()
  .refine((b) => b.stdin === undefined || b.stdinBase64 === undefined, {
    message: "give either stdin or stdinBase64, not both",
    path: ["stdinBase64"],
  });
export const runExecQuery = z.object({ encoding: z.enum(["utf8", "base64"]).optional() }).strict();

export const startExecBody = z
  .object({ ...execCommon, tty: ttySizeSchema.optional(), stdin: z.boolean().optional() })
  .strict();
export const killExecBody = z.object({ signal: signalSchema.optional() }).strict();
export const stdinQuery = z.object({ eof: queryBool.optional() }).strict();
export const attachQuery = z
  .object({ cursor: queryInt(0, Number.MAX_SAFE_INTEGER).optional(), access_token: z.string().optional() })
  .strict();
export const streamQuery = z.object({ access_token: z.string().optional() }).strict();

/** Client → server WebSocket frames. */
export const streamStartMessage = z
  .object({ type: z.literal("start"), ...execCommon, tty: ttySizeSchema.optional(), stdin: z.boolean().optional() })
  .strict();
export const clientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("stdin"), data: z.base64() }).strict(),
  z.object({ type: z.literal("stdin_eof") }).strict(),
  z.object({ type: z.literal("resize"), rows: ttySizeSchema.shape.rows, cols: ttySizeSchema.shape.cols }).strict(),
  z.object({ type: z.literal("signal"), signal: signalSchema }).strict(),
]);
export type ClientFrame = z.output<typeof clientFrame>;

// ---------- files ----------
const sandboxPath = z.string().min(1).max(4096);
export const pathQuery = z.object({ path: sandboxPath }).strict();
export const listQuery = z.object({ path: sandboxPath.default(".") }).strict();
export const writeFileQuery = z
  .object({
    path: sandboxPath,
    mode: z
      .string()
      .regex(/^0?[0-7]{3,4}$/, "must be octal permission bits like 0644")
      .transform((m) => parseInt(m, 8))
      .optional(),
  })
  .strict();
export const removeQuery = z.object({ path: sandboxPath, recursive: queryBool.optional() }).strict();
export const mkdirBody = z.object({ path: sandboxPath, recursive: z.boolean().optional() }).strict();

// ---------- events ----------
export const eventsQuery = z
  .object({
    after: queryInt(0, Number.MAX_SAFE_INTEGER).optional(),
    sandbox: z.string().min(1).max(MAX_ID).optional(),
    follow: queryBool.optional(),
    limit: queryInt(1, 10_000).optional(),
  })
  .strict();

// ---------- tokens ----------
export const TOKEN_SCOPES = ["admin", "sandboxes"] as const;
export const createTokenBody = z
  .object({ name: z.string().min(1).max(100), scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).optional() })
  .strict();

// ---------- responses (documentation) ----------
const isoTime = z.string().describe("ISO 8601 timestamp");
export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    details: z.record(z.string(), z.unknown()),
  }),
});
export const sandboxResponse = z.object({
  id: z.string(),
  state: z.enum(sandboxStates),
  runtime: z.enum(["local", "docker", "kubernetes"]),
  image: z.string().nullable(),
  workdir: z.string(),
  labels: z.record(z.string(), z.string()),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  lastActivityAt: isoTime,
  expiresAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  terminationReason: z.string().nullable(),
  terminationMessage: z.string().nullable(),
  limits: z.object({
    memoryBytes: z.number().nullable(),
    pids: z.number().nullable(),
    cpuMillis: z.number().nullable(),
  }),
  network: z.enum(["none", "host"]),
});
export const sandboxListResponse = z.object({ sandboxes: z.array(sandboxResponse) });
export const execRecordResponse = z.object({
  id: z.string(),
  sandboxId: z.string(),
  command: z.array(z.string()),
  tty: z.boolean(),
  state: z.enum(["running", "finished"]),
  startedAt: isoTime,
  endedAt: isoTime.nullable(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  reason: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export const execListResponse = z.object({ execs: z.array(execRecordResponse) });
export const runExecResponse = z.object({
  execId: z.string(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  reason: z.enum(["exit", "signal", "timeout", "oom", "killed"]),
  durationMs: z.number(),
  stdout: z.string(),
  stderr: z.string(),
  encoding: z.enum(["utf8", "base64"]),
  truncated: z.boolean(),
});
export const startExecResponse = z.object({ execId: z.string() });
export const fileEntryResponse = z.object({
  path: z.string(),
  name: z.string(),
  type: z.enum(["file", "directory", "symlink", "other"]),
  size: z.number(),
  mode: z.number(),
  modifiedAt: isoTime,
  linkTarget: z.string().optional(),
});
export const fileListResponse = z.object({ entries: z.array(fileEntryResponse) });
export const eventResponse = z.object({
  seq: z.number(),
  sandboxId: z.string(),
  type: z.string(),
  at: isoTime,
  data: z.record(z.string(), z.unknown()),
});
export const eventListResponse = z.object({ events: z.array(eventResponse) });
export const tokenResponse = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});
export const createdTokenResponse = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  token: z.string(),
});
export const tokenListResponse = z.object({ tokens: z.array(tokenResponse) });
export const infoResponse = z.object({
  version: z.string(),
  runtime: z.string(),
  capabilities: z.record(z.string(), z.unknown()),
});
export const healthResponse = z.object({ status: z.string(), checks: z.record(z.string(), z.unknown()).optional() });
