/** Starts a real `c8s serve` in a child process on a temp home and talks to it over HTTP. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface BenchServer {
  url: string;
  token: string;
  pid: number;
  home: string;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, "..");

/**
 * `c8s serve --port 0` (or `entry`: other node arguments that start the server on `C8S_HOME`
 * and write its credentials.json, as bench/pipelines-server.ts does).
 */
export async function startServer(
  extraEnv: Record<string, string> = {},
  args: string[] = [],
  entry: string[] = [join(root, "bin/c8s.js"), "serve", "--port", "0"],
): Promise<BenchServer> {
  const home = await mkdtemp(join(tmpdir(), "c8s-bench-"));
  const child: ChildProcess = spawn(process.execPath, [...entry, ...args], {
    // The benches measure sandboxes and runs, not the request rate limit (one token drives them all).
    env: { ...process.env, C8S_HOME: home, C8S_LOG_LEVEL: "warn", C8S_RATE_LIMIT_RPS: "0", ...extraEnv },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // Forwarded as it comes, and the tail kept so a failed start says why.
  let stderrTail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-4000);
  });
  const deadline = Date.now() + 60_000;
  let creds: { url: string; token: string } | undefined;
  let ready = false;
  while (!ready && Date.now() < deadline) {
    if (child.exitCode !== null) {
      await rm(home, { recursive: true, force: true });
      throw new Error(`c8s serve exited with ${child.exitCode}: ${stderrTail.trim()}`);
    }
    try {
      creds = JSON.parse(await readFile(join(home, "credentials.json"), "utf8")) as { url: string; token: string };
      ready = (await fetch(`${creds.url}/readyz`)).ok;
    } catch {
      // not up yet
    }
    if (!ready) await sleep(100);
  }
  if (!ready || !creds) {
    child.kill("SIGKILL");
    await rm(home, { recursive: true, force: true });
    throw new Error(`c8s serve was not ready within 60 s: ${stderrTail.trim()}`);
  }
  const { url, token } = creds;
  return {
    url,
    token,
    pid: child.pid ?? -1,
    home,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}

export class Api {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  createSandbox(body: Record<string, unknown> = {}): Promise<{ id: string }> {
    return this.call("POST", "/v1/sandboxes", body);
  }

  exec(id: string, command: string[]): Promise<{ exitCode: number | null; stdout: string }> {
    return this.call("POST", `/v1/sandboxes/${id}/exec`, { command });
  }

  destroy(id: string): Promise<unknown> {
    return this.call("DELETE", `/v1/sandboxes/${id}`);
  }
}

/** Runs `total` tasks with at most `concurrency` at once; returns the wall time in ms. */
export async function runConcurrent(total: number, concurrency: number, task: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await task();
      }
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Like runConcurrent, but a failed task is counted (first error kept) instead of ending the run. */
export async function runConcurrentCounting(
  total: number,
  concurrency: number,
  task: () => Promise<unknown>,
): Promise<{ wallMs: number; failures: number; firstError: string | undefined }> {
  let failures = 0;
  let firstError: string | undefined;
  const wallMs = await runConcurrent(total, concurrency, () =>
    task().catch((error: unknown) => {
      failures++;
      firstError ??= error instanceof Error ? error.message : String(error);
    }),
  );
  return { wallMs, failures, firstError };
}

/** Sum of proportional set size (kB → bytes) of every descendant of `pid`. */
export async function descendantsPss(pid: number): Promise<{ processes: number; pssBytes: number; rssBytes: number }> {
  const { readdir } = await import("node:fs/promises");
  const parents = new Map<number, number>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(name), Number(fields[1]));
    } catch {
      // exited
    }
  }
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents) children.set(parent, [...(children.get(parent) ?? []), child]);
  const found: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    found.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  let pss = 0;
  let rss = 0;
  for (const p of found) {
    try {
      const rollup = await readFile(`/proc/${p}/smaps_rollup`, "utf8");
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      // exited
    }
  }
  return { processes: found.length, pssBytes: pss, rssBytes: rss };
}
