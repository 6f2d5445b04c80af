/**
 * The `kubernetes` runtime: a sandbox is a Job with one pod. Objects come from the pure
 * builders in manifests.ts; readiness and termination come from watches (watch.ts); exec
 * and files go through the pod `exec` subresource (exec.ts, files.ts). Kubernetes API
 * errors become C8sErrors here, at the adapter edge (errors.ts).
 */
import { setMaxListeners } from "node:events";
import type { Readable } from "node:stream";
import { BatchV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, type V1Pod } from "@kubernetes/client-node";
import { C8sError } from "../../errors/index.ts";
import type {
  ExecProcess,
  OwnedSandbox,
  Runtime,
  RuntimeCapabilities,
  SandboxExit,
  SandboxHandle,
  SandboxSpec,
} from "../types.ts";
import { classifyOom, endedLikeOom, OOM_COUNTER_COMMAND, parseOomKills } from "../cgroup-oom.ts";
import { isAlreadyExists, isNotFound, translateKubernetesError } from "./errors.ts";
import { runToCompletion, startExec, type PodRef } from "./exec.ts";
import { createPodFiles, type PodTarget } from "./files.ts";
import {
  buildJob,
  buildNetworkPolicy,
  buildWorkspaceClaim,
  CONTAINER_NAME,
  DEFAULT_SANDBOX_DEFAULTS,
  withSimulatedWorkdir,
  objectNamesFor,
  ownerSelector,
  SANDBOX_ANNOTATION,
  sandboxSelector,
  type KubernetesSandboxDefaults,
} from "./manifests.ts";
import { waitJobExit } from "./job-exit.ts";
import { createTeamNamespaces } from "./team-namespaces-apply.ts";
import { mapFilePaths, toNodePath, type WorkdirMapping } from "./simulated-paths.ts";
import { isPodReady, podProgress, podsPath, podStartFailure, waitPodsGone, watchUntil } from "./watch.ts";

export interface KubernetesLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface KubernetesRuntimeOptions {
  /** Path to a kubeconfig file, or a KubeConfig already loaded. Omitted with `inCluster`: the pod's account. */
  kubeconfig?: string | KubeConfig | undefined;
  /** Use the in-cluster ServiceAccount (KUBERNETES_SERVICE_HOST and the mounted token). */
  inCluster?: boolean | undefined;
  /** Namespace the sandboxes live in (with `teamNamespaces`: those of no team). */
  namespace: string;
  /**
   * Set: a sandbox of team T runs in `<namespace>-<T>`, made on its first sandbox with a
   * ResourceQuota from the team's quotas and a LimitRange of these default limits.
   */
  teamNamespaces?: { defaultLimits: { cpuMillis: number; memoryBytes: number } } | undefined;
  /**
   * This c8s instance's owner (for logs). What labels a sandbox is `spec.owner`, and
   * `listOwned(owner)` selects on its argument, as the Runtime contract says.
   */
  owner?: string | undefined;
  defaults?: Partial<KubernetesSandboxDefaults> | undefined;
  /** How long `create` waits for the pod to become Ready. Default 120 s. */
  startTimeoutMs?: number | undefined;
  /**
   * Pods simulated by KWOK have no filesystem of their own (exec runs on the node): create
   * then makes the workdir with one exec. Real clusters mount it as a volume; leave unset.
   */
  prepareWorkdir?: boolean | undefined;
  /**
   * KWOK test clusters only: pods there share the node's filesystem, so each sandbox's workdir
   * is moved under `<root>/<sandbox id>/` (and made at create) to keep sandboxes apart.
   */
  simulatedWorkdirRoot?: string | undefined;
  /**
   * Read the container's cgroup OOM counter (one extra exec) after an exec that ended with
   * SIGKILL or `exit 137`, to report `oom` also when a shell stood between. Default: true,
   * but false with `prepareWorkdir` or `simulatedWorkdirRoot` (KWOK): simulated pods are
   * processes of the node, whose counter is the whole machine's.
   */
  oomCounter?: boolean | undefined;
  /** Shown in capabilities().notes, e.g. that pods are simulated by KWOK. */
  notes?: string[] | undefined;
  logger?: KubernetesLogger | undefined;
}

interface KubernetesRef extends Record<string, unknown> {
  namespace: string;
  job: string;
  pod: string;
  workdir: string;
  networkPolicy: string | null;
  pvc: string | null;
  /** KWOK only: the workdir the spec asked for, when `workdir` is its place on the node. */
  requestedWorkdir?: string | undefined;
}

