/**
 * The `docker` runtime: a sandbox is a container (owner labels, workspace volume or bind,
 * /tmp volume, limits, no network unless asked, read-only root, no capabilities,
 * no-new-privileges) kept alive by the engine's init; execs, files and OOM through the
 * Engine API (dockerode). The create body comes from the pure `buildCreateBody`.
 */
import Docker from "dockerode";
import { C8sError } from "../../errors/index.ts";
import type {
  ExecRequest,
  OwnedSandbox,
  Runtime,
  RuntimeCapabilities,
  SandboxExit,
  SandboxHandle,
  SandboxSpec,
} from "../types.ts";
import { describeDockerHost, dockerOptionsFor } from "./connection.ts";
import { describeDockerFailure, startFailureHint, translateDockerError, unavailableHint } from "./errors.ts";
import { startExec } from "./exec.ts";
import { createDockerFiles } from "./files.ts";
import { dockerHandle, dockerRef, type DockerRef } from "./handle.ts";
import { ensureImage, type ImageLogger } from "./images.ts";
import {
  buildCreateBody,
  buildVolumeBody,
  containerName,
  buildGroupHolderBody,
  GROUP_HOLDER_ROLE,
  groupHolderName,
  imageFor,
  labelKeys,
  tmpVolumeName,
  needsTmpVolume,
  type TmpMountKind,
  workspaceVolumeName,
  type DockerLabelKeys,
  type DockerUlimit,
} from "./spec.ts";
import { finishExec, parseOomKills, terminationFromState } from "./state.ts";

export type DockerLogger = ImageLogger;

export interface DockerRuntimeOptions {
  /** `unix:///path/docker.sock` or `tcp://host:port`; undefined: /var/run/docker.sock. The entry point passes DOCKER_HOST. */
  dockerHost?: string | undefined;
  /** Label key holding the owner; siblings (`.sandbox`, `.role`, `.workdir`) share its prefix. Default `dev.c8s.owner`. */
  ownerLabelKey?: string | undefined;
  logger?: DockerLogger | undefined;
  /** Image for specs without one, named in full. Default `localhost/c8s-busybox:latest`. */
  defaultImage?: string | undefined;
  /** Ulimits every sandbox gets besides fsize, e.g. `{ Name: "nofile", Soft: 1024, Hard: 1024 }` (Podman, see spec.ts; C8S_DOCKER_ULIMITS). */
  ulimits?: readonly DockerUlimit[] | undefined;
}

export const DEFAULT_DOCKER_IMAGE = "localhost/c8s-busybox:latest";

/** Connects (one ping) and returns the runtime; RUNTIME_UNAVAILABLE with a hint when nothing answers. */
export async function createDockerRuntime(options: DockerRuntimeOptions = {}): Promise<Runtime> {
  const dockerHost = describeDockerHost(options.dockerHost);
  const docker = new Docker(dockerOptionsFor(options.dockerHost));
  try {
    await docker.ping();
  } catch (error) {
    const failure = describeDockerFailure(error);
    throw new C8sError("RUNTIME_UNAVAILABLE", `No Docker Engine answers at ${dockerHost}: ${failure.message}`, {
      details: { dockerHost, errno: failure.errno, status: failure.status },
      hint: unavailableHint(dockerHost),
      cause: error,
    });
  }
  return new DockerRuntime(
    docker,
    dockerHost,
    labelKeys(options.ownerLabelKey ?? "dev.c8s.owner"),
    options.defaultImage ?? DEFAULT_DOCKER_IMAGE,
    options.logger,
    options.ulimits,
  );
}

