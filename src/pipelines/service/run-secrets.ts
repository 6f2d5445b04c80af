/**
 * Which stored secrets a run gets: only its own team's, and none at all when the token that
 * submitted it lacks `secrets:use` (the run records that in `trigger.secrets`). A pipeline
 * naming a secret it may not have fails with a reason saying so, never silently without it.
 * Each secret's own policy (events, branches, repositories, forks) is checked here too.
 */
import { C8sError } from "../../errors/index.ts";
import type { RunRecord, Store } from "../../store/index.ts";
import type { SecretBox } from "./secret-box.ts";
import { policyRefusal, type SecretPolicy } from "./secret-policy.ts";

export function secretsRefused(trigger: RunRecord["trigger"], names: readonly string[]): C8sError {
  return new C8sError(
    "PERMISSION_DENIED",
    `the pipeline names secret${names.length > 1 ? "s" : ""} ${names.join(", ")} and the token that submitted it ('${trigger.by}') lacks the scope 'secrets:use'`,
    {
      details: { secrets: [...names], required: "secrets:use" },
      hint: "Submit it with a token whose role is member or owner (or that names secrets:use), or remove the secrets from the pipeline.",
    },
  );
}

/** A secret whose policy does not cover the run: the run fails saying which rule, never runs without it. */
export function secretWithheld(name: string, why: string): C8sError {
  return new C8sError("PERMISSION_DENIED", `the pipeline names secret ${name}, and ${why}`, {
    details: { secret: name, reason: why },
    hint: "Run it from a branch, event and repository the secret's policy allows (c8s secret ls shows it), or ask a team owner to widen the policy.",
  });
}

/**
 * The values of `names` for `run`: its team's secrets, only if its submitter may use secrets,
 * and only those whose policy covers the run (`secret-policy.ts`: forks, events, branches, repositories).
 */
export async function loadRunSecrets(
  store: Store,
  box: SecretBox,
  run: Pick<RunRecord, "teamId" | "trigger" | "event" | "branch" | "repoUrl">,
  names: readonly string[],
): Promise<Record<string, string>> {
  if (names.length === 0) return {};
  if (run.trigger.secrets === false) throw secretsRefused(run.trigger, names);
  const secrets: Record<string, string> = {};
  for (const name of names) {
    const stored = await store.secrets.get(run.teamId, name);
    if (!stored) continue;
    const why = policyRefusal(stored.policy as SecretPolicy | null, run);
    if (why !== null) throw secretWithheld(name, why);
    secrets[name] = box.open(name, stored.ciphertext);
  }
  return secrets;
}
