/** The engine against the real local runtime (bubblewrap) and PGlite. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SandboxEngine } from "../../../src/engine/index.ts";
import { isC8sError } from "../../../src/errors/index.ts";
import type { SandboxEvent } from "../../../src/store/index.ts";
import { startTestEngine, type TestEngine } from "../../fixtures/engine.ts";
import { settledLeftoversOf } from "../../fixtures/engine-leftovers.ts";

function hasCode(code: string) {
  return (error: unknown) => {
    assert.ok(isC8sError(error), `expected a C8sError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

async function untilEvent(engine: SandboxEngine, sandboxId: string, type: SandboxEvent["type"]): Promise<SandboxEvent> {
  const controller = new AbortController();
  for await (const event of engine.events({ sandboxId, signal: controller.signal })) {
    if (event.type === type) {
      controller.abort();
      return event;
    }
  }
  throw new Error(`the event stream ended before ${type}`);
}

void describe("SandboxEngine on the local runtime", () => {
  let t: TestEngine;
  let engine: SandboxEngine;
  before(async () => {
    t = await startTestEngine({ runOutputBytes: 4096, maxSandboxes: 6 });
    engine = t.engine;
  });
  after(() => t.close());

  void it("creates, records and destroys a sandbox, with lifecycle events and nothing left behind", async () => {
    const sandbox = await engine.create({ labels: { suite: "lifecycle" } });
    assert.equal(sandbox.state, "running");
    assert.ok(sandbox.handle !== null && sandbox.startedAt !== null);
    assert.deepEqual(await engine.get(sandbox.id), sandbox);
    assert.deepEqual(
      (await engine.list({ labels: { suite: "lifecycle" } })).map((s) => s.id),
      [sandbox.id],
    );
    const destroyed = await engine.destroy(sandbox.id);
    assert.equal(destroyed.state, "terminated");
    assert.equal(destroyed.terminationReason, "killed");
    assert.ok(destroyed.endedAt !== null);
    assert.deepEqual(await engine.destroy(sandbox.id), destroyed, "a second destroy is a no-op");
    await assert.rejects(engine.run(sandbox.id, { command: ["true"] }), hasCode("SANDBOX_NOT_RUNNING"));
    assert.deepEqual(await settledLeftoversOf(sandbox.handle), { pids: [], cgroups: [], dirs: [] });
    await t.engine.eventLog.flush();
    const events = await t.store.events.list({ sandboxId: sandbox.id });
    assert.deepEqual(
      events.map((e) => e.type),
      ["sandbox.created", "sandbox.started", "sandbox.ready", "sandbox.terminated"],
    );
    assert.equal(typeof events[2]?.data["durationMs"], "number");
    assert.equal(events[3]?.data["reason"], "killed");
  });

  void it("runs a command to completion: stdout, stderr, exit code, stdin, and a recorded exec", async () => {
    const sandbox = await engine.create({ env: { GREETING: "hello" } });
    const result = await engine.run(sandbox.id, {
      command: ["/bin/sh", "-c", 'echo "$GREETING"; cat; echo oops >&2; exit 7'],
      stdinData: Buffer.from("from stdin\n"),
    });
    assert.equal(result.stdout.toString(), "hello\nfrom stdin\n");
    assert.equal(result.stderr.toString(), "oops\n");
    assert.equal(result.exitCode, 7);
    assert.equal(result.reason, "exit");
    assert.equal(result.truncated, false);
    const { record, live } = await engine.getExec(sandbox.id, result.execId);
    assert.equal(record.state, "finished");
    assert.equal(record.exitCode, 7);
    assert.equal(record.reason, "exit");
    assert.ok(live !== null, "a finished exec stays attachable for a while");
    assert.deepEqual(
      (await engine.listExecs(sandbox.id)).map((e) => e.id),
      [result.execId],
    );
    await assert.rejects(engine.getExec(sandbox.id, "exec_nope"), hasCode("EXEC_NOT_FOUND"));
    await engine.destroy(sandbox.id);
  });

  void it("caps captured output and says so", async () => {
    const sandbox = await engine.create({});
    const result = await engine.run(sandbox.id, { command: ["/bin/sh", "-c", "head -c 20000 /dev/zero | tr '\\0' x"] });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.length, 4096);
    assert.equal(result.truncated, true);
    await engine.destroy(sandbox.id);
  });

  void it("replays exec output from a cursor exactly once, live and after the end", async () => {
    const sandbox = await engine.create({});
    const session = await engine.exec(sandbox.id, {
      command: ["/bin/sh", "-c", "for i in 1 2 3 4 5 6; do echo line$i; sleep 0.05; done; echo done >&2"],
    });
    const firstReader = new AbortController();
    const firstPart: string[] = [];
    let cursor = 0;
    for await (const chunk of session.output(0, firstReader.signal)) {
      firstPart.push(chunk.data.toString());
      assert.equal(chunk.seq, cursor);
      cursor = chunk.seq + 1;
      if (firstPart.join("").includes("line2")) firstReader.abort();
    }
    const rest: string[] = [];
    for await (const chunk of session.output(cursor)) {
      assert.equal(chunk.seq, cursor);
      cursor++;
      rest.push(chunk.data.toString());
    }
    const outcome = await session.done;
    assert.equal(outcome.reason, "exit");
    const all: { stream: string; text: string }[] = [];
    for await (const chunk of session.output(0)) all.push({ stream: chunk.stream, text: chunk.data.toString() });
    assert.equal(
      all
        .filter((c) => c.stream === "stdout")
        .map((c) => c.text)
        .join(""),
      "line1\nline2\nline3\nline4\nline5\nline6\n",
    );
    assert.equal([...firstPart, ...rest].join(""), all.map((c) => c.text).join(""));
    assert.ok(all.some((c) => c.stream === "stderr" && c.text === "done\n"));
    await engine.destroy(sandbox.id);
  });

  void it("ends execs with timeout and killed reasons, and a destroy finishes running execs as killed", async () => {
    const sandbox = await engine.create({});
    const timedOut = await engine.run(sandbox.id, { command: ["sleep", "30"], timeoutMs: 300 });
    assert.equal(timedOut.reason, "timeout");
    const killed = await engine.exec(sandbox.id, { command: ["sleep", "30"] });
    await killed.kill();
    assert.equal((await killed.done).reason, "killed");
    const running = await engine.exec(sandbox.id, { command: ["sleep", "30"] });
    await engine.destroy(sandbox.id);
    assert.equal((await running.done).reason, "killed");
    const records = await engine.listExecs(sandbox.id);
    assert.deepEqual(
      records.map((r) => [r.state, r.reason]),
      [
        ["finished", "timeout"],
        ["finished", "killed"],
        ["finished", "killed"],
      ],
    );
  });

  void it("moves files in and out and counts file access as activity", async () => {
    const sandbox = await engine.create({});
    await new Promise((r) => setTimeout(r, 5)); // so the activity timestamp can move
    await engine.mkdir(sandbox.id, "notes", { recursive: true });
    await engine.writeFile(sandbox.id, "notes/a.txt", Buffer.from("hi"), { mode: 0o600 });
    assert.equal((await engine.readFile(sandbox.id, "notes/a.txt")).toString(), "hi");
    assert.deepEqual(
      (await engine.listFiles(sandbox.id, "notes")).map((e) => e.name),
      ["a.txt"],
    );
    assert.equal((await engine.statFile(sandbox.id, "notes/a.txt")).size, 2);
    await assert.rejects(engine.readFile(sandbox.id, "../../etc/shadow"), hasCode("PATH_OUTSIDE_SANDBOX"));
    assert.ok((await engine.get(sandbox.id)).lastActivityAt > sandbox.lastActivityAt);
    await engine.removeFile(sandbox.id, "notes", { recursive: true });
    await assert.rejects(engine.statFile(sandbox.id, "notes"), hasCode("FILE_NOT_FOUND"));
    await engine.destroy(sandbox.id);
  });

  void it("rejects bad input with the field named, and unknown sandboxes", async () => {
    await assert.rejects(engine.create({ nope: 1 } as never), (e: unknown) => {
      hasCode("VALIDATION_FAILED")(e);
      return isC8sError(e) && e.details["field"] === "nope";
    });
    await assert.rejects(
      engine.create({ limits: { pids: -1 } }),
      (e: unknown) => isC8sError(e) && e.details["field"] === "limits.pids",
    );
    await assert.rejects(engine.get("sbx_missing"), hasCode("SANDBOX_NOT_FOUND"));
    const sandbox = await engine.create({});
    await assert.rejects(engine.exec(sandbox.id, { command: [] }), hasCode("VALIDATION_FAILED"));
    await engine.destroy(sandbox.id);
  });

  void it("refuses sandboxes beyond the limit", async () => {
    const active = (await engine.list({ state: ["creating", "running", "stopping"] })).length;
    const created = [];
    for (let i = active; i < 6; i++) created.push(await engine.create({}));
    await assert.rejects(engine.create({}), hasCode("SANDBOX_LIMIT_REACHED"));
    for (const s of created) await engine.destroy(s.id);
    await engine.destroy((await engine.create({})).id);
  });

  void it("records the runtime's reason when a sandbox dies on its own", async () => {
    const sandbox = await engine.create({});
    const pid = sandbox.handle?.ref["pid"];
    assert.equal(typeof pid, "number");
    const terminated = untilEvent(engine, sandbox.id, "sandbox.terminated");
    process.kill(pid as number, "SIGKILL");
    const event = await terminated;
    const record = await engine.get(sandbox.id);
    assert.equal(record.state, "terminated");
    assert.ok(["signal", "exit", "error"].includes(record.terminationReason ?? ""), String(record.terminationReason));
    assert.equal(event.data["reason"], record.terminationReason);
    assert.deepEqual((await settledLeftoversOf(sandbox.handle!)).cgroups, []);
  });

  void it("streams stored then live events with no gap and no duplicate", async () => {
    const start = (await t.store.events.list({})).at(-1)?.seq ?? 0;
    const seen: SandboxEvent[] = [];
    const controller = new AbortController();
    const reading = (async () => {
      for await (const event of engine.events({ afterSeq: start, signal: controller.signal })) {
        seen.push(event);
        if (event.type === "sandbox.terminated" && seen.filter((e) => e.type === "sandbox.terminated").length === 2)
          controller.abort();
      }
    })();
    const a = await engine.create({});
    const b = await engine.create({});
    await engine.run(a.id, { command: ["true"] });
    await engine.destroy(a.id);
    await engine.destroy(b.id);
    await reading;
    const stored = await t.store.events.list({ afterSeq: start });
    assert.deepEqual(seen, stored.slice(0, seen.length));
    // A reader that starts after everything happened gets the same events from the store.
    const lateSeen: SandboxEvent[] = [];
    const lateController = new AbortController();
    for await (const event of engine.events({ afterSeq: start, signal: lateController.signal })) {
      lateSeen.push(event);
      if (lateSeen.length === seen.length) lateController.abort();
    }
    assert.deepEqual(lateSeen, seen);
    const seqs = seen.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
    );
    assert.equal(new Set(seqs).size, seqs.length);
    assert.deepEqual(
      seen.filter((e) => e.sandboxId === a.id).map((e) => e.type),
      ["sandbox.created", "sandbox.started", "sandbox.ready", "exec.started", "exec.finished", "sandbox.terminated"],
    );
  });
});
