/**
 * Sessions (issue 12): a file save through the API (committed, then written into the attached
 * sandbox) → visible there; a command writing a file → durable in the store (the exec's answer
 * comes after the sync); resuming a session of 100 files / 10 MB into a fresh sandbox, beside
 * `tar -x` of the same archive on the host. One in-process server (`startC8s`) on PGlite.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startC8s } from "../src/app.ts";
import { parseConfig } from "../src/config/config.ts";
import { packWorkspace, sha256Of } from "../src/sessions/workspace-tar.ts";
import type { SessionFile } from "../src/store/index.ts";
import { sample, summarize, timeIt, type Summary } from "./stats.ts";

const run = promisify(execFile);

export async function benchSessions(options: { quick: boolean }): Promise<{ rows: Summary[] }> {
  const home = await mkdtemp(join(tmpdir(), "c8s-bench-sessions-"));
  const c8s = await startC8s(parseConfig({ home, port: 0, logLevel: "warn", rateLimit: { requestsPerSecond: 0 } }), {});
  const token = c8s.adminToken ?? "";
  const call = async (method: string, path: string, body?: string | Buffer, json = false) => {
    const res = await fetch(`${c8s.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": json ? "application/json" : "application/octet-stream" }),
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>);
  };
  const n = options.quick ? 20 : 100;
  try {
    const id = String((await call("POST", "/v1/sessions", JSON.stringify({ name: "bench" }), true))?.["id"]);
    const exec = (script: string) =>
      call("POST", `/v1/sessions/${id}/exec`, JSON.stringify({ command: ["sh", "-c", script] }), true);
    await exec("true"); // attach
    let i = 0;
    const save = await sample(n, () => call("PUT", `/v1/sessions/${id}/files/src/save.py`, `print(${i++})\n`));
    const command = await sample(n, () => exec(`echo ${i++} > out.txt`));
    const execOnly = await sample(n, () => exec("true"));

    // 100 files / 10 MB, then a fresh sandbox for every resume.
    const files: SessionFile[] = [];
    for (let f = 0; f < 100; f++) {
      const content = randomBytes(100 * 1024);
      await call("PUT", `/v1/sessions/${id}/files/data/${f}.bin`, content);
      files.push({
        path: `data/${f}.bin`,
        kind: "file",
        mode: 0o644,
        size: content.length,
        sha256: sha256Of(content),
        version: 1,
        linkTarget: null,
        mtime: new Date().toISOString(),
        content,
      });
    }
    const resumes = options.quick ? 5 : 20;
    const resume: number[] = [];
    for (let r = 0; r < resumes; r++) {
      const sandboxId = String((await call("GET", `/v1/sessions/${id}`))?.["sandboxId"]);
      await call("DELETE", `/v1/sandboxes/${sandboxId}`);
      resume.push(await timeIt(() => exec("true")));
    }
    const execLarge = await sample(options.quick ? 10 : 50, () => exec("true"));
    const chunks: Buffer[] = [];
    for await (const c of packWorkspace(files) as AsyncIterable<Buffer>) chunks.push(c);
    const archive = join(home, "resume.tar");
    await writeFile(archive, Buffer.concat(chunks));
    const bare = await sample(resumes, async () => {
      const dir = await mkdtemp(join(home, "x-"));
      await run("tar", ["-xf", archive, "-C", dir]);
      await rm(dir, { recursive: true, force: true });
    });
    return {
      rows: [
        summarize("file save (PUT, committed + written into the sandbox)", save),
        summarize("command writes a file → durable (exec + sync)", command),
        summarize("exec `true` (exec + sync of an unchanged workspace)", execOnly),
        summarize("exec `true` with 10 MB in the workspace (the sync tars it all out)", execLarge),
        summarize("resume 100 files / 10 MB into a fresh sandbox (+ exec `true`)", resume),
        summarize("bare: host `tar -x` of the same archive", bare),
      ],
    };
  } finally {
    await c8s.close();
    await rm(home, { recursive: true, force: true });
  }
}
