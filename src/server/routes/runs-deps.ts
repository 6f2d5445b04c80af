/** What the pipeline routes (runs, logs, webhooks, secrets) receive from the composition root. */
import type { RunService } from "../../pipelines/service/run-service.ts";
import type { SecretBox } from "../../pipelines/service/secret-box.ts";
import type { Store } from "../../store/types.ts";
import type { RouteRegistry } from "../route-registry.ts";

export interface WebhookSettings {
  /** GitHub: the HMAC key of X-Hub-Signature-256. Unset: the route answers 401. */
  githubSecret?: string | undefined;
  /** GitLab: the X-Gitlab-Token value. */
  gitlabSecret?: string | undefined;
  /** Larger webhook bodies → 413 (default 1 MiB). */
  maxBodyBytes: number;
}

export interface PipelineRouteDeps {
  runs: RunService;
  store: Store;
  secretBox: SecretBox;
  webhooks: WebhookSettings;
  registry: RouteRegistry;
  jsonBodyLimit: number;
  /** Aborted when the server closes: live log streams end. */
  shutdown: AbortSignal;
}
