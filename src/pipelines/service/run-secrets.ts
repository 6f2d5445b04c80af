/**
 * Which stored secrets a run gets: only its own team's, and none at all when the token that
 * submitted it lacks `secrets:use` (the run records that in `trigger.secrets`). A pipeline
 * naming a secret it may not have fails with a reason saying so, never silently without it.
 */
import { C8sError } from "../../errors/index.ts";
import type { RunRecord, Store } from "../../store/index.ts";
import type { SecretBox } from "./secret-box.ts";

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

/** The values of `names` for `run`: its team's secrets, and only if its submitter may use secrets. */
export async function loadRunSecrets(
  store: Store,
  box: SecretBox,
  run: Pick<RunRecord, "teamId" | "trigger">,
  names: readonly string[],
): Promise<Record<string, string>> {
  if (names.length === 0) return {};
  if (run.trigger.secrets === false) throw secretsRefused(run.trigger, names);
  const secrets: Record<string, string> = {};
  for (const name of names) {
    const stored = await store.secrets.get(run.teamId, name);
    if (stored) secrets[name] = box.open(name, stored.ciphertext);
  }
  return secrets;
}
