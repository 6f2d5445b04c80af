/**
 * Sessions (issue 12, first slice) on a real server, the real local runtime (bubblewrap) and
 * PGlite: files written through the API and by commands live in the store; SIGKILL of the
 * session's bubblewrap from outside → the next exec attaches a new sandbox with every file
 * byte-identical; If-Match conflicts are 412; path escapes, outside symlinks and quotas are
 * clear errors; a restart on the same home keeps the files; delete removes files and sandbox.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const SESSION_LIMITS = { maxFiles: 25, maxBytes: 4 * 1024 * 1024, maxFileBytes: 512 * 1024, sweepIntervalMs: 250 };
const T = { timeout: 120_000 };

let home: string;
let t: PipelineTestServer;
let id: string;
const binary = randomBytes(200 * 1024);

async function call(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  options: { json?: unknown; raw?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: LooseJson; bytes: Buffer; headers: Headers }> {
  const headers: Record<string, string> = { authorization: `Bearer ${t.token}`, ...(options.headers ?? {}) };
  let body: string | Buffer | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    headers["content-type"] = "application/octet-stream";
    body = options.raw;
  }
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers,
    signal: AbortSignal.timeout(60_000),
    ...(body === undefined ? {} : { body }),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: LooseJson;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    json = undefined;
  }
  return { status: res.status, json, bytes, headers: res.headers };
}

const exec = async (script: string) => {
  const res = await call("POST", `/v1/sessions/${id}/exec`, { json: { command: ["sh", "-c", script] } });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json;
};
const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** The host pid of the bubblewrap process whose arguments name the sandbox (its directory is named by its id). */
async function bwrapPidOf(sandboxId: string): Promise<number> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const argv = cmdline.split("\0");
    if ((argv[0] ?? "").endsWith("bwrap") && argv.some((a) => a.includes(sandboxId))) return Number(entry);
  }
  throw new Error(`no bwrap process for ${sandboxId}`);
}

