/**
 * Security: resource ceilings, host network and disk quotas (issue 8, finding 7), against a
 * real `c8s` (startC8s: HTTP, engine, pipelines, the local bubblewrap runtime) by a client
 * holding a low-privilege token (scopes ["sandboxes"]). Each row is one attack; a new idea is
 * one more row. After every row the server must still answer /healthz.
 *
 * Before the fix: any token got 1 TiB memory, 1,000,000 pids, 1,000 CPUs, a 30-day TTL and
 * `network: "host"`; a workspace wrote past any size onto the host's root filesystem and /tmp
 * was an unsized tmpfs.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sandboxBaseDir } from "../../../src/runtimes/local/sandbox-meta.ts";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const QUOTA = 32 * MiB;
const isRoot = process.getuid?.() === 0;

/** Explicit ceilings, so the rows do not depend on this machine's size. */
const maxima = {
  memoryBytes: 2 * GiB,
  pids: 1024,
  cpuMillis: 2000,
  diskBytes: 256 * MiB,
  ttlMs: 24 * 3600_000,
  idleTimeoutMs: 3600_000,
  execTimeoutMs: 3600_000,
};

interface Ctx {
  c8s: PipelineTestServer;
  /** A token with only the `sandboxes` scope. */
  user: string;
  /** A running sandbox of the user's with the default (QUOTA) disk quota. */
  sandbox: string;
  repo: TestRepository;
}

interface Case {
  name: string;
  attack: (ctx: Ctx) => Promise<void>;
  /** Why the row cannot run here (quotas on the workspace need root for the loop mount). */
  skip?: string | false;
}

const NEEDS_ROOT = isRoot
  ? false
  : "workspace disk quotas need root (a loop-mounted filesystem); c8s doctor reports it";

function assertLimitExceeded(res: { status: number; json: LooseJson; text: string }, setting: string, field: string) {
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json?.error?.code, "LIMIT_EXCEEDED", res.text);
  const message = String(res.json?.error?.message);
  assert.ok(message.includes(setting) && message.includes(field), message);
  assert.ok(String(res.json?.error?.hint).includes(setting), res.text);
  assert.equal(res.json?.error?.details?.field, field);
}

const create = (ctx: Ctx, body: Record<string, unknown>) =>
  ctx.c8s.call("POST", "/v1/sandboxes", { body, token: ctx.user });

const exec = (ctx: Ctx, sandbox: string, script: string, extra: Record<string, unknown> = {}) =>
  ctx.c8s.call("POST", `/v1/sandboxes/${sandbox}/exec`, {
    body: { command: ["/bin/sh", "-c", script], timeoutMs: 60_000, ...extra },
    token: ctx.user,
  });

const overCeiling: Array<[string, Record<string, unknown>, string, string]> = [
  ["1 TiB of memory", { limits: { memoryBytes: 1024 * GiB } }, "C8S_MAX_MEMORY_BYTES", "limits.memoryBytes"],
  ["1,000,000 pids", { limits: { pids: 1_000_000 } }, "C8S_MAX_PIDS", "limits.pids"],
  ["1,000 CPUs", { limits: { cpuMillis: 1_000_000 } }, "C8S_MAX_CPU_MILLIS", "limits.cpuMillis"],
  ["1 TiB of disk", { limits: { diskBytes: 1024 * GiB } }, "C8S_MAX_DISK_BYTES", "limits.diskBytes"],
  ["a 30-day TTL", { ttlMs: 30 * 24 * 3600_000 }, "C8S_MAX_TTL_MS", "ttlMs"],
  ["a 30-day idle timeout", { idleTimeoutMs: 30 * 24 * 3600_000 }, "C8S_MAX_IDLE_TIMEOUT_MS", "idleTimeoutMs"],
];

/** Host disk used under `dir` on its own filesystem (`du -x`): a mounted quota filesystem is not counted. */
function hostBytesUnder(dir: string): number {
  return Number(execFileSync("du", ["-sxk", dir], { encoding: "utf8" }).split("\t")[0]) * 1024;
}

