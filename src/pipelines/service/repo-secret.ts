/**
 * A run's clone credential from a team secret (`repoSecret: NAME`; issue 10: "Git credentials
 * for a repository are secrets with the same boundary"). The run record keeps the name, never
 * the value; the boundary is every other secret's (`run-secrets.ts`): the run's own team only
 * (another team's secret is as unknown as a missing one), a submitting token with `secrets:use`,
 * and the secret's policy (`secret-policy.ts`: forks, events, branches, repositories). It is
 * checked on submit (a refused run is not queued) and again right before the clone (the
 * policy, the secret or the token's rights may have changed meanwhile; a re-run copies the
 * name and is checked again with its own trigger).
 *
 * The value is a bare token — given to git as the password of user `x-access-token`, GitHub's
 * convention for app and personal tokens, which GitLab and Gitea accept with any user name —
 * or `username:password`. It reaches git the way a URL's credential does (`git-workspace.ts`:
 * a credential helper reading the environment), so never argv nor the clone's `.git/config`.
 * Only http(s) URLs take one: an ssh:// or scp-style URL is refused (c8s holds no SSH keys).
 */
import { C8sError } from "../../errors/index.ts";
import type { RunRecord, SecretRecord, Store } from "../../store/index.ts";
import type { RepoCredential } from "../runner/repo-url.ts";
import type { SecretBox } from "./secret-box.ts";
import { policyRefusal, type SecretPolicy } from "./secret-policy.ts";

/** The user name a bare token is sent with. */
export const TOKEN_USERNAME = "x-access-token";

/** What the checks read of a run (a record, or one about to be stored). */
export type RepoSecretRun = Pick<RunRecord, "teamId" | "trigger" | "event" | "branch" | "repoUrl">;

function invalid(name: string, why: string): C8sError {
  return new C8sError("INVALID_ARGUMENT", `secret ${name} cannot be a git credential: ${why}`, {
    details: { field: "repoSecret", secret: name },
    hint: "Store a token (sent as the password of user x-access-token) or username:password, on one line (c8s secret set).",
  });
}

/** A secret's value as a git credential: `username:password`, or a bare token. Never echoes the value. Pure. */
export function credentialFromSecret(name: string, value: string): RepoCredential {
  // A value set from a file often ends with a line break: that one is not part of the token.
  const text = value.replace(/\r?\n$/, "");
  // git's credential protocol is line based: a line break would smuggle in other attributes.
  if (/[\0\r\n]/.test(text)) throw invalid(name, "it has a line break or NUL");
  const colon = text.indexOf(":");
  if (colon < 0) {
    if (text.trim() === "") throw invalid(name, "it is empty");
    return { username: TOKEN_USERNAME, password: text };
  }
  const username = text.slice(0, colon);
  const password = text.slice(colon + 1);
  if (username === "") throw invalid(name, "the user name before ':' is empty");
  if (password === "") throw invalid(name, "the password after ':' is empty");
  return { username, password };
}

/** The values output and errors are masked with: the secret as stored and the password sent. Pure. */
export function credentialMasks(value: string | undefined, credential: RepoCredential): string[] {
  // A token-only URL (`https://TOKEN@host`) carries its token as the user name.
  const secret = credential.password === "" ? credential.username : credential.password;
  return [...new Set([value, secret].filter((v): v is string => v !== undefined && v !== ""))];
}

/** Why `url` cannot take a repoSecret, or undefined. Pure. */
export function repoSecretUrlRefusal(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url))
    return "only https:// URLs (and http:// where the server allows local repositories) take a credential; ssh:// and user@host:path URLs are not supported";
  // Any userinfo, a real one or the `***` a stored URL keeps in its place: one credential per clone.
  if (/^https?:\/\/[^/?#]*@/i.test(url)) return "the URL carries a credential of its own";
  return undefined;
}

/**
 * The stored secret `run` may clone with, after the boundary: http(s) URL, the submitting
 * token's `secrets:use`, the run's own team, the secret's policy. Throws the refusal.
 */
export async function repoSecretRecord(store: Store, run: RepoSecretRun, name: string): Promise<SecretRecord> {
  const urlWhy = repoSecretUrlRefusal(run.repoUrl);
  if (urlWhy !== undefined)
    throw new C8sError("INVALID_ARGUMENT", `repoSecret ${name} cannot be used with this repository URL: ${urlWhy}`, {
      details: { field: "repoSecret", secret: name },
      hint: "Give the repository's https:// URL without a credential in it, or drop repoSecret.",
    });
  // Before the look-up: a token without the scope learns nothing about which names exist.
  if (run.trigger.secrets === false)
    throw new C8sError(
      "PERMISSION_DENIED",
      `the run names repoSecret ${name} and the token that submitted it ('${run.trigger.by}') lacks the scope 'secrets:use'`,
      {
        details: { field: "repoSecret", secrets: [name], required: "secrets:use" },
        hint: "Submit it with a token whose role is member or owner (or that names secrets:use).",
      },
    );
  // Secrets are keyed by (team, name): another team's is not found, exactly like a missing one.
  const stored = await store.secrets.get(run.teamId, name);
  if (stored === null)
    throw new C8sError("SECRET_NOT_FOUND", `the run names repoSecret ${name} and its team has no such secret`, {
      details: { field: "repoSecret", missing: [name] },
      hint: "Store it first: c8s secret set NAME (POST /v1/secrets) with a token of the run's team.",
    });
  const why = policyRefusal(stored.policy as SecretPolicy | null, run);
  if (why !== null)
    throw new C8sError("PERMISSION_DENIED", `the run names repoSecret ${name}, and ${why}`, {
      details: { field: "repoSecret", secret: name, reason: why },
      hint: "Run it from a branch, event and repository the secret's policy allows (c8s secret ls shows it), or ask a team owner to widen the policy.",
    });
  return stored;
}

/** The run's repoSecret as a credential and its masks (null when it names none), checked again. */
export async function openRepoSecret(
  store: Store,
  box: SecretBox,
  run: RepoSecretRun & Pick<RunRecord, "repoSecret">,
): Promise<{ name: string; credential: RepoCredential; masks: string[] } | null> {
  const name = run.repoSecret;
  if (name === null) return null;
  const stored = await repoSecretRecord(store, run, name);
  const value = box.open(name, stored.ciphertext);
  const credential = credentialFromSecret(name, value);
  return { name, credential, masks: credentialMasks(value, credential) };
}
