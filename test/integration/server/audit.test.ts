/**
 * The audit trail through a real server: mutating calls recorded with who and what (every one
 * in /openapi.json), never a body or a secret's value; team owners read their own team's,
 * admins every team's; `c8s audit`; and the retention sweep.
 */
import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { Audit, PermissionDeniedError } from "../../../packages/sdk/src/index.ts";
import { main } from "../../../src/cli/dispatch.ts";
import type { CliIo } from "../../../src/cli/io.ts";
import { startAuditRetention, sweepAuditLog } from "../../../src/server/audit-retention.ts";
import { type AuditEntry, openStore, type Store } from "../../../src/store/index.ts";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

let t: PipelineTestServer;
let repo: TestRepository;
const tokens: Record<string, { id: string; token: string }> = {};

async function http(
  method: string,
  path: string,
  options: { token?: string; body?: string; contentType?: string } = {},
): Promise<{ status: number; json: LooseJson; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? t.token}` };
  if (options.body !== undefined) headers["content-type"] = options.contentType ?? "application/json";
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: LooseJson;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const as = (who: string) => tokens[who]?.token ?? "";
async function entries(query: string, token = t.token): Promise<AuditEntry[]> {
  const res = await http("GET", `/v1/audit${query}`, { token });
  assert.equal(res.status, 200, res.text);
  return res.json.entries as AuditEntry[];
}

async function c8s(args: string[], token = t.token): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (c: Buffer) => o.push(c));
  stderr.on("data", (c: Buffer) => e.push(c));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from([]) as unknown as CliIo["stdin"],
    cwd: process.cwd(),
    env: { C8S_URL: t.url, C8S_TOKEN: token },
    onSignal: () => () => undefined,
  };
  const code = await main(args, io);
  return { code, out: Buffer.concat(o).toString(), err: Buffer.concat(e).toString() };
}

before(async () => {
  t = await startPipelineServer();
  repo = await createTestRepository({ "README.md": "audit\n" });
  for (const team of ["red", "blue"]) {
    assert.equal((await t.call("POST", "/v1/teams", { body: { name: team } })).status, 201);
    for (const role of ["owner", "member", "viewer"]) {
      const made = await t.call("POST", "/v1/tokens", { body: { name: `${team}-${role}`, team, role } });
      assert.equal(made.status, 201, made.text);
      tokens[`${team}-${role}`] = { id: made.json.id, token: made.json.token };
    }
  }
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
});

void describe("audit log", { timeout: 180_000 }, () => {
  void it("records mutating calls (created id, status, token), not reads, and keeps no body", async () => {
    const created = await http("POST", "/v1/sandboxes", {
      body: JSON.stringify({ env: { X: "body-value-never-kept" } }),
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id as string;
    assert.equal((await http("DELETE", "/v1/sandboxes/sbx_nope")).status, 404);
    await http("GET", `/v1/sandboxes/${id}`);
    const res = await http("GET", "/v1/audit");
    const list = res.json.entries as AuditEntry[];
    assert.deepEqual(
      list.slice(0, 2).map((e) => [e.action, e.resourceId, e.status]),
      [
        ["DELETE /v1/sandboxes/:id", "sbx_nope", 404],
        ["POST /v1/sandboxes", id, 201],
      ],
    );
    assert.ok(list.every((e) => typeof e.tokenId === "string" && e.tokenId.startsWith("tok_")));
    assert.ok(!res.text.includes("body-value-never-kept"));
    assert.ok(!list.some((e) => e.action.startsWith("GET")));
    assert.ok((await http("DELETE", `/v1/sandboxes/${id}`)).status < 300);
  });

  void it("records every mutating route of /openapi.json, refused calls too", async () => {
    const doc = (await http("GET", "/openapi.json")).json as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
    };
    const probes: { action: string; id: string | null }[] = [];
    const since = new Date().toISOString();
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        if (method === "get" || !path.startsWith("/v1/")) continue;
        // As the audit log names it: the route's own pattern (a trailing wildcard is `*`).
        const pattern = path.replace(/\/\{path\}$/, "/*").replace(/\{(\w+)\}/g, ":$1");
        // Ids that exist nowhere and bodies no schema accepts: each call is refused, and still recorded.
        const url = path.replace(/\{(\w+)\}/g, (_, param: string) => `probe-${param}`);
        const contentType = Object.keys(op.requestBody?.content ?? {})[0];
        await http(method.toUpperCase(), url, {
          body: JSON.stringify({ auditProbe: true }),
          ...(contentType === undefined ? {} : { contentType }),
        });
        const idParam = /\{(id|name)\}/.exec(path)?.[1];
        probes.push({ action: `${method.toUpperCase()} ${pattern}`, id: idParam ? `probe-${idParam}` : null });
      }
    assert.ok(probes.length >= 20, `expected the mutating routes, got ${probes.length}`);
    const recorded = await entries(`?since=${encodeURIComponent(since)}&order=oldest&limit=1000`);
    for (const probe of probes) {
      const entry = recorded.find((e) => e.action === probe.action);
      assert.ok(entry, `${probe.action} is not in the audit log`);
      assert.ok(entry.status !== null && entry.status >= 400, `${probe.action}: status ${String(entry.status)}`);
      if (probe.id !== null) assert.equal(entry.resourceId, probe.id, probe.action);
    }
  });

  void it("never holds a secret's value: not when it is set, not when a run uses it", async () => {
    const value = "audit-secret-value-5d1c9e";
    assert.equal((await t.call("POST", "/v1/secrets", { body: { name: "AUDIT_TOKEN", value } })).status, 201);
    const yaml = `version: v1alpha1\nname: audit\nsteps:\n  - name: use\n    secrets: [AUDIT_TOKEN]\n    commands: ['test "$AUDIT_TOKEN" = ${value} && echo "$AUDIT_TOKEN"']\n`;
    const run = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: yaml } });
    assert.equal(run.status, 201, run.text);
    assert.equal((await t.waitForRun(run.json.id, ["succeeded", "failed"])).state, "succeeded");
    const res = await http("GET", "/v1/audit?limit=1000&order=oldest");
    assert.ok(res.json.entries.length < 1000, "one page holds every entry");
    for (const needle of [value, Buffer.from(value).toString("base64"), Buffer.from(value).toString("hex")])
      assert.ok(!res.text.includes(needle), `an audit entry holds the secret's value (${needle})`);
    const list = res.json.entries as AuditEntry[];
    const set = list.find((e) => e.action === "POST /v1/secrets" && e.status === 201);
    assert.equal(set?.resourceId, "AUDIT_TOKEN");
    const use = list.find((e) => e.action === "secret.use" && e.details["run"] === run.json.id);
    assert.ok(use, "the run's use of the secret is recorded");
    assert.deepEqual(
      [use.resource, use.resourceId, use.teamId, use.status],
      ["secret", "AUDIT_TOKEN", "default", null],
    );
    assert.equal(use.tokenId, list.find((e) => e.action === "POST /v1/runs")?.tokenId);
  });

  void it("a team owner reads its own team's entries only; members and viewers are refused; an admin sees all or one team", async () => {
    assert.equal(
      (await http("POST", "/v1/secrets", { token: as("red-owner"), body: '{"name":"RED_A","value":"r"}' })).status,
      201,
    );
    assert.equal(
      (await http("POST", "/v1/secrets", { token: as("blue-owner"), body: '{"name":"BLUE_A","value":"b"}' })).status,
      201,
    );
    assert.equal((await http("DELETE", "/v1/sandboxes/sbx_red_missing", { token: as("red-member") })).status, 404);

    const red = await entries("", as("red-owner"));
    assert.ok(red.length >= 2 && red.every((e) => e.teamId === "red"), JSON.stringify(red));
    assert.ok(red.some((e) => e.resourceId === "RED_A"));
    assert.ok(red.some((e) => e.resourceId === "sbx_red_missing" && e.tokenId === tokens["red-member"]?.id));
    // A team it names is ignored: an owner's view is its own team's.
    assert.deepEqual(await entries("?team=blue", as("red-owner")), red);
    assert.deepEqual(await entries(`?token=${tokens["blue-owner"]?.id ?? ""}`, as("red-owner")), []);
    for (const who of ["red-member", "red-viewer"]) {
      const res = await http("GET", "/v1/audit", { token: as(who) });
      assert.equal(res.status, 403, `${who}: ${res.text}`);
      assert.equal(res.json.error.code, "PERMISSION_DENIED");
      assert.equal(res.json.error.details.required, "audit:read");
    }
    // A narrowed owner token without audit:read is refused too.
    const narrow = await http("POST", "/v1/tokens", {
      token: as("red-owner"),
      body: JSON.stringify({ name: "red-narrow", role: "owner", scopes: ["runs:read"] }),
    });
    assert.equal(narrow.status, 201, narrow.text);
    assert.equal((await http("GET", "/v1/audit", { token: narrow.json.token })).status, 403);

    const blue = await entries("?team=blue");
    assert.ok(blue.length > 0 && blue.every((e) => e.teamId === "blue"));
    assert.ok(blue.some((e) => e.resourceId === "BLUE_A"));
    const everyone = await entries("?limit=1000");
    assert.ok(everyone.some((e) => e.teamId === "red") && everyone.some((e) => e.teamId === "blue"));
  });

  void it("filters by action, resource, token and time, pages with before/after, and refuses bad filters", async () => {
    const secrets = await entries("?action=POST%20/v1/secrets&limit=1000");
    assert.ok(secrets.length >= 3 && secrets.every((e) => e.action === "POST /v1/secrets"));
    const deletes = await entries(`?action=${encodeURIComponent("DELETE *")}&limit=1000`);
    assert.ok(deletes.length > 0 && deletes.every((e) => e.action.startsWith("DELETE ")));
    const secretRes = await entries("?resource=secret&limit=1000");
    assert.ok(secretRes.some((e) => e.action === "secret.use") && secretRes.every((e) => e.resource === "secret"));
    const mine = await entries(`?token=${tokens["red-owner"]?.id ?? ""}&limit=1000`);
    assert.ok(mine.length > 0 && mine.every((e) => e.tokenId === tokens["red-owner"]?.id));
    assert.deepEqual(await entries(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), []);
    assert.deepEqual(await entries("?until=2000-01-01T00:00:00Z"), []);
    const newest = await entries("?limit=3");
    assert.equal(newest.length, 3);
    const older = await entries(`?limit=3&before=${newest[2]?.seq ?? 0}`);
    assert.ok(older.every((e) => e.seq < (newest[2]?.seq ?? 0)));
    const first = await entries("?order=oldest&limit=2");
    assert.ok((first[0]?.seq ?? 0) < (first[1]?.seq ?? 0));
    const next = await entries(`?order=oldest&limit=2&after=${first[1]?.seq ?? 0}`);
    assert.ok((next[0]?.seq ?? 0) > (first[1]?.seq ?? 0));
    // Any offset is taken, in UTC (the database itself refuses offsets beyond ±15:59); a year past 9999 is not.
    assert.equal((await http("GET", `/v1/audit?since=${encodeURIComponent("0712-03-18T04:17:24-20:20")}`)).status, 200);
    for (const bad of [
      "?limit=1001",
      "?since=yesterday",
      "?order=random",
      "?before=-1",
      "?what=1",
      `?until=${encodeURIComponent("9999-12-31T23:59:59-15:00")}`,
    ]) {
      const res = await http("GET", `/v1/audit${bad}`);
      assert.equal(res.status, 400, `${bad}: ${res.text}`);
    }
  });

  void it("the SDK lists a page and walks every page in either order", async () => {
    const audit = Audit.connect({ url: t.url, token: t.token });
    const all = await audit.list({ order: "oldest", limit: 1000 });
    const walked: number[] = [];
    for await (const entry of audit.entries({ order: "oldest", limit: 7 })) walked.push(entry.seq);
    assert.deepEqual(
      walked,
      all.map((e) => e.seq),
    );
    const backwards: number[] = [];
    for await (const entry of audit.entries({ limit: 7, team: "red" })) backwards.push(entry.seq);
    assert.deepEqual(
      backwards,
      (await audit.list({ team: "red", limit: 1000 })).map((e) => e.seq),
    );
    await assert.rejects(
      Audit.connect({ url: t.url, token: as("blue-viewer") }).list(),
      (e: unknown) => e instanceof PermissionDeniedError,
    );
  });

  void it("c8s audit prints the caller's entries as a table or JSON, with filters", async () => {
    const table = await c8s(["audit"], as("red-owner"));
    assert.equal(table.code, 0, table.err);
    const [header, ...rows] = table.out.trimEnd().split("\n");
    assert.match(header ?? "", /^TIME\s+TEAM\s+TOKEN\s+ACTION\s+RESOURCE\s+STATUS$/);
    assert.ok(
      rows.some((r) => /\sred\s+tok_\S+\s+POST \/v1\/secrets\s+secret RED_A\s+201$/.test(r)),
      table.out,
    );
    assert.ok(!table.out.includes("BLUE_A"));
    const json = await c8s(
      ["audit", "--json", "--action", "POST /v1/secrets", "--since", "1h", "--limit", "1"],
      as("red-owner"),
    );
    assert.equal(json.code, 0, json.err);
    const parsed = JSON.parse(json.out) as AuditEntry[];
    assert.deepEqual(
      parsed.map((e) => [e.teamId, e.action, e.resourceId]),
      [["red", "POST /v1/secrets", "RED_A"]],
    );
    const blue = JSON.parse((await c8s(["audit", "--team", "blue", "--json", "--oldest"])).out) as AuditEntry[];
    assert.ok(blue.length > 0 && blue.every((e) => e.teamId === "blue"));
    assert.ok((blue[0]?.seq ?? 0) < (blue.at(-1)?.seq ?? 0) || blue.length === 1);
    const past = await c8s(["audit", "--until", "2000-01-01", "--json"]);
    assert.deepEqual(JSON.parse(past.out), []);
    const denied = await c8s(["audit"], as("red-member"));
    assert.equal(denied.code, 4);
    assert.match(denied.err, /PERMISSION_DENIED/);
    const usage = await c8s(["audit", "--since", "yesterday"]);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--since/);
  });
});

