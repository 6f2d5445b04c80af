/**
 * Services: long-running companions (PostgreSQL, Redis, a mock API) that the run's steps
 * reach on localhost. Each runs in its own sandbox joined to the run's network group; a
 * readiness command is polled until it exits 0. They are stopped when the run ends.
 */
import { C8sError } from "../../errors/index.ts";
import { type NetworkSpec, type ResourceLimits, shellCommand } from "../../runtimes/types.ts";
import type { ExecSession } from "../../engine/types.ts";
import { WORKLOAD_TTL_MARGIN_MS, type WorkloadSandboxes } from "../../engine/workloads.ts";
import { abortableSleep } from "./scheduler.ts";
import type { SecretMasker } from "../../engine/masking.ts";
import type { PlannedService } from "../spec/plan.ts";
import { handWorkspace, type OutputListener, stepScript, type WorkspaceHandOff } from "./sandbox-executor.ts";

export interface RunningService {
  name: string;
  sandboxId: string;
  session: ExecSession;
}

/** The variable that tells steps where a service is: `C8S_SERVICE_<NAME>_HOST`. */
export function serviceHostVariable(name: string): string {
  return `C8S_SERVICE_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_HOST`;
}

/** Each service's address for the run's steps (127.0.0.1 locally and on docker, the pod IP on Kubernetes). */
export async function serviceHosts(
  services: readonly RunningService[],
  sandboxes: WorkloadSandboxes,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const s of services) env[serviceHostVariable(s.name)] = await sandboxes.address(s.sandboxId);
  return env;
}

export interface ServiceOptions {
  sandboxes: WorkloadSandboxes;
  runId: string;
  /** A service lives as long as the run may (the run's timeout). */
  ttlMs: number;
  workspaceDir: string;
  workspaceHandOff: WorkspaceHandOff;
  workdir: string;
  network: NetworkSpec;
  useImages: boolean;
  secrets: Record<string, string>;
  baseEnv: Record<string, string>;
  limits: ResourceLimits;
  masker: SecretMasker;
  onOutput?: OutputListener | undefined;
  signal?: AbortSignal | undefined;
}

async function waitReady(service: PlannedService, running: RunningService, o: ServiceOptions): Promise<void> {
  const readiness = service.readiness;
  if (readiness === undefined) return;
  const deadline = Date.now() + readiness.timeoutMs;
  let last = "";
  const exited = running.session.done;
  let ended = false;
  void exited.then(() => (ended = true));
  while (Date.now() < deadline) {
    if (o.signal?.aborted) throw new C8sError("EXEC_FAILED", `service '${service.name}': cancelled while starting`);
    if (ended) {
      const r = await exited;
      throw new C8sError(
        "EXEC_FAILED",
        `service '${service.name}' exited before it was ready (${r.reason} ${r.exitCode ?? r.signal ?? ""})`,
        {
          details: { service: service.name },
          hint: "Check the service's commands and its log.",
        },
      );
    }
    const check = await o.sandboxes.exec(
      running.sandboxId,
      { command: shellCommand(readiness.command), timeoutMs: Math.max(1000, readiness.intervalMs * 5) },
      { masker: o.masker, signal: o.signal },
    );
    const chunks: Buffer[] = [];
    for await (const chunk of check.output(0)) chunks.push(chunk.data);
    const result = await check.done;
    if (result.reason === "exit" && result.exitCode === 0) return;
    last = Buffer.concat(chunks).toString("utf8").trim().split("\n").slice(-1)[0] ?? "";
    await abortableSleep(readiness.intervalMs, o.signal ?? new AbortController().signal);
  }
  throw new C8sError("EXEC_TIMEOUT", `service '${service.name}' was not ready within ${readiness.timeoutMs} ms`, {
    details: { service: service.name, lastOutput: last },
    hint: "Raise readiness.timeout, or fix the readiness command.",
  });
}

/** Starts every service and waits until each is ready. On failure the started ones are stopped. */
export async function startServices(services: readonly PlannedService[], o: ServiceOptions): Promise<RunningService[]> {
  if (services.length === 0) return [];
  const caps = await o.sandboxes.capabilities();
  if (o.network.mode === "group" && !caps.network.group)
    throw new C8sError(
      "RUNTIME_UNAVAILABLE",
      `the ${caps.name} runtime cannot give a run a shared network for services`,
      {
        hint: "Use a runtime with network group support, or remove `services` from the pipeline.",
      },
    );
  const started: RunningService[] = [];
  try {
    for (const service of services) {
      const env: Record<string, string> = { ...o.baseEnv, ...service.env };
      for (const name of service.secrets) {
        const value = o.secrets[name];
        if (value === undefined)
          throw new C8sError(
            "SECRET_NOT_FOUND",
            `service '${service.name}' needs secret ${name}, which was not given`,
            {
              hint: `Pass it with --secret ${name}=VALUE.`,
            },
          );
        env[name] = value;
      }
      const record = await o.sandboxes.createWorkload({
        purpose: "service",
        runId: o.runId,
        step: service.name,
        image: o.useImages ? service.image : undefined,
        env,
        workdir: o.workdir,
        workspaceSource: o.workspaceHandOff === "bind" ? o.workspaceDir : undefined,
        network: o.network,
        limits: o.limits,
        labels: { "c8s.dev/run": o.runId, "c8s.dev/service": service.name, "c8s.dev/kind": "pipeline-service" },
        hostname: service.name,
        ttlMs: o.ttlMs + WORKLOAD_TTL_MARGIN_MS,
        idleTimeoutMs: o.ttlMs + WORKLOAD_TTL_MARGIN_MS,
      });
      let session: ExecSession;
      try {
        await handWorkspace(o, record.id);
        session = await o.sandboxes.exec(
          record.id,
          { command: shellCommand(stepScript(service.commands)), timeoutMs: o.ttlMs },
          { masker: o.masker },
        );
      } catch (error) {
        await o.sandboxes.destroy(record.id).catch(() => undefined);
        throw error;
      }
      const source = `service:${service.name}`;
      void (async () => {
        for await (const chunk of session.output(0)) o.onOutput?.(source, chunk.stream, chunk.data);
      })().catch(() => undefined);
      const running = { name: service.name, sandboxId: record.id, session };
      started.push(running);
      await waitReady(service, running, o);
    }
    return started;
  } catch (error) {
    await stopServices(started, o.sandboxes);
    throw error;
  }
}

export async function stopServices(services: readonly RunningService[], sandboxes: WorkloadSandboxes): Promise<void> {
  await Promise.all(
    services.map(async (s) => {
      await s.session.kill("SIGKILL").catch(() => undefined);
      await sandboxes.destroy(s.sandboxId).catch(() => undefined);
    }),
  );
}
