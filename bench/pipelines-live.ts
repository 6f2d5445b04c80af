/**
 * Pipelines through a real server, timed against the wall clock the sandboxes share with
 * this process (the local runtime runs on this kernel): a step prints `date +%s%N`, and
 * - live log latency = when the line reached an SSE client − the stamp in it;
 * - webhook → first step = the first command's stamp − when the signed delivery was sent,
 *   broken down with the run's store timestamps (received, dispatched, step started).
 */
import { createHmac, randomBytes } from "node:crypto";
import { request } from "node:http";
import type { TestRepository } from "../test/fixtures/git.ts";
import { Api, type BenchServer } from "./harness.ts";
import { LineSplitter, nanosToMs, parseEpochNanos, SseParser } from "./pipeline-helpers.ts";
import { waitForRun } from "./runs-client.ts";
import { summarize, type Summary, type Target } from "./stats.ts";

export const GITHUB_SECRET = "c8s-bench-webhook-secret";

export interface LiveResult {
  rows: Summary[];
  targets: Target[];
  [key: string]: unknown;
}

/**
 * The realtime clock, as the sandbox's `date +%s%N` reads it (ms resolution). Not the monotonic
 * clock anchored at the process start: when the system clock is stepped during a run (NTP on a
 * freshly booted machine) the two drift apart and latencies came out negative.
 */
const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** Follows a step's log over SSE; calls `onLine` with each complete line and when it arrived. */
function followStep(
  server: BenchServer,
  runId: string,
  step: string,
  onLine: (line: string, receivedNs: bigint) => void,
): { connected: Promise<bigint>; ended: Promise<void> } {
  let connected!: (at: bigint) => void;
  const connectedAt = new Promise<bigint>((resolve) => (connected = resolve));
  const ended = new Promise<void>((resolve, reject) => {
    const url = new URL(`/v1/runs/${runId}/steps/${step}/logs?follow=true`, server.url);
    const req = request(
      url,
      { headers: { authorization: `Bearer ${server.token}`, accept: "text/event-stream" } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`log stream answered ${res.statusCode}`));
        connected(nowNs());
        const sse = new SseParser();
        const lines = new LineSplitter();
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const at = nowNs();
          for (const event of sse.push(chunk)) {
            if (event.event === "end") {
              res.destroy();
              return resolve();
            }
            if (event.event !== "output") continue;
            const { text } = JSON.parse(event.data) as { text: string };
            for (const line of lines.push(text)) onLine(line, at);
          }
        });
        res.once("end", () => resolve());
        res.once("error", reject);
      },
    );
    req.once("error", reject);
    req.end();
  });
  return { connected: connectedAt, ended };
}

export async function benchLiveLogs(server: BenchServer, repo: TestRepository, lines: number): Promise<LiveResult> {
  const api = new Api(server.url, server.token);
  // The first line waits 1.5 s so the client is attached to the live feed before any output.
  const script = `sleep 1.5; for i in $(seq 1 ${lines}); do date +%s%N; sleep 0.005; done`;
  const yaml = `version: v1alpha1\nname: ticker\nsteps:\n  - name: tick\n    commands: [${JSON.stringify(script)}]\n`;
  const { id } = await api.call<{ id: string }>("POST", "/v1/runs", {
    repoUrl: repo.url,
    branch: "main",
    pipelineYaml: yaml,
  });
  const latencies: number[] = [];
  let replayed = 0;
  let connectedAt = 0n;
  const follow = followStep(server, id, "tick", (line, at) => {
    const stamp = parseEpochNanos(line);
    if (stamp === undefined) return;
    // Lines written before the client was live come from the file replay, not the live path.
    if (stamp < connectedAt + 300_000_000n) replayed++;
    else latencies.push(nanosToMs(at - stamp));
  });
  connectedAt = await follow.connected;
  await follow.ended;
  const run = await waitForRun(api, id);
  if (run.state !== "succeeded") throw new Error(`ticker run ${id} ${run.state}: ${run.reason}`);
  const summary = summarize("live log latency: `date` in a step → SSE client", latencies);
  return {
    rows: [summary],
    logLines: { expected: lines, live: latencies.length, replayed },
    targets: [
      {
        what: "live log latency p99 (SSE; the WebSocket route shares its follow loop)",
        target: "≤ 20 ms",
        measured: `${summary.p99.toFixed(2)} ms (p50 ${summary.p50.toFixed(2)}, ${latencies.length} lines)`,
        // Below -1 ms (the clock's resolution here) the clock moved under the measurement: not a result.
        met: summary.p50 >= -1 && summary.p99 <= 20 && latencies.length >= lines * 0.99,
      },
    ],
  };
}

