/**
 * The composition root: config in, a running c8s out. Opens the store, creates the runtime
 * the config names, starts the engine (which reconciles what a crash left behind), builds the
 * HTTP server and listens, then writes `$C8S_HOME/server.json` and `credentials.json`.
 * Each process holds a replica lease in the store (`server/replica-lease.ts`): several
 * servers on one PostgreSQL recover only the work of replicas whose lease expired.
 * `c8s serve` calls `startC8s` and handles SIGINT/SIGTERM by calling `close()`.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, realpath, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { type BlobStore, FsBlobStore } from "./blobs/index.ts";
import { readCredentials, writeCredentials } from "./cli/credentials.ts";
import type { C8sConfig } from "./config/config.ts";
import { effectiveQuotas, SandboxEngine, systemClock, type TeamQuotaSource } from "./engine/index.ts";
import type { LocalRuntimeOptions } from "./runtimes/local/index.ts";
import { createRuntimeFor } from "./runtime-factory.ts";
import { startAuditRetention } from "./server/audit-retention.ts";
import { acquireReplicaLease } from "./server/replica-lease.ts";
import { startArtifactRetention } from "./pipelines/service/artifact-retention.ts";
import { ensureAdminToken } from "./server/auth.ts";
import { BrowserSessions } from "./server/browser-sessions.ts";
import { registerDashboard } from "./dashboard/index.ts";
import { createLogger, type LogFormat } from "./server/logger.ts";
import { buildServer } from "./server/server.ts";
import { openStore } from "./store/index.ts";
import { type PipelineSettings, startPipelines } from "./server/routes/runs-wiring.ts";
import { registerSessionRoutes } from "./server/routes/sessions.ts";
import { SessionService } from "./sessions/session-service.ts";
import type { Store } from "./store/types.ts";

export interface StartOptions {
  /** A pino-compatible logger; default: Fastify's pino at `config.logLevel`. */
  logger?: FastifyBaseLogger;
  /** Without `logger`: the format of the default logger's lines on stderr (default json) and whether `pretty` colours them. */
  logFormat?: LogFormat;
  logColor?: boolean;
  /** Reported by /v1/info and /openapi.json; default: package.json's version. */
  version?: string;
  /** Extra options for the local runtime (tests share a supervisor build cache). */
  localRuntime?: Partial<LocalRuntimeOptions>;
  /** Pipeline runs: webhook secrets, queue limits. */
  pipelines?: PipelineSettings;
  /** The entry point's environment, for runtime settings (DOCKER_HOST, KUBECONFIG, C8S_KUBERNETES_*). */
  env?: NodeJS.ProcessEnv;
  /** PostgreSQL only: keep every table in this schema (tests isolate a server with it). */
  storeSchema?: string;
}

export interface RunningC8s {
  /** Where clients reach it, with the real port when `port` was 0. */
  url: string;
  port: number;
  /** The admin token, only on the first start of this home (it is stored hashed). */
  adminToken: string | undefined;
  /** The Fastify instance (for tests that want `inject()`). */
  server: FastifyInstance;
  /** Graceful shutdown: stop accepting, close streams, stop the engine, close runtime and store. */
  close(): Promise<void>;
}

async function packageVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/**
 * This instance's owner label: stable across restarts of the same home on the same host, so
 * the start-up reconciliation finds (and removes) what a crashed predecessor left running.
 * A random id kept in the home (`instance-id`) is part of it: two containers with the same
 * hostname and home path (host networking, a fixed `hostname:`) but their own volumes get
 * different labels, so on one Docker daemon or cluster neither takes the other's sandboxes.
 */
export async function ownerLabel(home: string): Promise<string> {
  const file = join(home, "instance-id");
  await writeFile(file, `${randomBytes(12).toString("hex")}\n`, { mode: 0o600, flag: "wx" }).catch((error) => {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  });
  const id = (await readFile(file, "utf8")).trim();
  const where = `${hostname()}:${await realpath(home)}:${id}`;
  return `c8s-${createHash("sha256").update(where).digest("hex").slice(0, 16)}`;
}

