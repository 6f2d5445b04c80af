/**
 * Pipeline runs, their steps, webhook deliveries and encrypted secrets as store records.
 * The run service (`src/pipelines/server/`) is the only writer; the API reads them.
 */
/** `skipped`: the pipeline's `on` triggers do not accept the run's event/branch. */
export type RunState = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
export type RunStepState = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";

export const RUN_STATES: readonly RunState[] = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "cancelled",
  "skipped",
  "timed-out",
];

export interface RunTrigger {
  kind: "api" | "webhook" | "rerun";
  /** Token name, webhook provider, or the run re-run. */
  by: string;
  /** The token that submitted it (api, rerun); absent for webhooks. */
  tokenId?: string;
  /**
   * Whether the submitting token may use the team's secrets (`secrets:use`). False: the run
   * gets no secret, and a pipeline naming one fails with a clear reason. Absent (webhooks,
   * runs from before teams): allowed.
   */
  secrets?: boolean;
  deliveryId?: string;
  /** The team hook (`/v1/hooks`) the delivery came through. */
  hook?: string;
  /** A pull request whose head is another repository (a fork): no secret unless its policy allows forks. */
  fork?: boolean;
  /** Keep a failed step's sandbox to debug it (`--debug`), whatever the pipeline's `debug:` says. */
  debug?: boolean;
}

