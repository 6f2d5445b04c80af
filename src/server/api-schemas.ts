/**
 * zod schemas of the HTTP API: request bodies, queries and path parameters (parsed at the
 * edge, strict: unknown fields are rejected), and the response shapes (for /openapi.json).
 * Sandbox and exec inputs are the engine's own schemas (`engine/schemas.ts`), so the API
 * and the engine cannot disagree about what a valid request is.
 */
import { z } from "zod";
import {
  sandboxPurposeSchema,
  createSandboxSchema,
  execInputSchema,
  killExecSchema,
  mkdirSchema,
  runExecBodySchema,
  sandboxStateSchema,
  signalSchema,
  ttySizeSchema,
} from "../engine/schemas.ts";
import { RUNTIME_NAMES } from "../runtimes/types.ts";
import { TOKEN_ROLES, type TokenRole } from "../store/types.ts";
import { SCOPES } from "./access.ts";

export { signalSchema, ttySizeSchema };

const MAX_ID = 200;
const queryBool = z.enum(["true", "false"]).transform((v) => v === "true");
const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a non-negative integer")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const sandboxStates = sandboxStateSchema.options;
// ---------- path parameters ----------
export const sandboxParams = z.object({ id: z.string().min(1).max(MAX_ID) }).strict();
export const execParams = z
  .object({ id: z.string().min(1).max(MAX_ID), execId: z.string().min(1).max(MAX_ID) })
  .strict();
export const tokenParams = z.object({ id: z.string().min(1).max(MAX_ID) }).strict();

// ---------- sandboxes ----------
export const createSandboxBody = createSandboxSchema;

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
    purpose: z
      .string()
      .transform((s) => s.split(","))
      .pipe(z.array(sandboxPurposeSchema))
      .optional()
      .describe("Comma-separated purposes: sandbox, step, service, session, agent."),
    run: z.string().min(1).max(128).optional().describe("Only the sandboxes of this pipeline run."),
    team: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe("Installation admins: only this team's (others see their own team's only)."),
    limit: queryInt(1, 1000).optional(),
  })
  .strict();

// ---------- exec ----------
export const runExecBody = runExecBodySchema;
export const runExecQuery = z.object({ encoding: z.enum(["utf8", "base64"]).optional() }).strict();

export const startExecBody = execInputSchema;
export const killExecBody = killExecSchema;
export const stdinQuery = z.object({ eof: queryBool.optional() }).strict();
export const attachQuery = z
  .object({ cursor: queryInt(0, Number.MAX_SAFE_INTEGER).optional(), access_token: z.string().optional() })
  .strict();
export const streamQuery = z.object({ access_token: z.string().optional() }).strict();

/** Client → server WebSocket frames. */
export const streamStartMessage = z.strictObject({ type: z.literal("start"), ...execInputSchema.shape });
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
export const mkdirBody = mkdirSchema;

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
/** `admin` and `sandboxes` are the scopes of before teams: they name the roles `admin` and `member`. */
export const LEGACY_SCOPES = ["admin", "sandboxes"] as const;
export const TOKEN_SCOPES = [...LEGACY_SCOPES, ...SCOPES] as const;
export const TEAM_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const teamName = z.string().regex(TEAM_NAME, "a team name is lower-case letters, digits and '-' (at most 63)");
export const createTokenBody = z
  .object({
    name: z.string().min(1).max(100),
    team: teamName.optional().describe("The token's team; default: the caller's."),
    role: z
      .enum(TOKEN_ROLES as [TokenRole, ...TokenRole[]])
      .optional()
      .describe("Default member (or from legacy scopes)."),
    scopes: z
      .array(z.enum(TOKEN_SCOPES))
      .min(1)
      .optional()
      .describe("Narrower scopes than the role's; `admin`/`sandboxes` (legacy) name a role."),
    expiresIn: z
      .string()
      .regex(/^\d{1,6}[smhd]$/, "a duration such as 3600s, 45m, 12h or 30d")
      .optional()
      .describe("Lifetime (30d, 12h, …); default: never expires."),
  })
  .strict();
