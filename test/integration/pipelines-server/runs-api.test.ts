/**
 * Pipeline runs through `c8s serve` for real: a real server (HTTP on 127.0.0.1, PGlite), real
 * git repositories through file://, every step in a real bubblewrap sandbox of the local
 * runtime, secrets encrypted at rest and masked, logs read whole and followed over SSE.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";
import { openWs } from "../../fixtures/server-ws.ts";

const PIPELINE = `version: v1alpha1
name: demo
steps:
  - name: hello
    commands: [echo "hello from $(cat greeting.txt)"]
  - name: secret
    dependsOn: [hello]
    secrets: [DEMO_TOKEN]
    commands: [echo "token=$DEMO_TOKEN", test "$DEMO_TOKEN" != fail]
`;

let t: PipelineTestServer;
let repo: TestRepository;

before(async () => {
  repo = await createTestRepository({ ".c8s.yaml": PIPELINE, "greeting.txt": "the repo\n" });
  t = await startPipelineServer({ start: { pipelines: { queue: { maxRuns: 1, maxRunsPerPipeline: 1 } } } });
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
});

async function setSecret(name: string, value: string): Promise<void> {
  const res = await t.call("POST", "/v1/secrets", { body: { name, value } });
  assert.equal(res.status, 201, res.text);
}

void describe("runs through the server", () => {
  void it("runs the repository's pipeline at a commit, injects and masks a stored secret", async () => {
    await setSecret("DEMO_TOKEN", "s3cr3t-value-42");
    const created = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, branch: "main", event: "push" } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.state, "queued");
    const done = await t.waitForRun(created.json.id, ["succeeded", "failed", "cancelled"]);
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    assert.equal(done.commit, repo.commits[0]);
    assert.deepEqual(
      done.steps.map((s: { name: string; state: string }) => [s.name, s.state]),
      [
        ["hello", "succeeded"],
        ["secret", "succeeded"],
      ],
    );
    const hello = await t.call("GET", `/v1/runs/${done.id}/steps/hello/logs`);
    assert.match(hello.text, /hello from the repo/);
    const secret = await t.call("GET", `/v1/runs/${done.id}/steps/secret/logs`);
    assert.match(secret.text, /token=\*\*\*/);
    assert.doesNotMatch(secret.text, /s3cr3t-value-42/);
    const list = await t.call("GET", "/v1/runs?state=succeeded");
    assert.ok(list.json.runs.some((r: { id: string }) => r.id === done.id));
  });

  void it("re-runs from the failed step, reusing the steps that succeeded", async () => {
    await setSecret("DEMO_TOKEN", "fail");
    const first = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, commit: repo.commits[0] } });
    const failed = await t.waitForRun(first.json.id, ["succeeded", "failed", "cancelled"]);
    assert.equal(failed.state, "failed");
    await setSecret("DEMO_TOKEN", "now-it-passes");
    const rerun = await t.call("POST", `/v1/runs/${failed.id}/rerun?from=failed`);
    assert.equal(rerun.status, 201, rerun.text);
    assert.deepEqual(rerun.json.reuse, ["hello"]);
    assert.equal(rerun.json.rerunOf, failed.id);
    const done = await t.waitForRun(rerun.json.id, ["succeeded", "failed", "cancelled"]);
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    const hello = done.steps.find((s: { name: string }) => s.name === "hello");
    assert.equal(hello.reason, "reused");
    assert.equal(hello.attempts, 0);
    // The reused step's log is the one from the run it came from.
    assert.match((await t.call("GET", `/v1/runs/${done.id}/steps/hello/logs`)).text, /hello from the repo/);
  });

  void it("queues by priority with visible positions; cancels queued and running runs", async () => {
    const slow = `version: v1alpha1\nname: slow\nsteps:\n  - name: wait\n    commands: [sleep 60]\n`;
    const quick = (n: string) => `version: v1alpha1\nname: ${n}\nsteps:\n  - name: s\n    commands: ["true"]\n`;
    const running = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: slow } });
    await t.waitForRun(running.json.id, ["running"]);
    const low = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: quick("low") } });
    const high = await t.call("POST", "/v1/runs", {
      body: { repoUrl: repo.url, pipelineYaml: quick("high"), priority: 5 },
    });
    assert.equal(high.json.queuePosition, 1);
    assert.equal((await t.call("GET", `/v1/runs/${low.json.id}`)).json.queuePosition, 2);
    const cancelledQueued = await t.call("POST", `/v1/runs/${low.json.id}/cancel`);
    assert.equal(cancelledQueued.json.state, "cancelled");
    const cancelledRunning = await t.call("POST", `/v1/runs/${running.json.id}/cancel`);
    assert.equal(cancelledRunning.json.state, "cancelled", cancelledRunning.text);
    const next = await t.waitForRun(high.json.id, ["succeeded", "failed"]);
    assert.equal(next.state, "succeeded");
  });

  void it("cancels the previous run of the same branch when asked", async () => {
    const slow = `version: v1alpha1\nname: branchy\nsteps:\n  - name: wait\n    commands: [sleep 60]\n`;
    const body = { repoUrl: repo.url, branch: "main", pipelineYaml: slow, cancelPrevious: true };
    const first = await t.call("POST", "/v1/runs", { body });
    await t.waitForRun(first.json.id, ["running"]);
    const second = await t.call("POST", "/v1/runs", { body });
    const firstAfter = (await t.call("GET", `/v1/runs/${first.json.id}`)).json;
    assert.equal(firstAfter.state, "cancelled");
    assert.match(firstAfter.reason, new RegExp(`superseded by ${second.json.id}`));
    const cancelled = await t.call("POST", `/v1/runs/${second.json.id}/cancel`);
    assert.equal(cancelled.json.state, "cancelled");
  });

  void it("streams a step's log over SSE; a reconnect from Last-Event-ID has no gap and no duplicate", async () => {
    const yaml = `version: v1alpha1\nname: chatty\nsteps:\n  - name: talk\n    commands: ["for i in $(seq 1 40); do echo line-$i; sleep 0.05; done"]\n`;
    const run = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: yaml } });
    const url = `${t.url}/v1/runs/${run.json.id}/steps/talk/logs?follow=true`;
    const headers = { authorization: `Bearer ${t.token}` };
    // First connection: read a few events, then drop it.
    const firstPart = await readSse(url, headers, 3);
    assert.ok(firstPart.events.length >= 1);
    const lastId = firstPart.events[firstPart.events.length - 1]?.id ?? "0";
    const rest = await readSse(url, { ...headers, "last-event-id": lastId }, Number.POSITIVE_INFINITY);
    assert.equal(rest.events[rest.events.length - 1]?.event, "end");
    const text = [...firstPart.events, ...rest.events]
      .filter((e) => e.event === "output")
      .map((e) => (JSON.parse(e.data) as { text: string }).text)
      .join("");
    const expected = (await t.call("GET", `/v1/runs/${run.json.id}/steps/talk/logs`)).text;
    assert.equal(text, expected);
    assert.match(expected, /line-40/);
  });

  void it("streams a step's log over WebSocket; a reconnect from the last frame's end has no gap and no duplicate", async () => {
    const yaml = `version: v1alpha1\nname: chatty-ws\nsteps:\n  - name: talk\n    commands: ['for i in $(seq 1 40); do printf "\\033[32mline-%s\\033[0m\\n" $i; sleep 0.05; done']\n`;
    const run = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: yaml } });
    assert.equal(run.status, 201, run.text);
    const path = `/v1/runs/${run.json.id}/steps/talk/logs/ws`;
    const first = await openWs(t.url, path, { token: t.token });
    const firstFrames = await first.waitFor((f) => f.filter((x) => x.type === "output").length >= 3, "3 output frames");
    first.socket.close();
    await first.closed;
    const seen = firstFrames.filter((f) => f.type === "output");
    const cursor = Number(seen[seen.length - 1]?.["end"]);
    const rest = await openWs(t.url, `${path}?cursor=${cursor}`, { token: t.token });
    const restFrames = await rest.waitFor((f) => f.some((x) => x.type === "end"), "end frame", 60_000);
    assert.equal(await rest.closed, 1000);
    const outputs = [...seen, ...restFrames.filter((f) => f.type === "output")];
    for (let i = 1; i < outputs.length; i++)
      assert.equal(outputs[i]?.["offset"], outputs[i - 1]?.["end"], "each frame starts where the one before ended");
    const text = outputs.map((f) => Buffer.from(String(f["base64"]), "base64").toString("utf8")).join("");
    const expected = (await t.call("GET", `/v1/runs/${run.json.id}/steps/talk/logs`)).text;
    assert.equal(text, expected);
    assert.ok(
      expected.includes("\u001b[32mline-40\u001b[0m"),
      `ANSI colour is preserved: ${JSON.stringify(expected.slice(-40))}`,
    );
    const refused = await openWs(t.url, path).catch((e: { status?: number }) => e);
    assert.equal((refused as { status?: number }).status, 401);
  });
});

interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** Reads events until `count` output events or the stream ends, then disconnects. */
async function readSse(url: string, headers: Record<string, string>, count: number): Promise<{ events: SseEvent[] }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  assert.equal(res.status, 200);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  let outputs = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let index: number;
      while ((index = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        const event: SseEvent = { id: undefined, event: "message", data: "" };
        let isComment = true;
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) continue;
          isComment = false;
          if (line.startsWith("id: ")) event.id = line.slice(4);
          else if (line.startsWith("event: ")) event.event = line.slice(7);
          else if (line.startsWith("data: ")) event.data += line.slice(6);
        }
        if (isComment) continue;
        events.push(event);
        if (event.event === "output") outputs++;
        if (event.event === "end" || outputs >= count) return { events };
      }
    }
  } finally {
    abort.abort();
  }
  return { events };
}
