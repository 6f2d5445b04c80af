/**
 * The tenant boundary, on a real server with PGlite and PostgreSQL. The attacker is team red,
 * holding tokens of every role; the target is team blue's sandbox, exec, run, step, secret and
 * token. The route cases are generated from /openapi.json (itself generated from the route
 * registry): every route with a path parameter is called with blue's ids and must answer
 * exactly what it answers for a missing id — so a new route is covered without editing this
 * file, and one that cannot be exercised must be listed in UNEXERCISED with its reason.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type BlueResources, RED_VALUE, startTenants, type TenantContext, TERMINAL } from "../../fixtures/tenants.ts";
import { POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from "../../fixtures/store-postgres.ts";

interface Operation {
  method: string;
  path: string;
  scope: string | undefined;
  open: boolean;
  websocket: boolean;
}

/** Routes with a path parameter this suite does not call, each with why. */
const UNEXERCISED: Record<string, string> = {
  "/v1/webhooks/github/{id}":
    "a delivery is authenticated by the hook's own signing secret, not a token: another team's hook and a missing one are the same 401 (test/integration/security/hooks.test.ts)",
  "/v1/webhooks/gitlab/{id}": "as /v1/webhooks/github/{id}: the hook's token, not a bearer token (hooks.test.ts)",
  "/v1/teams/{id}":
    "installation admins only: every team token is 403 whatever the id (see 'an owner cannot … make teams'); no team's data is reachable by id",
};

/** What a path parameter of each resource is filled with: blue's id, or one that exists nowhere. */
function fill(path: string, blue: BlueResources, missing: boolean): string {
  const resource = path.split("/")[2] ?? "";
  return path.replace(/\{(\w+)\}/g, (_, param: string) => {
    const key = `${resource}.${param}`;
    const value = {
      "sandboxes.id": missing ? "sbx_missing0000000000" : blue.sandbox,
      "sandboxes.execId": blue.exec,
      "runs.id": missing ? "run_missing0000000000" : blue.run,
      "runs.step": blue.step,
      "tokens.id": missing ? "tok_missing0000000000" : blue.token,
      "secrets.name": missing ? "NO_SUCH_SECRET_ANYWHERE" : blue.secret,
      "hooks.id": missing ? "hook_missing0000000000" : blue.hook,
      "sessions.id": missing ? "ses_missing0000000000" : blue.session,
      "sessions.path": "notes.txt",
      "templates.name": missing ? "no-such-template-anywhere" : blue.template,
    }[key];
    if (value === undefined)
      throw new Error(`tenants.test.ts: no id for ${key}; add one to fill() (or to UNEXERCISED)`);
    return encodeURIComponent(value);
  });
}

async function operations(ctx: TenantContext): Promise<Operation[]> {
  const doc = (await ctx.as("admin", "GET", "/openapi.json")).json as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const entry = {
        method: method.toUpperCase(),
        path,
        scope: op["x-c8s-scope"] as string | undefined,
        open: Array.isArray(op["security"]) && (op["security"] as unknown[]).length === 0,
        websocket: op["x-websocket"] === true,
      };
      ops.push(entry);
      // Fastify answers HEAD with the GET handler: it must get the same checks.
      if (entry.method === "GET") ops.push({ ...entry, method: "HEAD" });
    }
  return ops;
}

/** A body any route accepts far enough to reach its checks (the auth hook runs before parsing). */
const bodyFor = (op: Operation) => (["GET", "HEAD", "DELETE"].includes(op.method) ? undefined : {});
const reads = (op: Operation) => op.method === "GET" || op.method === "HEAD";

async function healthy(ctx: TenantContext): Promise<void> {
  assert.equal((await fetch(`${ctx.t.url}/healthz`)).status, 200, "the server still answers /healthz");
}

/** What blue has, as blue sees it: must be the same before and after red's attempts. */
async function blueState(ctx: TenantContext) {
  const blue = { team: "blue", role: "owner" } as const;
  const sandbox = (await ctx.as(blue, "GET", `/v1/sandboxes/${ctx.blue.sandbox}`)).json;
  const execs = (await ctx.as(blue, "GET", `/v1/sandboxes/${ctx.blue.sandbox}/execs`)).json;
  const run = (await ctx.as(blue, "GET", `/v1/runs/${ctx.blue.run}`)).json;
  const secrets = (await ctx.as(blue, "GET", "/v1/secrets")).json;
  const tokens = (await ctx.as(blue, "GET", "/v1/tokens")).json;
  const hooks = (await ctx.as(blue, "GET", "/v1/hooks")).json;
  const sessions = (await ctx.as(blue, "GET", "/v1/sessions")).json;
  const templates = (await ctx.as(blue, "GET", "/v1/templates")).json;
  const viewerWorks = (await ctx.as({ team: "blue", role: "viewer" }, "GET", "/v1/sandboxes")).status;
  return {
    sandbox: [sandbox.state, sandbox.lastActivityAt],
    execs: execs.execs.length,
    run: [run.state, run.id],
    secrets: secrets.secrets.map((s: { name: string; updatedAt: string }) => `${s.name}@${s.updatedAt}`).sort(),
    tokens: tokens.tokens.map((x: { id: string; revokedAt: unknown }) => `${x.id}:${String(x.revokedAt)}`).sort(),
    hooks: hooks.hooks.map((h: { id: string }) => h.id),
    sessions: sessions.sessions.map((x: { id: string; lastActivityAt: string }) => `${x.id}@${x.lastActivityAt}`),
    templates: templates.templates.map((x: { name: string; updatedAt: string }) => `${x.name}@${x.updatedAt}`),
    viewerWorks,
  };
}