void describe("audit retention", { timeout: 60_000 }, () => {
  let store: Store;
  before(async () => {
    store = await openStore();
  });
  after(() => store?.close());
  const day = 24 * 60 * 60 * 1000;
  const now = Date.parse("2026-06-01T00:00:00Z");
  const append = (ageDays: number, team: string) =>
    store.audit.append({
      at: new Date(now - ageDays * day).toISOString(),
      tokenId: null,
      teamId: team,
      action: "POST /v1/sandboxes",
      resource: "sandbox",
      resourceId: null,
      status: 201,
      details: {},
    });

  void it("deletes entries older than the retention in bounded batches; 0 keeps them forever", async () => {
    for (const age of [400, 200, 120, 100, 91]) await append(age, "old");
    for (const age of [89, 1, 0]) await append(age, "old");
    const ages = async () =>
      (await store.audit.list({ teamId: "old", order: "oldest" })).map((e) =>
        Math.round((now - Date.parse(e.at)) / day),
      );
    assert.equal(await sweepAuditLog(store.audit, { retentionDays: 0, now: () => now }), 0);
    assert.equal((await ages()).length, 8);
    // Two batches of two: what one sweep leaves, the next takes.
    assert.equal(
      await sweepAuditLog(store.audit, { retentionDays: 90, now: () => now, batchSize: 2, maxBatches: 2 }),
      4,
    );
    assert.deepEqual(await ages(), [91, 89, 1, 0]);
    assert.equal(await sweepAuditLog(store.audit, { retentionDays: 90, now: () => now, batchSize: 2 }), 1);
    assert.deepEqual(await ages(), [89, 1, 0]);
    const aborted = new AbortController();
    aborted.abort();
    assert.equal(await sweepAuditLog(store.audit, { retentionDays: 1, now: () => now, signal: aborted.signal }), 0);
  });

  void it("sweeps at start and on its interval until stopped", async () => {
    await append(30, "timed");
    await append(0, "timed");
    const logger = { info: () => undefined, error: () => undefined } as never;
    const retention = startAuditRetention(store.audit, { retentionDays: 7, now: () => now, logger, intervalMs: 20 });
    try {
      const deadline = Date.now() + 5000;
      while ((await store.audit.list({ teamId: "timed" })).length > 1 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal((await store.audit.list({ teamId: "timed" })).length, 1);
      await append(10, "timed"); // the interval's sweep takes it
      while ((await store.audit.list({ teamId: "timed" })).length > 1 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal((await store.audit.list({ teamId: "timed" })).length, 1);
    } finally {
      await retention.stop();
    }
    await append(10, "timed");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await store.audit.list({ teamId: "timed" })).length, 2, "a stopped sweep deletes nothing");
  });
});
