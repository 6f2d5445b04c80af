/**
 * c8s's Docker create, replayed as bare Engine API calls with each call timed: the image
 * check, the workspace and /tmp volumes, the container with c8s's exact create body (pure
 * `buildCreateBody`), its start. Measured beside c8s, it splits c8s's time-to-first-command
 * into what the engine spends on c8s's sandbox shape and what c8s's own code adds.
 */
import type Docker from "dockerode";
import { buildCreateBody, labelKeys } from "../src/runtimes/docker/index.ts";
import { containerName, tmpVolumeName, workspaceVolumeName } from "../src/runtimes/docker/spec.ts";
import type { SandboxSpec } from "../src/runtimes/types.ts";
import { timeIt } from "./stats.ts";

export interface ReplayTimings {
  imageInspect: number;
  volumes: number;
  containerCreate: number;
  containerStart: number;
}

export interface Replayed {
  containerId: string;
  volumes: string[];
  timings: ReplayTimings;
}

export async function replayC8sCreate(docker: Docker, spec: SandboxSpec, image: string): Promise<Replayed> {
  const keys = labelKeys("dev.c8s.bench-replay");
  const body = buildCreateBody(spec, { labels: keys, defaultImage: image });
  const volumes = [workspaceVolumeName(spec.id), tmpVolumeName(spec.id)];
  let containerId = "";
  const timings: ReplayTimings = {
    imageInspect: await timeIt(() => docker.getImage(image).inspect()),
    volumes: await timeIt(async () => {
      for (const name of volumes) await docker.createVolume({ Name: name, Labels: { "dev.c8s.bench": "replay" } });
    }),
    containerCreate: await timeIt(async () => {
      containerId = (await docker.createContainer({ ...body, name: containerName(spec.id) })).id;
    }),
    containerStart: await timeIt(() => docker.getContainer(containerId).start()),
  };
  return { containerId, volumes, timings };
}

export async function removeReplayed(docker: Docker, replayed: Replayed): Promise<void> {
  await docker.getContainer(replayed.containerId).remove({ force: true, v: true });
  for (const name of replayed.volumes)
    await docker
      .getVolume(name)
      .remove()
      .catch(() => undefined);
}
