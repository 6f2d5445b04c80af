/**
 * c8s's mechanism beside its peers (issue 11 item 6), sampled in turn in the same run: a bare
 * `bwrap … true` spawn (what the local runtime builds on), `crun run` of a minimal OCI bundle
 * (a daemonless OCI runtime: Debian's `crun`, or `runc` where crun cannot run; the bundle is
 * made here from busybox-static), and
 * `docker run --rm` when a Docker Engine with the test image answers. Each is a whole
 * "start an isolated process that runs `true` and is gone" — what a one-shot costs at the bottom.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { bareBwrap } from "./local.ts";
import { sampleRoundRobin, summarize, type Summary } from "./stats.ts";

const exec = promisify(execFile);
const BUSYBOX = "/bin/busybox";

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

/**
 * A minimal OCI bundle: busybox as a read-only root, `true` as the process, the spec's own
 * namespaces (network included) but no cgroup settings — like the bare bwrap spawn, which
 * makes no cgroup either.
 */
async function makeBundle(runtime: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "c8s-bench-oci-"));
  const rootfs = join(dir, "rootfs");
  await mkdir(join(rootfs, "bin"), { recursive: true });
  for (const sub of ["proc", "dev", "tmp"]) await mkdir(join(rootfs, sub));
  await copyFile(BUSYBOX, join(rootfs, "bin", "busybox"));
  await symlink("busybox", join(rootfs, "bin", "true"));
  await exec(runtime, ["spec", "--bundle", dir]);
  const spec = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
  spec.process.args = ["/bin/true"];
  spec.process.terminal = false;
  spec.root = { path: "rootfs", readonly: true };
  delete spec.linux.resources;
  spec.linux.namespaces = spec.linux.namespaces.filter((n: { type: string }) => n.type !== "cgroup");
  await writeFile(join(dir, "config.json"), JSON.stringify(spec));
  return dir;
}

const ociRun = (runtime: string, bundle: string) => () =>
  run(runtime, ["run", "--bundle", bundle, `c8s-bench-${randomBytes(6).toString("hex")}`]);

/**
 * The daemonless OCI runtime to measure: crun (the choice), or runc when crun cannot
 * run here (crun 1.8 refuses a cgroup v1/v2 hybrid whose v2 side still has a controller).
 */
async function ociRuntime(skipped: Record<string, string>): Promise<{ runtime: string; bundle: string } | undefined> {
  if (!existsSync(BUSYBOX)) {
    skipped["oci"] = "no static busybox for the bundle's root (apt-get install busybox-static)";
    return undefined;
  }
  for (const runtime of ["crun", "runc"]) {
    let bundle: string | undefined;
    try {
      bundle = await makeBundle(runtime);
      await ociRun(runtime, bundle)();
      return { runtime, bundle };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      let why = stderr || (error as Error).message.split("\n")[0] || "failed";
      if (runtime === "crun") {
        why = await exec("crun", ["run", "--bundle", bundle ?? "", "c8s-bench-probe"]).then(
          () => why,
          (e: { stderr?: string }) => e.stderr?.trim() || why,
        );
      }
      skipped[runtime] = why;
      if (bundle !== undefined) await rm(bundle, { recursive: true, force: true });
    }
  }
  return undefined;
}

export interface PeersResult {
  rows: Summary[];
  peers: string[];
  skipped: Record<string, string>;
}

export async function benchPeers(options: { quick: boolean; dockerHost?: string | undefined }): Promise<PeersResult> {
  const n = options.quick ? 20 : 60;
  const names = ["bare bwrap … true spawn"];
  const ops: Array<() => Promise<void>> = [bareBwrap];
  const skipped: Record<string, string> = {};
  const oci = await ociRuntime(skipped);
  if (oci !== undefined) {
    names.push(`${oci.runtime} run (minimal OCI bundle)`);
    ops.push(ociRun(oci.runtime, oci.bundle));
  }
  const dockerHost = options.dockerHost;
  if (dockerHost !== undefined) {
    try {
      await exec("docker", ["-H", dockerHost, "image", "inspect", "localhost/c8s-busybox:latest"], { timeout: 10_000 });
      names.push("docker run --rm --network none (busybox)");
      ops.push(() =>
        run("docker", [
          "-H",
          dockerHost,
          "run",
          "--rm",
          "--network",
          "none",
          "localhost/c8s-busybox:latest",
          "/bin/true",
        ]),
      );
    } catch (error) {
      skipped["docker"] =
        `no Docker Engine with localhost/c8s-busybox:latest at ${dockerHost} (${(error as Error).message.split("\n")[0]})`;
    }
  } else skipped["docker"] = "DOCKER_HOST is not set (scripts/docker-test-engine.sh start; eval its env)";
  try {
    const samples = await sampleRoundRobin(n, ops);
    return { rows: names.map((name, i) => summarize(name, samples[i] ?? [])), peers: names, skipped };
  } finally {
    if (oci !== undefined) await rm(oci.bundle, { recursive: true, force: true });
  }
}
