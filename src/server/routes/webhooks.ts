/**
 * POST /v1/webhooks/github and /v1/webhooks/gitlab: authenticated by their signature (not a
 * bearer token), de-duplicated in the store by what is signed — the raw body's hash
 * (`deliveryKey`), not the unsigned delivery-id header, which is kept as information —, each
 * accepted delivery queues a run at the pushed commit (its clone URL checked against the clone
 * policy first: a refused one answers 422 and is not recorded). Bodies are read raw (the HMAC covers
 * the exact bytes).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  deliveryKey,
  githubDecision,
  gitlabDecision,
  parseJsonBody,
  verifyGithubSignature,
  verifyGitlabToken,
  type WebhookDecision,
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

  async function deliver(provider: string, raw: Buffer, deliveryId: string | undefined, decision: WebhookDecision) {
    // The clone policy and the team's stored-bytes quota refuse before the delivery is
    // recorded: once an admin allows the URL or raises the quota, a redelivery runs.
    if ("run" in decision) {
      runs.checkRepoUrl(decision.run.repoUrl);
      await runs.checkStoredBytes();
    }
    const key = deliveryKey(raw);
    // The header is unsigned: information only, and bounded.
    const headerId = deliveryId?.slice(0, 200);
    const fresh = await store.runs.recordDelivery({
      provider,
      key,
      deliveryId: headerId ?? null,
      runId: null,
      at: new Date().toISOString(),
    });
    if (!fresh) return { accepted: false, duplicate: true, runId: await store.runs.deliveryRun(provider, key) };
    if ("ignore" in decision) return { accepted: false, duplicate: false, runId: null, ignored: decision.ignore };
    const { run } = await runs.submit({
      repoUrl: decision.run.repoUrl,
      commit: decision.run.commit,
      branch: decision.run.branch,
      event: decision.run.event,
      trigger: {
        kind: "webhook",
        by: provider,
        ...(headerId === undefined ? {} : { deliveryId: headerId }),
        ...(decision.run.fork === true ? { fork: true } : {}),
      },
    });
    await store.runs.recordDeliveryRun(provider, key, run.id);
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
  });
}
