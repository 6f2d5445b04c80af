/**
 * POST /v1/webhooks/github and /v1/webhooks/gitlab: authenticated by their signature (not a
 * bearer token), de-duplicated in the store by what is signed — the raw body's hash
 * (`deliveryKey`), not the unsigned delivery-id header, which is kept as information —, each
 * accepted delivery queues a run at the pushed commit (its clone URL checked against the clone
 * policy first: a refused one answers 422 and is not recorded). Bodies are read raw (the HMAC covers
 * the exact bytes).
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import { hookSecret, repoMismatch, sameRepositoryUrl } from "../../pipelines/service/hooks.ts";
import { repoSecretRecord } from "../../pipelines/service/repo-secret.ts";
import type { HookRecord } from "../../store/index.ts";
import { DEFAULT_TEAM } from "../../store/types.ts";
import {
  deliveryKey,
  githubDecision,
  gitlabDecision,
  parseJsonBody,
  verifyGithubSignature,
  verifyGitlabToken,
  type WebhookDecision,
  type WebhookRun,
} from "../../pipelines/service/webhooks.ts";
import { errorResponse, STORED_QUOTA } from "../api-schemas.ts";
import { acceptBufferedBodies, bodyBuffer } from "../raw-body.ts";
import { defineRoute } from "../route-registry.ts";
import type { PipelineRouteDeps } from "./runs-deps.ts";

const webhookResponse = z.object({
  accepted: z.boolean(),
  duplicate: z.boolean(),
  runId: z.string().nullable(),
  ignored: z.string().optional(),
});

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function webhookRoutes(app: FastifyInstance, deps: PipelineRouteDeps): Promise<void> {
  const { runs, store, registry, webhooks } = deps;

  async function deliver(
    provider: "github" | "gitlab",
    raw: Buffer,
    deliveryId: string | undefined,
    decision: WebhookDecision,
    hook?: HookRecord,
  ) {
    const teamId = hook?.teamId ?? DEFAULT_TEAM;
    // The header is unsigned: information only, and bounded.
    const headerId = deliveryId?.slice(0, 200);
    const trigger = (run: WebhookRun) => ({
      kind: "webhook" as const,
      by: provider,
      ...(headerId === undefined ? {} : { deliveryId: headerId }),
      ...(run.fork === true ? { fork: true } : {}),
      ...(hook === undefined ? {} : { hook: hook.id }),
    });
    // The hook's repository, the clone policy, the team's stored-bytes quota and the hook's
    // clone credential (its secret's policy: a fork's pull request is refused unless it allows
    // forks) refuse before the delivery is recorded: once fixed, a redelivery runs.
    if ("run" in decision) {
      if (hook !== undefined && !sameRepositoryUrl(hook.repoUrl, decision.run.repository))
        throw repoMismatch(hook, decision.run.repository);
      runs.checkRepoUrl(decision.run.repoUrl);
      await runs.checkStoredBytes(teamId);
      if (hook?.repoSecret != null) {
        const { repoUrl, branch, event } = decision.run;
        await repoSecretRecord(
          store,
          { teamId, trigger: trigger(decision.run), event, branch: branch ?? null, repoUrl },
          hook.repoSecret,
        );
      }
    }
    const key = deliveryKey(raw);
    // Keyed per hook: the same body delivered to two teams' hooks is two deliveries.
    const source = hook === undefined ? provider : `${provider}:${hook.id}`;
    const fresh = await store.runs.recordDelivery({
      provider: source,
      key,
      deliveryId: headerId ?? null,
      runId: null,
      at: new Date().toISOString(),
    });
    if (hook !== undefined) await store.hooks.touch(hook.id, new Date().toISOString());
    if (!fresh) return { accepted: false, duplicate: true, runId: await store.runs.deliveryRun(source, key) };
    if ("ignore" in decision) return { accepted: false, duplicate: false, runId: null, ignored: decision.ignore };
    const { run } = await runs.submit({
      repoUrl: decision.run.repoUrl,
      commit: decision.run.commit,
      branch: decision.run.branch,
      event: decision.run.event,
      trigger: trigger(decision.run),
      teamId,
      repoSecret: hook?.repoSecret ?? undefined,
    });
    await store.runs.recordDeliveryRun(source, key, run.id);
    return { accepted: true, duplicate: false, runId: run.id };
  }

  await app.register(async (scope) => {
    acceptBufferedBodies(scope, webhooks.maxBodyBytes);
    const common = {
      tag: "webhooks",
      auth: "none" as const,
      bodyLimit: webhooks.maxBodyBytes,
      responses: {
        200: { description: "Delivery handled (a run queued, a duplicate, or ignored).", schema: webhookResponse },
        401: { description: "WEBHOOK_SIGNATURE_INVALID.", schema: errorResponse },
        413: { description: "Body over the webhook size limit.", schema: errorResponse },
        422: {
          description: "REPO_URL_FORBIDDEN: the server's clone policy refuses the payload's clone URL.",
          schema: errorResponse,
        },
        429: { description: STORED_QUOTA, schema: errorResponse },
      },
    };

    defineRoute(scope, registry, {
      ...common,
      method: "POST",
      url: "/v1/webhooks/github",
      summary:
        "GitHub push / pull_request → a run at that commit (X-Hub-Signature-256; a body delivered again is a duplicate).",
      rawBody: { contentType: "application/json", description: "The GitHub event payload, exactly as signed." },
      handler: async ({ request, body }) => {
        const raw = bodyBuffer(body);
        verifyGithubSignature(webhooks.githubSecret, raw, header(request.headers["x-hub-signature-256"]));
        const decision = githubDecision(header(request.headers["x-github-event"]), parseJsonBody(raw));
        return deliver("github", raw, header(request.headers["x-github-delivery"]), decision);
      },
    });

    defineRoute(scope, registry, {
      ...common,
      method: "POST",
      url: "/v1/webhooks/gitlab",
      summary:
        "GitLab push / merge request → a run at that commit (X-Gitlab-Token; a body delivered again is a duplicate).",
      rawBody: { contentType: "application/json", description: "The GitLab event payload." },
      handler: async ({ request, body }) => {
        verifyGitlabToken(webhooks.gitlabSecret, header(request.headers["x-gitlab-token"]));
        const raw = bodyBuffer(body);
        const decision = gitlabDecision(header(request.headers["x-gitlab-event"]), parseJsonBody(raw));
        const delivery =
          header(request.headers["x-gitlab-event-uuid"]) ?? header(request.headers["x-gitlab-webhook-uuid"]);
        return deliver("gitlab", raw, delivery, decision);
      },
    });

    /**
     * A team hook's secret, or — for an unknown id or another provider's hook — a random one,
     * so the answer is the same 401 a wrong signature gets: hook ids cannot be probed.
     */
    async function hookAndSecret(provider: "github" | "gitlab", id: string) {
      const hook = await store.hooks.get(id);
      if (hook === null || hook.provider !== provider)
        return { hook: undefined, secret: randomBytes(32).toString("hex") };
      return { hook, secret: hookSecret(deps.secretBox, hook) };
    }
    const hookCommon = {
      ...common,
      params: z.strictObject({ id: z.string().min(1).max(64) }),
      responses: {
        ...common.responses,
        401: { description: "WEBHOOK_SIGNATURE_INVALID (also for a hook that does not exist).", schema: errorResponse },
        403: {
          description: "PERMISSION_DENIED: the hook's repoSecret refuses this delivery (its policy).",
          schema: errorResponse,
        },
        422: {
          description: "WEBHOOK_REPO_MISMATCH (another repository than the hook's) or REPO_URL_FORBIDDEN.",
          schema: errorResponse,
        },
      },
    };

    defineRoute(scope, registry, {
      ...hookCommon,
      method: "POST",
      url: "/v1/webhooks/github/:id",
      summary:
        "GitHub delivery to a team hook (POST /v1/hooks): a run in the hook's team, signed with the hook's secret.",
      rawBody: { contentType: "application/json", description: "The GitHub event payload, exactly as signed." },
      handler: async ({ request, body, params }) => {
        const raw = bodyBuffer(body);
        const { hook, secret } = await hookAndSecret("github", params.id);
        verifyGithubSignature(secret, raw, header(request.headers["x-hub-signature-256"]));
        if (hook === undefined) throw new C8sError("WEBHOOK_SIGNATURE_INVALID", "no such hook");
        const decision = githubDecision(header(request.headers["x-github-event"]), parseJsonBody(raw));
        return deliver("github", raw, header(request.headers["x-github-delivery"]), decision, hook);
      },
    });

    defineRoute(scope, registry, {
      ...hookCommon,
      method: "POST",
      url: "/v1/webhooks/gitlab/:id",
      summary:
        "GitLab delivery to a team hook (POST /v1/hooks): a run in the hook's team, X-Gitlab-Token is the hook's secret.",
      rawBody: { contentType: "application/json", description: "The GitLab event payload." },
      handler: async ({ request, body, params }) => {
        const { hook, secret } = await hookAndSecret("gitlab", params.id);
        verifyGitlabToken(secret, header(request.headers["x-gitlab-token"]));
        if (hook === undefined) throw new C8sError("WEBHOOK_SIGNATURE_INVALID", "no such hook");
        const raw = bodyBuffer(body);
        const decision = gitlabDecision(header(request.headers["x-gitlab-event"]), parseJsonBody(raw));
        const delivery =
          header(request.headers["x-gitlab-event-uuid"]) ?? header(request.headers["x-gitlab-webhook-uuid"]);
        return deliver("gitlab", raw, delivery, decision, hook);
      },
    });
  });
}