interface HookRun {
  state: string;
  reason: string | null;
  createdAt: string;
  startedAt: string | null;
  steps?: Array<{ name: string; startedAt: string | null }>;
}

export async function benchWebhooks(server: BenchServer, repo: TestRepository, count: number): Promise<LiveResult> {
  const api = new Api(server.url, server.token);
  const total: number[] = [];
  const stages = {
    received: [] as number[],
    dispatched: [] as number[],
    stepStarted: [] as number[],
    command: [] as number[],
  };
  for (let i = 0; i < count + 1; i++) {
    // A distinct body each time: deliveries are de-duplicated by the signed body (a repeat
    // would answer the first run's id, and its old timestamps made latencies negative).
    const body = JSON.stringify({
      ref: "refs/heads/main",
      after: repo.commits[0],
      repository: { clone_url: repo.url },
      c8s_bench_delivery: i,
    });
    const signature = `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;
    const sentNs = nowNs();
    const res = await fetch(`${server.url}/v1/webhooks/github`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": `bench-${i}-${randomBytes(6).toString("hex")}`,
        "x-hub-signature-256": signature,
      },
      body,
    });
    const answer = (await res.json()) as { accepted?: boolean; runId?: string };
    if (answer.accepted !== true) throw new Error(`webhook delivery not accepted: ${JSON.stringify(answer)}`);
    if (!res.ok || answer.runId === undefined)
      throw new Error(`webhook answered ${res.status} ${JSON.stringify(answer)}`);
    const run = (await waitForRun(api, answer.runId)) as HookRun;
    if (run.state !== "succeeded") throw new Error(`webhook run ${answer.runId} ${run.state}: ${run.reason}`);
    const log = await fetch(`${server.url}/v1/runs/${answer.runId}/steps/first/logs`, {
      headers: { authorization: `Bearer ${server.token}` },
    }).then((r) => r.text());
    const stamp = log
      .split("\n")
      .map(parseEpochNanos)
      .find((s) => s !== undefined);
    if (stamp === undefined) throw new Error(`no timestamp in the first step's log: ${log.slice(0, 200)}`);
    if (i === 0) continue; // warm-up
    const sentMs = nanosToMs(sentNs);
    const commandMs = nanosToMs(stamp);
    const stepStartedMs = Date.parse(run.steps?.find((s) => s.name === "first")?.startedAt ?? "");
    total.push(commandMs - sentMs);
    stages.received.push(Date.parse(run.createdAt) - sentMs);
    stages.dispatched.push(Date.parse(run.startedAt ?? "") - Date.parse(run.createdAt));
    stages.stepStarted.push(stepStartedMs - Date.parse(run.startedAt ?? ""));
    stages.command.push(commandMs - stepStartedMs);
  }
  const end = summarize("webhook sent → first step's command running", total);
  const rows = [
    end,
    summarize("  stage: sent → run recorded (HMAC, parse, insert; ms clock)", stages.received),
    summarize("  stage: recorded → dispatched (queue)", stages.dispatched),
    summarize("  stage: dispatched → step started (clone, read .c8s.yaml, plan, store)", stages.stepStarted),
    summarize("  stage: step started → command running (sandbox create, workspace, exec)", stages.command),
  ];
  return {
    rows,
    targets: [
      {
        what: "webhook received → first step started p99 (real HMAC, file:// clone)",
        target: "≤ 100 ms",
        measured: `${end.p99.toFixed(1)} ms (p50 ${end.p50.toFixed(1)}, n ${end.n})`,
        met: end.p50 >= -1 && end.p99 <= 100,
      },
    ],
  };
}
