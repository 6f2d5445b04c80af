/**
 * Services: long-running companions (PostgreSQL, Redis, a mock API) that the run's steps
 * reach on localhost. Each runs in its own sandbox joined to the run's network group; a
 * readiness command is polled until it exits 0. They are stopped when the run ends.
 */
import { C8sError } from "../../errors/index.ts";
import {
  type ExecProcess,
  type NetworkSpec,
  type ResourceLimits,
  type Runtime,
  type SandboxHandle,
  shellCommand,
} from "../../runtimes/types.ts";
import { abortableSleep } from "./scheduler.ts";
import type { SecretMasker } from "../../engine/masking.ts";
import type { PlannedService } from "../spec/plan.ts";
import {
  handWorkspace,
  newSandboxId,
  type OutputListener,
  pumpMasked,
  stepScript,
  type WorkspaceHandOff,
} from "./sandbox-executor.ts";

export interface RunningService {
  name: string;
  handle: SandboxHandle;
  process: ExecProcess;
}

/** The variable that tells steps where a service is: `C8S_SERVICE_<NAME>_HOST`. */
export function serviceHostVariable(name: string): string {
  return `C8S_SERVICE_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_HOST`;
}

/** Each service's address for the run's steps (127.0.0.1 locally and on docker, the pod IP on Kubernetes). */
export async function serviceHosts(
  services: readonly RunningService[],
  runtime: Runtime,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const s of services) env[serviceHostVariable(s.name)] = await runtime.address(s.handle);
  return env;
}

export interface ServiceOptions {
  runtime: Runtime;
  owner: string;
  runId: string;
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
  const exited = running.process.result.then((r) => r);
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
    const check = await o.runtime.exec(running.handle, {
      command: shellCommand(readiness.command),
      timeoutMs: Math.max(1000, readiness.intervalMs * 5),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    await check.closeStdin().catch(() => undefined);
    const chunks: Buffer[] = [];
    await pumpMasked(check, o.masker, (_s, b) => chunks.push(b));
    const result = await check.result;
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
  const caps = await o.runtime.capabilities();
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
      const handle = await o.runtime.create({
        id: newSandboxId(),
        owner: o.owner,
        image: o.useImages ? service.image : undefined,
        env,
        workdir: o.workdir,
        workspaceSource: o.workspaceHandOff === "bind" ? o.workspaceDir : undefined,
        mounts: [],
        network: o.network,
        limits: o.limits,
        labels: { "c8s.dev/run": o.runId, "c8s.dev/service": service.name, "c8s.dev/kind": "pipeline-service" },
        hostname: service.name,
      });
      let process: ExecProcess;
      try {
        await handWorkspace(o, handle);
        process = await o.runtime.exec(handle, { command: shellCommand(stepScript(service.commands)) });
      } catch (error) {
        await o.runtime.destroy(handle).catch(() => undefined);
        throw error;
      }
      await process.closeStdin().catch(() => undefined);
      const source = `service:${service.name}`;
      void pumpMasked(process, o.masker, (stream, masked) => {
        if (masked.length > 0) o.onOutput?.(source, stream, masked);
      }).catch(() => undefined);
      const running = { name: service.name, handle, process };
      started.push(running);
      await waitReady(service, running, o);
    }
    return started;
  } catch (error) {
    await stopServices(started, o.runtime);
    throw error;
  }
}

export async function stopServices(services: readonly RunningService[], runtime: Runtime): Promise<void> {
  await Promise.all(
    services.map(async (s) => {
      await s.process.kill("SIGKILL").catch(() => undefined);
      await runtime.destroy(s.handle).catch(() => undefined);
    }),
  );
}
