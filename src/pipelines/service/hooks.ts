/**
 * A team's webhook configuration ("hook"): one repository's delivery address, so a webhook
 * run belongs to the team that set it up — its secrets, its quotas, its clone credential —
 * instead of the installation's `default` team (the server-wide `/v1/webhooks/<provider>`).
 *
 * - The signing secret is made here (32 random bytes), shown once at creation and sealed by
 *   the server's SecretBox under `hook:<id>` (the id is bound, so a ciphertext moved onto
 *   another hook does not open).
 * - A delivery to `/v1/webhooks/<provider>/<id>` is checked against that secret; an unknown id
 *   answers exactly like a wrong signature (401), so ids cannot be probed.
 * - A delivery about another repository than the hook's is refused (422
 *   WEBHOOK_REPO_MISMATCH): a secret leaked from one repository's settings cannot start runs
 *   of another with this team's credentials.
 * - `repoSecret` names a team secret the clone authenticates with; it goes through the
 *   boundary of every repoSecret (`repo-secret.ts`), at creation and at every delivery.
 */
import { randomBytes } from "node:crypto";
import { C8sError } from "../../errors/index.ts";
import { newId } from "../../engine/ids.ts";
import type { HookRecord } from "../../store/index.ts";
import { repoSecretUrlRefusal } from "./repo-secret.ts";
import type { SecretBox } from "./secret-box.ts";

export type HookProvider = HookRecord["provider"];

/** What a client sees of a hook: never the secret, except once, at creation. */
export interface HookView {
  id: string;
  team: string;
  provider: HookProvider;
  repoUrl: string;
  repoSecret: string | null;
  /** Where the provider sends deliveries (a path; prefix it with the server's public URL). */
  deliveryPath: string;
  createdAt: string;
  lastDeliveryAt: string | null;
}

/** The name the hook's secret is sealed under (the SecretBox binds it). */
export const hookSealName = (id: string): string => `hook:${id}`;

export function deliveryPath(provider: HookProvider, id: string): string {
  return `/v1/webhooks/${provider}/${id}`;
}

export function hookView(record: HookRecord): HookView {
  return {
    id: record.id,
    team: record.teamId,
    provider: record.provider,
    repoUrl: record.repoUrl,
    repoSecret: record.repoSecret,
    deliveryPath: deliveryPath(record.provider, record.id),
    createdAt: record.createdAt,
    lastDeliveryAt: record.lastDeliveryAt,
  };
}

/** A repository URL compared by host and path: case, a trailing `.git` or `/` and userinfo do not matter. Pure. */
export function repositoryKey(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.trim().toLowerCase();
  }
  const path = parsed.pathname.replace(/\/+$/, "").replace(/\.git$/i, "");
  const port = parsed.port === "" ? "" : `:${parsed.port}`;
  return `${parsed.hostname.toLowerCase()}${port}${path.toLowerCase()}`;
}

export function sameRepositoryUrl(a: string, b: string): boolean {
  return repositoryKey(a) === repositoryKey(b);
}

/** A new hook and its secret (the caller shows the secret once and keeps only the sealed form). */
export function makeHook(
  box: SecretBox,
  input: {
    teamId: string;
    provider: HookProvider;
    repoUrl: string;
    repoSecret: string | null;
    createdBy: string | null;
  },
  now: Date = new Date(),
): { record: HookRecord; secret: string } {
  if (input.repoSecret !== null) {
    const why = repoSecretUrlRefusal(input.repoUrl);
    if (why !== undefined)
      throw new C8sError(
        "INVALID_ARGUMENT",
        `repoSecret ${input.repoSecret} cannot be used with this repository URL: ${why}`,
        {
          details: { field: "repoSecret" },
          hint: "Give the repository's https:// clone URL without a credential in it, or drop repoSecret.",
        },
      );
  }
  const id = newId("hook", now.getTime());
  const secret = randomBytes(32).toString("base64url");
  const record: HookRecord = {
    ...input,
    id,
    secretCiphertext: box.seal(hookSealName(id), secret),
    createdAt: now.toISOString(),
    lastDeliveryAt: null,
  };
  return { record, secret };
}

/** The hook's signing secret, opened. */
export function hookSecret(box: SecretBox, record: HookRecord): string {
  return box.open(hookSealName(record.id), record.secretCiphertext);
}

/** A missing hook, and (the same error) another team's. */
export function hookNotFound(id: string): C8sError {
  return new C8sError("HOOK_NOT_FOUND", `no hook '${id}'`, {
    details: { id },
    hint: "List the team's hooks with GET /v1/hooks (c8s hook ls).",
  });
}

/** 422 WEBHOOK_REPO_MISMATCH: the delivery is about another repository than the hook's. */
export function repoMismatch(hook: HookRecord, repository: string): C8sError {
  return new C8sError(
    "WEBHOOK_REPO_MISMATCH",
    `hook ${hook.id} is for ${repositoryKey(hook.repoUrl)}, but the delivery is about ${repositoryKey(repository)}`,
    {
      details: { hook: hook.id },
      hint: "Point each repository's webhook at its own hook (c8s hook create --repo URL), or fix the hook's repository.",
    },
  );
}
