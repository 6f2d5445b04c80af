/**
 * Templates and the one-shot endpoint through the real server (bubblewrap, PGlite): the
 * routes, team scoping (another team's template is a 404, as a missing one), a warm pool
 * behind /v1/execute, and /v1/execute's errors with their codes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, startTestServer, type TestServer } from "../../fixtures/server.ts";
import { waitFor } from "../../fixtures/pool-suite.ts";

let t: TestServer;
const tokens: Record<"red" | "blue", string> = { red: "", blue: "" };

before(async () => {
  t = await startTestServer({ maxPooled: 4 });
  for (const team of ["red", "blue"] as const) {
    assert.equal((await t.api("POST", "/v1/teams", { body: { name: team } })).statusCode, 201);
    const res = await t.api("POST", "/v1/tokens", { body: { name: `${team}-member`, team, role: "member" } });
    assert.equal(res.statusCode, 201, res.body);
    tokens[team] = (res.json() as { token: string }).token;
  }
});
after(async () => {
  await t?.close();
});

interface Executed {
  sandboxId: string;
  exitCode: number | null;
  reason: string;
  durationMs: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

void describe("/v1/templates", () => {
  void it("creates, reads, lists, replaces and deletes a template of the caller's team", async () => {
    const red = tokens.red;
    const created = await t.api("POST", "/v1/templates", {
      token: red,
      body: { name: "py", env: { LANG_X: "py" }, limits: { pids: 64 }, network: "none" },
    });
    assert.equal(created.statusCode, 201, created.body);
    const body = created.json() as { name: string; team: string; pool: { min: number; max: number } };
    assert.equal(body.team, "red");
    assert.deepEqual(body.pool, { min: 0, max: 0 });
    const got = await t.api("GET", "/v1/templates/py", { token: red });
    assert.equal(got.statusCode, 200);
    assert.deepEqual((got.json() as { spec: unknown }).spec, {
      env: { LANG_X: "py" },
      limits: { pids: 64 },
      network: "none",
    });
    const list = await t.api("GET", "/v1/templates", { token: red });
    assert.deepEqual(
      (list.json() as { templates: { name: string }[] }).templates.map((x) => x.name),
      ["py"],
    );
    const put = await t.api("PUT", "/v1/templates/py", { token: red, body: { env: { LANG_X: "py3" } } });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((put.json() as { createdAt: string }).createdAt, (got.json() as { createdAt: string }).createdAt);
    const putMissing = await t.api("PUT", "/v1/templates/other", { token: red, body: {} });
    assert.equal(putMissing.statusCode, 404, "PUT replaces; POST creates");
    assert.equal(errorOf(putMissing).code, "TEMPLATE_NOT_FOUND");
    assert.equal((await t.api("POST", "/v1/templates", { token: red, body: { name: "other" } })).statusCode, 201);
    assert.equal((await t.api("DELETE", "/v1/templates/other", { token: red })).statusCode, 204);
    const gone = await t.api("DELETE", "/v1/templates/other", { token: red });
    assert.equal(gone.statusCode, 404);
    assert.equal(errorOf(gone).code, "TEMPLATE_NOT_FOUND");
  });

  void it("keeps another team's template out of sight: 404 on read, write, delete and use", async () => {
    const blue = tokens.blue;
    for (const [method, body] of [
      ["GET", undefined],
      ["PUT", {}],
      ["DELETE", undefined],
    ] as const) {
      const res = await t.api(method, "/v1/templates/py", { token: blue, ...(body === undefined ? {} : { body }) });
      assert.equal(res.statusCode, 404, `${method}: ${res.body}`);
      assert.equal(errorOf(res).code, "TEMPLATE_NOT_FOUND");
    }
    assert.deepEqual((await t.api("GET", "/v1/templates", { token: blue })).json(), { templates: [] });
    const use = await t.api("POST", "/v1/sandboxes", { token: blue, body: { template: "py" } });
    assert.equal(use.statusCode, 404);
    assert.equal(errorOf(use).code, "TEMPLATE_NOT_FOUND");
    // A POST of the same name makes blue's own template; red's is untouched.
    assert.equal((await t.api("POST", "/v1/templates", { token: blue, body: { name: "py" } })).statusCode, 201);
    const reds = (await t.api("GET", "/v1/templates/py", { token: tokens.red })).json() as { spec: { env?: unknown } };
    assert.deepEqual(reds.spec.env, { LANG_X: "py3" });
  });

  void it("refuses bad templates with codes: a bad name, an unknown field, a pool below zero, host network for a member", async () => {
    const red = tokens.red;
    const cases: [unknown, number, string][] = [
      [{ name: "Bad Name" }, 400, "VALIDATION_FAILED"],
      [{ name: "x", nope: 1 }, 400, "VALIDATION_FAILED"],
      [{ name: "x", pool: { min: 2, max: 1 } }, 400, "VALIDATION_FAILED"],
      [{ name: "x", network: "host" }, 403, "PERMISSION_DENIED"],
    ];
    for (const [body, status, code] of cases) {
      const res = await t.api("POST", "/v1/templates", { token: red, body });
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(errorOf(res).code, code);
    }
  });
});

void describe("warm pools and team quotas", () => {
  void it("counts a claimed sandbox against its team's quota, and never a pooled one", async () => {
    assert.equal(
      (await t.api("POST", "/v1/teams", { body: { name: "green", quotas: { maxSandboxes: 1 } } })).statusCode,
      201,
    );
    const res = await t.api("POST", "/v1/tokens", { body: { name: "green-member", team: "green", role: "member" } });
    const green = (res.json() as { token: string }).token;
    // Two pooled sandboxes while the team's quota is one: the pool is not the team's.
    const created = await t.api("POST", "/v1/templates", { token: green, body: { name: "q", pool: { min: 2 } } });
    assert.equal(created.statusCode, 201, created.body);
    const metrics = async () => (await t.api("GET", "/metrics")).body;
    await waitFor("the pool to fill", async () =>
      /c8s_pool_sandboxes\{template="q",team="green",state="ready"\} 2/.test(await metrics()),
    );
    const first = await t.api("POST", "/v1/sandboxes", { token: green, body: { template: "q" } });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal((first.json() as { team: string }).team, "green");
    const second = await t.api("POST", "/v1/sandboxes", { token: green, body: { template: "q" } });
    assert.equal(second.statusCode, 429, second.body);
    assert.equal(errorOf(second).code, "QUOTA_EXCEEDED");
    const listed = (await t.api("GET", "/v1/sandboxes?state=running", { token: green })).json() as {
      sandboxes: { id: string }[];
    };
    assert.deepEqual(
      listed.sandboxes.map((x) => x.id),
      [(first.json() as { id: string }).id],
    );
    await t.api("DELETE", `/v1/sandboxes/${(first.json() as { id: string }).id}`, { token: green });
    assert.equal((await t.api("DELETE", "/v1/templates/q", { token: green })).statusCode, 204);
  });
});

void describe("POST /v1/execute", () => {
  void it("runs one command with stdin in a pooled sandbox of a template and destroys it", async () => {
    const red = tokens.red;
    const res = await t.api("POST", "/v1/templates", {
      token: red,
      body: { name: "warm", env: { WARM: "1" }, pool: { min: 1, max: 2 } },
    });
    assert.equal(res.statusCode, 201, res.body);
    const metrics = async () => (await t.api("GET", "/metrics")).body;
    await waitFor("the pool to fill", async () =>
      /c8s_pool_sandboxes\{template="warm",team="red",state="ready"\} 1/.test(await metrics()),
    );
    const ran = await t.api("POST", "/v1/execute", {
      token: red,
      body: { template: "warm", command: ["/bin/sh", "-c", 'cat; echo "$WARM" >&2; exit 3'], stdin: "hello" },
    });
    assert.equal(ran.statusCode, 200, ran.body);
    const out = ran.json() as Executed;
    assert.equal(out.stdout, "hello");
    assert.equal(out.stderr, "1\n");
    assert.equal(out.exitCode, 3);
    assert.equal(out.reason, "exit");
    assert.equal(out.truncated, false);
    const after = await t.api("GET", `/v1/sandboxes/${out.sandboxId}`, { token: red });
    assert.equal((after.json() as { state: string }).state, "terminated");
    assert.match(await metrics(), /c8s_pool_claims_total\{template="[^"]+",result="hit"\} 1/);

    const plain = await t.api("POST", "/v1/execute", {
      token: red,
      body: { sandbox: { env: { P: "x" } }, command: ["/bin/sh", "-c", "echo $P"] },
    });
    assert.equal(plain.statusCode, 200, plain.body);
    assert.equal((plain.json() as Executed).stdout, "x\n");
    const timedOut = await t.api("POST", "/v1/execute", {
      token: red,
      body: { command: ["sleep", "30"], timeoutMs: 300 },
    });
    assert.equal((timedOut.json() as Executed).reason, "timeout");
  });

  void it("answers bad input with codes and leaves no sandbox behind", async () => {
    const red = tokens.red;
    const before = (await t.api("GET", "/v1/sandboxes?state=running", { token: red })).json() as {
      sandboxes: unknown[];
    };
    const cases: [unknown, number, string][] = [
      [{}, 400, "VALIDATION_FAILED"],
      [{ command: [] }, 400, "VALIDATION_FAILED"],
      [{ command: ["true"], stdin: "a", stdinBase64: "YQ==" }, 400, "VALIDATION_FAILED"],
      [{ command: ["true"], template: "missing" }, 404, "TEMPLATE_NOT_FOUND"],
      [{ command: ["true"], sandbox: { template: "warm" } }, 400, "VALIDATION_FAILED"],
      [{ command: ["true"], sandbox: { network: "host" } }, 403, "PERMISSION_DENIED"],
      [{ command: ["definitely-not-a-program"] }, 200, ""],
    ];
    for (const [body, status, code] of cases) {
      const res = await t.api("POST", "/v1/execute", { token: red, body });
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      if (code !== "") assert.equal(errorOf(res).code, code);
    }
    const viewer = await t.api("POST", "/v1/tokens", { body: { name: "red-viewer", team: "red", role: "viewer" } });
    const denied = await t.api("POST", "/v1/execute", {
      token: (viewer.json() as { token: string }).token,
      body: { command: ["true"] },
    });
    assert.equal(denied.statusCode, 403);
    const now = (await t.api("GET", "/v1/sandboxes?state=running", { token: red })).json() as { sandboxes: unknown[] };
    assert.equal(now.sandboxes.length, before.sandboxes.length, "every one-shot sandbox was destroyed");
  });
});