/** The owner label before `instance-id` (a home's sandboxes from before the upgrade carry it). */
export async function legacyOwnerLabel(home: string): Promise<string> {
  const where = `${hostname()}:${await realpath(home)}`;
  return `c8s-${createHash("sha256").update(where).digest("hex").slice(0, 16)}`;
}

async function writeJsonAtomic(path: string, value: unknown, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode });
  await rename(tmp, path);
}

/** `http://host:port` as a client on this machine reaches it. */
export function clientUrl(host: string, port: number): string {
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

export async function startC8s(config: C8sConfig, options: StartOptions = {}): Promise<RunningC8s> {
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  const version = options.version ?? (await packageVersion());
  const cleanups: Array<() => Promise<void>> = [];
  const unwind = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const store: Store = await openStore({
      databaseUrl: config.databaseUrl,
      dataDir: join(config.home, "store"),
      schema: options.storeSchema,
    });
    cleanups.push(() => store.close());
    const adminToken = (await ensureAdminToken(store)) ?? undefined;

    const log =
      options.logger ??
      createLogger(config.logLevel, { format: options.logFormat ?? "json", color: options.logColor === true });
    const owner = await ownerLabel(config.home);
    // Before the engine's reconciliation: refuses a second live server on this home, so what
    // it reconciles as this owner's is a dead predecessor's. Released last, after the runs.
    const lease = await acquireReplicaLease({ store, owner, leaseMs: config.leaseMs, logger: log });
    cleanups.push(() => lease.release());
    const runtime = await createRuntimeFor({
      config,
      env: options.env ?? {},
      owner,
      logger: {
        warn: (message, data) => log.warn(data ?? {}, message),
        info: (message, data) => log.info(data ?? {}, message),
      },
      local: options.localRuntime,
    });
    cleanups.push(() => runtime.close());
    // Read on every create and dispatch: a quota an admin changes applies at once.
    const teamQuotas: TeamQuotaSource = async (teamId) =>
      effectiveQuotas((await store.teams.get(teamId))?.quotas ?? null, config.teamQuotas);
    const engine = new SandboxEngine({
      store,
      runtime,
      owner,
      defaults: config.defaults,
      policy: { maxima: config.maxima, hostNetwork: config.hostNetwork },
      maxSandboxes: config.maxSandboxes,
      teamQuotas,
      templates: store.templates,
      maxPooled: config.maxPooled,
      clock: systemClock,
      logger: log,
    });
    const report = await engine.start();
    // What a crash left before this home had an instance-id (labelled the old way).
    const legacy = await engine.adoptOwner(await legacyOwnerLabel(config.home));
    log.info({ report, legacy }, "reconciled sandboxes left by a previous run");
    cleanups.push(() => engine.close());

    // Sessions: files in the store, a disposable sandbox; closed before the engine (it syncs and stops their sandboxes).
    const sessions = new SessionService({
      store,
      sandboxes: engine,
      settings: config.sessions,
      resources: {
        memoryBytes: config.defaults.memoryBytes,
        pids: config.defaults.pids,
        cpuMillis: config.defaults.cpuMillis,
        fileSizeBytes: config.defaults.fileSizeBytes,
        diskBytes: config.defaults.diskBytes,
      },
      ceilings: config.maxima,
      clock: systemClock,
      logger: log,
      sweepIntervalMs: config.sessions.sweepIntervalMs,
    });
    cleanups.push(() => sessions.close());

    // Artifacts and finished step logs: one BlobStore — on the filesystem beside the store's
    // data, or an S3-compatible bucket (shared by every replica).
    const blobs = await openBlobStore(config);
    cleanups.push(async () => blobs.close?.());
    const pipelines = await startPipelines({
      githubWebhookSecret: config.webhooks.githubSecret,
      gitlabWebhookSecret: config.webhooks.gitlabToken,
      ...options.pipelines,
      store,
      sandboxes: engine,
      home: config.home,
      blobs,
      limits: {
        memoryBytes: config.defaults.memoryBytes,
        pids: config.defaults.pids,
        cpuMillis: config.defaults.cpuMillis,
        fileSizeBytes: config.defaults.fileSizeBytes,
        diskBytes: config.defaults.diskBytes,
      },
      ceilings: config.maxima,
      teamQuotas,
      clonePolicy: { allowLocal: config.allowLocalRepos },
      jsonBodyLimit: Math.min(8 * 1024 * 1024, config.bodyLimitBytes),
      logger: log,
      replicaId: lease.id,
      secretsKey: config.secrets,
    });
    cleanups.push(() => pipelines.close());
    // Heartbeats; each beat adopts replicas whose lease expired (their sandboxes end
    // interrupted, their runs fail as interrupted) and dispatches runs queued elsewhere.
    lease.run({
      adopt: async (dead) => {
        const live = (await store.replicas.list()).some((r) => r.live && r.owner === dead.owner);
        // A live server on the dead one's home (it restarted) reconciles those sandboxes itself.
        const report = live ? null : await engine.adoptOwner(dead.owner);
        log.warn({ replica: dead.id, report }, "adopted the work of a replica whose lease expired");
      },
      after: async () => {
        await pipelines.service.recoverOrphans();
      },
      lost: () => pipelines.service.abortActive(),
    });
    cleanups.push(() => lease.stopAdopting());

    const retention = startAuditRetention(store.audit, { retentionDays: config.auditRetentionDays, logger: log });
    cleanups.push(() => retention.stop());
    const artifactRetention = startArtifactRetention(
      { runs: store.runs, storage: pipelines.service.storage },
      { retentionDays: config.artifactRetentionDays, logger: log },
    );
    cleanups.push(() => artifactRetention.stop());

    const browserSessions = new BrowserSessions();
    const server = buildServer({
      engine,
      store,
      config,
      version,
      logger: log,
      subscribeEvents: (listener) => engine.onEvent(listener),
      browserSessions,
    });
    cleanups.push(() => server.close());
    await pipelines.registerRoutes(server);
    await server.register((scope) =>
      registerSessionRoutes(scope, {
        sessions,
        registry: server.c8sRoutes,
        jsonBodyLimit: Math.min(8 * 1024 * 1024, config.bodyLimitBytes),
        maxFileBytes: config.sessions.maxFileBytes,
      }),
    );
    await registerDashboard(server, { store, sessions: browserSessions });
    await server.listen({ host: config.host, port: config.port });
    const address = server.server.address();
    const port = typeof address === "object" && address !== null ? address.port : config.port;
    const url = clientUrl(config.host, port);

    await writeJsonAtomic(
      join(config.home, "server.json"),
      { url, pid: process.pid, version, runtime: config.runtime, startedAt: new Date().toISOString() },
      0o644,
    );
    const credentialsFile = join(config.home, "credentials.json");
    const known = adminToken ?? (await readCredentials(credentialsFile).catch(() => undefined))?.token;
    if (known !== undefined) await writeCredentials(credentialsFile, { url, token: known });

    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      adminToken,
      server,
      close: () => (closing ??= unwind()),
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/** The installation's BlobStore; the AWS SDK is loaded only when S3 is configured. */
async function openBlobStore(config: C8sConfig): Promise<BlobStore> {
  if (config.blobs.backend === "fs") return new FsBlobStore(join(config.home, "blobs"));
  const s3 = config.blobs.s3;
  const { S3BlobStore } = await import("./blobs/s3-blob-store.ts");
  return new S3BlobStore({
    bucket: s3.bucket ?? "",
    prefix: s3.prefix,
    region: s3.region,
    ...(s3.endpoint === undefined ? {} : { endpoint: s3.endpoint }),
    ...(s3.forcePathStyle === undefined ? {} : { forcePathStyle: s3.forcePathStyle }),
    ...(s3.accessKeyId === undefined || s3.secretAccessKey === undefined
      ? {}
      : { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }),
  });
}
