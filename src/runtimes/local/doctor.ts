/**
 * `c8s doctor` for the local runtime: which isolation features this host supports and the
 * exact fix for each missing one. Every check really tries the feature (spawns bwrap with that
 * namespace, writes a cgroup) instead of guessing from versions.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { detectCgroups, limitKinds } from "./cgroups.ts";
import { bwrapVersion } from "./local-host.ts";
import { versionAtLeast } from "./host-facts.ts";
import { ensureSupervisor } from "./supervisor-build.ts";
import { diskQuotaChecks } from "./disk-quota.ts";

const run = promisify(execFile);

export type DoctorStatus = "ok" | "warn" | "fail";

export interface DoctorCheck {
  id: string;
  title: string;
  status: DoctorStatus;
  detail: string;
  /** The exact command or change that fixes a warn/fail. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  isolated: boolean;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  bwrapPath?: string;
  compiler?: string;
  /** Where the supervisor is built for the seccomp check (default: a directory under the temp dir). */
  supervisorCacheDir?: string;
}

async function tryRun(cmd: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 20_000 });
    return { ok: true, output: `${stdout}${stderr}`.trim() };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return { ok: false, output: (e.stderr ?? e.message).trim() };
  }
}

async function readSysctl(path: string): Promise<string | null> {
  return readFile(path, "utf8").then(
    (t) => t.trim(),
    () => null,
  );
}

const BASE = ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"];
const NAMESPACES: Array<[string, string]> = [
  ["user", "--unshare-user"],
  ["pid", "--unshare-pid"],
  ["net", "--unshare-net"],
  ["ipc", "--unshare-ipc"],
  ["uts", "--unshare-uts"],
  ["cgroup", "--unshare-cgroup"],
];

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const bwrap = options.bwrapPath ?? "bwrap";
  const version = await bwrapVersion(bwrap);
  checks.push(
    version === null
      ? {
          id: "bwrap",
          title: "bubblewrap",
          status: "fail",
          detail: `'${bwrap}' was not found or does not run.`,
          fix: "apt-get install bubblewrap",
        }
      : versionAtLeast(version, [0, 8, 0])
        ? { id: "bwrap", title: "bubblewrap", status: "ok", detail: `bubblewrap ${version}` }
        : {
            id: "bwrap",
            title: "bubblewrap",
            status: "warn",
            detail: `bubblewrap ${version} lacks --disable-userns (0.8+): sandboxes may create nested user namespaces.`,
            fix: "Upgrade bubblewrap to 0.8 or newer.",
          },
  );

  const maxUserns = await readSysctl("/proc/sys/user/max_user_namespaces");
  const debianClone = await readSysctl("/proc/sys/kernel/unprivileged_userns_clone");
  const apparmor = await readSysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
  if (maxUserns === "0") {
    checks.push({
      id: "userns",
      title: "user namespaces",
      status: "fail",
      detail: "user.max_user_namespaces is 0.",
      fix: "sysctl -w user.max_user_namespaces=15000 (and persist it in /etc/sysctl.d/)",
    });
  } else if (debianClone === "0") {
    checks.push({
      id: "userns",
      title: "user namespaces",
      status: "fail",
      detail: "kernel.unprivileged_userns_clone is 0.",
      fix: "sysctl -w kernel.unprivileged_userns_clone=1 (and persist it in /etc/sysctl.d/)",
    });
  } else if (apparmor === "1") {
    checks.push({
      id: "userns",
      title: "user namespaces",
      status: "warn",
      detail: "AppArmor restricts unprivileged user namespaces.",
      fix: "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or add an AppArmor profile allowing userns for bwrap",
    });
  } else {
    checks.push({
      id: "userns",
      title: "user namespaces",
      status: "ok",
      detail: `max_user_namespaces=${maxUserns ?? "?"}`,
    });
  }

  if (version !== null) {
    for (const [kind, flag] of NAMESPACES) {
      const args = kind === "user" ? [flag, ...BASE, "true"] : ["--unshare-user", flag, ...BASE, "true"];
      const r = await tryRun(bwrap, args);
      checks.push(
        r.ok
          ? { id: `ns-${kind}`, title: `${kind} namespace`, status: "ok", detail: "bwrap could create it" }
          : {
              id: `ns-${kind}`,
              title: `${kind} namespace`,
              status: kind === "cgroup" ? "warn" : "fail",
              detail: r.output,
              fix: "Enable unprivileged user namespaces (see the userns check) and use a kernel with this namespace (CONFIG_*_NS=y).",
            },
      );
    }
    if (typeof process.getuid === "function" && process.getuid() === 0) {
      const r = await tryRun("setpriv", [
        "--reuid",
        "65534",
        "--regid",
        "65534",
        "--clear-groups",
        bwrap,
        "--unshare-all",
        "--unshare-user",
        ...BASE,
        "true",
      ]);
      checks.push(
        r.ok
          ? {
              id: "unprivileged-bwrap",
              title: "bwrap as an unprivileged uid",
              status: "ok",
              detail: "sandboxes run as per-sandbox host uids, never as root",
            }
          : {
              id: "unprivileged-bwrap",
              title: "bwrap as an unprivileged uid",
              status: "fail",
              detail: r.output,
              fix: "Enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) and install util-linux (setpriv).",
            },
      );
    }
  }

  const cg = await detectCgroups();
  const kinds = limitKinds(cg);
  for (const controller of ["memory", "pids", "cpu"] as const) {
    const kind = kinds[controller];
    const v2Hint =
      "cgroup v2: delegate controllers to c8s (run as root, or under systemd with Delegate=yes), e.g. echo '+memory +pids +cpu' > /sys/fs/cgroup/cgroup.subtree_control";
    checks.push(
      kind !== null
        ? { id: `cgroup-${controller}`, title: `${controller} limit`, status: "ok", detail: `enforced through ${kind}` }
        : {
            id: `cgroup-${controller}`,
            title: `${controller} limit`,
            status: "warn",
            detail:
              controller === "pids"
                ? "no usable pids cgroup: falls back to RLIMIT_NPROC on a per-sandbox uid (root only)"
                : `no usable ${controller} cgroup: the limit is not enforced`,
            fix: v2Hint,
          },
    );
  }
  checks.push({
    id: "cgroup-versions",
    title: "cgroup hierarchies",
    status: "ok",
    detail: `v1 controllers: ${Object.keys(cg.v1).join(", ") || "none"}; v2: ${cg.v2 ? `${cg.v2.mount} (${cg.v2.controllers.join(", ") || "no controllers"})` : "not mounted"}`,
  });

  const cc = options.compiler ?? "cc";
  const ccVersion = await tryRun(cc, ["--version"]);
  checks.push(
    ccVersion.ok
      ? {
          id: "compiler",
          title: "C compiler (sandbox supervisor)",
          status: "ok",
          detail: ccVersion.output.split("\n")[0] ?? cc,
        }
      : {
          id: "compiler",
          title: "C compiler (sandbox supervisor)",
          status: "fail",
          detail: `'${cc}' is missing: the in-sandbox supervisor cannot be built.`,
          fix: "apt-get install gcc libc6-dev",
        },
  );

  if (ccVersion.ok) checks.push(await seccompCheck(options));

  const limits = await readFile("/proc/self/limits", "utf8").catch(() => "");
  const nproc = /Max processes\s+(\S+)/.exec(limits)?.[1] ?? "?";
  const nofile = /Max open files\s+(\S+)\s+(\S+)/.exec(limits);
  checks.push({
    id: "rlimits",
    title: "rlimits",
    status: "ok",
    detail: `RLIMIT_NPROC=${nproc}, RLIMIT_NOFILE=${nofile?.[1] ?? "?"}/${nofile?.[2] ?? "?"}; RLIMIT_FSIZE is set per sandbox`,
  });

  const ip = await tryRun("ip", ["-V"]);
  checks.push(
    ip.ok
      ? { id: "iproute2", title: "group networks (ip netns)", status: "ok", detail: ip.output }
      : {
          id: "iproute2",
          title: "group networks (ip netns)",
          status: "warn",
          detail: "ip is missing: network mode 'group' (pipeline services) is unavailable.",
          fix: "apt-get install iproute2",
        },
  );

  checks.push(...(await diskQuotaChecks(tmpdir(), versionAtLeast(version, [0, 8, 0]))));

  const isolated = checks.every(
    (c) => !(c.status === "fail" && (c.id === "bwrap" || c.id === "userns" || c.id.startsWith("ns-"))),
  );
  return { ok: checks.every((c) => c.status !== "fail"), isolated, checks };
}

