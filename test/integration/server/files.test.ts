/** The files API against real sandboxes: bytes in/out, listing, tar, and every escape rejected. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { errorOf, startTestServer, type TestServer } from "../../fixtures/server.ts";

let t: TestServer;
let sandboxId: string;
let base: string;

before(async () => {
  t = await startTestServer();
  sandboxId = await t.createSandbox();
  base = `/v1/sandboxes/${sandboxId}/files`;
});
after(async () => {
  await t?.close();
});

function put(path: string, payload: Buffer | string, contentType = "application/octet-stream") {
  return t.server.inject({
    method: "PUT",
    url: path,
    headers: { authorization: `Bearer ${t.token}`, "content-type": contentType },
    payload,
  });
}

async function sh(script: string): Promise<string> {
  const res = await t.api("POST", `/v1/sandboxes/${sandboxId}/exec`, { body: { command: ["/bin/sh", "-c", script] } });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { stdout: string }).stdout;
}

async function makeTar(
  entries: Array<{ name: string; body?: string; type?: "file" | "directory" | "symlink"; linkname?: string }>,
): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === "directory") pack.entry({ name: e.name, type: "directory", mode: 0o755 });
    else if (e.type === "symlink") pack.entry({ name: e.name, type: "symlink", linkname: e.linkname ?? "" });
    else pack.entry({ name: e.name, mode: 0o644 }, e.body ?? "");
  }
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

async function readTar(data: Buffer): Promise<Map<string, string>> {
  const extract = tar.extract();
  const files = new Map<string, string>();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on("data", (c: unknown) => parts.push(c as Buffer));
      stream.on("end", () => {
        files.set(
          header.name.replace(/^\.\//, ""),
          header.type === "directory" ? "<dir>" : Buffer.concat(parts).toString("utf8"),
        );
        next();
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([data]).pipe(extract);
  await done;
  return files;
}

function assertOutside(res: { statusCode: number; body: string }): void {
  assert.equal(res.statusCode, 400, res.body);
  assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, "PATH_OUTSIDE_SANDBOX");
}

void describe("files", () => {
  void it("writes and reads raw bytes, with a mode", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
    assert.equal((await put(`${base}?path=data.bin&mode=0600`, bytes)).statusCode, 204);
    const read = await t.server.inject({
      method: "GET",
      url: `${base}?path=data.bin`,
      headers: { authorization: `Bearer ${t.token}` },
    });
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers["content-type"], "application/octet-stream");
    assert.deepEqual(read.rawPayload, bytes);
    const stat = (await t.api("GET", `${base}/stat?path=data.bin`)).json() as {
      type: string;
      size: number;
      mode: number;
      name: string;
    };
    assert.equal(stat.type, "file");
    assert.equal(stat.size, 6);
    assert.equal(stat.name, "data.bin");
    assert.equal(stat.mode & 0o777, 0o600);
  });

  void it("accepts an upload with no content type or a text one", async () => {
    const res = await t.server.inject({
      method: "PUT",
      url: `${base}?path=plain.txt`,
      headers: { authorization: `Bearer ${t.token}`, "content-type": "text/plain" },
      payload: "plain",
    });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(await sh("cat plain.txt"), "plain");
  });

  void it("makes directories, lists, and removes", async () => {
    assert.equal((await t.api("POST", `${base}/mkdir`, { body: { path: "d/e", recursive: true } })).statusCode, 204);
    await put(`${base}?path=d/e/f.txt`, "f");
    const list = (await t.api("GET", `${base}/list?path=d/e`)).json() as {
      entries: Array<{ name: string; type: string }>;
    };
    assert.deepEqual(
      list.entries.map((e) => [e.name, e.type]),
      [["f.txt", "file"]],
    );
    assert.equal((await t.api("DELETE", `${base}?path=d/e/f.txt`)).statusCode, 204);
    assert.equal((await t.api("GET", `${base}/stat?path=d/e/f.txt`)).statusCode, 404);
    assert.equal((await t.api("DELETE", `${base}?path=d&recursive=true`)).statusCode, 204);
    const gone = await t.api("GET", `${base}/stat?path=d`);
    assert.equal(gone.statusCode, 404);
    assert.equal(errorOf(gone).code, "FILE_NOT_FOUND");
  });

  void it("round-trips a directory through tar", async () => {
    const archive = await makeTar([
      { name: "proj", type: "directory" },
      { name: "proj/a.txt", body: "A" },
      { name: "proj/sub/b.txt", body: "B" },
    ]);
    const up = await put(`${base}/tar?path=tree`, archive, "application/x-tar");
    assert.equal(up.statusCode, 204, up.body);
    assert.equal(await sh("cat tree/proj/a.txt tree/proj/sub/b.txt"), "AB");
    const down = await t.server.inject({
      method: "GET",
      url: `${base}/tar?path=tree`,
      headers: { authorization: `Bearer ${t.token}` },
    });
    assert.equal(down.statusCode, 200);
    assert.equal(down.headers["content-type"], "application/x-tar");
    const files = await readTar(down.rawPayload);
    assert.equal(files.get("proj/a.txt"), "A");
    assert.equal(files.get("proj/sub/b.txt"), "B");
  });
});

void describe("escapes are rejected with PATH_OUTSIDE_SANDBOX and change nothing", () => {
  void it("'..' traversal and absolute paths elsewhere", async () => {
    assertOutside(await t.api("GET", `${base}?path=${encodeURIComponent("../../../etc/passwd")}`));
    assertOutside(await t.api("GET", `${base}?path=/etc/passwd`));
    assertOutside(await put(`${base}?path=${encodeURIComponent("../escaped.txt")}`, "x"));
    assertOutside(await t.api("POST", `${base}/mkdir`, { body: { path: "/etc/c8s-evil" } }));
    assertOutside(await t.api("DELETE", `${base}?path=/etc/hostname`));
    assert.equal(await sh("ls ../escaped.txt 2>/dev/null; ls -d /etc/c8s-evil 2>/dev/null; echo done"), "done\n");
  });

  void it("symlinks that point out of the sandbox", async () => {
    await sh("ln -s /etc etc-link; ln -s /etc/passwd passwd-link");
    assertOutside(await t.api("GET", `${base}?path=passwd-link`));
    assertOutside(await put(`${base}?path=etc-link/c8s-evil`, "x"));
    assertOutside(await t.api("GET", `${base}/list?path=etc-link`));
    assertOutside(await t.api("GET", `${base}/tar?path=etc-link`));
    assert.equal(await sh("ls /etc/c8s-evil 2>/dev/null; echo done"), "done\n");
  });

  void it("tar-slip: '..' entries, absolute entries and writes through a symlink entry", async () => {
    await t.api("POST", `${base}/mkdir`, { body: { path: "keep", recursive: true } });
    assert.equal((await put(`${base}?path=keep/existing.txt`, "original")).statusCode, 204);
    const slips = [
      await makeTar([
        { name: "innocent.txt", body: "i" },
        { name: "../slipped.txt", body: "evil" },
      ]),
      await makeTar([{ name: "/tmp/../etc/slipped.txt", body: "evil" }]),
      await makeTar([
        { name: "link", type: "symlink", linkname: "/etc" },
        { name: "link/slipped.txt", body: "evil" },
      ]),
      await makeTar([
        { name: "existing.txt", body: "overwritten" },
        { name: "../../slipped.txt", body: "evil" },
      ]),
    ];
    for (const archive of slips) assertOutside(await put(`${base}/tar?path=keep`, archive, "application/x-tar"));
    assert.equal(await sh("cat keep/existing.txt"), "original");
    assert.equal(
      await sh("ls slipped.txt /etc/slipped.txt ../slipped.txt keep/innocent.txt 2>/dev/null; echo done"),
      "done\n",
    );
  });
});
