/**
 * Docker-runtime benchmarks (issue 5 item 5): every c8s figure beside the bare Engine API
 * operation (`docker exec`, `docker run --rm`, through the same engine and client) measured
 * in the same run, alternating c8s and bare so background load hits both alike.
 * Target: c8s adds ≤ 10% over the bare operation.
 */
import { randomBytes } from "node:crypto";
import { defaultSpec } from "../src/runtimes/conformance/helpers.ts";
import {
  bareDockerExec,
  bareDockerRun,
  connectBenchDocker,
  removeBareContainer,
  startBareContainer,
} from "./docker-bare.ts";
import { createDockerRuntime } from "../src/runtimes/docker/index.ts";
import { openDriver, runtimeDriver, type SandboxDriver } from "./drivers.ts";
import { runConcurrentCounting } from "./harness.ts";
import { removeReplayed, replayC8sCreate } from "./docker-replay.ts";
import {
  overheadTarget,
  sampleRoundRobin,
  summarize,
  type Summary,
  type Target,
  type Throughput,
  throughputTarget,
  timeIt,
} from "./stats.ts";

export const DOCKER_BENCH_IMAGE = "localhost/c8s-busybox:latest";

export interface DockerBenchResult {
  path: string;
  fallbackReason: string | undefined;
  dockerHost: string | undefined;
  engine: { version: string; storageDriver: string; cgroupDriver: string };
  rows: Summary[];
  throughput: Throughput[];
  targets: Target[];
}

/** Why the section cannot run here, or undefined when the engine answers and has the image. */
export async function dockerSkipReason(dockerHost: string | undefined): Promise<string | undefined> {
  const docker = connectBenchDocker(dockerHost);
  try {
    await docker.ping();
  } catch (error) {
    return `no Docker Engine answers at ${dockerHost ?? "the default socket"} (${(error as Error).message}); start one with scripts/docker-test-engine.sh and set DOCKER_HOST`;
  }
  try {
    await docker.getImage(DOCKER_BENCH_IMAGE).inspect();
  } catch {
    return `the engine has no ${DOCKER_BENCH_IMAGE} (scripts/docker-test-engine.sh start builds it)`;
  }
  return undefined;
}

const benchSpec = () =>
  defaultSpec({ id: `sbx_bench_${randomBytes(6).toString("hex")}`, owner: "c8s-bench", image: DOCKER_BENCH_IMAGE });

async function openDockerDriver(dockerHost: string | undefined) {
  return openDriver({
    runtime: "docker",
    env: { ...(dockerHost ? { DOCKER_HOST: dockerHost } : {}), C8S_DOCKER_IMAGE: DOCKER_BENCH_IMAGE },
    fallback: async () => {
      const runtime = await createDockerRuntime({ dockerHost, defaultImage: DOCKER_BENCH_IMAGE });
      const spec = () =>
        defaultSpec({
          id: `sbx_bench_${randomBytes(6).toString("hex")}`,
          owner: "c8s-bench",
          image: DOCKER_BENCH_IMAGE,
        });
      return runtimeDriver(
        runtime,
        spec,
        "docker Runtime API in-process (createDockerRuntime; no HTTP, no engine/store)",
      );
    },
  });
}