class DockerRuntime implements Runtime {
  readonly name = "docker" as const;
  readonly files;
  /** Sandboxes destroyed through this instance: their end reason is `killed`. */
  private readonly destroyed = new Set<string>();
  /** Last OOM-kill count seen per container (exit 137 + a rising counter = oom). */
  private readonly oomSeen = new Map<string, number>();
  private tmpKind: Promise<TmpMountKind> | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly dockerHost: string,
    private readonly keys: DockerLabelKeys,
    private readonly defaultImage: string,
    private readonly logger: DockerLogger | undefined,
    private readonly ulimits: readonly DockerUlimit[] | undefined,
  ) {
    this.files = createDockerFiles({
      docker,
      dockerHost,
      runCommand: (handle, command) => this.runCommand(handle, command),
    });
  }

  private fail(action: string, sandboxId?: string, notFound: "SANDBOX_NOT_FOUND" | "NOT_FOUND" = "SANDBOX_NOT_FOUND") {
    return (error: unknown): never => {
      throw translateDockerError(error, { action, dockerHost: this.dockerHost, sandboxId, notFound });
    };
  }

  /** Podman gets a container tmpfs for /tmp, dockerd a tmpfs-backed volume (see CreateBodyOptions.tmp). */
  private tmpMountKind(): Promise<TmpMountKind> {
    this.tmpKind ??= this.docker
      .version()
      .then((v) =>
        (v.Components ?? []).some((c) => /podman/i.test(c.Name)) ? ("tmpfs" as const) : ("volume" as const),
      )
      .catch(this.fail("read the engine's version"));
    return this.tmpKind;
  }

  async capabilities(): Promise<RuntimeCapabilities> {
    const info = (await this.docker.info().catch(this.fail("read the engine's info"))) as {
      CgroupVersion?: string;
      ServerVersion?: string;
      Driver?: string;
    };
    return {
      name: "docker",
      isolated: true,
      tty: true,
      limits: { memory: "engine", pids: "engine", cpu: "engine", disk: "tmpfs volume /tmp" },
      network: { none: true, host: true, group: true },
      images: true,
      registryImages: true,
      persistentWorkspace: true,
      hostWorkspace: true,
      notes: [
        `Docker Engine ${info.ServerVersion ?? "?"} at ${this.dockerHost} (cgroup v${info.CgroupVersion ?? "?"}, storage ${info.Driver ?? "?"})`,
        (await this.tmpMountKind()) === "volume"
          ? "/tmp is a per-sandbox tmpfs-backed volume of limits.diskBytes (a container tmpfs would be invisible to dockerd's archive endpoints)"
          : "/tmp is a container tmpfs of limits.diskBytes (Podman's archive endpoints see it; Podman cannot size a local volume without project quota)",
        `workspace disk quota not enforced: the workspace is a plain volume (the local volume driver cannot size one; storage ${info.Driver ?? "?"}); a pipeline run's bind-mounted clone has the quota of the c8s host's run directory`,
        "the image must provide `sleep` (keep-alive) and /bin/sh, tr, grep, kill (exec tree kill), rm/rmdir (file removal)",
      ],
    };
  }

  async create(spec: SandboxSpec): Promise<SandboxHandle> {
    const tmp = await this.tmpMountKind();
    const body = buildCreateBody(spec, {
      labels: this.keys,
      defaultImage: this.defaultImage,
      ulimits: this.ulimits,
      tmp,
    });
    const image = imageFor(spec, this.defaultImage);
    await ensureImage(this.docker, image, this.dockerHost, this.logger);
    const volumes = [
      ...(spec.workspaceSource === undefined ? [workspaceVolumeName(spec.id)] : []),
      ...(needsTmpVolume(spec, tmp) ? [tmpVolumeName(spec.id)] : []),
    ];
    const group = spec.network.mode === "group" ? spec.network.group : undefined;
    if (group !== undefined) await this.ensureGroupHolder(group, spec.owner);
    for (const name of volumes) {
      await this.docker
        .createVolume(buildVolumeBody(spec, name, name === tmpVolumeName(spec.id) ? "tmp" : "workspace", this.keys))
        .catch(this.fail(`create volume ${name}`, spec.id, "NOT_FOUND"));
    }
    const name = containerName(spec.id);
    const ref: DockerRef = {
      containerId: name,
      containerName: name,
      workdir: spec.workdir,
      volumes,
      ...(group === undefined ? {} : { group }),
    };
    try {
      const container = await this.docker.createContainer({ ...body, name });
      ref.containerId = container.id;
      await container.start();
    } catch (error) {
      await this.removeResources(ref).catch(() => undefined);
      const translated = translateDockerError(error, {
        action: `start the container for sandbox ${spec.id}`,
        dockerHost: this.dockerHost,
        sandboxId: spec.id,
        notFound: "IMAGE_NOT_FOUND",
      });
      if (
        translated.code === "CONFLICT" ||
        (translated.code === "RUNTIME_UNAVAILABLE" && translated.details["status"] === undefined)
      )
        throw translated;
      const engineMessage = String(translated.details["engineMessage"] ?? translated.message);
      throw new C8sError("SANDBOX_START_FAILED", `Sandbox ${spec.id} did not start: ${engineMessage}`, {
        details: { ...translated.details, image },
        hint: startFailureHint(engineMessage),
        cause: error,
      });
    }
    this.oomSeen.set(ref.containerId, 0);
    this.logger?.info("docker sandbox started", { sandboxId: spec.id, container: ref.containerId.slice(0, 12), image });
    return dockerHandle(spec.id, ref);
  }

  /** Starts the group's holder container unless it runs (members join its network namespace). */
  private async ensureGroupHolder(group: string, owner: string): Promise<void> {
    const name = groupHolderName(group);
    const holder = this.docker.getContainer(name);
    const state = await holder.inspect().then(
      (info) => (info.State.Running ? "running" : "stopped"),
      (error: unknown) => {
        if ((error as { statusCode?: number }).statusCode === 404) return "missing";
        return this.fail(`inspect the holder of network group ${group}`, undefined, "NOT_FOUND")(error);
      },
    );
    if (state === "running") return;
    if (state === "missing") {
      await ensureImage(this.docker, this.defaultImage, this.dockerHost, this.logger);
      const body = buildGroupHolderBody(group, owner, {
        labels: this.keys,
        defaultImage: this.defaultImage,
        ulimits: this.ulimits,
      });
      await this.docker.createContainer({ ...body, name }).catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode === 409) return; // created concurrently
        this.fail(`create the holder of network group ${group}`, undefined, "NOT_FOUND")(error);
      });
    }
    await holder.start().catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 304) return; // started concurrently
      this.fail(`start the holder of network group ${group}`, undefined, "NOT_FOUND")(error);
    });
  }

  /** Removes a group's holder once no member is left. */
  private async releaseGroup(group: string): Promise<void> {
    const members = await this.docker
      .listContainers({ all: true, filters: { label: [`${this.keys.group}=${group}`] } })
      .catch(() => undefined);
    if (members === undefined) return;
    if (members.some((c) => c.Labels[this.keys.role] !== GROUP_HOLDER_ROLE && c.State !== "removing")) return;
    await this.docker
      .getContainer(groupHolderName(group))
      .remove({ force: true })
      .catch(() => undefined);
  }

  /** Members of a group share the holder's network namespace: loopback. */
  address(): Promise<string> {
    return Promise.resolve("127.0.0.1");
  }

  async exec(handle: SandboxHandle, request: ExecRequest) {
    const ref = dockerRef(handle);
    if (request.command.length === 0)
      throw new C8sError("INVALID_ARGUMENT", "The command is empty.", { hint: "Pass argv, e.g. ['ls', '-l']." });
    return startExec(
      {
        docker: this.docker,
        dockerHost: this.dockerHost,
        sandboxId: handle.id,
        containerId: ref.containerId,
        workdir: ref.workdir,
        oomSinceLastCheck: () => this.oomSinceLastCheck(handle),
        destroyed: () => this.destroyed.has(ref.containerId),
      },
      request,
    );
  }

  /** Runs a command to completion (internal helper: OOM counter, removals). */
  private async runCommand(
    handle: SandboxHandle,
    command: string[],
  ): Promise<{ exitCode: number | null; stderr: string; stdout: string }> {
    const ref = dockerRef(handle);
    const proc = await startExec(
      {
        docker: this.docker,
        dockerHost: this.dockerHost,
        sandboxId: handle.id,
        containerId: ref.containerId,
        workdir: ref.workdir,
        oomSinceLastCheck: async () => false,
        destroyed: () => false,
      },
      { command },
    );
    await proc.closeStdin();
    return finishExec(proc);
  }

  private async oomSinceLastCheck(handle: SandboxHandle): Promise<boolean> {
    const ref = dockerRef(handle);
    const r = await this.runCommand(handle, [
      "/bin/sh",
      "-c",
      "cat /sys/fs/cgroup/memory.events 2>/dev/null || cat /sys/fs/cgroup/memory/memory.oom_control",
    ]);
    const count = parseOomKills(r.stdout);
    if (count === null) return false;
    const before = this.oomSeen.get(ref.containerId) ?? 0;
    this.oomSeen.set(ref.containerId, count);
    return count > before;
  }

  async waitExit(handle: SandboxHandle): Promise<SandboxExit> {
    const ref = dockerRef(handle);
    const container = this.docker.getContainer(ref.containerId);
    try {
      await container.wait({ condition: "not-running" });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404)
        this.fail(`wait for sandbox ${handle.id}`, handle.id)(error);
    }
    if (this.destroyed.has(ref.containerId)) return { reason: "killed" };
    const info = await container.inspect().catch(() => undefined);
    if (info === undefined) return { reason: "killed", message: "the container was removed" };
    return terminationFromState(info.State);
  }

  async destroy(handle: SandboxHandle): Promise<void> {
    const ref = dockerRef(handle);
    this.destroyed.add(ref.containerId);
    await this.removeResources(ref);
    this.oomSeen.delete(ref.containerId);
  }

  private async removeResources(ref: DockerRef): Promise<void> {
    await this.docker
      .getContainer(ref.containerId)
      .remove({ force: true, v: true })
      .catch((error: unknown) => {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404) return;
        if (status === 409 && /already in progress/.test(describeDockerFailure(error).message)) return;
        this.fail(`remove container ${ref.containerName}`)(error);
      });
    for (const name of ref.volumes) {
      for (let attempt = 0; ; attempt++) {
        const status = await this.docker
          .getVolume(name)
          .remove()
          .then(
            () => 200,
            (error: unknown) => (error as { statusCode?: number }).statusCode ?? 0,
          );
        if (status !== 409 || attempt >= 20) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    if (ref.group !== undefined) await this.releaseGroup(ref.group);
  }

  async listOwned(owner: string): Promise<OwnedSandbox[]> {
    const containers = await this.docker
      .listContainers({ all: true, filters: { label: [`${this.keys.owner}=${owner}`] } })
      .catch(this.fail(`list sandboxes of ${owner}`, undefined, "NOT_FOUND"));
    const owned: OwnedSandbox[] = [];
    for (const c of containers) {
      const id = c.Labels[this.keys.sandbox];
      if (id === undefined || c.State === "removing") continue;
      const name = (c.Names[0] ?? "").replace(/^\//, "") || c.Id;
      const volumes = (c.Mounts ?? [])
        .filter((m) => m.Type === "volume" && typeof m.Name === "string" && m.Name.startsWith(`c8s-`))
        .map((m) => m.Name as string);
      const group = c.Labels[this.keys.group];
      const ref: DockerRef = {
        containerId: c.Id,
        containerName: name,
        workdir: c.Labels[this.keys.workdir] ?? "/workspace",
        volumes,
        ...(group === undefined ? {} : { group }),
      };
      owned.push({ id, handle: dockerHandle(id, ref) });
    }
    return owned;
  }

  async close(): Promise<void> {
    // dockerode keeps no connection open between requests; nothing to free.
  }
}
