/**
 * Pure builders for the Docker runtime: names, labels and the container create body
 * (`POST /containers/create`) for a SandboxSpec. No I/O; table-tested in
 * test/unit/runtimes/docker-spec.test.ts.
 */
import { posix } from "node:path";
import type { ContainerCreateOptions } from "dockerode";
import { C8sError } from "../../errors/index.ts";
import type { SandboxSpec } from "../types.ts";

export interface DockerLabelKeys {
  /** Label holding the owning c8s instance, e.g. `dev.c8s.owner`. */
  owner: string;
  /** Label holding the c8s sandbox id. */
  sandbox: string;
  /** Label marking what a resource is (`workspace`, `tmp`, `group-network`). */
  role: string;
  /** Label holding the sandbox's workdir (listOwned rebuilds handles from labels). */
  workdir: string;
  /** Label holding the network group a sandbox (or a group's holder) belongs to. */
  group: string;
}

export function labelKeys(ownerLabelKey: string): DockerLabelKeys {
  const prefix = ownerLabelKey.includes(".") ? ownerLabelKey.slice(0, ownerLabelKey.lastIndexOf(".")) : ownerLabelKey;
  return {
    owner: ownerLabelKey,
    sandbox: `${prefix}.sandbox`,
    role: `${prefix}.role`,
    workdir: `${prefix}.workdir`,
    group: `${prefix}.group`,
  };
}

/** Docker names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. */
export function dockerName(...parts: string[]): string {
  const raw = parts.join("-").replace(/[^a-zA-Z0-9_.-]/g, "_");
  return /^[a-zA-Z0-9]/.test(raw) ? raw : `c8s${raw}`;
}

export const containerName = (id: string): string => dockerName("c8s", id);
export const workspaceVolumeName = (id: string): string => dockerName("c8s", id, "workspace");
export const tmpVolumeName = (id: string): string => dockerName("c8s", id, "tmp");
/**
 * A network group is one network namespace, as on the local runtime: a small holder
 * container with loopback only, joined by every member (`NetworkMode: container:<holder>`),
 * so a run's steps reach its services on localhost and nothing else.
 */
export const groupHolderName = (group: string): string => dockerName("c8s-group", group);
export const GROUP_HOLDER_ROLE = "group-holder";

/**
 * What keeps the container alive between execs. The engine's own init (`docker-init`, tini,
 * bind-mounted from the host by dockerd with `Init: true`) is PID 1: it reaps orphans and
 * forwards signals; its one child only sleeps. `sleep` is the one program c8s needs from the
 * image for this (busybox, Debian, Alpine and Ubuntu all have it).
 */
export const KEEPALIVE_COMMAND = ["sleep", "2147483647"];

export interface DockerUlimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface CreateBodyOptions {
  labels: DockerLabelKeys;
  /** The image to use when the spec names none, in full (`localhost/c8s-busybox:latest`). */
  defaultImage: string;
  /**
   * Ulimits every sandbox gets besides `fsize` (which comes from its spec). Needed on Podman:
   * a create body naming any ulimit replaces its containers.conf `default_ulimits`, and root
   * Podman then asks for nofile/nproc 1048576, which fails where rlimits cannot be raised.
   */
  ulimits?: readonly DockerUlimit[] | undefined;
  /**
   * How /tmp gets its `limits.diskBytes` quota. `volume` (dockerd): a tmpfs-backed local
   * volume, because dockerd's archive endpoints read the container's filesystem from the
   * engine's side, where a tmpfs mounted inside the container is invisible. `tmpfs` (Podman):
   * a container tmpfs mount; Podman refuses a sized local volume without project quota and
   * its archive endpoints join the container's mount namespace, so they see the tmpfs.
   */
  tmp?: TmpMountKind | undefined;
}

export type TmpMountKind = "volume" | "tmpfs";

/** Whether a sandbox of `spec` gets a /tmp volume beside its container (see CreateBodyOptions.tmp). */
export function needsTmpVolume(spec: Pick<SandboxSpec, "workdir">, tmp: TmpMountKind): boolean {
  return tmp === "volume" && spec.workdir !== "/tmp";
}

