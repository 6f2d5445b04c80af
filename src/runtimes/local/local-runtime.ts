/**
 * The `local` runtime: one bubblewrap sandbox per SandboxSpec, a resident supervisor inside
 * (pid 1) that starts every exec, cgroup limits where the host allows them, a per-sandbox
 * host uid when c8s runs as root. See docs in ./README.md.
 */
import { execFile } from "node:child_process";
import { chown, mkdir, realpath, rm, stat } from "node:fs/promises";
import { promisify } from "node:util";
import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import { readImageRegistry, resolveLocalImage } from "./images.ts";
import { C8sError } from "../../errors/index.ts";
import { normalizeWorkdir } from "../files/path-policy.ts";
import type {
  ExecProcess,
  ExecRequest,
  OwnedSandbox,
  Runtime,
  RuntimeCapabilities,
  SandboxExit,
  SandboxHandle,
  SandboxSpec,
} from "../types.ts";
import {
  BWRAP_INFO_FD,
  buildExecEnv,
  buildLaunchArgv,
  buildUnisolatedArgv,
  type LaunchLayout,
  SANDBOX_SUPERVISOR_PATH,
} from "./bwrap-args.ts";
import { createSandboxCgroups, destroyCgroups, readOomKills } from "./cgroups.ts";
import { createQuotaFs, removeQuotaFs } from "./disk-quota.ts";
import { createLocalFiles } from "./local-files.ts";
import { startExec } from "./local-exec.ts";
import { killExecTree, killIfOurs, killUidProcesses } from "./host-processes.ts";
import { ensureNetns, netnsName, removeNetns } from "./network-groups.ts";
import {
  checkSandboxId,
  ensureBase,
  listMetas,
  pickUid,
  readMeta,
  type SandboxMeta,
  sharedWorkspaceUid,
  writeMeta,
} from "./sandbox-meta.ts";
import { type LocalHost, probeLocalHost, type LocalRuntimeOptions } from "./local-host.ts";
import { type LaunchedProcess, sharedSpawner } from "./spawner.ts";

export type { LocalRuntimeOptions } from "./local-host.ts";

interface LiveSandbox {
  meta: SandboxMeta;
  spec: SandboxSpec;
  child: LaunchedProcess;
  socketPath: string;
  oomFile: string | null;
  exit: Promise<SandboxExit>;
  exited: boolean;
  destroying: Promise<void> | null;
  execs: Set<ExecProcess>;
}

/**
 * Gives a shared workspace (a pipeline run's clone) to the uid its sandboxes run as, once:
 * `chown -R -h -P` never follows symlinks, and it runs only while the top directory is not yet
 * that uid's, i.e. before any sandbox code could have touched it.
 */
async function adoptWorkspace(source: string, uid: number): Promise<void> {
  if ((await stat(source)).uid === uid) return;
  await promisify(execFile)("chown", ["-R", "-h", "-P", `${uid}:${uid}`, source]);
}

const UID_BASE = 2_000_000;
const UID_SPAN = 1_000_000;

