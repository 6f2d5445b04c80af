/** `c8s doctor`: what isolation this host supports, and the fix for whatever is missing. */
import { z } from "zod";
import { configFromEnv } from "../../config/config.ts";
import { C8sError } from "../../errors/index.ts";
import { parseFlags } from "../flags.ts";
import { json } from "../format.ts";
import type { CliCommand } from "../io.ts";

const usage = "c8s doctor [--json]";

export interface DoctorCheckView {
  name: string;
  status: "ok" | "warn" | "fail";
  message: string;
  fix: string | undefined;
  required: boolean;
}

/** Normalises the runtime's doctor report into rows; pure. */
export function toCheckViews(report: unknown): DoctorCheckView[] {
  const list = Array.isArray(report) ? report : ((report as { checks?: unknown[] } | null)?.checks ?? []);
  return list.map((raw) => {
    const c = raw as Record<string, unknown>;
    const status =
      c["status"] === "ok" || c["status"] === "warn" || c["status"] === "fail"
        ? c["status"]
        : c["ok"] === true
          ? "ok"
          : "fail";
    const fix = c["fix"] ?? c["hint"] ?? c["remedy"];
    return {
      name: String(c["name"] ?? c["id"] ?? "check"),
      status,
      message: String(c["message"] ?? c["detail"] ?? c["summary"] ?? ""),
      fix: typeof fix === "string" && fix !== "" ? fix : undefined,
      required: c["required"] !== false,
    };
  });
}

export function formatChecks(checks: DoctorCheckView[]): string {
  const width = Math.max(4, ...checks.map((c) => c.name.length));
  return checks
    .map((c) => {
      const head = `${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.message}`.trimEnd();
      return c.fix && c.status !== "ok" ? `${head}\n${" ".repeat(width + 8)}fix: ${c.fix}` : head;
    })
    .join("\n")
    .concat("\n");
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
    const specifier = "../../runtimes/local/doctor.ts";
    let mod: Record<string, unknown>;
    try {
      mod = (await import(specifier)) as Record<string, unknown>;
    } catch (error) {
      throw new C8sError("INTERNAL", `cannot load the local runtime's doctor: ${(error as Error).message}`, {
        hint: "This checkout has no local runtime yet; update it.",
      });
    }
    const runDoctor = mod["runDoctor"] as ((config: unknown) => Promise<unknown>) | undefined;
    if (typeof runDoctor !== "function") throw new C8sError("INTERNAL", "runtimes/local/doctor.ts has no runDoctor()");
    const checks = toCheckViews(await runDoctor(configFromEnv(io.env)));
    const failed = checks.some((c) => c.status === "fail" && c.required);
    if (flags.json) io.stdout.write(json({ ok: !failed, checks }));
    else {
      io.stdout.write(formatChecks(checks));
      io.stdout.write(
        failed
          ? "some required checks failed: sandboxes cannot start until they are fixed\n"
          : "ok: this host can run isolated sandboxes\n",
      );
    }
    return failed ? 1 : 0;
  },
};