export function loadKubeConfig(options: Pick<KubernetesRuntimeOptions, "kubeconfig" | "inCluster">): KubeConfig {
  if (options.kubeconfig instanceof KubeConfig) return options.kubeconfig;
  const kubeConfig = new KubeConfig();
  try {
    if (options.inCluster === true) kubeConfig.loadFromCluster();
    else if (typeof options.kubeconfig === "string") kubeConfig.loadFromFile(options.kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (error) {
    throw new C8sError("CONFIG_INVALID", `cannot load the Kubernetes configuration: ${(error as Error).message}`, {
      hint: "Pass a readable kubeconfig (KUBECONFIG) or run c8s inside the cluster with its ServiceAccount.",
      cause: error,
    });
  }
  if (kubeConfig.getCurrentCluster() === null) {
    throw new C8sError("CONFIG_INVALID", "the Kubernetes configuration names no cluster", {
      hint: "Set a current-context in the kubeconfig.",
    });
  }
  return kubeConfig;
}

export function createKubernetesRuntime(options: KubernetesRuntimeOptions): Runtime {
  const kubeConfig = loadKubeConfig(options);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const namespace = options.namespace;
  const teamNamespaces =
    options.teamNamespaces === undefined
      ? undefined
      : createTeamNamespaces(core, namespace, {
          limits: options.teamNamespaces.defaultLimits,
          requests: { ...DEFAULT_SANDBOX_DEFAULTS.requests, ...options.defaults?.requests },
        });
  /** Where a sandbox lives: its team's namespace, else the configured one. */
  const namespaceOf = (spec: SandboxSpec): string =>
    teamNamespaces !== undefined && spec.team !== undefined ? teamNamespaces.nameOf(spec.team) : namespace;
  /** The namespace a handle records (handles from before team namespaces: the configured one). */
  const handleNamespace = (handle: SandboxHandle): string => {
    const recorded = (handle.ref as Partial<KubernetesRef>).namespace;
    return typeof recorded === "string" && recorded !== "" ? recorded : namespace;
  };
  const defaults: KubernetesSandboxDefaults = { ...DEFAULT_SANDBOX_DEFAULTS, ...options.defaults };
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const closing = new AbortController();
  // Every live sandbox's waitExit watch listens on it (and lets go when it ends): no fixed cap.
  setMaxListeners(0, closing.signal);
  /** Sandboxes this process destroyed: their exit reason is `killed` and they refuse execs. */
  const destroyed = new Set<string>();
  /** Env of sandboxes created by this process, merged under each exec's env. */
  const sandboxEnv = new Map<string, Record<string, string>>();
  const running = new Map<string, Set<ExecProcess>>();
  /** Pod IPs seen when sandboxes became Ready (what `address` answers without a request). */
  const podIps = new Map<string, string>();
  /** Last OOM-kill count read per sandbox; a new container's cgroup starts at 0. */
  const oomSeen = new Map<string, number>();
  const oomCounter =
    options.oomCounter ?? (options.simulatedWorkdirRoot === undefined && options.prepareWorkdir !== true);

  /** The exec's result as `oom` when it ended like an OOM kill and the pod's counter rose. */
  const classifyExecOom = (handle: SandboxHandle, ref: KubernetesRef, process: ExecProcess): ExecProcess => {
    if (!oomCounter) return process;
    const result = process.result.then(async (r) => {
      if (!endedLikeOom(r) || destroyed.has(handle.id)) return r;
      const read = await runToCompletion(kubeConfig, podRef(ref), {
        command: OOM_COUNTER_COMMAND,
        cwd: ref.workdir,
        env: {},
      }).catch(() => undefined);
      const after = read?.result.exitCode === 0 ? parseOomKills(read.stdout.toString("utf8")) : null;
      const before = oomSeen.get(handle.id) ?? 0;
      if (after !== null) oomSeen.set(handle.id, Math.max(before, after));
      return classifyOom(r, before, after);
    });
    return { ...process, result };
  };

  const refOf = (handle: SandboxHandle): KubernetesRef => {
    const ref = handle.ref as Partial<KubernetesRef>;
    if (destroyed.has(handle.id) || typeof ref.pod !== "string" || ref.pod === "" || typeof ref.job !== "string") {
      throw new C8sError("SANDBOX_NOT_FOUND", `sandbox ${handle.id} does not exist on Kubernetes`, {
        details: { sandboxId: handle.id },
        hint: "It was destroyed or reached its TTL; create a new sandbox.",
      });
    }
    return ref as KubernetesRef;
  };
  const mappingOf = (ref: KubernetesRef): WorkdirMapping | undefined =>
    ref.requestedWorkdir === undefined ? undefined : { from: ref.requestedWorkdir, to: ref.workdir };
  const podRef = (ref: KubernetesRef): PodRef => ({
    namespace: ref.namespace,
    pod: ref.pod,
    container: CONTAINER_NAME,
  });

  const edge = async <T>(action: string, sandboxId: string | undefined, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw translateKubernetesError(error, {
        action,
        sandboxId,
        notFound: sandboxId === undefined ? "NOT_FOUND" : "SANDBOX_NOT_FOUND",
      });
    }
  };

  const ignoreMissing = async (call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  };

  const waitReady = async (spec: SandboxSpec, jobName: string, namespace: string): Promise<string> => {
    const timeout = AbortSignal.timeout(startTimeoutMs);
    let last: V1Pod | undefined;
    try {
      return await watchUntil<V1Pod, string>(
        kubeConfig,
        podsPath(namespace),
        { labelSelector: sandboxSelector(spec.id) },
        ({ type, object }) => {
          last = object;
          if (type === "DELETED" || object.metadata?.deletionTimestamp !== undefined) {
            throw new C8sError(
              "SANDBOX_START_FAILED",
              `sandbox ${spec.id} failed to start: its pod was deleted before it became ready (${podProgress(object)})`,
              {
                details: { sandboxId: spec.id, job: jobName, pod: object.metadata?.name },
                hint: "The Job's deadline may be shorter than the pod's start, or the pod was evicted; see kubectl describe job.",
              },
            );
          }
          const failure = podStartFailure(object);
          if (failure !== null) {
            throw new C8sError(
              failure.image ? "IMAGE_PULL_FAILED" : "SANDBOX_START_FAILED",
              `sandbox ${spec.id} failed to start: ${failure.message}`,
              {
                details: { sandboxId: spec.id, job: jobName, pod: object.metadata?.name },
                hint: failure.image
                  ? "Check the image name and that the cluster can pull it."
                  : "See the pod's events with kubectl describe pod.",
              },
            );
          }
          if (!isPodReady(object)) return undefined;
          podIps.set(spec.id, object.status?.podIP ?? "");
          return object.metadata?.name;
        },
        AbortSignal.any([timeout, closing.signal]),
      );
    } catch (error) {
      if (error instanceof C8sError) throw error;
      if (timeout.aborted) {
        throw new C8sError(
          "SANDBOX_START_FAILED",
          `sandbox ${spec.id} was not ready after ${startTimeoutMs} ms: ${podProgress(last)}`,
          {
            details: { sandboxId: spec.id, job: jobName, namespace },
            hint: "Check node capacity, the image, and the namespace's Pod Security and quota.",
          },
        );
      }
      throw translateKubernetesError(error, { action: `watch the pod of sandbox ${spec.id}`, sandboxId: spec.id });
    }
  };

  const removeObjects = async (
    names: ReturnType<typeof objectNamesFor>,
    sandboxId: string,
    namespace: string,
  ): Promise<void> => {
    await edge(`delete the objects of sandbox ${sandboxId}`, undefined, async () => {
      await ignoreMissing(() =>
        batch.deleteNamespacedJob({
          name: names.job,
          namespace,
          propagationPolicy: "Background",
          gracePeriodSeconds: 0,
        }),
      );
      await ignoreMissing(() =>
        core.deleteCollectionNamespacedPod({
          namespace,
          labelSelector: sandboxSelector(sandboxId),
          gracePeriodSeconds: 0,
        }),
      );
      await ignoreMissing(() => networking.deleteNamespacedNetworkPolicy({ name: names.networkPolicy, namespace }));
      if (defaults.persistentWorkspace !== undefined) {
        await ignoreMissing(() => core.deleteNamespacedPersistentVolumeClaim({ name: names.pvc, namespace }));
      }
    });
  };

  const runtime: Runtime = {
    name: "kubernetes",

    capabilities(): Promise<RuntimeCapabilities> {
      return Promise.resolve({
        name: "kubernetes",
        isolated: true,
        tty: true,
        limits: { memory: "kubernetes", pids: null, cpu: "kubernetes", disk: "kubernetes ephemeral-storage" },
        network: { none: true, host: true, group: true },
        images: true,
        registryImages: true,
        persistentWorkspace: defaults.persistentWorkspace !== undefined,
        hostWorkspace: false,
        notes: [
          "pids and file-size limits are node-level settings on Kubernetes (kubelet podPidsLimit), not per sandbox",
          "network isolation is a NetworkPolicy: it needs a CNI that enforces policies",
          "disk: workspace and /tmp are emptyDirs of limits.diskBytes each and the pod's ephemeral-storage limit is twice that; past it the kubelet evicts the pod (reason disk) instead of refusing the write with ENOSPC",
          ...(options.notes ?? []),
        ],
      });
    },

    async create(requested) {
      const spec = withSimulatedWorkdir(requested, options.simulatedWorkdirRoot);
      const names = objectNamesFor(spec.id);
      const namespace = namespaceOf(spec);
      if (teamNamespaces !== undefined && spec.team !== undefined) {
        const team = spec.team;
        await edge(`prepare the namespace of team ${team.id}`, undefined, () => teamNamespaces.ensure(team));
      }
      const job = buildJob(spec, namespace, defaults);
      const policy = buildNetworkPolicy(spec, namespace);
      const claim = buildWorkspaceClaim(spec, namespace, defaults);
      try {
        await edge(`create the objects of sandbox ${spec.id}`, undefined, async () => {
          // The policy exists before the pod does: no window with open egress.
          if (policy !== null) await networking.createNamespacedNetworkPolicy({ namespace, body: policy });
          if (claim !== null) {
            try {
              await core.createNamespacedPersistentVolumeClaim({ namespace, body: claim });
            } catch (error) {
              if (!isAlreadyExists(error)) throw error; // a persistent workspace outlives its sandboxes
            }
          }
          await batch.createNamespacedJob({ namespace, body: job });
        });
        const pod = await waitReady(spec, names.job, namespace);
        sandboxEnv.set(spec.id, { ...spec.env });
        if (options.prepareWorkdir === true || options.simulatedWorkdirRoot !== undefined) {
          const { result, stderr } = await edge(`prepare the workdir of sandbox ${spec.id}`, spec.id, () =>
            runToCompletion(
              kubeConfig,
              { namespace, pod, container: CONTAINER_NAME },
              {
                command: ["mkdir", "-p", spec.workdir],
                cwd: "/",
                env: {},
              },
            ),
          );
          if (result.exitCode !== 0) {
            throw new C8sError(
              "SANDBOX_START_FAILED",
              `cannot make the workdir ${spec.workdir}: ${stderr.toString("utf8")}`,
              {
                details: { sandboxId: spec.id },
              },
            );
          }
        }
        const ref: KubernetesRef = {
          namespace,
          job: names.job,
          pod,
          workdir: spec.workdir,
          networkPolicy: policy === null ? null : names.networkPolicy,
          pvc: claim === null ? null : names.pvc,
          ...(spec.workdir === requested.workdir ? {} : { requestedWorkdir: requested.workdir }),
        };
        options.logger?.info("sandbox ready", { sandboxId: spec.id, job: names.job, pod, owner: options.owner });
        return { id: spec.id, runtime: "kubernetes", ref };
      } catch (error) {
        await removeObjects(names, spec.id, namespace).catch(() => undefined);
        throw error;
      }
    },

    async address(handle) {
      const ref = refOf(handle);
      const known = podIps.get(handle.id);
      if (known) return known;
      const pod = await edge(`read the pod of sandbox ${handle.id}`, handle.id, () =>
        core.readNamespacedPod({ namespace: ref.namespace, name: ref.pod }),
      );
      const ip = pod.status?.podIP;
      if (!ip)
        throw new C8sError("SANDBOX_NOT_RUNNING", `the pod of sandbox ${handle.id} has no IP yet`, {
          details: { sandboxId: handle.id, pod: ref.pod },
          hint: "Wait until the sandbox is ready.",
        });
      podIps.set(handle.id, ip);
      return ip;
    },

    async exec(handle, request) {
      const ref = refOf(handle);
      const env = { ...(sandboxEnv.get(handle.id) ?? {}), ...(request.env ?? {}) };
      const process = await edge(`exec in sandbox ${handle.id}`, handle.id, () =>
        startExec(kubeConfig, podRef(ref), {
          command: request.command,
          cwd: request.cwd === undefined ? ref.workdir : toNodePath(mappingOf(ref), request.cwd),
          env,
          tty: request.tty,
          timeoutMs: request.timeoutMs,
          signal: request.signal,
        }),
      );
      const set = running.get(handle.id) ?? new Set<ExecProcess>();
      running.set(handle.id, set);
      set.add(process);
      void process.result.finally(() => set.delete(process));
      return classifyExecOom(handle, ref, process);
    },

    files: mapFilePaths(
      createPodFiles(
        {
          target: (handle): PodTarget => {
            const ref = refOf(handle);
            return { ref: podRef(ref), workdir: ref.workdir };
          },
          run: async (ref, execOptions) => {
            const { result, stdout, stderr } = await edge("run a file operation", undefined, () =>
              runToCompletion(kubeConfig, ref, execOptions),
            );
            return { exitCode: result.exitCode, stdout, stderr };
          },
          stream: async (ref, execOptions, input?: Readable) => {
            const process = await edge("run a file operation", undefined, () =>
              startExec(kubeConfig, ref, execOptions),
            );
            const errors: Buffer[] = [];
            process.stderr.on("data", (chunk: Buffer) => errors.push(chunk));
            const fed =
              input === undefined
                ? process.closeStdin()
                : (async () => {
                    for await (const chunk of input as AsyncIterable<Buffer>) await process.writeStdin(chunk);
                    await process.closeStdin();
                  })();
            // A failed feed ends in the exec's status (head -c sees too few bytes): the error is not lost.
            fed.catch(() => void process.kill("SIGKILL").catch(() => undefined));
            return {
              abort: () => void process.kill("SIGKILL").catch(() => undefined),
              stdout: process.stdout,
              done: process.result.then((r) => ({
                exitCode: r.exitCode,
                stderr: Buffer.concat(errors).toString("utf8"),
              })),
            };
          },
        },
        { drainOutput: options.simulatedWorkdirRoot !== undefined },
      ),
      (handle) => mappingOf(refOf(handle)),
    ),

    async waitExit(handle): Promise<SandboxExit> {
      const ref = handle.ref as Partial<KubernetesRef>;
      const jobName = typeof ref.job === "string" ? ref.job : objectNamesFor(handle.id).job;
      if (destroyed.has(handle.id)) return { reason: "killed" };
      const exit = await waitJobExit({
        kubeConfig,
        namespace: handleNamespace(handle),
        job: jobName,
        podSelector: sandboxSelector(handle.id),
        destroyed: () => destroyed.has(handle.id),
        signal: closing.signal,
      }).catch((error: unknown) => {
        if (closing.signal.aborted) {
          return { reason: "interrupted", message: "the runtime was closed" } satisfies SandboxExit;
        }
        throw translateKubernetesError(error, {
          action: `watch the Job of sandbox ${handle.id}`,
          sandboxId: handle.id,
        });
      });
      return exit;
    },

    async destroy(handle) {
      const names = objectNamesFor(handle.id);
      const namespace = handleNamespace(handle);
      destroyed.add(handle.id);
      oomSeen.delete(handle.id);
      sandboxEnv.delete(handle.id);
      podIps.delete(handle.id);
      const execs = [...(running.get(handle.id) ?? [])];
      running.delete(handle.id);
      await Promise.all(execs.map((p) => p.kill("SIGKILL").catch(() => undefined)));
      await removeObjects(names, handle.id, namespace);
      // Gone means gone: wait (bounded) until the API server no longer lists the pod.
      await waitPodsGone(
        kubeConfig,
        namespace,
        sandboxSelector(handle.id),
        AbortSignal.any([AbortSignal.timeout(30_000), closing.signal]),
      ).catch((error: unknown) =>
        options.logger?.warn("sandbox pod still listed after destroy", { sandboxId: handle.id, error: String(error) }),
      );
      options.logger?.info("sandbox destroyed", { sandboxId: handle.id, job: names.job, namespace });
    },

    async listOwned(owner): Promise<OwnedSandbox[]> {
      const namespaces = [
        namespace,
        ...(teamNamespaces === undefined
          ? []
          : await edge("list the team namespaces", undefined, () => teamNamespaces.list())),
      ];
      const jobs = await edge("list the sandboxes' Jobs", undefined, async () =>
        (
          await Promise.all(
            namespaces.map(
              async (ns) =>
                (await batch.listNamespacedJob({ namespace: ns, labelSelector: ownerSelector(owner) })).items,
            ),
          )
        ).flat(),
      );
      return jobs.flatMap((job) => {
        const namespace = job.metadata?.namespace ?? options.namespace;
        const id = job.metadata?.annotations?.[SANDBOX_ANNOTATION];
        const name = job.metadata?.name;
        if (id === undefined || name === undefined) return [];
        const workdir = job.spec?.template.spec?.containers[0]?.workingDir ?? "/workspace";
        const ref: KubernetesRef = { namespace, job: name, pod: "", workdir, networkPolicy: null, pvc: null };
        return [{ id, handle: { id, runtime: "kubernetes" as const, ref } }];
      });
    },

    close() {
      closing.abort();
      return Promise.resolve();
    },
  };
  return runtime;
}
