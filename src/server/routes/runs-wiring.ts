/**
 * Pipeline runs in `c8s serve`, for the composition root: `startPipelines` opens the secret
 * key (refusing one that is not the database's), recovers what a crash left (runs → failed/interrupted, their sandboxes destroyed) and
 * starts dispatching the persistent queue; `registerRoutes` adds the HTTP routes to the built
 * server before it listens; `close` interrupts runs executing here.
 */
import type { FastifyInstance } from "fastify";
import type { BlobStore } from "../../blobs/index.ts";
import { type QueueLimits } from "../../pipelines/service/queue-policy.ts";
import { RunService, type RunServiceLogger } from "../../pipelines/service/run-service.ts";
import { openSecretBox, type SecretsKeySource, verifySecretsKey } from "../../pipelines/service/secrets-key.ts";
import type { ClonePolicy } from "../../pipelines/runner/clone-policy.ts";
import type { ResourceLimits } from "../../runtimes/types.ts";
import type { WorkloadSandboxes } from "../../engine/workloads.ts";
import type { SandboxCeilings } from "../../engine/ceilings.ts";
import type { TeamQuotaSource } from "../../engine/team-quotas.ts";
import type { Store } from "../../store/types.ts";
import { registerPipelineRoutes } from "./runs-plugin.ts";

export interface PipelineSettings {
  /** Webhook secrets (read from the environment by the entry point). */
  githubWebhookSecret?: string | undefined;
  gitlabWebhookSecret?: string | undefined;
  webhookMaxBodyBytes?: number | undefined;
  queue?: Partial<QueueLimits> | undefined;
}

export interface StartPipelinesOptions extends PipelineSettings {
  store: Store;
  /** The engine: step and service sandboxes are its workloads. */
  sandboxes: WorkloadSandboxes;
  home: string;
  /** Artifacts and finished step logs (the composition root's one BlobStore). */
  blobs: BlobStore;
  limits: ResourceLimits;
  ceilings?: SandboxCeilings | undefined;
  /** Teams' quotas: a team's runs beyond its `maxRuns` wait queued. */
  teamQuotas?: TeamQuotaSource | undefined;
  /** Which repository URLs runs may clone (config `allowLocalRepos`). */
  clonePolicy: ClonePolicy;
  jsonBodyLimit: number;
  logger?: RunServiceLogger | undefined;
  /** This server's replica lease id: the owner of the runs it claims. */
  replicaId: string;
  /** Where the secrets key comes from (config `secrets`); checked against the database's. */
  secretsKey?: SecretsKeySource | undefined;
}

export interface RunningPipelines {
  service: RunService;
  registerRoutes(app: FastifyInstance): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { maxRuns: 4, maxRunsPerPipeline: 2 };

export async function startPipelines(options: StartPipelinesOptions): Promise<RunningPipelines> {
  const secretBox = await openSecretBox(options.home, options.secretsKey);
  const key = await verifySecretsKey(options.store, secretBox);
  if (key.state === "rotation-pending")
    options.logger?.warn(
      {},
      "the database's secrets are sealed with C8S_SECRETS_KEY_PREVIOUS: run `c8s secret rotate-key` once every replica has the new key",
    );
  const service = new RunService({
    store: options.store,
    sandboxes: options.sandboxes,
    home: options.home,
    blobs: options.blobs,
    limits: options.limits,
    ceilings: options.ceilings,
    queue: { ...DEFAULT_QUEUE_LIMITS, ...options.queue },
    teamQuotas: options.teamQuotas,
    secretBox,
    replicaId: options.replicaId,
    clonePolicy: options.clonePolicy,
    logger: options.logger,
  });
  await service.start();
  return {
    service,
    registerRoutes: (app) =>
      registerPipelineRoutes(app, {
        runs: service,
        store: options.store,
        secretBox,
        jsonBodyLimit: options.jsonBodyLimit,
        webhooks: {
          githubSecret: options.githubWebhookSecret,
          gitlabSecret: options.gitlabWebhookSecret,
          maxBodyBytes: options.webhookMaxBodyBytes ?? 1024 * 1024,
        },
      }),
    close: () => service.close(),
  };
}