/** The image a spec runs in: its own, else the runtime default. */
export function imageFor(spec: SandboxSpec, defaultImage: string): string {
  const image = spec.image?.trim();
  return image === undefined || image === "" ? defaultImage : image;
}

function assertAbsolute(path: string, what: string): void {
  if (!path.startsWith("/") || posix.normalize(path) !== path || path.split("/").includes("..")) {
    throw new C8sError("INVALID_ARGUMENT", `The ${what} '${path}' must be an absolute, normalized path.`, {
      details: { path },
      hint: "Use an absolute path without '..' segments, e.g. /workspace.",
    });
  }
}

export function networkModeFor(spec: SandboxSpec): string {
  switch (spec.network.mode) {
    case "none":
      return "none";
    case "host":
      return "host";
    case "group":
      return `container:${groupHolderName(spec.network.group)}`;
  }
}

/** The body of `POST /containers/create?name=<containerName(spec.id)>`. */
export function buildCreateBody(spec: SandboxSpec, options: CreateBodyOptions): ContainerCreateOptions {
  assertAbsolute(spec.workdir, "workdir");
  for (const mount of spec.mounts) assertAbsolute(mount.target, "mount target");
  const { limits } = spec;
  if (!(limits.memoryBytes > 0 && limits.pids > 0 && limits.cpuMillis > 0 && limits.fileSizeBytes > 0)) {
    throw new C8sError("INVALID_ARGUMENT", "Sandbox limits must all be positive.", {
      details: { limits },
      hint: "Set memoryBytes, pids, cpuMillis and fileSizeBytes to positive numbers.",
    });
  }
  const keys = options.labels;
  const labels: Record<string, string> = {
    ...spec.labels,
    [keys.owner]: spec.owner,
    [keys.sandbox]: spec.id,
    [keys.workdir]: spec.workdir,
    ...(spec.network.mode === "group" ? { [keys.group]: spec.network.group } : {}),
  };
  const workspace =
    spec.workspaceSource === undefined
      ? { Type: "volume" as const, Source: workspaceVolumeName(spec.id), Target: spec.workdir, ReadOnly: false }
      : { Type: "bind" as const, Source: spec.workspaceSource, Target: spec.workdir, ReadOnly: false };
  const tmp =
    options.tmp === "tmpfs"
      ? {
          Type: "tmpfs" as const,
          Source: "", // an engine takes "" as none; a tmpfs has no source
          Target: "/tmp",
          ReadOnly: false,
          TmpfsOptions: { SizeBytes: positiveDiskBytes(limits.diskBytes), Mode: 0o1777 },
        }
      : { Type: "volume" as const, Source: tmpVolumeName(spec.id), Target: "/tmp", ReadOnly: false };
  const extra = spec.mounts.map((m) => ({
    Type: "bind" as const,
    Source: m.source,
    Target: m.target,
    ReadOnly: m.readOnly,
  }));
  const mounts = spec.workdir === "/tmp" ? [workspace, ...extra] : [workspace, tmp, ...extra];
  return {
    Image: imageFor(spec, options.defaultImage),
    Entrypoint: KEEPALIVE_COMMAND,
    Cmd: [],
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: spec.workdir,
    // A member of a group shares the holder's UTS-less network namespace: Docker refuses a hostname there.
    ...(spec.network.mode === "group" ? {} : { Hostname: spec.hostname ?? dockerName(spec.id).slice(0, 63) }),
    Labels: labels,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    NetworkDisabled: false,
    StopSignal: "SIGKILL",
    HostConfig: {
      Init: true,
      NetworkMode: networkModeFor(spec),
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      PidsLimit: limits.pids,
      NanoCpus: limits.cpuMillis * 1_000_000,
      Ulimits: [
        { Name: "fsize", Soft: limits.fileSizeBytes, Hard: limits.fileSizeBytes },
        ...(options.ulimits ?? []).filter((u) => u.Name !== "fsize").map((u) => ({ ...u })),
      ],
      Mounts: mounts,
      RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
      AutoRemove: false,
      LogConfig: { Type: "none", Config: {} },
    },
  };
}