const cases: Case[] = [
  ...overCeiling.map(([what, body, setting, field]): Case => ({
    name: `a sandbox with ${what} is refused with 422 naming ${setting}`,
    attack: async (ctx) => assertLimitExceeded(await create(ctx, body), setting, field),
  })),
  {
    name: "an exec with a 7-day timeout is refused with 422 naming C8S_MAX_EXEC_TIMEOUT_MS",
    attack: async (ctx) =>
      assertLimitExceeded(
        await exec(ctx, ctx.sandbox, "true", { timeoutMs: 7 * 24 * 3600_000 }),
        "C8S_MAX_EXEC_TIMEOUT_MS",
        "timeoutMs",
      ),
  },
  {
    name: 'network "host" with a non-admin token is 403 naming C8S_ALLOW_HOST_NETWORK',
    attack: async (ctx) => {
      const res = await create(ctx, { network: "host" });
      assert.equal(res.status, 403, res.text);
      assert.equal(res.json?.error?.code, "PERMISSION_DENIED");
      assert.ok(String(res.json?.error?.message).includes("C8S_ALLOW_HOST_NETWORK"), res.text);
    },
  },
  {
    name: "a pipeline step asking for 1 TiB of memory fails the run before any step runs, naming the ceiling",
    attack: async (ctx) => {
      const yaml = [
        "version: v1alpha1",
        "name: greedy",
        "steps:",
        "  - name: build",
        "    resources: { memory: 1Ti, cpu: '1' }",
        "    commands: ['echo ran']",
      ].join("\n");
      const submitted = await ctx.c8s.call("POST", "/v1/runs", {
        body: { repoUrl: ctx.repo.url, pipelineYaml: yaml },
      });
      assert.equal(submitted.status, 201, submitted.text);
      const run = await ctx.c8s.waitForRun(submitted.json.id, ["failed", "succeeded"]);
      assert.equal(run.state, "failed", JSON.stringify(run));
      assert.match(String(run.reason), /steps\.build\.resources\.memory.*C8S_MAX_MEMORY_BYTES/, run.reason);
      assert.ok(
        (run.steps as LooseJson[]).every((s) => s.state !== "succeeded"),
        "no step ran",
      );
    },
  },
  {
    name: "writing twice the disk quota into the workspace gets ENOSPC; the host holds at most the quota",
    skip: NEEDS_ROOT,
    attack: async (ctx) => {
      const res = await exec(ctx, ctx.sandbox, `dd if=/dev/zero of=fill bs=1M count=${(2 * QUOTA) / MiB} 2>&1`);
      assert.equal(res.status, 200, res.text);
      assert.notEqual(res.json.exitCode, 0, res.text);
      assert.match(res.json.stdout, /No space left on device/);
      const size = await exec(ctx, ctx.sandbox, "wc -c < fill");
      assert.ok(Number(size.json.stdout.trim()) <= QUOTA, size.text);
      // The sandbox's host directory (its quota image, meta, socket dir) grew by at most the quota.
      const dir = join(await sandboxBaseDir(join(ctx.c8s.home, "local"), true), ctx.sandbox);
      const used = hostBytesUnder(dir);
      assert.ok(used <= QUOTA + 8 * MiB, `the host holds ${used} bytes for a ${QUOTA}-byte quota`);
    },
  },
  {
    name: "writing twice the disk quota into /tmp gets ENOSPC",
    attack: async (ctx) => {
      const res = await exec(ctx, ctx.sandbox, `dd if=/dev/zero of=/tmp/fill bs=1M count=${(2 * QUOTA) / MiB} 2>&1`);
      assert.equal(res.status, 200, res.text);
      assert.notEqual(res.json.exitCode, 0, res.text);
      assert.match(res.json.stdout, /No space left on device/);
      const size = await exec(ctx, ctx.sandbox, "wc -c < /tmp/fill; rm -f /tmp/fill");
      assert.ok(Number(size.json.stdout.trim()) <= QUOTA, size.text);
    },
  },
  {
    name: "a pipeline step writing twice the quota into the run's shared clone gets ENOSPC",
    skip: NEEDS_ROOT,
    attack: async (ctx) => {
      const yaml = [
        "version: v1alpha1",
        "name: filler",
        "steps:",
        "  - name: fill",
        `    commands: ['dd if=/dev/zero of=fill bs=1M count=${(2 * QUOTA) / MiB}']`,
      ].join("\n");
      const submitted = await ctx.c8s.call("POST", "/v1/runs", { body: { repoUrl: ctx.repo.url, pipelineYaml: yaml } });
      assert.equal(submitted.status, 201, submitted.text);
      const run = await ctx.c8s.waitForRun(submitted.json.id, ["failed", "succeeded"]);
      assert.equal(run.state, "failed", JSON.stringify(run));
      const logs = await ctx.c8s.call("GET", `/v1/runs/${submitted.json.id}/steps/fill/logs`);
      assert.match(logs.text, /No space left on device/, logs.text);
    },
  },
];

void describe("security: resource ceilings, host network, disk quotas", { timeout: 300_000 }, () => {
  let ctx: Ctx | undefined;

  before(async () => {
    const c8s = await startPipelineServer({
      config: { maxima, defaults: { diskBytes: QUOTA }, hostNetwork: "admins" },
    });
    const token = await c8s.call("POST", "/v1/tokens", { body: { name: "attacker", scopes: ["sandboxes"] } });
    assert.equal(token.status, 201, token.text);
    const user = String(token.json.token);
    const sandbox = await c8s.call("POST", "/v1/sandboxes", { body: {}, token: user });
    assert.equal(sandbox.status, 201, sandbox.text);
    const repo = await createTestRepository({ "README.md": "limits\n" });
    ctx = { c8s, user, sandbox: String(sandbox.json.id), repo };
  });

  after(async () => {
    await ctx?.c8s.close();
    await ctx?.repo.cleanup();
  });

  void it("positive controls: within the ceilings a sandbox is created; an admin token gets host network", async () => {
    if (!ctx) throw new Error("set-up failed");
    const ok = await create(ctx, { limits: { memoryBytes: maxima.memoryBytes, diskBytes: maxima.diskBytes } });
    assert.equal(ok.status, 201, ok.text);
    const host = await ctx.c8s.call("POST", "/v1/sandboxes", { body: { network: "host" } });
    assert.equal(host.status, 201, host.text);
    for (const id of [ok.json.id, host.json.id]) await ctx.c8s.call("DELETE", `/v1/sandboxes/${id}`);
  });

  for (const c of cases)
    void it(c.name, { skip: c.skip ?? false }, async () => {
      if (!ctx) throw new Error("set-up failed");
      await c.attack(ctx);
      const health = await fetch(`${ctx.c8s.url}/healthz`);
      assert.equal(health.status, 200, "the server still answers /healthz");
    });
});
