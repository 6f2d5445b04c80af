/**
 * Which runs a stored secret is exposed to (issue 10, "secrets with a boundary"). Pure: the
 * policy is data stored beside the secret, the decision a function of the run.
 *
 * - `forks`: a pull request whose head is a fork never gets the secret unless `forks: true`
 *   (the GitHub Actions rule: fork code is the attacker's code).
 * - `events`: the run's event must be listed. Only a signed webhook proves `push`, `tag` or
 *   `pull_request`; a run submitted through the API or re-run counts as `manual` whatever
 *   event it names, so `events: [push, tag]` means "only from the repository's own webhooks".
 * - `branches`: glob patterns (`main`, `release/*`, `!wip/*`) on the run's branch; a run
 *   without a branch (a tag, a bare commit) matches only when the list is absent.
 * - `repos`: glob patterns on the repository URL as recorded (credentials already removed).
 */
import { z } from "zod";
import type { RunRecord } from "../../store/index.ts";
import { matchesPatterns } from "../spec/glob.ts";
import { EVENTS } from "../spec/schema.ts";

const pattern = z.string().min(1).max(256);

export const secretPolicySchema = z
  .strictObject({
    events: z.array(z.enum(EVENTS)).min(1).max(EVENTS.length).optional(),
    branches: z.array(pattern).min(1).max(50).optional(),
    repos: z.array(pattern).min(1).max(50).optional(),
    forks: z.boolean().optional(),
  })
  .describe("Which runs may use the secret. Absent fields allow everything except pull requests from forks.");

export type SecretPolicy = z.infer<typeof secretPolicySchema>;

export type PolicyRun = Pick<RunRecord, "event" | "branch" | "repoUrl" | "trigger">;

/** The event a policy sees: only a signed webhook vouches for its event. */
export function provenEvent(run: PolicyRun): string {
  return run.trigger.kind === "webhook" ? run.event : "manual";
}

/** Why `run` may not have a secret under `policy`, or null when it may. */
export function policyRefusal(policy: SecretPolicy | null, run: PolicyRun): string | null {
  const p = policy ?? {};
  if (run.trigger.fork === true && p.forks !== true) return "it is withheld from pull requests from forks";
  const event = provenEvent(run);
  if (p.events !== undefined && !p.events.includes(event as (typeof EVENTS)[number])) {
    const note = run.trigger.kind === "webhook" ? "" : " (runs submitted through the API or re-run count as manual)";
    return `its policy allows events ${p.events.join(", ")} and this run's event is ${event}${note}`;
  }
  if (p.branches !== undefined && (run.branch === null || !matchesPatterns(run.branch, p.branches))) {
    return `its policy allows branches ${p.branches.join(", ")} and this run is ${run.branch === null ? "of no branch" : `of branch ${run.branch}`}`;
  }
  if (p.repos !== undefined && !matchesPatterns(run.repoUrl, p.repos)) {
    return `its policy allows repositories ${p.repos.join(", ")} and this run's repository is ${run.repoUrl}`;
  }
  return null;
}