/** The holder of a network group: loopback only, no capabilities, a few pids and MiB. */
export function buildGroupHolderBody(group: string, owner: string, options: CreateBodyOptions): ContainerCreateOptions {
  const keys = options.labels;
  return {
    Image: options.defaultImage,
    Entrypoint: KEEPALIVE_COMMAND,
    Cmd: [],
    Hostname: groupHolderName(group).slice(0, 63),
    Labels: { [keys.owner]: owner, [keys.role]: GROUP_HOLDER_ROLE, [keys.group]: group },
    StopSignal: "SIGKILL",
    HostConfig: {
      Init: true,
      NetworkMode: "none",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: 16 * 1024 * 1024,
      MemorySwap: 16 * 1024 * 1024,
      PidsLimit: 8,
      NanoCpus: 100_000_000,
      ...(options.ulimits === undefined || options.ulimits.length === 0
        ? {}
        : { Ulimits: options.ulimits.map((u) => ({ ...u })) }),
      RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
      AutoRemove: false,
      LogConfig: { Type: "none", Config: {} },
    },
  };
}

/**
 * The body of `POST /volumes/create` for a sandbox's volume. `/tmp` is a tmpfs-backed local
 * volume of `limits.diskBytes` (ENOSPC past it): dockerd mounts it on the engine's side, so
 * the archive endpoints see it, unlike a container tmpfs. Its pages count against the
 * container's memory limit when the sandbox writes them. The workspace is a plain volume: the
 * local volume driver has no size for disk-backed volumes, and `--storage-opt size` bounds only
 * the container's root filesystem (read-only here) and only on overlay2 over XFS with pquota.
 */
export function buildVolumeBody(
  spec: Pick<SandboxSpec, "id" | "owner" | "limits">,
  name: string,
  role: "workspace" | "tmp",
  keys: DockerLabelKeys,
): { Name: string; Labels: Record<string, string>; Driver?: string; DriverOpts?: Record<string, string> } {
  const Labels = resourceLabels(keys, spec.owner, spec.id, role);
  if (role === "workspace") return { Name: name, Labels };
  const size = positiveDiskBytes(spec.limits.diskBytes);
  return {
    Name: name,
    Labels,
    Driver: "local",
    DriverOpts: { type: "tmpfs", device: "tmpfs", o: `size=${size},mode=1777,nosuid,nodev` },
  };
}

function positiveDiskBytes(size: number): number {
  if (!(Number.isInteger(size) && size > 0))
    throw new C8sError("INVALID_ARGUMENT", "Sandbox limits.diskBytes must be a positive integer.", {
      details: { diskBytes: size },
      hint: "Set limits.diskBytes to the quota in bytes, e.g. 1073741824.",
    });
  return size;
}

/** Labels for the volumes created beside a sandbox. */
export function resourceLabels(
  keys: DockerLabelKeys,
  owner: string,
  sandboxId: string | undefined,
  role: string,
): Record<string, string> {
  return { [keys.owner]: owner, [keys.role]: role, ...(sandboxId === undefined ? {} : { [keys.sandbox]: sandboxId }) };
}

/**
 * `C8S_DOCKER_ULIMITS`, e.g. `nofile=1024:1024,nproc=4096:4096` (soft[:hard]) → ulimits every
 * sandbox gets besides fsize. Undefined or blank → none. Pure.
 */
export function parseDockerUlimits(text: string | undefined): DockerUlimit[] | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  return text.split(",").map((item) => {
    const match = /^\s*([a-z]+)=(\d+)(?::(\d+))?\s*$/.exec(item);
    const soft = Number(match?.[2]);
    const hard = match?.[3] === undefined ? soft : Number(match[3]);
    if (match?.[1] === undefined || match[1] === "fsize" || !(soft <= hard)) {
      throw new C8sError("CONFIG_INVALID", `Invalid ulimit '${item.trim()}' in C8S_DOCKER_ULIMITS.`, {
        details: { ulimits: text },
        hint: "Write name=soft[:hard] items separated by commas, soft ≤ hard, e.g. nofile=1024:1024,nproc=4096:4096 (fsize comes from the sandbox's limits).",
      });
    }
    return { Name: match[1], Soft: soft, Hard: hard };
  });
}
