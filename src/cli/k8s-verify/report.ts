/** `c8s k8s verify` output: one line per check as it finishes, then the verdict; or JSON. Pure. */
import type { CheckResult, VerifyContext } from "./checks.ts";
import { subjectName, verifyExitCode } from "./checks.ts";

const LABEL = { pass: "PASS", fail: "FAIL", skip: "SKIP" } as const;

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatHeader(context: VerifyContext): string {
  const how =
    context.identity.kind === "service-account"
      ? "SubjectAccessReview and a TokenRequest as that account"
      : "SelfSubjectAccessReview";
  return `c8s k8s verify: namespace ${context.namespace}, checking ${subjectName(context.identity)} (${how})\n`;
}

/** `PASS  title  (12 ms)  detail`, then `hint: …` under a failure. */
export function formatResult(result: CheckResult): string {
  const head = `${LABEL[result.status]}  ${result.title}  (${formatDuration(result.durationMs)})`;
  const lines = [result.detail === "" ? head : `${head}  ${result.detail}`];
  if (result.status === "fail" && result.hint) lines.push(`      hint: ${result.hint}`);
  return `${lines.join("\n")}\n`;
}

/** The closing line. Worded so no test runner mistakes it for its own summary. */
export function formatSummary(results: readonly CheckResult[]): string {
  const count = (status: CheckResult["status"]) => results.filter((r) => r.status === status).length;
  const failed = count("fail");
  const verdict = failed === 0 ? "ok: the cluster is ready for c8s" : "FAILED: fix the checks marked FAIL";
  return `${verdict} (${count("pass")} of ${results.length} checks passed; ${failed} failing, ${count("skip")} skipped)\n`;
}

export interface VerifyReport {
  ok: boolean;
  namespace: string;
  subject: string;
  results: CheckResult[];
}

export function toReport(context: VerifyContext, results: readonly CheckResult[]): VerifyReport {
  return {
    ok: verifyExitCode(results) === 0,
    namespace: context.namespace,
    subject: subjectName(context.identity),
    results: [...results],
  };
}
