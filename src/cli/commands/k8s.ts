/**
 * `c8s k8s verify`: checks a live cluster the way seed 001's checklist does — namespace and
 * Pod Security, ServiceAccounts, Role/RoleBinding equal to the runtime's permissions, the
 * server Deployment, what the server account can and cannot do, and a real sandbox: spawn,
 * exec, limits, clean-up. Each check prints PASS/FAIL/SKIP with its time and, on failure, a
 * hint; the exit code is 1 when any check fails.
 */
import { z } from "zod";
import { loadKubeConfig } from "../../runtimes/kubernetes/index.ts";
import { parseServiceAccount, verifyExitCode, type VerifyContext } from "../k8s-verify/checks.ts";
import { formatHeader, formatResult, formatSummary, toReport } from "../k8s-verify/report.ts";
import { runVerify } from "../k8s-verify/run.ts";
import { UsageError } from "../errors.ts";
import { parseDuration, parseFlags } from "../flags.ts";
import { json } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const verifyUsage =
  "c8s k8s verify [--namespace NS] [--as-service-account NS:NAME] [--sandbox-service-account NAME] " +
  "[--kubeconfig PATH] [--image IMAGE] [--timeout 120s] [--simulated] [--namespace-per-team] [--json]";

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label")
  .max(63);

const verifyCommand: CliCommand = {
  name: "verify",
  summary: "Check a live cluster: RBAC, Pod Security, the server account's access, a sandbox spawn/exec/clean-up",
  usage: verifyUsage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(
      args,
      {
        namespace: { type: "string", short: "n" },
        "as-service-account": { type: "string" },
        "sandbox-service-account": { type: "string" },
        kubeconfig: { type: "string" },
        image: { type: "string" },
        timeout: { type: "string" },
        simulated: { type: "boolean" },
        "namespace-per-team": { type: "boolean" },
        json: { type: "boolean" },
      },
      z.object({
        namespace: dnsLabel.optional(),
        "as-service-account": z.string().optional(),
        "sandbox-service-account": dnsLabel.optional(),
        kubeconfig: z.string().min(1).optional(),
        image: z.string().min(1).optional(),
        timeout: z.string().optional(),
        simulated: z.boolean().optional(),
        "namespace-per-team": z.boolean().optional(),
        json: z.boolean().optional(),
      }),
      verifyUsage,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, verifyUsage);
    const account =
      flags["as-service-account"] === undefined ? undefined : parseServiceAccount(flags["as-service-account"]);
    if (flags["as-service-account"] !== undefined && account === undefined)
      throw new UsageError(
        `--as-service-account expects NAMESPACE:NAME, got '${flags["as-service-account"]}'`,
        verifyUsage,
      );
    const startTimeoutMs = flags.timeout === undefined ? 120_000 : parseDuration(flags.timeout);
    if (startTimeoutMs === undefined || startTimeoutMs <= 0)
      throw new UsageError(`--timeout expects a duration like 90s or 2m, got '${flags.timeout}'`, verifyUsage);

    const context: VerifyContext = {
      namespace: flags.namespace ?? account?.namespace ?? nonEmpty(io.env["C8S_KUBERNETES_NAMESPACE"]) ?? "c8s",
      identity: account === undefined ? { kind: "self" } : { kind: "service-account", ...account },
      sandboxServiceAccount:
        flags["sandbox-service-account"] ?? nonEmpty(io.env["C8S_KUBERNETES_SANDBOX_SERVICE_ACCOUNT"]) ?? "c8s-sandbox",
      teamNamespaces:
        flags["namespace-per-team"] === true ||
        ["1", "true"].includes(nonEmpty(io.env["C8S_KUBERNETES_NAMESPACE_PER_TEAM"]) ?? ""),
    };
    const kubeConfig = loadKubeConfig(kubeconfigSource(flags.kubeconfig, io));
    if (!flags.json) io.stdout.write(formatHeader(context));
    const results = await runVerify({
      kubeConfig,
      context,
      image: flags.image,
      startTimeoutMs,
      // KWOK test clusters: detected when nodes are listable; --simulated says so otherwise.
      simulated: flags.simulated === true ? true : undefined,
      onResult: flags.json ? undefined : (result) => io.stdout.write(formatResult(result)),
    });
    io.stdout.write(flags.json ? json(toReport(context, results)) : formatSummary(results));
    return verifyExitCode(results);
  },
};

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** --kubeconfig, else KUBECONFIG, else the pod's account when in a cluster, else ~/.kube/config. */
function kubeconfigSource(flag: string | undefined, io: CliIo): { kubeconfig?: string; inCluster?: boolean } {
  const path = flag ?? nonEmpty(io.env["KUBECONFIG"]);
  if (path !== undefined) return { kubeconfig: path };
  if (nonEmpty(io.env["KUBERNETES_SERVICE_HOST"]) !== undefined) return { inCluster: true };
  return {};
}

const subcommands: CliCommand[] = [verifyCommand];

export const k8sCommand: CliCommand = {
  name: "k8s",
  summary: "Kubernetes deployment tools: verify",
  usage: verifyUsage,
  async run(args: string[], io: CliIo) {
    const [name, ...rest] = args;
    if (name === undefined || name === "help") {
      io.stdout.write(
        `usage: c8s k8s <subcommand> …\n\n${subcommands.map((c) => `  ${c.name.padEnd(6)}  ${c.summary}\n      ${c.usage}`).join("\n")}\n`,
      );
      return name === undefined ? 2 : 0;
    }
    const sub = subcommands.find((c) => c.name === name);
    if (!sub) throw new UsageError(`unknown subcommand 'k8s ${name}'`, this.usage);
    return sub.run(rest, io);
  },
};
