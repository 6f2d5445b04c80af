/**
 * Hostile uploads (issue 8, finding 2): a truncated, garbage or slipping archive sent by a
 * low-privilege token to a real server fails that request with a 4xx in c8s's error format and
 * the server keeps serving. Archives are made by the real `tar`. A new malformed form is one row.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "../../fixtures/server.ts";

let t: TestServer;
let low: string;
let sandbox: string;

/** A real tar holding one 1 MiB file (and a second entry after it). */
function realTar(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "c8s-upload-"));
  writeFileSync(join(dir, "big"), randomBytes(1 << 20));
  writeFileSync(join(dir, "small"), "after\n");
  execFileSync("tar", ["-C", dir, "-cf", join(dir, "a.tar"), "big", "small"]);
  return readFileSync(join(dir, "a.tar"));
}

const archive = (): Buffer => realTar();

const cases: Array<{ name: string; body: () => Buffer; status: number; code: string }> = [
  {
    name: "truncated inside an entry (head -c 4608)",
    body: () => archive().subarray(0, 4608),
    status: 400,
    code: "TAR_INVALID",
  },
  { name: "truncated inside a header", body: () => archive().subarray(0, 300), status: 400, code: "TAR_INVALID" },
  {
    name: "truncated before the end-of-archive blocks",
    body: () => archive().subarray(0, 512 + (1 << 20) + 700),
    status: 400,
    code: "TAR_INVALID",
  },
  { name: "garbage", body: () => randomBytes(10_000), status: 400, code: "TAR_INVALID" },
  {
    name: "a header with a corrupted checksum",
    body: () => {
      const a = archive();
      a.write("99999999", 148, "ascii");
      return a;
    },
    status: 400,
    code: "TAR_INVALID",
  },
  {
    name: "an entry climbing out with ..",
    body: () => {
      const dir = mkdtempSync(join(tmpdir(), "c8s-upload-"));
      writeFileSync(join(dir, "x"), "x");
      return execFileSync("tar", ["-C", dir, "-cf", "-", "--transform=s,^,../../,", "x"]);
    },
    status: 400,
    code: "PATH_OUTSIDE_SANDBOX",
  },
];

void describe("hostile uploads (security)", () => {
  before(async () => {
    t = await startTestServer();
    const res = await t.api("POST", "/v1/tokens", { body: { name: "uploader", scopes: ["sandboxes"] } });
    low = (res.json() as { token: string }).token;
    const created = await t.api("POST", "/v1/sandboxes", { token: low, body: {} });
    sandbox = (created.json() as { id: string }).id;
  });
  after(async () => {
    await t.close();
  });

  for (const c of cases) {
    void it(`PUT files/tar: ${c.name} → ${c.status} ${c.code}, nothing extracted, the server still serves`, async () => {
      // Over real HTTP (not inject): the body is streamed through the real socket.
      const res = await fetch(`${t.url}/v1/sandboxes/${sandbox}/files/tar?path=up`, {
        method: "PUT",
        headers: { authorization: `Bearer ${low}`, "content-type": "application/x-tar" },
        body: c.body(),
      });
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      assert.equal(res.status, c.status, JSON.stringify(body));
      assert.equal(body.error?.code, c.code);
      assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
      const list = await t.api("GET", `/v1/sandboxes/${sandbox}/files/list?path=up`, { token: low });
      if (list.statusCode === 200) assert.doesNotMatch(list.body, /"small"/);
    });
  }

  void it("a complete archive still extracts (control)", async () => {
    const res = await fetch(`${t.url}/v1/sandboxes/${sandbox}/files/tar?path=ok`, {
      method: "PUT",
      headers: { authorization: `Bearer ${low}`, "content-type": "application/x-tar" },
      body: archive(),
    });
    assert.equal(res.status, 204, await res.text());
    const small = await t.api("GET", `/v1/sandboxes/${sandbox}/files?path=ok/small`, { token: low });
    assert.equal(small.statusCode, 200);
    assert.equal(small.body, "after\n");
  });
});
