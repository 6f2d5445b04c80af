/**
 * Server configuration: parsed once from the environment (and flags) at start-up into a
 * typed object that is passed down. No other module reads `process.env`.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { C8sError } from "../errors/index.ts";

const bytes = z.coerce.number().int().positive();

export const configSchema = z
  .object({
    /** Data directory: store, blobs, sandboxes' workspaces, server.json. */
    home: z.string().min(1),
    host: z.string().min(1).default("127.0.0.1"),
    port: z.coerce.number().int().min(0).max(65535).default(7878),
    runtime: z.enum(["local", "docker", "kubernetes"]).default("local"),
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
        memoryBytes: bytes.default(512 * 1024 * 1024),
        pids: z.coerce.number().int().positive().default(256),
        cpuMillis: z.coerce.number().int().positive().default(1000),
        fileSizeBytes: bytes.default(1024 * 1024 * 1024),
      })
      .prefault({}),
    maxSandboxes: z.coerce.number().int().positive().default(500),
    /** Largest request body accepted by the API. */
    bodyLimitBytes: bytes.default(64 * 1024 * 1024),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
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
  .strict();

export type C8sConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

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
    webhooks: {
      githubSecret: env["C8S_GITHUB_WEBHOOK_SECRET"] || undefined,
      gitlabToken: env["C8S_GITLAB_WEBHOOK_TOKEN"] || undefined,
    },
  };
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return parseConfig({ ...raw, ...overrides });
}

export function parseConfig(input: unknown): C8sConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "(root)";
    throw new C8sError("CONFIG_INVALID", `invalid configuration: ${field}: ${issue?.message ?? "invalid"}`, {
      details: { field, issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
      hint: `Fix the C8S_* environment variable or flag for '${field}'.`,
    });
  }
  return parsed.data;
}