export function createLocalRuntime(options: LocalRuntimeOptions): Runtime {
  let hostPromise: Promise<LocalHost> | null = null;
  const host = (): Promise<LocalHost> => (hostPromise ??= probeLocalHost(options));
  const live = new Map<string, LiveSandbox>();
  const ended = new Map<string, SandboxExit>();
  const groupMembers = new Map<string, Set<string>>();
  /** Host pid of each live sandbox's pid 1 (from bwrap --info-fd). */
  const innerPids = new Map<string, number>();

  function remember(id: string, exit: SandboxExit): void {
    ended.set(id, exit);
    if (ended.size > 2000) ended.delete(ended.keys().next().value as string);
  }

  function running(handle: SandboxHandle): LiveSandbox {
    const s = live.get(handle.id);
    if (!s) {
      throw new C8sError(
        ended.has(handle.id) ? "SANDBOX_NOT_RUNNING" : "SANDBOX_NOT_FOUND",
        `Sandbox ${handle.id} is not running on this runtime.`,
        {
          details: { sandboxId: handle.id },
          hint: "Create a new sandbox.",
        },
      );
    }
    if (s.exited || s.destroying) {
      throw new C8sError("SANDBOX_NOT_RUNNING", `Sandbox ${handle.id} has ended.`, {
        details: { sandboxId: handle.id },
        hint: "Create a new sandbox.",
      });
    }
    return s;
  }

  async function execIn(s: LiveSandbox, request: ExecRequest): Promise<ExecProcess> {
    if (request.command.length === 0)
      throw new C8sError("INVALID_ARGUMENT", "The command is empty.", { hint: "Pass at least the program name." });
    const workdir = s.meta.workdir;
    const cwd = request.cwd === undefined ? workdir : posix.resolve(workdir, request.cwd);
    const oomBefore = await readOomKills(s.oomFile);
    const proc = await startExec({
      socketPath: s.socketPath,
      sandboxId: s.meta.id,
      frame: {
        argv: request.command,
        env: buildExecEnv({ env: s.spec.env, workdir }, request.env, request.tty !== undefined),
        cwd,
        tty: request.tty,
      },
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      hooks: {
        oomKilledSinceStart: async () => (await readOomKills(s.oomFile)) > oomBefore,
        killTreeFromOutside: async (shimPid) => {
          const pid1 = innerPids.get(s.meta.id);
          if (shimPid !== null && pid1 !== undefined) await killExecTree(pid1, shimPid);
        },
        onEnd: () => s.execs.delete(proc),
      },
    });
    s.execs.add(proc);
    return proc;
  }

  const files = createLocalFiles({
    workdir: (h) => running(h).meta.workdir,
    helperPath: (h) => (running(h).meta.isolated ? SANDBOX_SUPERVISOR_PATH : (h.ref["supervisorPath"] as string)),
    exec: (h, argv) => execIn(running(h), { command: argv }),
  });

  async function launch(
    spec: SandboxSpec,
    meta: SandboxMeta,
    h: LocalHost,
    layout: LaunchLayout,
  ): Promise<LaunchedProcess> {
    const argv = meta.isolated
      ? buildLaunchArgv(spec, h.facts, layout, h.bwrapPath ?? "bwrap")
      : buildUnisolatedArgv(layout);
    const child = sharedSpawner.launch(argv[0] as string, argv.slice(1), {
      stdio: meta.isolated ? ["ignore", "pipe", "pipe", "ignore", "pipe"] : ["ignore", "pipe", "pipe"],
      env: meta.isolated ? {} : { PATH: "/usr/local/bin:/usr/bin:/bin" },
      cwd: meta.isolated ? "/" : meta.workspaceDir,
    });
    let info = "";
    const infoStream = child.stdio[BWRAP_INFO_FD] as Readable | null | undefined;
    infoStream?.on("data", (c: Buffer) => {
      info += c.toString();
      const pid = /"child-pid":\s*(\d+)/.exec(info)?.[1];
      if (pid !== undefined) innerPids.set(spec.id, Number(pid));
    });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null): void =>
        reject(
          new C8sError(
            "SANDBOX_START_FAILED",
            `The sandbox did not start (exit ${code ?? signal}): ${stderr.trim() || "no output"}`,
            {
              // Not the argv: it names host paths (state dir, cgroups) and errors reach API callers.
              details: { sandboxId: spec.id },
              hint: "Run `c8s doctor` to check bubblewrap, user namespaces and cgroups on this host.",
            },
          ),
        );
      child.once("error", (error) =>
        reject(new C8sError("SANDBOX_START_FAILED", `Cannot start the sandbox: ${error.message}`, { cause: error })),
      );
      child.once("exit", onExit);
      child.stdout?.once("data", () => {
        child.off("exit", onExit);
        resolve();
      });
    });
    return child;
  }

  /** Removes a sandbox's leftovers; `contained`: every process was in its cgroups (no scans needed). */
  async function cleanup(meta: SandboxMeta, contained = false): Promise<void> {
    if (!contained) {
      await killIfOurs(meta.pid, meta.dir, meta.id);
      if (!meta.uidShared) await killUidProcesses(meta.uid);
    }
    await destroyCgroups(meta.cgroups);
    if (meta.netns !== null) {
      const members = groupMembers.get(meta.netns);
      members?.delete(meta.id);
      if (!members || members.size === 0) {
        groupMembers.delete(meta.netns);
        await removeNetns(meta.netns);
      }
    }
    if (!meta.ownsWorkspace) await rm(meta.runDir, { recursive: true, force: true });
    if (meta.disk !== null) await removeQuotaFs(meta.disk);
    await rm(meta.dir, { recursive: true, force: true });
  }

  return {
    name: "local",

    async capabilities(): Promise<RuntimeCapabilities> {
      return (await host()).capabilities;
    },

    // A network group is one namespace: its members share loopback.
    address: () => Promise.resolve("127.0.0.1"),

    async create(spec: SandboxSpec): Promise<SandboxHandle> {
      checkSandboxId(spec.id);
      const h = await host();
      if (!h.bwrapPath && !options.allowUnisolated) throw h.isolationError();
      const isolated = h.bwrapPath !== null;
      if (live.has(spec.id) || (await readMeta(join(h.baseDir, spec.id)))) {
        throw new C8sError("CONFLICT", `Sandbox ${spec.id} already exists.`, { details: { sandboxId: spec.id } });
      }
      if (spec.image !== undefined) {
        const registry = options.imagesFile === undefined ? {} : await readImageRegistry(options.imagesFile);
        spec = { ...spec, image: await resolveLocalImage(spec.image, registry, options.allowImagePaths === true) };
      }
      await ensureBase(h.baseDir);
      const dir = join(h.baseDir, spec.id);
      await mkdir(dir, { mode: 0o711 });
      const used = new Set([...live.values()].map((s) => s.meta.uid).filter((u): u is number => u !== null));
      const source =
        spec.workspaceSource === undefined
          ? undefined
          : await realpath(spec.workspaceSource).catch(() => {
              throw new C8sError("INVALID_ARGUMENT", `The workspace source ${spec.workspaceSource} does not exist.`, {
                details: { workspaceSource: spec.workspaceSource },
              });
            });
      const uidShared = h.perSandboxUids && source !== undefined;
      const uid = !h.perSandboxUids
        ? null
        : source !== undefined
          ? sharedWorkspaceUid(source)
          : pickUid(used, UID_BASE, UID_SPAN);
      // As root, a shared workspace is staged onto <dir>/workspace by the launcher (see launch.c).
      const staged = source !== undefined && isolated && h.perSandboxUids;
      const workspaceDir = source === undefined || staged ? join(dir, "workspace") : source;
      const meta: SandboxMeta = {
        id: spec.id,
        owner: spec.owner,
        dir,
        workspaceDir,
        runDir: join(dir, "run"),
        workdir: isolated ? normalizeWorkdir(spec.workdir) : workspaceDir,
        uid,
        uidShared,
        pid: null,
        cgroups: [],
        netns: spec.network.mode === "group" ? netnsName(spec.network.group) : null,
        isolated,
        ownsWorkspace: source === undefined,
        disk: null,
        createdAt: new Date().toISOString(),
        labels: spec.labels,
      };
      await writeMeta(meta);
      try {
        await mkdir(meta.runDir, { mode: 0o700 });
        if (meta.ownsWorkspace || staged) await mkdir(workspaceDir, { mode: 0o700 });
        // A private workspace is its own filesystem of spec.limits.diskBytes (ENOSPC past it); a
        // shared one (workspaceSource) has the quota of whoever made it (a pipeline run's clone).
        if (meta.ownsWorkspace && h.diskQuota.kind !== null && normalizeWorkdir(spec.workdir) !== "/tmp") {
          meta.disk = { image: join(dir, "disk.img"), mountPoint: workspaceDir };
          await writeMeta(meta); // before mounting: a crash from here on is undone by cleanup()
          await createQuotaFs(meta.disk, spec.limits.diskBytes, { uid, mode: 0o700 });
        }
        if (uid !== null && (meta.ownsWorkspace || staged)) await chown(workspaceDir, uid, uid);
        if (uid !== null && source !== undefined) await adoptWorkspace(source, uid);
        const cgroups = h.cgroupsUsable ? await createSandboxCgroups(h.cgroups, spec.id, spec.limits) : null;
        meta.cgroups = cgroups?.dirs ?? [];
        let netnsFile: string | undefined;
        if (meta.netns !== null) {
          netnsFile = await ensureNetns(meta.netns);
          const members = groupMembers.get(meta.netns) ?? new Set<string>();
          members.add(spec.id);
          groupMembers.set(meta.netns, members);
        }
        await writeMeta(meta);
        const layout: LaunchLayout = {
          supervisorPath: h.supervisorPath,
          runDir: meta.runDir,
          workspaceDir,
          hostUid: uid,
          hostGid: uid,
          cgroupProcs: cgroups?.procs ?? [],
          rlimits: {
            ...(uid !== null && cgroups?.kind.pids == null ? { nproc: spec.limits.pids } : {}),
            fsize: spec.limits.fileSizeBytes,
          },
          netnsPath: netnsFile,
          stageSource: staged ? source : undefined,
        };
        const child = await launch(spec, meta, h, layout);
        meta.pid = child.pid ?? null;
        await writeMeta(meta);
        const sandbox: LiveSandbox = {
          meta,
          spec,
          child,
          socketPath: join(meta.runDir, "sock"),
          oomFile: cgroups?.oomFile ?? null,
          exited: false,
          destroying: null,
          execs: new Set(),
          exit: Promise.resolve({ reason: "error" }),
        };
        sandbox.exit = new Promise<SandboxExit>((resolve) => {
          child.once("exit", (code, signal) => {
            sandbox.exited = true;
            void (async () => {
              let exit: SandboxExit;
              if (sandbox.destroying) exit = { reason: "killed" };
              else if ((await readOomKills(sandbox.oomFile)) > 0 && (signal === "SIGKILL" || code !== 0)) {
                exit = { reason: "oom", message: "the sandbox's memory limit was hit and its supervisor was killed" };
              } else if (signal !== null) exit = { reason: "signal", message: `the sandbox was killed by ${signal}` };
              else exit = { reason: "exit", message: `the sandbox supervisor exited with code ${code}` };
              remember(spec.id, exit);
              resolve(exit);
            })();
          });
        });
        live.set(spec.id, sandbox);
        return {
          id: spec.id,
          runtime: "local",
          ref: { dir, pid: meta.pid, uid, isolated, supervisorPath: h.supervisorPath },
        };
      } catch (error) {
        await cleanup(meta).catch(() => undefined);
        throw error;
      }
    },

    async exec(handle, request) {
      return execIn(running(handle), request);
    },

    files,

    async waitExit(handle) {
      const s = live.get(handle.id);
      if (s) return s.exit;
      return ended.get(handle.id) ?? { reason: "killed", message: "the sandbox is not running on this runtime" };
    },

    async destroy(handle) {
      const s = live.get(handle.id);
      if (s) {
        s.destroying ??= (async () => {
          // Kill the sandbox's pid 1 first (the whole pid namespace dies with it) so that bwrap
          // reaps it and exits by itself; killing bwrap first would leave pid 1 a zombie of init.
          const inner = innerPids.get(handle.id) ?? (s.meta.isolated ? undefined : s.child.pid);
          try {
            if (inner !== undefined) process.kill(inner, "SIGKILL");
            else s.child.kill("SIGKILL");
          } catch {
            // already gone
          }
          await Promise.race([s.exit, new Promise((r) => setTimeout(r, 2000))]);
          s.child.kill("SIGKILL");
          await destroyCgroups(s.meta.cgroups);
          await s.exit;
          await Promise.all([...s.execs].map((e) => e.result.catch(() => undefined)));
          await cleanup(s.meta, s.meta.cgroups.length > 0);
          innerPids.delete(handle.id);
          live.delete(handle.id);
          remember(handle.id, { reason: "killed" });
        })();
        return s.destroying;
      }
      const h = await host();
      const refDir = typeof handle.ref["dir"] === "string" ? handle.ref["dir"] : join(h.baseDir, handle.id);
      const meta = await readMeta(refDir);
      if (meta && meta.id === handle.id) {
        await cleanup(meta);
        remember(handle.id, { reason: "killed" });
      }
    },

    async listOwned(owner) {
      const h = await host();
      const out: OwnedSandbox[] = [];
      for (const meta of await listMetas(h.baseDir)) {
        if (meta.owner !== owner) continue;
        if (live.get(meta.id)?.destroying) continue;
        out.push({
          id: meta.id,
          handle: {
            id: meta.id,
            runtime: "local",
            ref: {
              dir: meta.dir,
              pid: meta.pid,
              uid: meta.uid,
              isolated: meta.isolated,
              supervisorPath: h.supervisorPath,
            },
          },
        });
      }
      return out;
    },

    async close() {
      // Sandboxes stay up (the engine decides); nothing runtime-wide to release.
    },
  };
}