export async function benchDocker(options: {
  quick: boolean;
  dockerHost: string | undefined;
}): Promise<DockerBenchResult> {
  const docker = connectBenchDocker(options.dockerHost);
  const info = (await docker.info()) as { ServerVersion?: string; Driver?: string; CgroupDriver?: string };
  const { driver, fallbackReason } = await openDockerDriver(options.dockerHost);
  const direct = runtimeDriver(
    await createDockerRuntime({ dockerHost: options.dockerHost, defaultImage: DOCKER_BENCH_IMAGE }),
    benchSpec,
    "docker Runtime API in-process",
  );
  const image = DOCKER_BENCH_IMAGE;
  try {
    // Time-to-first-command: a new long-lived container and its first command, each way in
    // turn (the order rotates), cleaned up untimed.
    type Way = { name: string; start(): Promise<() => Promise<void>> };
    const replayParts = {
      imageInspect: [] as number[],
      volumes: [] as number[],
      create: [] as number[],
      start: [] as number[],
    };
    const ways: Way[] = [
      {
        name: `c8s (${driver.path})`,
        async start() {
          const id = await driver.create();
          await driver.exec(id, ["true"]);
          return () => driver.destroy(id);
        },
      },
      {
        name: "c8s Runtime API in-process",
        async start() {
          const id = await direct.create();
          await direct.exec(id, ["true"]);
          return () => direct.destroy(id);
        },
      },
      {
        name: "bare: c8s's engine calls replayed (image inspect, 2 volumes, c8s create body, start) → docker exec",
        async start() {
          const replayed = await replayC8sCreate(docker, benchSpec(), image);
          await bareDockerExec(docker, replayed.containerId, ["true"]);
          replayParts.imageInspect.push(replayed.timings.imageInspect);
          replayParts.volumes.push(replayed.timings.volumes);
          replayParts.create.push(replayed.timings.containerCreate);
          replayParts.start.push(replayed.timings.containerStart);
          return () => removeReplayed(docker, replayed);
        },
      },
      {
        name: "bare: plain create+start → docker exec",
        async start() {
          const box = await startBareContainer(docker, image);
          await bareDockerExec(docker, box, ["true"]);
          return () => removeBareContainer(docker, box);
        },
      },
    ];
    const ttfc = ways.map(() => [] as number[]);
    const rounds = options.quick ? 5 : 20;
    for (let round = 0; round <= rounds; round++) {
      for (let k = 0; k < ways.length; k++) {
        const index = (round + k) % ways.length;
        let cleanup: () => Promise<void> = () => Promise.resolve();
        const took = await timeIt(async () => (cleanup = await (ways[index] as Way).start()));
        await cleanup();
        if (round > 0) ttfc[index]?.push(took); // round 0 warms up
      }
    }

    const sandbox = await driver.create();
    const directSandbox = await direct.create();
    const box = await startBareContainer(docker, image);
    const [warmC8s = [], warmDirect = [], warmBare = []] = await sampleRoundRobin(options.quick ? 30 : 100, [
      () => driver.exec(sandbox, ["true"]),
      () => direct.exec(directSandbox, ["true"]),
      () => bareDockerExec(docker, box, ["true"]),
    ]);
    await driver.destroy(sandbox);
    await direct.destroy(directSandbox);
    await removeBareContainer(docker, box);

    const throughput: Throughput[] = [];
    for (const [index, concurrency] of [1, 8, 32].entries()) {
      const ops = options.quick ? Math.max(4, concurrency) : Math.max(16, concurrency * 2);
      const order: Array<[string, () => Promise<void>]> = [
        [`c8s create+exec+destroy (${driver.path})`, () => oneShot(driver)],
        ["c8s Runtime API in-process create+exec+destroy", () => oneShot(direct)],
        [
          "bare: c8s's engine calls replayed, create+start+exec+remove (container, 2 volumes)",
          async () => {
            const replayed = await replayC8sCreate(docker, benchSpec(), image);
            await bareDockerExec(docker, replayed.containerId, ["true"]);
            await removeReplayed(docker, replayed);
          },
        ],
        ["bare docker run --rm true", () => bareRunOk(docker, image)],
      ];
      // Rotate which goes first at each level.
      for (let r = 0; r < index; r++) order.push(order.shift() as [string, () => Promise<void>]);
      for (const [label, task] of order) {
        const r = await runConcurrentCounting(ops, concurrency, task);
        throughput.push({
          label,
          concurrency,
          ops,
          failures: r.failures,
          wallMs: r.wallMs,
          perSecond: (ops * 1000) / r.wallMs,
        });
        if (r.firstError) console.error(`  ${label} at ${concurrency}: ${r.failures} failed, first: ${r.firstError}`);
      }
    }

    const rows = [
      ...ways.map((way, i) => summarize(`time-to-first-command: ${way.name}`, ttfc[i] ?? [])),
      summarize("  replay part: image inspect", replayParts.imageInspect),
      summarize("  replay part: 2 volume creates", replayParts.volumes),
      summarize("  replay part: container create (c8s body)", replayParts.create),
      summarize("  replay part: container start", replayParts.start),
      summarize(`warm exec round trip: c8s (${driver.path})`, warmC8s),
      summarize("warm exec round trip: c8s Runtime API in-process", warmDirect),
      summarize("warm exec round trip: bare docker exec", warmBare),
    ];
    const ttfcC8s = summarize("", ttfc[0] ?? []);
    const ttfcBare = summarize("", ttfc[3] ?? []);
    const targets: Target[] = [
      overheadTarget("time-to-first-command p50", ttfcC8s.p50, ttfcBare.p50, 10),
      overheadTarget("warm exec round trip p50", summarize("", warmC8s).p50, summarize("", warmBare).p50, 10),
    ];
    for (const concurrency of [1, 8, 32]) {
      const [c8s, bare] = [
        throughput.find((t) => t.concurrency === concurrency && t.label.startsWith("c8s create")),
        throughput.find((t) => t.concurrency === concurrency && t.label.startsWith("bare docker run")),
      ];
      if (c8s && bare)
        targets.push({
          ...throughputTarget(`one-shot throughput at concurrency ${concurrency}`, c8s.perSecond, bare.perSecond, 10),
          ...(c8s.failures + bare.failures > 0 ? { met: false } : {}),
        });
    }
    return {
      path: driver.path,
      fallbackReason,
      dockerHost: options.dockerHost,
      engine: {
        version: info.ServerVersion ?? "?",
        storageDriver: info.Driver ?? "?",
        cgroupDriver: info.CgroupDriver ?? "?",
      },
      rows,
      throughput,
      targets,
    };
  } finally {
    await driver.close();
    await direct.close();
  }
}

async function oneShot(driver: SandboxDriver): Promise<void> {
  const id = await driver.create();
  try {
    await driver.exec(id, ["true"]);
  } finally {
    await driver.destroy(id);
  }
}

async function bareRunOk(docker: ReturnType<typeof connectBenchDocker>, image: string): Promise<void> {
  const result = await bareDockerRun(docker, image, ["true"]);
  if (result.exitCode !== 0) throw new Error(`docker run true exited ${result.exitCode}`);
}