const inline = (name: string, secrets: string[], command: string) =>
  `version: v1alpha1\nname: ${name}\nsteps:\n  - name: s\n    secrets: [${secrets.join(", ")}]\n    commands: [${JSON.stringify(command)}]\n`;

type Case = { name: string; attack: (ctx: TenantContext) => Promise<void> };

const cases: Case[] = [
  {
    name: "every route naming one of blue's resources answers red exactly as for a missing one, and changes nothing",
    attack: async (ctx) => {
      const beforeState = await blueState(ctx);
      const ops = (await operations(ctx)).filter((op) => op.path.includes("{") && UNEXERCISED[op.path] === undefined);
      assert.ok(
        ops.length >= 20,
        `expected the sandbox, exec, file, run, log, secret and token routes, got ${ops.length}`,
      );
      for (const op of ops) {
        // The owner has every team scope: only the team check stands between red and blue.
        const red = { team: "red", role: "owner" } as const;
        const foreign = await ctx.as(red, op.method, fill(op.path, ctx.blue, false), bodyFor(op));
        const missing = await ctx.as(red, op.method, fill(op.path, ctx.blue, true), bodyFor(op));
        const label = `${op.method} ${op.path}`;
        assert.equal(foreign.status, 404, `${label}: ${foreign.status} ${foreign.text}`);
        assert.equal(missing.status, 404, `${label} (missing id): ${missing.text}`);
        const blueId = fill(op.path, ctx.blue, false).split("/")[3] ?? "";
        const missingId = fill(op.path, ctx.blue, true).split("/")[3] ?? "";
        assert.equal(
          foreign.text.replaceAll(decodeURIComponent(blueId), "ID"),
          missing.text.replaceAll(decodeURIComponent(missingId), "ID"),
          `${label}: another team's resource must look exactly like a missing one`,
        );
        await healthy(ctx);
      }
      assert.deepEqual(await blueState(ctx), beforeState, "red changed nothing of blue's");
    },
  },
  {
    name: "lists show red only its own team's; an admin sees every team's and may filter by team",
    attack: async (ctx) => {
      const ids = Object.values(ctx.blue).filter((v) => v !== ctx.blue.step);
      for (const path of [
        "/v1/sandboxes",
        "/v1/sandboxes?team=blue",
        "/v1/runs",
        "/v1/runs?team=blue",
        "/v1/secrets",
        "/v1/tokens",
        "/v1/hooks",
        "/v1/sessions",
        "/v1/templates",
        "/v1/events",
        `/v1/events?sandbox=${ctx.blue.sandbox}`,
      ]) {
        const res = await ctx.as({ team: "red", role: "owner" }, "GET", path);
        assert.equal(res.status, 200, `${path}: ${res.text}`);
        for (const id of ids) assert.ok(!res.text.includes(id), `${path} shows red blue's ${id}`);
      }
      const all = await ctx.as("admin", "GET", "/v1/sandboxes");
      assert.ok(all.text.includes(ctx.blue.sandbox), "an admin sees every team's sandboxes");
      const redOnly = await ctx.as("admin", "GET", "/v1/sandboxes?team=red");
      assert.ok(!redOnly.text.includes(ctx.blue.sandbox), "?team=red leaves blue's out");
      // A run's step sandboxes are its team's: listed for blue, never for red.
      const steps = (await ctx.as("admin", "GET", `/v1/sandboxes?run=${ctx.blue.run}`)).json.sandboxes as {
        team: string;
      }[];
      assert.ok(steps.length > 0 && steps.every((s) => s.team === "blue"), JSON.stringify(steps));
      const redSteps = await ctx.as({ team: "red", role: "owner" }, "GET", `/v1/sandboxes?run=${ctx.blue.run}`);
      assert.deepEqual(redSteps.json.sandboxes, []);
      assert.ok((await ctx.as("admin", "GET", "/v1/runs")).text.includes(ctx.blue.run));
      assert.ok(!(await ctx.as("admin", "GET", "/v1/runs?team=red")).text.includes(ctx.blue.run));
      await healthy(ctx);
    },
  },
  {
    name: "a viewer cannot change anything, even in its own team (every mutating route: 403)",
    attack: async (ctx) => {
      const beforeState = await blueState(ctx);
      const mutating = (await operations(ctx)).filter(
        (op) => !op.open && UNEXERCISED[op.path] === undefined && (!reads(op) || op.scope?.endsWith(":write")),
      );
      assert.ok(mutating.length >= 15, `expected the mutating routes, got ${mutating.length}`);
      for (const op of mutating) {
        const res = await ctx.as(
          { team: "blue", role: "viewer" },
          op.method,
          fill(op.path, ctx.blue, false),
          bodyFor(op),
        );
        assert.equal(res.status, 403, `${op.method} ${op.path}: ${res.status} ${res.text}`);
        if (op.method !== "HEAD") assert.equal(res.json?.error?.code, "PERMISSION_DENIED"); // HEAD: no body
      }
      assert.deepEqual(await blueState(ctx), beforeState);
      await healthy(ctx);
    },
  },
  {
    name: "an expired token is 401 saying it expired",
    attack: async (ctx) => {
      const made = await ctx.as({ team: "red", role: "owner" }, "POST", "/v1/tokens", {
        name: "brief",
        role: "member",
        expiresIn: "1s",
      });
      assert.equal(made.status, 201, made.text);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const res = await fetch(`${ctx.t.url}/v1/sandboxes`, { headers: { authorization: `Bearer ${made.json.token}` } });
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(res.status, 401);
      assert.equal(body.error.code, "UNAUTHENTICATED");
      assert.match(body.error.message, /expired/);
      await healthy(ctx);
    },
  },
  {
    name: "an owner cannot mint an admin token or a token of another team, nor make teams; a member mints nothing",
    attack: async (ctx) => {
      const owner = { team: "red", role: "owner" } as const;
      for (const body of [
        { name: "up", role: "admin" },
        { name: "legacy-up", scopes: ["admin"] },
        { name: "over", team: "blue", role: "member" },
      ]) {
        const res = await ctx.as(owner, "POST", "/v1/tokens", body);
        assert.equal(res.status, 403, `${JSON.stringify(body)}: ${res.text}`);
      }
      const member = await ctx.as({ team: "red", role: "member" }, "POST", "/v1/tokens", { name: "x", role: "viewer" });
      assert.equal(member.status, 403, member.text);
      for (const path of ["/v1/teams"]) {
        assert.equal((await ctx.as(owner, "GET", path)).status, 403);
        assert.equal((await ctx.as(owner, "POST", path, { name: "mine" })).status, 403);
      }
      await healthy(ctx);
    },
  },
  {
    name: "an inline pipeline naming a secret without secrets:use is refused; with it, it gets its own team's only",
    attack: async (ctx) => {
      const narrowed = await ctx.as({ team: "red", role: "owner" }, "POST", "/v1/tokens", {
        name: "runs-only",
        role: "member",
        scopes: ["runs:read", "runs:write"],
      });
      assert.equal(narrowed.status, 201, narrowed.text);
      const refused = await ctx.t.call("POST", "/v1/runs", {
        token: narrowed.json.token,
        body: { repoUrl: ctx.repo.url, pipelineYaml: inline("steal", ["DEPLOY"], "echo $DEPLOY") },
      });
      assert.equal(refused.status, 403, refused.text);
      assert.match(refused.json.error.message, /secrets:use/);
      const member = { team: "red", role: "member" } as const;
      // Red's DEPLOY, never blue's: the step succeeds only with red's value.
      const own = await ctx.as(member, "POST", "/v1/runs", {
        repoUrl: ctx.repo.url,
        pipelineYaml: inline("own", ["DEPLOY"], `test "$DEPLOY" = ${RED_VALUE}`),
      });
      assert.equal(own.status, 201, own.text);
      assert.equal((await ctx.t.waitForRun(own.json.id, TERMINAL)).state, "succeeded");
      const theirs = await ctx.as(member, "POST", "/v1/runs", {
        repoUrl: ctx.repo.url,
        pipelineYaml: inline("theirs", ["BLUE_ONLY"], "true"),
      });
      assert.equal(theirs.status, 201, theirs.text);
      const done = await ctx.t.waitForRun(theirs.json.id, TERMINAL);
      assert.equal(done.state, "failed");
      assert.match(String(done.reason), /BLUE_ONLY/);
      await healthy(ctx);
    },
  },
];

for (const backend of [
  { name: "PGlite", url: undefined, skip: false as const },
  { name: "PostgreSQL", url: TEST_DATABASE_URL, skip: TEST_DATABASE_URL === undefined ? POSTGRES_SKIP_REASON : false },
]) {
  void describe(`tenants on ${backend.name}`, { skip: backend.skip, timeout: 240_000 }, () => {
    let ctx: TenantContext;
    before(async () => {
      ctx = await startTenants(backend.url);
    });
    after(async () => {
      await ctx?.close();
    });
    for (const c of cases) void it(c.name, { timeout: 120_000 }, () => c.attack(ctx));
  });
}
