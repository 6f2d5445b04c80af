/**
 * Two servers on one PostgreSQL (two homes, one schema): both see the same session files, a
 * stale If-Match on either is 412, and a command on the second server restores the files the
 * first one wrote into its own sandbox.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";
import { dropSchema, freshSchemaName, POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from "../../fixtures/store-postgres.ts";

let a: PipelineTestServer;
let b: PipelineTestServer;
const homes: string[] = [];
const schema = freshSchemaName();
/** Replicas on one database share the secrets key. */
const key = randomBytes(32).toString("base64");

async function call(
  server: PipelineTestServer,
  method: "GET" | "POST" | "PUT",
  path: string,
  options: { json?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: LooseJson; text: string; etag: string | null }> {
  const headers: Record<string, string> = { authorization: `Bearer ${server.token}`, ...(options.headers ?? {}) };
  if (options.json !== undefined) headers["content-type"] = "application/json";
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.raw;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    signal: AbortSignal.timeout(60_000),
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let json: LooseJson;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, etag: res.headers.get("etag") };
}

void describe(
  "sessions on two servers sharing one PostgreSQL",
  { skip: TEST_DATABASE_URL ? false : POSTGRES_SKIP_REASON, timeout: 300_000 },
  () => {
    before(async () => {
      const databaseUrl = TEST_DATABASE_URL ?? "";
      for (let i = 0; i < 2; i++) homes.push(await mkdtemp(join(tmpdir(), "c8s-sessions-pg-")));
      a = await startPipelineServer({
        home: homes[0],
        config: { databaseUrl, secrets: { key } },
        start: { storeSchema: schema },
      });
      // The admin token is made once per database: the second home gets the first one's.
      await copyFile(join(homes[0] ?? "", "credentials.json"), join(homes[1] ?? "", "credentials.json"));
      b = await startPipelineServer({
        home: homes[1],
        config: { databaseUrl, secrets: { key } },
        start: { storeSchema: schema },
      });
    });
    after(async () => {
      await b?.close();
      await a?.close();
      for (const home of homes) await rm(home, { recursive: true, force: true });
      if (TEST_DATABASE_URL) await dropSchema(TEST_DATABASE_URL, schema);
    });

    void it(
      "both see the same files; a stale write on either is 412; the other server's exec restores them",
      { timeout: 120_000 },
      async () => {
        const id = (await call(a, "POST", "/v1/sessions", { json: { name: "shared" } })).json.id as string;
        const first = await call(a, "PUT", `/v1/sessions/${id}/files/shared.txt`, { raw: "from a\n" });
        assert.equal(first.status, 200, first.text);
        const seen = await call(b, "GET", `/v1/sessions/${id}/files/shared.txt`);
        assert.equal(seen.text, "from a\n");
        assert.equal(seen.etag, '"1"');
        const fromB = await call(b, "PUT", `/v1/sessions/${id}/files/shared.txt`, {
          raw: "from b\n",
          headers: { "if-match": '"1"' },
        });
        assert.equal(fromB.status, 200, fromB.text);
        const stale = await call(a, "PUT", `/v1/sessions/${id}/files/shared.txt`, {
          raw: "stale\n",
          headers: { "if-match": '"1"' },
        });
        assert.equal(stale.status, 412);
        assert.equal(stale.json.error.code, "FILE_VERSION_CONFLICT");
        const ran = await call(b, "POST", `/v1/sessions/${id}/exec`, {
          json: { command: ["sh", "-c", "cat shared.txt; echo b > b.txt"] },
        });
        assert.equal(ran.status, 200, ran.text);
        assert.equal(ran.json.stdout, "from b\n");
        assert.equal(
          (await call(a, "GET", `/v1/sessions/${id}/files/b.txt`)).text,
          "b\n",
          "a command's file on b is in a's view",
        );
      },
    );
  },
);
