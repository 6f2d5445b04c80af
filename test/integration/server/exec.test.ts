/** Exec over HTTP against the real engine and bubblewrap: results, encodings, background execs. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, startTestServer, type TestServer } from "../../fixtures/server.ts";
import { openWs, outputOf } from "../../fixtures/server-ws.ts";

let t: TestServer;
let sandboxId: string;

before(async () => {
  t = await startTestServer();
  sandboxId = await t.createSandbox({ labels: { suite: "exec" } });
});
after(async () => {
  await t?.close();
});

interface RunResult {
  execId: string;
  exitCode: number | null;
  signal: string | null;
  reason: string;
  durationMs: number;
  stdout: string;
  stderr: string;
  encoding: string;
  truncated: boolean;
}

async function run(body: Record<string, unknown>, query = ""): Promise<RunResult> {
  const res = await t.api("POST", `/v1/sandboxes/${sandboxId}/exec${query}`, { body });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as RunResult;
}

void describe("POST /exec", () => {
  void it("returns 200 with the exit code, whatever it is", async () => {
    assert.equal((await run({ command: ["true"] })).exitCode, 0);
    const failed = await run({ command: ["/bin/sh", "-c", "exit 7"] });
    assert.equal(failed.exitCode, 7);
    assert.equal(failed.reason, "exit");
    assert.equal(failed.signal, null);
    assert.equal(typeof failed.execId, "string");
  });

  void it("keeps stdout and stderr apart", async () => {
    const r = await run({ command: ["/bin/sh", "-c", "echo out; echo err >&2; echo out2"] });
    assert.equal(r.stdout, "out\nout2\n");
    assert.equal(r.stderr, "err\n");
    assert.equal(r.encoding, "utf8");
    assert.equal(r.truncated, false);
  });

  void it("returns binary output intact with encoding=base64", async () => {
    const r = await run({ command: ["/bin/sh", "-c", "printf '\\000\\001\\377\\376abc'"] }, "?encoding=base64");
    assert.equal(r.encoding, "base64");
    assert.deepEqual([...Buffer.from(r.stdout, "base64")], [0, 1, 255, 254, 97, 98, 99]);
  });

  void it("feeds stdin as utf8 or base64", async () => {
    assert.equal((await run({ command: ["cat"], stdin: "héllo\n" })).stdout, "héllo\n");
    const bin = await run({
      command: ["od", "-An", "-tx1"],
      stdinBase64: Buffer.from([0, 255, 10]).toString("base64"),
    });
    assert.match(bin.stdout, /00 ff 0a/);
  });

  void it("passes env and cwd", async () => {
    await t.api("POST", `/v1/sandboxes/${sandboxId}/files/mkdir`, { body: { path: "sub" } });
    const r = await run({ command: ["/bin/sh", "-c", 'echo "$GREETING $(pwd)"'], env: { GREETING: "hi" }, cwd: "sub" });
    assert.match(r.stdout, /^hi \/.+\/sub\n$/);
  });

  void it("reports a timeout as reason timeout", async () => {
    const r = await run({ command: ["sleep", "30"], timeoutMs: 300 });
    assert.equal(r.reason, "timeout");
  });

  void it("records each exec", async () => {
    const r = await run({ command: ["echo", "recorded"] });
    const rec = await t.api("GET", `/v1/sandboxes/${sandboxId}/execs/${r.execId}`);
    assert.equal(rec.statusCode, 200);
    const record = rec.json() as Record<string, unknown>;
    assert.deepEqual(record["command"], ["echo", "recorded"]);
    assert.equal(record["state"], "finished");
    assert.equal(record["exitCode"], 0);
    const list = (await t.api("GET", `/v1/sandboxes/${sandboxId}/execs`)).json() as { execs: Array<{ id: string }> };
    assert.ok(list.execs.some((e) => e.id === r.execId));
    assert.equal((await t.api("GET", `/v1/sandboxes/${sandboxId}/execs/exec_nope`)).statusCode, 404);
  });
});

void describe("background execs", () => {
  void it("take stdin over HTTP and stream output over attach", async () => {
    const started = await t.api("POST", `/v1/sandboxes/${sandboxId}/execs`, {
      body: { command: ["cat"], stdin: true },
    });
    assert.equal(started.statusCode, 201, started.body);
    const { execId } = started.json() as { execId: string };
    const ws = await openWs(t.url, `/v1/sandboxes/${sandboxId}/execs/${execId}/attach`, { token: t.token });
    const write = await t.server.inject({
      method: "POST",
      url: `/v1/sandboxes/${sandboxId}/execs/${execId}/stdin?eof=true`,
      headers: { authorization: `Bearer ${t.token}`, "content-type": "application/octet-stream" },
      payload: Buffer.from("piped through\n"),
    });
    assert.equal(write.statusCode, 204, write.body);
    const frames = await ws.waitFor((f) => f.some((x) => x.type === "exit"), "exit");
    assert.equal(outputOf(frames, "stdout"), "piped through\n");
    const exit = frames.find((f) => f.type === "exit");
    assert.equal(exit?.["exitCode"], 0);
    assert.equal(await ws.closed, 1000);
  });

  void it("can be killed", async () => {
    const { execId } = (
      await t.api("POST", `/v1/sandboxes/${sandboxId}/execs`, { body: { command: ["sleep", "60"] } })
    ).json() as {
      execId: string;
    };
    const ws = await openWs(t.url, `/v1/sandboxes/${sandboxId}/execs/${execId}/attach`, { token: t.token });
    const kill = await t.api("POST", `/v1/sandboxes/${sandboxId}/execs/${execId}/kill`, { body: {} });
    assert.equal(kill.statusCode, 204, kill.body);
    const frames = await ws.waitFor((f) => f.some((x) => x.type === "exit"), "exit");
    const exit = frames.find((f) => f.type === "exit");
    assert.equal(exit?.["reason"], "killed");
  });

  void it("reject a bad signal name", async () => {
    const { execId } = (
      await t.api("POST", `/v1/sandboxes/${sandboxId}/execs`, { body: { command: ["true"] } })
    ).json() as {
      execId: string;
    };
    const res = await t.api("POST", `/v1/sandboxes/${sandboxId}/execs/${execId}/kill`, { body: { signal: "SIGNOPE" } });
    assert.equal(res.statusCode, 400);
    assert.equal(errorOf(res).details["field"], "signal");
  });
});

void describe("sandboxes", () => {
  void it("list filters by label and state; delete reports killed", async () => {
    const other = await t.createSandbox({ labels: { suite: "other" } });
    const listed = (await t.api("GET", "/v1/sandboxes?label=suite=other&state=running")).json() as {
      sandboxes: Array<{ id: string }>;
    };
    assert.deepEqual(
      listed.sandboxes.map((s) => s.id),
      [other],
    );
    const deleted = await t.api("DELETE", `/v1/sandboxes/${other}`);
    assert.equal(deleted.statusCode, 200, deleted.body);
    const body = deleted.json() as Record<string, unknown>;
    assert.equal(body["state"], "terminated");
    assert.equal(body["terminationReason"], "killed");
    const exec = await t.api("POST", `/v1/sandboxes/${other}/exec`, { body: { command: ["true"] } });
    assert.equal(exec.statusCode, 409);
    assert.equal(errorOf(exec).code, "SANDBOX_NOT_RUNNING");
  });

  void it("a sandbox has the documented shape", async () => {
    const sbx = (await t.api("GET", `/v1/sandboxes/${sandboxId}`)).json() as Record<string, unknown>;
    for (const key of [
      "id",
      "state",
      "runtime",
      "image",
      "workdir",
      "labels",
      "createdAt",
      "startedAt",
      "lastActivityAt",
      "expiresAt",
      "endedAt",
      "terminationReason",
      "terminationMessage",
      "limits",
      "network",
    ]) {
      assert.ok(key in sbx, `missing ${key}`);
    }
    assert.equal(sbx["state"], "running");
    assert.equal(sbx["runtime"], "local");
    assert.equal(sbx["network"], "none");
    assert.ok(!("handle" in sbx) && !("spec" in sbx));
  });
});
