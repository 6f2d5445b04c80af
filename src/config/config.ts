/**
 * Server configuration: parsed once from the environment (and flags) at start-up into a
 * typed object that is passed down. No other module reads `process.env`.
 */
import { availableParallelism, homedir, totalmem } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { CEILING_SETTINGS, type CeilingName, type SandboxCeilings } from "../engine/ceilings.ts";
import { C8sError } from "../errors/index.ts";
import { RUNTIME_NAMES } from "../runtimes/types.ts";

const bytes = z.coerce.number().int().positive();
const MiB = 1024 * 1024;
const HOUR_MS = 60 * 60 * 1000;
const DEFAULT_MEMORY_BYTES = 512 * MiB;

/**
 * The ceilings an installation gets when its operator sets none, from the host's size: half
 * its memory (never below the default sandbox's), one sandbox may use every core, 4096
 * processes, 10 GiB of disk, a day of lifetime, idleness or one exec.
 */
export function hostCeilings(host: { memoryBytes: number; cpus: number }): SandboxCeilings {
  return {
    memoryBytes: Math.max(DEFAULT_MEMORY_BYTES, Math.floor(host.memoryBytes / 2 / MiB) * MiB),
    pids: 4096,
    cpuMillis: Math.max(1, host.cpus) * 1000,
    diskBytes: 10 * 1024 * MiB,
    ttlMs: 24 * HOUR_MS,
    idleTimeoutMs: 24 * HOUR_MS,
    execTimeoutMs: 24 * HOUR_MS,
  };
}

const HOST_CEILINGS = hostCeilings({ memoryBytes: totalmem(), cpus: availableParallelism() });
const count = z.coerce.number().int().positive();
/** An on/off setting: a boolean, or `1`/`true`/`0`/`false` from the environment (anything else is refused). */
const onOff = z.preprocess(
  (v) => (v === "1" || v === "true" ? true : v === "0" || v === "false" ? false : v),
  z.boolean(),
);

/** The ceilings, each defaulting to the host-derived value; env C8S_MAX_* (see CEILING_SETTINGS). */
const maximaSchema = z
  .object({
    memoryBytes: bytes.default(HOST_CEILINGS.memoryBytes),
    pids: count.default(HOST_CEILINGS.pids),
    cpuMillis: count.default(HOST_CEILINGS.cpuMillis),
    diskBytes: bytes.default(HOST_CEILINGS.diskBytes),
    ttlMs: count.default(HOST_CEILINGS.ttlMs),
    idleTimeoutMs: count.default(HOST_CEILINGS.idleTimeoutMs),
    execTimeoutMs: count.default(HOST_CEILINGS.execTimeoutMs),
  })
  .strict()
  .prefault({});