/** Builds the supervisor and has it install the sandbox filter and try a denied call. */
async function seccompCheck(options: DoctorOptions): Promise<DoctorCheck> {
  const title = "seccomp filter";
  let supervisor: string;
  try {
    supervisor = await ensureSupervisor(options.supervisorCacheDir ?? join(tmpdir(), "c8s-doctor-supervisor"), {
      ...(options.compiler !== undefined ? { compiler: options.compiler } : {}),
    });
  } catch (error) {
    return { id: "seccomp", title, status: "fail", detail: `the supervisor did not build: ${String(error)}` };
  }
  const r = await tryRun(supervisor, ["seccomp-check"]);
  return r.ok
    ? {
        id: "seccomp",
        title,
        status: "ok",
        detail: "enforced in every sandbox (ptrace, keyctl, io_uring, bpf, mount, … denied)",
      }
    : {
        id: "seccomp",
        title,
        status: "fail",
        detail: r.output || "not enforced",
        fix: "Use a kernel with CONFIG_SECCOMP_FILTER=y (every mainstream distribution kernel has it); sandboxes refuse to start without it.",
      };
}

/** Plain-text rendering for the CLI. */
export function formatDoctorReport(report: DoctorReport): string {
  const mark: Record<DoctorStatus, string> = { ok: "ok  ", warn: "WARN", fail: "FAIL" };
  const lines = report.checks.map(
    (c) => `${mark[c.status]}  ${c.title}: ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ""}`,
  );
  lines.push(
    report.isolated
      ? "sandboxes can be isolated on this host"
      : "sandboxes CANNOT be isolated on this host: c8s refuses to start them unless the unisolated mode is explicitly enabled",
  );
  return lines.join("\n");
}
