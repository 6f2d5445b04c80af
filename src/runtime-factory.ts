/**
 * The one table from a runtime name to an implementation, shared by `c8s serve` (src/app.ts)
 * and `c8s run`. Each runtime module is imported only when it is chosen, so the local default
 * never loads the Docker or Kubernetes clients. Settings come from the environment the entry
 * point hands in (`DOCKER_HOST`, `C8S_DOCKER_IMAGE`, `C8S_DOCKER_ULIMITS`, `KUBECONFIG`, `C8S_KUBERNETES_*`).
 */
import { join } from "node:path";
import type { C8sConfig } from "./config/config.ts";
import type { LocalRuntimeOptions } from "./runtimes/local/index.ts";
import type { Runtime, RuntimeName } from "./runtimes/types.ts";

export interface RuntimeLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface RuntimeFactoryOptions {
  config: C8sConfig;
  /** The entry point's environment (only entry points read `process.env`). */
  env: NodeJS.ProcessEnv;
  /** This instance's owner label (informational for kubernetes: specs carry the owner). */
  owner: string;
  logger?: RuntimeLogger | undefined;
  /** Extra options for the local runtime (tests share a supervisor build cache). */
  local?: Partial<LocalRuntimeOptions> | undefined;
}

const silent: RuntimeLogger = { info: () => undefined, warn: () => undefined };

/** One runtime: how it is loaded and configured. Its own options are parsed by its own module. */
export interface RuntimeDescriptor {
  summary: string;
  load(options: RuntimeFactoryOptions, logger: RuntimeLogger): Promise<Runtime>;
}

/** Every runtime, keyed by the names in `RUNTIME_NAMES` (the type makes the list exhaustive). */
export const RUNTIMES: Record<RuntimeName, RuntimeDescriptor> = {
  local: {
    summary: "bubblewrap sandboxes on this machine (namespaces, cgroups, seccomp)",
    async load({ config, local }, logger) {
      const { createLocalRuntime } = await import("./runtimes/local/index.ts");
      return createLocalRuntime({
        stateDir: join(config.home, "local"),
        allowUnisolated: config.allowUnisolated,
        imagesFile: join(config.home, "images.json"),
        logger,
        ...local,
      });
    },
  },
  docker: {
    summary: "containers on a Docker Engine or Podman (DOCKER_HOST)",
    async load({ env }, logger) {
      const { createDockerRuntime, parseDockerUlimits } = await import("./runtimes/docker/index.ts");
      return createDockerRuntime({
        dockerHost: env["DOCKER_HOST"],
        defaultImage: blankToUndefined(env["C8S_DOCKER_IMAGE"]),
        ulimits: parseDockerUlimits(env["C8S_DOCKER_ULIMITS"]),
        logger,
      });
    },
  },
  kubernetes: {
    summary: "Jobs on a Kubernetes cluster (KUBECONFIG or in-cluster)",
    async load({ config, env, owner }, logger) {
      const { createKubernetesRuntime, kubernetesOptionsFromEnv } = await import("./runtimes/kubernetes/index.ts");
      return createKubernetesRuntime({
        ...kubernetesOptionsFromEnv(env, {
          owner,
          ttlMs: config.defaults.ttlMs,
          limits: { cpuMillis: config.defaults.cpuMillis, memoryBytes: config.defaults.memoryBytes },
        }),
        logger,
      });
    },
  },
};

export async function createRuntimeFor(options: RuntimeFactoryOptions): Promise<Runtime> {
  return RUNTIMES[options.config.runtime].load(options, options.logger ?? silent);
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
