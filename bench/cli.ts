/**
 * The `cli` section: how fast the `c8s` command starts, beside a bare `node -e 0` in the same
 * run, interleaved. `c8s version` and `c8s --help` from the compiled CLI (dist/, built first if
 * stale), `c8s sandbox exec ID -- true` against a running server (with the HTTP requests one exec
 * makes, counted by a relay in front of the server), and `c8s serve` start → /readyz 200 on an
 * existing home. Targets: issue 11 item 5.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Api, startServer } from "./harness.ts";
import { ms, sampleRoundRobin, summarize, type Summary, type Target } from "./stats.ts";

const root = resolve(import.meta.dirname, "..");
const bin = join(root, "bin/c8s.js");

/**
 * CPU time (user + sys, ms) of this process's waited-for children, from /proc/self/stat (cutime,
 * cstime; 10 ms ticks): less sensitive to a busy machine than wall time, so it is reported beside it.
 */
function childCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Wraps an operation so that each run's children's CPU time lands in `into`. */
function withCpu(op: () => Promise<void>, into: number[]): () => Promise<void> {
  return async () => {
    const before = childCpuMs();
    await op();
    into.push(childCpuMs() - before);
  };
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`node ${args.join(" ")} exited ${code}: ${err.slice(-500)}`)),
    );
  });
}

/** A TCP relay that counts the HTTP requests (request lines) clients send through it. */
async function countingRelay(target: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const requests: string[] = [];
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    client.on("data", (chunk: Buffer) => {
      // Client WebSocket frames are masked, so a request line here is a real request.
      for (const m of chunk.toString("latin1").matchAll(/(GET|POST|PUT|DELETE|PATCH) (\S+) HTTP\/1\.1\r\n/g))
        requests.push(`${m[1]} ${(m[2] ?? "").replace(/sbx_[\w-]+/, ":id").replace(/exec_[\w-]+/, ":exec")}`);
    });
    client.pipe(upstream).pipe(client);
    const drop = () => (client.destroy(), upstream.destroy());
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Spawns `c8s serve` on `home` and `port`; resolves with ms to the first /readyz 200, then stops it. */
async function serveReady(home: string, port: number): Promise<number> {
  const env = { ...process.env, C8S_HOME: home, C8S_LOG_LEVEL: "warn" };
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, "serve", "--port", String(port), "--host", "127.0.0.1"], {
    env,
    stdio: ["ignore", "ignore", "ignore"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`c8s serve exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return Number(process.hrtime.bigint() - started) / 1e6;
      await sleep(5);
    }
    throw new Error("c8s serve was not ready within 60 s");
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface CliBench {
  rows: Summary[];
  /** Mean CPU ms (user + sys) per run of each operation. */
  cpu: Record<string, number>;
  execRequests: string[];
  targets: Target[];
}

export async function benchCli(options: { quick: boolean }): Promise<CliBench> {
  const n = options.quick ? 10 : 30;
  const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs"), "--if-stale"], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("scripts/build.mjs failed");
  const noServer: NodeJS.ProcessEnv = { ...process.env, C8S_HOME: join(tmpdir(), "c8s-bench-cli-nohome") };
  delete noServer["C8S_URL"];
  delete noServer["C8S_TOKEN"];

  const cpu = {
    bare: [] as number[],
    version: [] as number[],
    help: [] as number[],
    bareExec: [] as number[],
    exec: [] as number[],
  };
  const [bare = [], version = [], help = []] = await sampleRoundRobin(n, [
    withCpu(() => runNode(["-e", "0"], noServer), cpu.bare),
    withCpu(() => runNode([bin, "version"], noServer), cpu.version),
    withCpu(() => runNode([bin, "--help"], noServer), cpu.help),
  ]);

  const server = await startServer();
  const relay = await countingRelay(server.url);
  let bareExec: number[] = [];
  let exec: number[] = [];
  let execRequests: string[] = [];
  try {
    const { id } = await new Api(server.url, server.token).createSandbox();
    const env = { ...process.env, C8S_URL: relay.url, C8S_TOKEN: server.token };
    await runNode([bin, "sandbox", "exec", id, "--", "true"], env);
    execRequests = [...relay.requests];
    [bareExec = [], exec = []] = await sampleRoundRobin(n, [
      withCpu(() => runNode(["-e", "0"], env), cpu.bareExec),
      withCpu(() => runNode([bin, "sandbox", "exec", id, "--", "true"], env), cpu.exec),
    ]);
  } finally {
    await relay.close();
    await server.stop();
  }

  // An existing home: started (and stopped) once before the timed starts.
  const home = await mkdtemp(join(tmpdir(), "c8s-bench-cli-home-"));
  const serve: number[] = [];
  try {
    const port = await freePort();
    await serveReady(home, port);
    for (let i = 0; i < Math.max(3, Math.floor(n / 3)); i++) serve.push(await serveReady(home, port));
  } finally {
    await rm(home, { recursive: true, force: true });
  }

  const rows = [
    summarize("node -e 0 (bare Node start)", bare),
    summarize("c8s version (dist)", version),
    summarize("c8s --help (dist)", help),
    summarize("node -e 0 (beside exec)", bareExec),
    summarize("c8s sandbox exec ID -- true", exec),
    summarize("c8s serve → /readyz 200 (existing home)", serve),
  ];
  const p50 = (r: Summary | undefined) => r?.p50 ?? Number.NaN;
  const [bareRow, versionRow, , bareExecRow, execRow, serveRow] = rows;
  const targets: Target[] = [
    {
      what: "c8s version p50",
      target: `≤ 2× bare Node start (${ms(p50(bareRow))} → ≤ ${ms(2 * p50(bareRow))})`,
      measured: `${ms(p50(versionRow))} (${(p50(versionRow) / p50(bareRow)).toFixed(2)}×)`,
      met: p50(versionRow) <= 2 * p50(bareRow),
    },
    {
      what: "c8s sandbox exec ID -- true p50",
      target: `≤ bare Node start + 30 ms (${ms(p50(bareExecRow))} → ≤ ${ms(p50(bareExecRow) + 30)})`,
      measured: `${ms(p50(execRow))} (+${ms(p50(execRow) - p50(bareExecRow))})`,
      met: p50(execRow) <= p50(bareExecRow) + 30,
    },
    {
      what: "c8s serve ready on an existing home p50",
      target: "≤ 1.5 s",
      measured: ms(p50(serveRow)),
      met: p50(serveRow) <= 1500,
    },
  ];
  // The warm-up runs are in the CPU lists too; they are few and alike.
  const cpuMeans = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, mean(v)]));
  return { rows, cpu: cpuMeans, execRequests, targets };
}