export const configSchema = z
  .object({
    /** Data directory: store, blobs, sandboxes' workspaces, server.json. */
    home: z.string().min(1),
    host: z.string().min(1).default("127.0.0.1"),
    port: z.coerce.number().int().min(0).max(65535).default(7878),
    runtime: z.enum(RUNTIME_NAMES).default("local"),
    /** postgres://… to use PostgreSQL; unset = embedded PGlite under `home`. */
    databaseUrl: z.string().url().optional(),
    /** Opt-in to run sandboxes without bubblewrap isolation. Loudly labelled everywhere. */
    allowUnisolated: z.coerce.boolean().default(false),
    defaults: z
      .object({
        ttlMs: z.coerce
          .number()
          .int()
          .positive()
          .default(2 * 60 * 60 * 1000),
        idleTimeoutMs: z.coerce
          .number()
          .int()
          .positive()
          .default(30 * 60 * 1000),
        execTimeoutMs: z.coerce
          .number()
          .int()
          .positive()
          .default(10 * 60 * 1000),
        memoryBytes: bytes.default(DEFAULT_MEMORY_BYTES),
        pids: z.coerce.number().int().positive().default(256),
        cpuMillis: z.coerce.number().int().positive().default(1000),
        fileSizeBytes: bytes.default(1024 * 1024 * 1024),
        /** Disk quota of a sandbox's workspace and of its /tmp, each. */
        diskBytes: bytes.default(1024 * 1024 * 1024),
      })
      .prefault({}),
    /** Installation-wide ceilings on what one sandbox or exec may ask for (C8S_MAX_*). */
    maxima: maximaSchema,
    /**
     * Runs may clone local paths, file://, http://, git:// and private or loopback hosts
     * (C8S_ALLOW_LOCAL_REPOS, `c8s serve --allow-local-repos`): for local development only.
     */
    allowLocalRepos: onOff.default(false),
    /** Who may create sandboxes with `network: "host"` (C8S_ALLOW_HOST_NETWORK). */
    hostNetwork: z.enum(["admins", "never"]).default("admins"),
    maxSandboxes: z.coerce.number().int().positive().default(500),
    /** Most warm-pool sandboxes over every template at once (C8S_MAX_POOLED; 0 turns pools off; docs/pools.md). */
    maxPooled: z.coerce.number().int().min(0).default(16),
    /**
     * Requests per token (unauthenticated ones: per remote address), a token bucket:
     * `requestsPerSecond` refill, `burst` capacity; 0 requests per second disables it
     * (C8S_RATE_LIMIT_RPS, C8S_RATE_LIMIT_BURST).
     */
    rateLimit: z
      .object({
        requestsPerSecond: z.coerce.number().min(0).default(50),
        burst: z.coerce.number().int().positive().default(200),
      })
      .strict()
      .prefault({}),
    /**
     * Every team's quotas unless the team has its own (C8S_TEAM_MAX_SANDBOXES,
     * C8S_TEAM_MAX_MEMORY_BYTES, C8S_TEAM_MAX_CPU_MILLIS, C8S_TEAM_MAX_RUNS,
     * C8S_TEAM_MAX_STORED_BYTES); unset: none.
     */
    teamQuotas: z
      .object({
        maxSandboxes: count.optional(),
        maxMemoryBytes: bytes.optional(),
        maxCpuMillis: count.optional(),
        maxRuns: count.optional(),
        /** What a team's runs keep on disk (artifacts and step logs), checked at submit. */
        maxStoredBytes: bytes.optional(),
      })
      .strict()
      .prefault({}),
    /**
     * Sessions (issue 12): per-session file limits (C8S_SESSION_MAX_FILES, C8S_SESSION_MAX_BYTES,
     * C8S_SESSION_MAX_FILE_BYTES — content is stored inline, so one file is capped at 1 MiB by
     * default) and the lifetimes a session gets unless it asks for its own (within the maxima).
     */
    sessions: z
      .object({
        maxFiles: count.default(10_000),
        maxBytes: bytes.default(256 * MiB),
        maxFileBytes: bytes.max(64 * MiB).default(MiB),
        idleTimeoutMs: count.default(30 * 60 * 1000),
        maxLifetimeMs: count.default(2 * HOUR_MS),
        /** The longest idle timeout and lifetime a session may ask for. */
        maxIdleTimeoutMs: count.default(24 * HOUR_MS),
        maxMaxLifetimeMs: count.default(7 * 24 * HOUR_MS),
        /** How often idle sessions are looked for (their sandbox synced and stopped). */
        sweepIntervalMs: count.default(15_000),
      })
      .strict()
      .prefault({}),
    /** Audit entries older than this many days are deleted (C8S_AUDIT_RETENTION_DAYS); 0 keeps them forever. */
    auditRetentionDays: z.coerce.number().int().min(0).max(36_500).default(90),
    /**
     * Run artifacts are deleted this many days after their run finished
     * (C8S_ARTIFACT_RETENTION_DAYS); 0 keeps them forever. Step logs are kept.
     */
    artifactRetentionDays: z.coerce.number().int().min(0).max(36_500).default(30),
    /** Largest buffered request body accepted by the API (JSON is capped lower; stdin chunks). */
    bodyLimitBytes: bytes.default(64 * 1024 * 1024),
    /** Largest file or tar upload (streamed and spooled to disk, not memory; C8S_UPLOAD_LIMIT). */
    uploadLimitBytes: bytes.default(1024 * 1024 * 1024),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /**
     * Where run artifacts and finished step logs go: `fs` (default, `<home>/blobs`) or an
     * S3-compatible bucket (C8S_BLOB_STORE=s3 and C8S_S3_*; `s3` is implied by C8S_S3_BUCKET).
     * The credentials may come from the AWS SDK's chain instead (AWS_* variables, a role). Never logged.
     */
    blobs: z
      .object({
        backend: z.enum(["fs", "s3"]).default("fs"),
        s3: z
          .object({
            bucket: z.string().min(3).max(63).optional(),
            prefix: z
              .string()
              .max(256)
              .regex(/^([A-Za-z0-9._-]+\/)*$/, "a prefix of path segments, each followed by '/' (e.g. c8s/)")
              .default(""),
            endpoint: z.url().optional(),
            region: z.string().min(1).default("us-east-1"),
            accessKeyId: z.string().min(1).optional(),
            secretAccessKey: z.string().min(1).optional(),
            forcePathStyle: onOff.optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({})
      .superRefine((blobs, ctx) => {
        if (blobs.backend === "s3" && blobs.s3.bucket === undefined)
          ctx.addIssue({ code: "custom", path: ["s3", "bucket"], message: "C8S_BLOB_STORE=s3 needs C8S_S3_BUCKET" });
        if ((blobs.s3.accessKeyId === undefined) !== (blobs.s3.secretAccessKey === undefined))
          ctx.addIssue({
            code: "custom",
            path: ["s3", "secretAccessKey"],
            message: "give both C8S_S3_ACCESS_KEY_ID and C8S_S3_SECRET_ACCESS_KEY, or neither (the AWS SDK's chain)",
          });
      }),
    /**
     * The secrets key, the same on every replica of one database (never logged): base64 of
     * 32 bytes (C8S_SECRETS_KEY) or a file holding it (C8S_SECRETS_KEY_FILE); unset: the
     * generated `<home>/secrets.key`. `previousKey` (C8S_SECRETS_KEY_PREVIOUS) still opens
     * values during a rotation (docs/security.md, "The secrets key").
     */
    secrets: z
      .object({
        key: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
        previousKey: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    /**
     * This replica's lease in the store (C8S_LEASE_MS): renewed every third of it; another
     * replica adopts this one's runs and sandboxes once it has expired.
     */
    leaseMs: z.coerce.number().int().min(300).max(600_000).default(15_000),
    /** Webhook credentials; unset: that webhook route answers 401. Never logged. */
    webhooks: z
      .object({
        /** HMAC key of GitHub's X-Hub-Signature-256 (C8S_GITHUB_WEBHOOK_SECRET). */
        githubSecret: z.string().min(1).optional(),
        /** GitLab's X-Gitlab-Token value (C8S_GITLAB_WEBHOOK_TOKEN). */
        gitlabToken: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    // A default above its ceiling would make every plain request fail: refuse the configuration.
    for (const name of Object.keys(CEILING_SETTINGS) as CeilingName[]) {
      const value = config.defaults[name];
      const ceiling = config.maxima[name];
      if (value > ceiling)
        ctx.addIssue({
          code: "custom",
          path: ["defaults", name],
          message: `the default ${value} is above the ceiling maxima.${name} = ${ceiling} (${CEILING_SETTINGS[name]}); lower the default or raise the ceiling`,
        });
    }
  });

export type C8sConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** The environment variable of each installation-wide team quota. */
export const TEAM_QUOTA_SETTINGS = {
  maxSandboxes: "C8S_TEAM_MAX_SANDBOXES",
  maxMemoryBytes: "C8S_TEAM_MAX_MEMORY_BYTES",
  maxCpuMillis: "C8S_TEAM_MAX_CPU_MILLIS",
  maxRuns: "C8S_TEAM_MAX_RUNS",
  maxStoredBytes: "C8S_TEAM_MAX_STORED_BYTES",
} as const;

/** The environment variable of each session setting. */
export const SESSION_SETTINGS = {
  maxFiles: "C8S_SESSION_MAX_FILES",
  maxBytes: "C8S_SESSION_MAX_BYTES",
  maxFileBytes: "C8S_SESSION_MAX_FILE_BYTES",
  idleTimeoutMs: "C8S_SESSION_IDLE_TIMEOUT_MS",
  maxLifetimeMs: "C8S_SESSION_MAX_LIFETIME_MS",
} as const;

/** Reads C8S_* variables. Pass `process.env` from the entry point only. */
export function configFromEnv(env: NodeJS.ProcessEnv, overrides: Partial<ConfigInput> = {}): C8sConfig {
  const raw: Record<string, unknown> = {
    home: env["C8S_HOME"] ?? join(homedir(), ".c8s"),
    host: env["C8S_HOST"],
    port: env["C8S_PORT"],
    runtime: env["C8S_RUNTIME"],
    databaseUrl: env["C8S_DATABASE_URL"] || undefined,
    allowUnisolated: env["C8S_ALLOW_UNISOLATED"] === "1" || env["C8S_ALLOW_UNISOLATED"] === "true" ? true : undefined,
    logLevel: env["C8S_LOG_LEVEL"],
    hostNetwork: env["C8S_ALLOW_HOST_NETWORK"] || undefined,
    uploadLimitBytes: env["C8S_UPLOAD_LIMIT"] || undefined,
    allowLocalRepos: env["C8S_ALLOW_LOCAL_REPOS"] || undefined,
    auditRetentionDays: env["C8S_AUDIT_RETENTION_DAYS"] || undefined,
    artifactRetentionDays: env["C8S_ARTIFACT_RETENTION_DAYS"] || undefined,
    maxPooled: env["C8S_MAX_POOLED"] || undefined,
    maxima: maximaFromEnv(env),
    teamQuotas: Object.fromEntries(
      Object.entries(TEAM_QUOTA_SETTINGS).flatMap(([name, setting]) => (env[setting] ? [[name, env[setting]]] : [])),
    ),
    sessions: Object.fromEntries(
      Object.entries(SESSION_SETTINGS).flatMap(([name, setting]) => (env[setting] ? [[name, env[setting]]] : [])),
    ),
    rateLimit: {
      requestsPerSecond: env["C8S_RATE_LIMIT_RPS"] || undefined,
      burst: env["C8S_RATE_LIMIT_BURST"] || undefined,
    },
    blobs: {
      backend: env["C8S_BLOB_STORE"] || (env["C8S_S3_BUCKET"] ? "s3" : undefined),
      s3: {
        bucket: env["C8S_S3_BUCKET"] || undefined,
        prefix: env["C8S_S3_PREFIX"] || undefined,
        endpoint: env["C8S_S3_ENDPOINT"] || undefined,
        region: env["C8S_S3_REGION"] || undefined,
        accessKeyId: env["C8S_S3_ACCESS_KEY_ID"] || undefined,
        secretAccessKey: env["C8S_S3_SECRET_ACCESS_KEY"] || undefined,
        forcePathStyle: env["C8S_S3_FORCE_PATH_STYLE"] || undefined,
      },
    },
    leaseMs: env["C8S_LEASE_MS"] || undefined,
    secrets: Object.fromEntries(
      (
        [
          ["key", "C8S_SECRETS_KEY"],
          ["keyFile", "C8S_SECRETS_KEY_FILE"],
          ["previousKey", "C8S_SECRETS_KEY_PREVIOUS"],
        ] as const
      ).flatMap(([name, setting]) => (env[setting] ? [[name, env[setting]]] : [])),
    ),
    webhooks: {
      githubSecret: env["C8S_GITHUB_WEBHOOK_SECRET"] || undefined,
      gitlabToken: env["C8S_GITLAB_WEBHOOK_TOKEN"] || undefined,
    },
  };
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return parseConfig({ ...raw, ...overrides });
}

function maximaFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const maxima: Record<string, string> = {};
  for (const [name, setting] of Object.entries(CEILING_SETTINGS)) {
    const value = env[setting];
    if (value !== undefined && value !== "") maxima[name] = value;
  }
  return maxima;
}

function settingFor(field: string): string | undefined {
  const [group, name] = field.split(".");
  if (group === "maxima" && name !== undefined && Object.hasOwn(CEILING_SETTINGS, name))
    return `${CEILING_SETTINGS[name as CeilingName]} setting`;
  if (group === "hostNetwork") return "C8S_ALLOW_HOST_NETWORK setting";
  if (group === "uploadLimitBytes") return "C8S_UPLOAD_LIMIT setting";
  if (group === "teamQuotas" && name !== undefined && Object.hasOwn(TEAM_QUOTA_SETTINGS, name))
    return `${TEAM_QUOTA_SETTINGS[name as keyof typeof TEAM_QUOTA_SETTINGS]} setting`;
  if (group === "rateLimit") return name === "burst" ? "C8S_RATE_LIMIT_BURST setting" : "C8S_RATE_LIMIT_RPS setting";
  if (group === "auditRetentionDays") return "C8S_AUDIT_RETENTION_DAYS setting (days, 0 = keep forever)";
  if (group === "artifactRetentionDays") return "C8S_ARTIFACT_RETENTION_DAYS setting (days, 0 = keep forever)";
  if (group === "leaseMs") return "C8S_LEASE_MS setting (milliseconds)";
  if (group === "secrets") return "C8S_SECRETS_KEY / C8S_SECRETS_KEY_FILE / C8S_SECRETS_KEY_PREVIOUS setting";
  if (group === "maxPooled") return "C8S_MAX_POOLED setting (a count, 0 = no warm pools)";
  if (group === "allowLocalRepos") return "C8S_ALLOW_LOCAL_REPOS setting (1 or 0)";
  if (group === "blobs") return name === "backend" ? "C8S_BLOB_STORE setting (fs or s3)" : "C8S_S3_* settings";
  return undefined;
}

export function parseConfig(input: unknown): C8sConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "(root)";
    throw new C8sError("CONFIG_INVALID", `invalid configuration: ${field}: ${issue?.message ?? "invalid"}`, {
      details: { field, issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
      hint: `Fix the ${settingFor(field) ?? "C8S_* environment variable or flag"} for '${field}'.`,
    });
  }
  return parsed.data;
}
