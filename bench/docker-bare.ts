/**
 * Bare Docker Engine operations for the benchmark, measured beside c8s's create/exec through
 * the same engine and the same client (dockerode): what `docker run --rm` and `docker exec`
 * do, with none of c8s's work (no image check, no volumes, no labels, no exec marker).
 *
 *   const docker = connectBenchDocker(process.env.DOCKER_HOST);
 *   const box = await startBareContainer(docker, "localhost/c8s-busybox:latest");
 *   await bareDockerExec(docker, box, ["true"]);          // warm exec round trip
 *   await bareDockerRun(docker, "localhost/c8s-busybox:latest", ["true"]); // one-shot
 *   await removeBareContainer(docker, box);
 */
import Docker from "dockerode";
import type { Duplex } from "node:stream";
import { dockerOptionsFor } from "../src/runtimes/docker/connection.ts";
import { DockerDemuxer } from "../src/runtimes/docker/demux.ts";
import { KEEPALIVE_COMMAND } from "../src/runtimes/docker/spec.ts";

export function connectBenchDocker(dockerHost: string | undefined): Docker {
  return new Docker(dockerOptionsFor(dockerHost));
}

export interface BareResult {
  exitCode: number | null;
  stdout: string;
}

/** A plain container kept alive like a sandbox (same init and keep-alive), no limits, no network. */
export async function startBareContainer(docker: Docker, image: string): Promise<string> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: KEEPALIVE_COMMAND,
    Labels: { "dev.c8s.bench": "bare" },
    HostConfig: { Init: true, NetworkMode: "none", AutoRemove: false },
  });
  await container.start();
  return container.id;
}

export async function removeBareContainer(docker: Docker, id: string): Promise<void> {
  await docker.getContainer(id).remove({ force: true, v: true });
}

/** `docker exec <id> <command>`: create, start attached, read to the end, inspect the exit code. */
export async function bareDockerExec(docker: Docker, id: string, command: string[]): Promise<BareResult> {
  const exec = await docker.getContainer(id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  const demuxer = new DockerDemuxer();
  let stdout = "";
  stream.on("data", (chunk: Buffer) => {
    for (const frame of demuxer.push(chunk)) if (frame.stream === "stdout") stdout += frame.data.toString();
  });
  await new Promise<void>((resolve, reject) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", reject);
  });
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running) return { exitCode: info.ExitCode, stdout };
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** `docker run --rm <image> <command>`: create, attach, start, wait, remove. */
export async function bareDockerRun(docker: Docker, image: string, command: string[]): Promise<BareResult> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: command,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: { NetworkMode: "none", AutoRemove: false },
    Labels: { "dev.c8s.bench": "bare" },
  });
  try {
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true, hijack: true })) as Duplex;
    const demuxer = new DockerDemuxer();
    let stdout = "";
    stream.on("data", (chunk: Buffer) => {
      for (const frame of demuxer.push(chunk)) if (frame.stream === "stdout") stdout += frame.data.toString();
    });
    const ended = new Promise<void>((resolve) => {
      stream.once("end", resolve);
      stream.once("close", resolve);
      stream.once("error", () => resolve());
    });
    await container.start();
    const waited = (await container.wait()) as { StatusCode?: number };
    await ended;
    return { exitCode: waited.StatusCode ?? null, stdout };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}