/** A quota; `max` is the column's range (counts are 32-bit integers in the store). */
const quota = (what: string, max = Number.MAX_SAFE_INTEGER) =>
  z.number().int().positive().max(max).nullable().optional().describe(`${what}; null: the installation's default.`);
const INT32_MAX = 2_147_483_647;
export const teamQuotasBody = z
  .object({
    maxSandboxes: quota("Active sandboxes of the team at once (steps and services of its runs count)", INT32_MAX),
    maxMemoryBytes: quota("The memory limits of its active sandboxes, summed, in bytes"),
    maxCpuMillis: quota("The CPU limits of its active sandboxes, summed (1000 = one core)", INT32_MAX),
    maxRuns: quota("Its pipeline runs executing at once (more wait queued)", INT32_MAX),
    maxStoredBytes: quota(
      "What its runs keep on disk (artifacts and step logs), in bytes; a submit at or over it is refused",
    ),
  })
  .strict();
export const createTeamBody = z.object({ name: teamName, quotas: teamQuotasBody.optional() }).strict();
export const updateTeamBody = z.object({ quotas: teamQuotasBody }).strict();
export const teamParams = z.object({ id: teamName }).strict();
const quotaValues = z.object({
  maxSandboxes: z.number().nullable(),
  maxMemoryBytes: z.number().nullable(),
  maxCpuMillis: z.number().nullable(),
  maxRuns: z.number().nullable(),
  maxStoredBytes: z.number().nullable(),
});
export const teamResponse = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  quotas: quotaValues.describe("The team's own quotas; null: the installation's default."),
  effectiveQuotas: quotaValues.describe("What applies: the team's own, else the installation's default; null: none."),
});
export const teamDetailsResponse = teamResponse.extend({
  usage: z
    .object({
      sandboxes: z.number(),
      memoryBytes: z.number(),
      cpuMillis: z.number(),
      runs: z.number(),
      storedBytes: z.number(),
    })
    .describe(
      "Its active sandboxes (every purpose), their memory and CPU limits summed, its runs executing, and the bytes its runs keep on disk (artifacts and step logs).",
    ),
});
export const teamListResponse = z.object({ teams: z.array(teamResponse) });
/** A run submit's 429: the rate limit, or the team's stored-bytes quota. */
export const STORED_QUOTA =
  "RATE_LIMITED, or QUOTA_EXCEEDED (quota storedBytes): the team's runs already keep its maxStoredBytes of artifacts and logs.";

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
  runtime: z.enum(RUNTIME_NAMES),
  image: z.string().nullable(),
  workdir: z.string(),
  labels: z.record(z.string(), z.string()),
  team: z.string().describe("The team it belongs to."),
  purpose: sandboxPurposeSchema,
  runId: z.string().nullable().describe("The pipeline run a step or service sandbox belongs to."),
  step: z.string().nullable().describe("The step (or service) of that run."),
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
    diskBytes: z.number().nullable(),
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
  reason: z.enum(["exit", "signal", "timeout", "oom", "disk", "killed"]),
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
  team: z.string(),
  role: z.enum(TOKEN_ROLES as [TokenRole, ...TokenRole[]]),
  scopes: z.array(z.string()).describe("What the token may do: its role's scopes, narrowed."),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  expiresAt: isoTime.nullable(),
});
export const createdTokenResponse = tokenResponse.extend({ token: z.string().describe("Shown once, never again.") });
export const tokenListResponse = z.object({ tokens: z.array(tokenResponse) });
export const infoResponse = z.object({
  version: z.string(),
  runtime: z.string(),
  capabilities: z.record(z.string(), z.unknown()),
});
export const healthResponse = z.object({ status: z.string(), checks: z.record(z.string(), z.unknown()).optional() });