export interface RunRecord {
  id: string;
  /** The pipeline's `name` when known (per-pipeline concurrency); the file path until parsed. */
  pipeline: string;
  /** The team it belongs to; it gets that team's secrets only. */
  teamId: string;
  state: RunState;
  /** Why it ended: `interrupted`, `cancelled`, the failing step, a clone error… */
  reason: string | null;
  /** Higher runs first; ties go to the older run. */
  priority: number;
  /** As submitted, with any credential replaced by `***` (`https://***@host/…`). */
  repoUrl: string;
  /** The credential split out of the URL, sealed by the server's SecretBox (never in clear), or null. */
  repoCredential: string | null;
  /** The name of the team secret the clone authenticates with (`repoSecret`), never its value; or null. */
  repoSecret: string | null;
  /** What was asked for: a commit id or a ref. */
  ref: string;
  /** The full commit id once cloned. */
  commit: string | null;
  branch: string | null;
  event: string;
  /** Path of the pipeline file in the repository (when not inline). */
  pipelinePath: string | null;
  /** Inline YAML (API) or the content read from the repository once cloned. */
  pipelineYaml: string | null;
  trigger: RunTrigger;
  /** The run this one re-runs, and the steps it reuses from it (re-run from the failed step). */
  rerunOf: string | null;
  reuse: string[];
  /** Cancel earlier queued/running runs of the same repository, branch and pipeline. */
  cancelPrevious: boolean;
  /**
   * What steps collected; `refused` (why, naming the secret) when it showed a secret and was
   * not stored; `expiredAt` when the artifact retention deleted it.
   */
  artifacts: { step: string; path: string; key: string; size: number; refused?: string; expiredAt?: string }[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunStepRecord {
  runId: string;
  name: string;
  /** Plan order. */
  position: number;
  state: RunStepState;
  reason: string | null;
  attempts: number;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface RunFilter {
  state?: RunState | RunState[];
  pipeline?: string;
  repoUrl?: string;
  branch?: string;
  teamId?: string;
  limit?: number;
}

export type RunPatch = Partial<Omit<RunRecord, "id" | "createdAt">>;

export interface RunRepository {
  insert(record: RunRecord): Promise<void>;
  get(id: string): Promise<RunRecord | null>;
  /** Newest first. */
  list(filter?: RunFilter): Promise<RunRecord[]>;
  /** Queued runs in dispatch order: priority (high first), then age, then id. */
  queued(limit?: number): Promise<RunRecord[]>;
  update(id: string, patch: RunPatch): Promise<RunRecord | null>;
  /** Atomic compare-and-set on `state`: null when the run is not in one of `from`. */
  transition(id: string, from: RunState[], patch: RunPatch & { state: RunState }): Promise<RunRecord | null>;
  /** 1-based place in the queue, null when the run is not queued. */
  queuePosition(id: string): Promise<number | null>;
  /**
   * The queue claim: `queued → running`, recording the replica that runs it, as one
   * compare-and-set (two replicas claiming one run: exactly one gets it); null when it was
   * not queued any more.
   */
  claim(id: string, replicaId: string, startedAt: string): Promise<RunRecord | null>;
  /**
   * Crash recovery: every `running` run whose owner replica holds no live lease (it expired,
   * was released or adopted, or the run has no owner) becomes failed with `reason`; a live
   * replica's runs are never touched. Returns their ids.
   */
  interruptOrphaned(reason: string, at: string): Promise<string[]>;
  /** The replica that claimed the run (null: never claimed, or claimed before migration 13). */
  ownerReplica(id: string): Promise<string | null>;
  /** Records the bytes of a run's step logs on disk (when it ends). */
  recordLogBytes(id: string, bytes: number): Promise<void>;
  /**
   * What a team's runs keep on disk: the sizes of their stored artifacts (a refused or
   * expired one is not stored) plus their recorded step-log bytes.
   */
  storedBytes(teamId: string): Promise<number>;
  /**
   * Runs that finished before `cutoff` (ISO) and still keep an artifact (neither refused nor
   * `expiredAt`), oldest first, at most `limit`: the artifact retention's next batch.
   */
  withArtifactsFinishedBefore(cutoff: string, limit: number): Promise<RunRecord[]>;
  upsertStep(step: RunStepRecord): Promise<void>;
  steps(runId: string): Promise<RunStepRecord[]>;
  /** Steps of these runs still queued/running become `state` with `reason` (crash recovery). */
  endOpenSteps(runIds: string[], reason: string, at: string): Promise<void>;
  /**
   * Records a webhook delivery under `key` (what is signed: the body's hash); false when this
   * (provider, key) was seen before. `deliveryId` (the unsigned header) is kept as information.
   */
  recordDelivery(delivery: WebhookDelivery): Promise<boolean>;
  deliveryRun(provider: string, key: string): Promise<string | null>;
  /** Links a recorded delivery to the run it queued. */
  recordDeliveryRun(provider: string, key: string, runId: string): Promise<void>;
}

export interface WebhookDelivery {
  provider: string;
  /** The de-duplication key, e.g. `sha256:<hex of the raw body>`. */
  key: string;
  /** The provider's delivery-id header, when sent (not signed: information only). */
  deliveryId: string | null;
  runId: string | null;
  at: string;
}

export interface SecretRecord {
  teamId: string;
  name: string;
  /** `v1:` + base64(iv ‖ tag ‖ ciphertext); the key never reaches the database. */
  ciphertext: string;
  /** Which runs may use it (`pipelines/service/secret-policy.ts`); null: every run of the team but fork pull requests. */
  policy: SecretPolicyData | null;
  createdAt: string;
  updatedAt: string;
}

/** Stored as JSON; validated by the API's schema before it gets here. */
export interface SecretPolicyData {
  events?: string[];
  branches?: string[];
  repos?: string[];
  forks?: boolean;
}

/** Secrets are keyed by (team, name): every call names the team. */
/** What a sealed value belongs to (its associated data is derived from it). */
export type SealedItem =
  | { kind: "secret"; teamId: string; name: string }
  | { kind: "repo-credential"; runId: string; repoUrl: string }
  | { kind: "hook"; hookId: string };

export interface SecretRepository {
  /** Creates or replaces. */
  put(record: SecretRecord): Promise<void>;
  get(teamId: string, name: string): Promise<SecretRecord | null>;
  /** Names and timestamps only, by name; one team's, or every team's when `teamId` is undefined. */
  list(teamId: string | undefined): Promise<Omit<SecretRecord, "ciphertext">[]>;
  delete(teamId: string, name: string): Promise<boolean>;
  /**
   * Key rotation: in one transaction, every sealed value (secrets, runs' repository
   * credentials and team hooks' signing secrets) is replaced by `reseal(item, sealed)`, and the setting `check.name` becomes
   * `check.value`; a throw rolls everything back. Returns how many values were re-sealed.
   */
  resealAll(
    reseal: (item: SealedItem, sealed: string) => string,
    check: { name: string; value: string },
  ): Promise<{ secrets: number; credentials: number; hooks: number }>;
}

/** A team's webhook configuration: one repository's delivery address (`/v1/hooks`). */
export interface HookRecord {
  /** `hook_` + random; the delivery URL is `/v1/webhooks/<provider>/<id>`. */
  id: string;
  teamId: string;
  provider: "github" | "gitlab";
  /** The repository's clone URL; a delivery for another repository is refused. */
  repoUrl: string;
  /** The signing secret (GitHub) or token (GitLab), sealed by the server's SecretBox. */
  secretCiphertext: string;
  /** A secret of the team the run's clone authenticates with (`repo-secret.ts`), or null. */
  repoSecret: string | null;
  /** The token that made it (its id). */
  createdBy: string | null;
  createdAt: string;
  lastDeliveryAt: string | null;
}

export interface HookRepository {
  insert(record: HookRecord): Promise<void>;
  /** One hook; with `teamId`, only that team's (another team's is null, like a missing one). */
  get(id: string, teamId?: string): Promise<HookRecord | null>;
  /** One team's hooks, or every team's when `teamId` is undefined; newest first. */
  list(teamId: string | undefined): Promise<HookRecord[]>;
  delete(id: string, teamId?: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
}