async function waitTerminated(sandboxId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await call("GET", `/v1/sandboxes/${sandboxId}`);
    if (res.json?.state === "terminated") return;
    if (Date.now() > deadline) throw new Error(`sandbox ${sandboxId} stayed ${res.json?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every stored file's sha256, by path (what the store holds). */
async function storedHashes(): Promise<Record<string, string>> {
  const list = await call("GET", `/v1/sessions/${id}/files`);
  assert.equal(list.status, 200);
  const out: Record<string, string> = {};
  for (const f of list.json.files as { path: string; kind: string }[]) {
    if (f.kind !== "file") continue;
    const res = await call("GET", `/v1/sessions/${id}/files/${f.path}`);
    assert.equal(res.status, 200, f.path);
    out[f.path] = sha(res.bytes);
  }
  return out;
}

/** What the sandbox's workspace holds: sha256 of every regular file, by path. */
async function sandboxHashes(): Promise<{ hashes: Record<string, string>; result: LooseJson }> {
  const result = await exec("find . -type f | sed 's|^./||' | sort | while read f; do sha256sum \"$f\"; done");
  const hashes: Record<string, string> = {};
  for (const line of String(result.stdout).split("\n").filter(Boolean)) {
    const [hash, ...rest] = line.split("  ");
    hashes[rest.join("  ")] = hash ?? "";
  }
  return { hashes, result };
}

void describe("sessions: files in the store, a disposable sandbox", { timeout: 600_000 }, () => {
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "c8s-sessions-"));
    t = await startPipelineServer({ home, config: { sessions: SESSION_LIMITS } });
    const created = await call("POST", "/v1/sessions", { json: { name: "work" } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    id = created.json.id;
    assert.match(id, /^ses_/);
    assert.deepEqual(created.json.ignore, ["node_modules/", ".venv/", "__pycache__/", ".cache/"]);
  });
  after(async () => {
    await t?.close();
    await rm(home, { recursive: true, force: true });
  });

  void it(
    "writes files through the API (durable on return) and from a command (durable when its exec ends)",
    T,
    async () => {
      const put = await call("PUT", `/v1/sessions/${id}/files/notes.txt`, { raw: "hello\n" });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      assert.equal(put.headers.get("etag"), '"1"');
      assert.equal(put.json.version, 1);
      assert.equal((await call("PUT", `/v1/sessions/${id}/files/bin/blob.bin`, { raw: binary })).status, 200);

      const first = await exec(
        "cat notes.txt && mkdir -p out node_modules/x && printf hi > out/cmd.txt && head -c 3000 /dev/urandom > out/rand.bin && echo cache > node_modules/x/i.js",
      );
      assert.equal(first.stdout, "hello\n", "the API's files were restored into the sandbox");
      assert.equal(first.exitCode, 0);
      assert.equal(first.sandbox.attached, true);
      assert.equal(first.sync.error, null);
      assert.equal(first.sync.written, 2, JSON.stringify(first.sync));
      assert.equal((await call("GET", `/v1/sessions/${id}/files/out/cmd.txt`)).bytes.toString(), "hi");
      assert.equal((await call("GET", `/v1/sessions/${id}/files/node_modules/x/i.js`)).status, 404, "ignored");
      const ls = await call("GET", `/v1/sessions/${id}/files?dir=out`);
      assert.deepEqual(
        ls.json.files.map((f: { path: string }) => f.path),
        ["out/cmd.txt", "out/rand.bin"],
      );

      // An API write while attached reaches the sandbox too.
      await call("PUT", `/v1/sessions/${id}/files/live.txt`, { raw: "live" });
      const second = await exec("cat live.txt; rm out/cmd.txt");
      assert.equal(second.stdout, "live");
      assert.equal(second.sandbox.attached, false);
      assert.equal(second.sync.deleted, 1);
      assert.equal((await call("GET", `/v1/sessions/${id}/files/out/cmd.txt`)).status, 404);
    },
  );

  void it(
    "SIGKILL of the session's bubblewrap: the next exec attaches a new sandbox with every file byte-identical",
    T,
    async () => {
      const before = (await call("GET", `/v1/sessions/${id}`)).json;
      const old = before.sandboxId as string;
      assert.match(old, /^sbx_/);
      process.kill(await bwrapPidOf(old), "SIGKILL");
      await waitTerminated(old);
      const stored = await storedHashes();
      assert.equal(stored["bin/blob.bin"], sha(binary));
      const { hashes, result } = await sandboxHashes();
      assert.equal(result.sandbox.attached, true);
      assert.equal(result.sandbox.replaced?.sandboxId, old, JSON.stringify(result.sandbox));
      assert.notEqual(result.sandbox.sandboxId, old);
      assert.deepEqual(hashes, stored, "every file byte-identical in the new sandbox");
      assert.equal((await call("GET", `/v1/sessions/${id}`)).json.sandboxId, result.sandbox.sandboxId);
    },
  );

  void it("a write naming a stale version gets 412; If-None-Match: * creates only", T, async () => {
    const read = await call("GET", `/v1/sessions/${id}/files/notes.txt`);
    const etag = read.headers.get("etag") ?? "";
    const ok = await call("PUT", `/v1/sessions/${id}/files/notes.txt`, {
      raw: "mine\n",
      headers: { "if-match": etag },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.version, Number(etag.replace(/"/g, "")) + 1);
    const stale = await call("PUT", `/v1/sessions/${id}/files/notes.txt`, {
      raw: "theirs\n",
      headers: { "if-match": etag },
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.json.error.code, "FILE_VERSION_CONFLICT");
    assert.equal((await call("GET", `/v1/sessions/${id}/files/notes.txt`)).bytes.toString(), "mine\n");
    const exists = await call("PUT", `/v1/sessions/${id}/files/notes.txt`, {
      raw: "x",
      headers: { "if-none-match": "*" },
    });
    assert.equal(exists.status, 412);
    const del = await call("DELETE", `/v1/sessions/${id}/files/notes.txt`, { headers: { "if-match": etag } });
    assert.equal(del.status, 412);
  });

  void it("path escapes are 400; a command's symlink out of the workspace is not followed nor stored", T, async () => {
    for (const path of ["..%2Fx", "a%2F..%2F..%2Fx", "%2Fetc%2Fpasswd"]) {
      const res = await call("PUT", `/v1/sessions/${id}/files/${path}`, { raw: "x" });
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.json)}`);
      assert.equal(res.json.error.code, "PATH_OUTSIDE_SANDBOX");
    }
    const res = await exec("ln -s /etc/passwd abs && ln -s ../../.. up && ln -s live.txt inside");
    assert.deepEqual(res.sync.skipped.map((s: { path: string; reason: string }) => `${s.path}:${s.reason}`).sort(), [
      "abs:outside-link",
      "up:outside-link",
    ]);
    const files = (await call("GET", `/v1/sessions/${id}/files`)).json.files as {
      path: string;
      kind: string;
      linkTarget: string;
    }[];
    assert.deepEqual(
      files.filter((f) => f.kind === "symlink").map((f) => `${f.path}->${f.linkTarget}`),
      ["inside->live.txt"],
    );
    assert.ok(!files.some((f) => f.path === "abs" || f.path === "up"));
    assert.equal((await call("GET", `/v1/sessions/${id}/files/abs`)).status, 404);
  });

  void it(
    "over-quota writes are 413 with a clear code; a command's over-quota sync reports it and stores nothing",
    T,
    async () => {
      const big = await call("PUT", `/v1/sessions/${id}/files/big.bin`, {
        raw: Buffer.alloc(SESSION_LIMITS.maxFileBytes + 1),
      });
      assert.equal(big.status, 413, JSON.stringify(big.json));
      const count = (await call("GET", `/v1/sessions/${id}`)).json.usage.files as number;
      const many = await exec(
        `mkdir -p many && for i in $(seq 1 ${SESSION_LIMITS.maxFiles}); do echo $i > many/$i; done`,
      );
      assert.equal(many.sync.error?.code, "SESSION_QUOTA_EXCEEDED", JSON.stringify(many.sync));
      assert.equal((await call("GET", `/v1/sessions/${id}`)).json.usage.files, count, "nothing of the sync was stored");
      for (let i = count; i < SESSION_LIMITS.maxFiles; i++)
        assert.equal((await call("PUT", `/v1/sessions/${id}/files/fill/${i}`, { raw: "f" })).status, 200);
      const over = await call("PUT", `/v1/sessions/${id}/files/one-more`, { raw: "x" });
      assert.equal(over.status, 413);
      assert.equal(over.json.error.code, "SESSION_QUOTA_EXCEEDED");
      const cleaned = await exec("rm -rf many fill");
      assert.equal(cleaned.sync.error, null, JSON.stringify(cleaned.sync));
      assert.ok((await call("GET", `/v1/sessions/${id}`)).json.usage.files === count);
    },
  );

  void it("a server restart on the same home keeps the session's files", T, async () => {
    const stored = await storedHashes();
    await t.close();
    t = await startPipelineServer({ home, config: { sessions: SESSION_LIMITS } });
    assert.deepEqual(await storedHashes(), stored);
    const { hashes, result } = await sandboxHashes();
    assert.equal(result.sandbox.attached, true);
    assert.deepEqual(hashes, stored);
  });

  void it(
    "idle timeout: syncs what a background command wrote, then stops the sandbox; the session stays",
    T,
    async () => {
      const made = await call("POST", "/v1/sessions", { json: { name: "idle", idleTimeoutMs: 1500 } });
      assert.equal(made.status, 201);
      const idle = made.json.id as string;
      const ran = await call("POST", `/v1/sessions/${idle}/exec`, {
        json: { command: ["sh", "-c", "(sleep 0.5; echo late > late.txt) >/dev/null 2>&1 &"] },
      });
      assert.equal(ran.status, 200, JSON.stringify(ran.json));
      const sandboxId = ran.json.sandbox.sandboxId as string;
      const deadline = Date.now() + 30_000;
      while ((await call("GET", `/v1/sessions/${idle}`)).json.sandboxId !== null) {
        if (Date.now() > deadline) throw new Error("the idle session kept its sandbox");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal((await call("GET", `/v1/sandboxes/${sandboxId}`)).json.state, "terminated");
      const late = await call("GET", `/v1/sessions/${idle}/files/late.txt`);
      assert.equal(late.bytes.toString(), "late\n", "synced before the stop");
      assert.equal((await call("DELETE", `/v1/sessions/${idle}`)).status, 204);
    },
  );

  void it("delete removes the files and the sandbox; the session is then 404", T, async () => {
    const sandboxId = (await call("GET", `/v1/sessions/${id}`)).json.sandboxId as string;
    assert.equal((await call("DELETE", `/v1/sessions/${id}`)).status, 204);
    assert.equal((await call("GET", `/v1/sessions/${id}`)).json.error.code, "SESSION_NOT_FOUND");
    assert.equal((await call("GET", `/v1/sessions/${id}/files/live.txt`)).status, 404);
    assert.equal((await call("GET", `/v1/sandboxes/${sandboxId}`)).json.state, "terminated");
    assert.equal((await call("GET", "/v1/sessions")).json.sessions.length, 0);
  });
});
