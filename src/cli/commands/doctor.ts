/** `c8s doctor`: what isolation this host supports, and the fix for whatever is missing. */
import { z } from "zod";
import { runDoctor, type DoctorCheck, type DoctorReport } from "../../runtimes/local/doctor.ts";
import { parseFlags } from "../flags.ts";
import { json } from "../format.ts";
import type { CliCommand } from "../io.ts";

const usage = "c8s doctor [--json]";

/** One line per check (`ok`/`warn`/`fail`), the fix under each problem, then the verdict. Pure. */
export function formatChecks(report: Pick<DoctorReport, "ok" | "isolated" | "checks">): string {
  const width = Math.max(4, ...report.checks.map((c: DoctorCheck) => c.title.length));
  const lines = report.checks.map((c) => {
    const head = `${c.status.padEnd(4)}  ${c.title.padEnd(width)}  ${c.detail}`.trimEnd();
    return c.fix && c.status !== "ok" ? `${head}\n${" ".repeat(width + 8)}fix: ${c.fix}` : head;
  });
  lines.push(
    !report.ok
      ? "FAILED: a required check failed; sandboxes cannot start until it is fixed"
      : report.isolated
        ? "ok: this host can run isolated sandboxes"
        : "WARNING: sandboxes cannot be isolated here; c8s refuses to start them unless unisolated mode is enabled explicitly",
  );
  return `${lines.join("\n")}\n`;
}

export const doctorCommand: CliCommand = {
  name: "doctor",
  summary: "Check which isolation features this host supports and how to fix missing ones",
  usage,
  async run(args, io) {
    const { flags } = parseFlags(
      args,
      { json: { type: "boolean" } },
      z.object({ json: z.boolean().optional() }),
      usage,
    );
    const report = await runDoctor();
    io.stdout.write(flags.json ? json(report) : formatChecks(report));
    return report.ok ? 0 : 1;
  },
};
