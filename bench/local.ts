/**
 * Local-runtime benchmarks (issue 2): every c8s figure beside a bare `bwrap … true` spawn
 * from Node measured in the same run.
 */
import { spawn } from "node:child_process";
import { Api, descendantsPss, runConcurrent, startServer } from "./harness.ts";
import { sample, summarize, type Summary, type Target } from "./stats.ts";

const BARE_BWRAP = [
  "--unshare-all",
  "--die-with-parent",
  "--ro-bind",
  "/usr",
  "/usr",
  "--symlink",
  "usr/lib",
  "/lib",
  "--symlink",
  "usr/lib64",
  "/lib64",
  "--symlink",
  "usr/bin",
  "/bin",
  "--proc",
  "/proc",
  "--dev",
  "/dev",
  "--",
  "/usr/bin/true",
];

export function bareBwrap(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("bwrap", BARE_BWRAP, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`bwrap exited ${code}`))));
  });
}

export interface LocalBenchResult {
  rows: Summary[];
  /** c8s one-shots (create+exec+destroy through the API) and bare `bwrap … true` spawns at the same concurrency. */
  throughput: Array<{ concurrency: number; ops: number; wallMs: number; perSecond: number; barePerSecond: number }>;
  memory: { sandboxes: number; processes: number; pssBytesPerSandbox: number; rssBytesPerSandbox: number };
  targets: Target[];
}

export async function benchLocal(options: { quick: boolean }): Promise<LocalBenchResult> {
  const n = options.quick ? 20 : 100;
  const bare = summarize("bare bwrap … true spawn (Node)", await sample(n, bareBwrap));

  const server = await startServer();
  const api = new Api(server.url, server.token);
  try {
    const created: string[] = [];
    const ttfc = summarize(
      "time-to-first-command (create → exec finished)",
      await sample(
        options.quick ? 15 : 50,
        async () => {
          const { id } = await api.createSandbox();
          await api.exec(id, ["true"]);
          created.push(id);
        },
        2,
      ),
    );
    await runConcurrent(created.length, 4, async () => {
      const next = created.pop();
      if (next) await api.destroy(next);
    });
    const { id } = await api.createSandbox();
    const warm = summarize("warm exec round trip (API)", await sample(n * 2, () => api.exec(id, ["true"])));
    await api.destroy(id);

    const throughput: LocalBenchResult["throughput"] = [];
    for (const concurrency of [1, 8, 32]) {
      const ops = options.quick ? concurrency * 4 : Math.max(40, concurrency * 8);
      const wallMs = await runConcurrent(ops, concurrency, async () => {
        const sbx = await api.createSandbox();
        await api.exec(sbx.id, ["true"]);
        await api.destroy(sbx.id);
      });
      const bareOps = Math.max(ops, 64);
      const bareWallMs = await runConcurrent(bareOps, concurrency, bareBwrap);
      throughput.push({
        concurrency,
        ops,
        wallMs,
        perSecond: (ops * 1000) / wallMs,
        barePerSecond: (bareOps * 1000) / bareWallMs,
      });
    }

    const count = options.quick ? 50 : 200;
    const ids: string[] = [];
    await runConcurrent(count, 8, async () => {
      ids.push((await api.createSandbox()).id);
    });
    const before = await descendantsPss(server.pid);
    const memory = {
      sandboxes: count,
      processes: before.processes,
      pssBytesPerSandbox: before.pssBytes / count,
      rssBytesPerSandbox: before.rssBytes / count,
    };
    await runConcurrent(ids.length, 8, async () => {
      const next = ids.pop();
      if (next) await api.destroy(next);
    });

    const at32 = throughput.find((t) => t.concurrency === 32)?.perSecond ?? 0;
    const bareAt32 = throughput.find((t) => t.concurrency === 32)?.barePerSecond ?? 0;
    const targets: Target[] = [
      {
        what: "warm exec p50 ≤ bare bwrap p50",
        target: `≤ ${bare.p50.toFixed(2)} ms`,
        measured: `${warm.p50.toFixed(2)} ms`,
        met: warm.p50 <= bare.p50,
      },
      {
        what: "time-to-first-command p50 ≤ 1.5× bare bwrap p50",
        target: `≤ ${(1.5 * bare.p50).toFixed(2)} ms`,
        measured: `${ttfc.p50.toFixed(2)} ms`,
        met: ttfc.p50 <= 1.5 * bare.p50,
      },
      {
        what: "one-shot create+exec+destroy at concurrency 32",
        target: "≥ 250 /s",
        measured: `${at32.toFixed(1)} /s (bare bwrap spawns: ${bareAt32.toFixed(0)} /s)`,
        met: at32 >= 250,
      },
      {
        what: "host memory per idle sandbox (PSS)",
        target: "≤ 2 MB",
        measured: `${(memory.pssBytesPerSandbox / 1048576).toFixed(2)} MB`,
        met: memory.pssBytesPerSandbox <= 2 * 1048576,
      },
    ];
    return { rows: [bare, ttfc, warm], throughput, memory, targets };
  } finally {
    await server.stop();
  }
}
