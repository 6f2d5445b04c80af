/**
 * zod schemas for the engine's public inputs. The engine validates with them at its edge;
 * the HTTP server reuses them for request bodies and the OpenAPI document. Every object is
 * strict: an unknown field is rejected with the field named.
 */
import { z } from "zod";
import { C8sError } from "../errors/index.ts";

const SIGNALS = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGKILL",
  "SIGTERM",
  "SIGUSR1",
  "SIGUSR2",
  "SIGSTOP",
  "SIGCONT",
  "SIGPIPE",
  "SIGALRM",
] as const;

export const signalSchema = z.enum(SIGNALS);

/** POSIX-ish environment variable names; values are any string without NUL. */
export const envSchema = z.record(
  z
    .string()
    .min(1)
    .max(256)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment variable names are letters, digits and _"),
  z
    .string()
    .max(128 * 1024)
    .refine((v) => !v.includes("\0"), "environment values may not contain NUL"),
);

export const labelsSchema = z.record(
  z
    .string()
    .min(1)
    .max(63)
    .regex(/^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/, "label keys are letters, digits, '.', '_', '-', '/'"),
  z.string().max(253),
);

export const ttySizeSchema = z.strictObject({
  rows: z.number().int().min(1).max(1000),
  cols: z.number().int().min(1).max(1000),
});

const DAY_MS = 24 * 60 * 60 * 1000;

export const limitsInputSchema = z.strictObject({
  memoryBytes: z
    .number()
    .int()
    .min(4 * 1024 * 1024)
    .max(1024 ** 4)
    .optional(),
  pids: z.number().int().min(8).max(1_000_000).optional(),
  cpuMillis: z.number().int().min(10).max(1_000_000).optional(),
  /** Quota of the workspace and of /tmp, each (ENOSPC past it). */
  diskBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(1024 ** 4)
    .optional(),
});

const sandboxPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((v) => !v.includes("\0"), "paths may not contain NUL");

/** A template's name: lower-case letters, digits, '.', '_', '-' (unique in its team). */
export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const templateNameSchema = z
  .string()
  .regex(TEMPLATE_NAME, "a template name is lower-case letters, digits, '.', '_' and '-' (at most 63)");

export const createSandboxSchema = z.strictObject({
  template: templateNameSchema.optional(),
  image: z.string().min(1).max(1024).optional(),
  env: envSchema.optional(),
  labels: labelsSchema.optional(),
  ttlMs: z
    .number()
    .int()
    .min(1000)
    .max(30 * DAY_MS)
    .optional(),
  idleTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(30 * DAY_MS)
    .optional(),
  network: z.enum(["none", "host"]).optional(),
  limits: limitsInputSchema.optional(),
  workdir: sandboxPath.refine((v) => v.startsWith("/"), "workdir must be an absolute path").optional(),
});

/** What a template presets: the create request's sandbox fields (labels are the claimant's). */
export const templateSpecSchema = createSandboxSchema.omit({ template: true, labels: true });

/** A template's warm pool: `min` kept started, up to `max` under demand (docs/pools.md). */
export const templatePoolSchema = z
  .strictObject({
    min: z.number().int().min(0).max(256),
    max: z.number().int().min(0).max(256).optional(),
  })
  .refine((p) => p.max === undefined || p.max >= p.min, {
    message: "pool.max must be at least pool.min",
    path: ["max"],
  })
  .transform((p) => ({ min: p.min, max: p.max ?? p.min }));

export const commandSchema = z
  .array(
    z
      .string()
      .max(128 * 1024)
      .refine((v) => !v.includes("\0"), "arguments may not contain NUL"),
  )
  .min(1, "command needs at least the program")
  .max(4096)
  .refine((argv) => (argv[0] ?? "").length > 0, "the program (command[0]) may not be empty");

const execFields = {
  command: commandSchema,
  env: envSchema.optional(),
  cwd: sandboxPath.optional(),
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .max(7 * DAY_MS)
    .optional(),
};

/** A background/streamed exec (`POST /execs`, the WebSocket start message). */
export const execInputSchema = z.strictObject({
  ...execFields,
  tty: ttySizeSchema.optional(),
  stdin: z.boolean().optional(),
});

/** A request/response exec (`POST /exec`): stdin given whole as utf8 or base64. */
export const runExecBodySchema = z
  .strictObject({
    ...execFields,
    stdin: z.string().optional(),
    stdinBase64: z.string().base64().optional(),
  })
  .refine((v) => v.stdin === undefined || v.stdinBase64 === undefined, {
    message: "give stdin or stdinBase64, not both",
    path: ["stdinBase64"],
  });

export const killExecSchema = z.strictObject({ signal: signalSchema.optional() });

export const mkdirSchema = z.strictObject({ path: sandboxPath, recursive: z.boolean().optional() });

export const sandboxStateSchema = z.enum(["creating", "running", "stopping", "terminated"]);

/** What a sandbox is for (`SandboxPurpose` in store/types.ts). */
export const sandboxPurposeSchema = z.enum(["sandbox", "step", "service", "session", "agent"]);

export const listSandboxesSchema = z.strictObject({
  state: z.array(sandboxStateSchema).optional(),
  purpose: z.array(sandboxPurposeSchema).optional(),
  runId: z.string().min(1).max(128).optional(),
  teamId: z.string().min(1).max(128).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

export const eventsQuerySchema = z.strictObject({
  afterSeq: z.number().int().min(0).optional(),
  sandboxId: z.string().min(1).max(128).optional(),
});

/** Parses `input` or throws VALIDATION_FAILED naming the first offending field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const keys = issue && issue.code === "unrecognized_keys" ? issue.keys : [];
  const path = [...(issue?.path ?? []), ...(keys.length > 0 ? [keys[0] as string] : [])].map(String);
  const field = path.length > 0 ? path.join(".") : "(body)";
  throw new C8sError("VALIDATION_FAILED", `invalid ${what}: ${field}: ${issue?.message ?? "invalid"}`, {
    details: {
      field,
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    },
    hint: `Fix '${field}' in the ${what} and retry.`,
  });
}
