/**
 * Team quotas on a real server (PGlite, the local runtime): team red has its own quotas,
 * team blue only the installation's default. The attacker is a red member trying to take more
 * than red's share: each quota answers 429 QUOTA_EXCEEDED naming it, nothing already running
 * is disturbed, blue is unaffected, concurrent creates cannot overshoot, and a run over red's
 * run quota waits queued and runs when red's running run ends. Team green has a tiny stored-bytes
 * quota: its first run stores an artifact, its next submits (API, re-run) are refused.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QuotaExceededError, RateLimitError, Sandbox } from "../../../packages/sdk/src/index.ts";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const MiB = 1024 * 1024;
const RED = { maxSandboxes: 2, maxMemoryBytes: 768 * MiB, maxCpuMillis: 1500, maxRuns: 1 };
const SMALL = { memoryBytes: 256 * MiB, cpuMillis: 500 };
const TERMINAL = ["succeeded", "failed", "cancelled", "skipped", "timed-out"];

let t: PipelineTestServer;
let repo: TestRepository;
const member: Record<"red" | "blue" | "green", string> = { red: "", blue: "", green: "" };

type Reply = { status: number; json: LooseJson; text: string };
const as = (
  team: "red" | "blue" | "green",
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<Reply> => t.call(method, path, { token: member[team], ...(body === undefined ? {} : { body }) });
const create = (team: "red" | "blue", limits: Record<string, number> = SMALL) =>
  as(team, "POST", "/v1/sandboxes", { limits });
const patchTeam = async (id: string, quotas: Record<string, number | null>) => {
  const res = await fetch(`${t.url}/v1/teams/${id}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
    body: JSON.stringify({ quotas }),
  });
  return { status: res.status, json: (await res.json()) as LooseJson };
};

async function execOk(team: "red" | "blue", id: string): Promise<void> {
  const res = await as(team, "POST", `/v1/sandboxes/${id}/exec`, { command: ["echo", "still-here"] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.stdout, "still-here\n");
}

function assertQuota(res: Reply, quota: string, limit: number, current: number): void {
  assert.equal(res.status, 429, res.text);
  assert.equal(res.json.error.code, "QUOTA_EXCEEDED");
  assert.equal(res.json.error.details.quota, quota);
  assert.equal(res.json.error.details.limit, limit);
  assert.equal(res.json.error.details.current, current);
  assert.equal(res.json.error.details.team, "red");
  assert.match(res.json.error.hint, /c8s team update/);
}

async function destroyAll(team: "red" | "blue"): Promise<void> {
  const list = await as(team, "GET", "/v1/sandboxes?state=running&purpose=sandbox");
  for (const s of list.json.sandboxes as { id: string }[])
    assert.equal((await as(team, "DELETE", `/v1/sandboxes/${s.id}`)).status, 200);
}

before(async () => {
  repo = await createTestRepository({ "README.md": "quotas\n" });
  t = await startPipelineServer({ config: { teamQuotas: { maxSandboxes: 4 } } });
  for (const team of ["red", "blue", "green"] as const) {
    const quotas = team === "red" ? RED : team === "green" ? { maxStoredBytes: 1 } : undefined;
    const made = await t.call("POST", "/v1/teams", { body: { name: team, ...(quotas ? { quotas } : {}) } });
    assert.equal(made.status, 201, made.text);
    const token = await t.call("POST", "/v1/tokens", { body: { name: `${team}-member`, team, role: "member" } });
    assert.equal(token.status, 201, token.text);
    member[team] = token.json.token;
  }
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
});

void describe("team quotas", { timeout: 120_000 }, () => {
  void it("a team records its own quotas; the default fills what it leaves out", async () => {
    const teams = (await t.call("GET", "/v1/teams")).json.teams as LooseJson[];
    const red = teams.find((x) => x.id === "red");
    const blue = teams.find((x) => x.id === "blue");
    assert.deepEqual(red.quotas, { ...RED, maxStoredBytes: null });
    assert.deepEqual(blue.quotas, {
      maxSandboxes: null,
      maxMemoryBytes: null,
      maxCpuMillis: null,
      maxRuns: null,
      maxStoredBytes: null,
    });
    assert.deepEqual(blue.effectiveQuotas, {
      maxSandboxes: 4,
      maxMemoryBytes: null,
      maxCpuMillis: null,
      maxRuns: null,
      maxStoredBytes: null,
    });
  });

  void it("the sandbox quota: the third is 429 QUOTA_EXCEEDED, the two running keep working, blue is unaffected", async () => {
    const ids: string[] = [];
    for (let i = 0; i < RED.maxSandboxes; i++) {
      const res = await create("red");
      assert.equal(res.status, 201, res.text);
      ids.push(res.json.id);
    }
    assertQuota(await create("red"), "maxSandboxes", 2, 2);
    for (const id of ids) await execOk("red", id);
    const usage = (await t.call("GET", "/v1/teams/red")).json.usage;
    assert.deepEqual(usage, { sandboxes: 2, memoryBytes: 512 * MiB, cpuMillis: 1000, runs: 0, storedBytes: 0 });
    // Blue has only the default (4): red's quota is not blue's.
    const blues: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await create("blue");
      assert.equal(res.status, 201, res.text);
      blues.push(res.json.id);
    }
    const fifth = await create("blue");
    assert.equal(fifth.status, 429, fifth.text);
    assert.equal(fifth.json.error.details.quota, "maxSandboxes");
    assert.equal(fifth.json.error.details.limit, 4);
    await execOk("blue", blues[0] ?? "");
    await destroyAll("blue");
    // The SDK: a QuotaExceededError, which is a RateLimitError.
    const error = await Sandbox.create({ url: t.url, token: member.red }).catch((e: unknown) => e);
    assert.ok(error instanceof QuotaExceededError, String(error));
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.code, "QUOTA_EXCEEDED");
    await destroyAll("red");
  });

  void it("the memory and CPU quotas sum the limits of the team's active sandboxes", async () => {
    const first = await create("red");
    assert.equal(first.status, 201, first.text);
    assertQuota(
      await create("red", { memoryBytes: 600 * MiB, cpuMillis: 500 }),
      "maxMemoryBytes",
      768 * MiB,
      256 * MiB,
    );
    assertQuota(await create("red", { memoryBytes: 256 * MiB, cpuMillis: 1100 }), "maxCpuMillis", 1500, 500);
    await execOk("red", first.json.id);
    const fits = await create("red", { memoryBytes: 512 * MiB, cpuMillis: 1000 });
    assert.equal(fits.status, 201, "exactly the quota fits");
    await destroyAll("red");
  });

  void it("concurrent creates cannot overshoot: exactly the quota's worth succeed", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => create("red")));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 429, 429, 429, 429], results.map((r) => r.text).join("\n"));
    await destroyAll("red");
  });

  void it("an admin changes a quota at once; null returns it to the default", async () => {
    assert.equal((await patchTeam("red", { maxSandboxes: 3 })).json.effectiveQuotas.maxSandboxes, 3);
    for (let i = 0; i < 3; i++)
      assert.equal((await create("red", { memoryBytes: 128 * MiB, cpuMillis: 100 })).status, 201);
    assertQuota(await create("red", { memoryBytes: 128 * MiB, cpuMillis: 100 }), "maxSandboxes", 3, 3);
    const reset = await patchTeam("red", { maxSandboxes: null });
    assert.equal(reset.json.quotas.maxSandboxes, null);
    assert.equal(reset.json.effectiveQuotas.maxSandboxes, 4);
    assert.equal((await create("red", { memoryBytes: 128 * MiB, cpuMillis: 100 })).status, 201);
    assert.equal((await patchTeam("nobody", { maxRuns: 1 })).status, 404);
    const member403 = await as("red", "GET", "/v1/teams/red");
    assert.equal(member403.status, 403, "a team member cannot read or change quotas");
    await destroyAll("red");
    assert.equal((await patchTeam("red", { maxSandboxes: RED.maxSandboxes })).status, 200);
  });

  void it("the run quota: red's second run waits queued until its first ends; blue's run does not wait", async () => {
    const yaml = (name: string, command: string) =>
      `version: v1alpha1\nname: ${name}\nsteps:\n  - name: s\n    commands: [${JSON.stringify(command)}]\n`;
    const submit = (team: "red" | "blue", name: string, command: string) =>
      as(team, "POST", "/v1/runs", { repoUrl: repo.url, pipelineYaml: yaml(name, command) });
    const first = await submit("red", "red-slow", "sleep 4");
    assert.equal(first.status, 201, first.text);
    await t.waitForRun(first.json.id, ["running", ...TERMINAL]);
    // A different pipeline: only the team's quota can hold it back.
    const second = await submit("red", "red-quick", "echo second");
    assert.equal(second.status, 201, second.text);
    const blue = await submit("blue", "blue-quick", "echo blue");
    const blueDone = await t.waitForRun(blue.json.id, TERMINAL, 60_000);
    assert.equal(blueDone.state, "succeeded", JSON.stringify(blueDone));
    const waiting = (await as("red", "GET", `/v1/runs/${second.json.id}`)).json;
    assert.equal(waiting.state, "queued", "red's second run waits while its first runs");
    assert.equal((await as("red", "GET", `/v1/runs/${first.json.id}`)).json.state, "running", "undisturbed");
    const firstDone = await t.waitForRun(first.json.id, TERMINAL, 60_000);
    const secondDone = await t.waitForRun(second.json.id, TERMINAL, 60_000);
    assert.equal(firstDone.state, "succeeded", JSON.stringify(firstDone));
    assert.equal(secondDone.state, "succeeded", JSON.stringify(secondDone));
    assert.ok(Date.parse(secondDone.startedAt) >= Date.parse(firstDone.finishedAt), "it started after the first ended");
    assert.ok(Date.parse(blueDone.startedAt) < Date.parse(firstDone.finishedAt), "blue ran meanwhile");
  });

  void it("the stored-bytes quota: green's first run stores an artifact, its next submits are 429; blue is unaffected", async () => {
    const yaml = (name: string) =>
      `version: v1alpha1\nname: ${name}\nsteps:\n  - name: s\n    commands: ["echo making", "head -c 1000 /dev/zero > out.bin"]\n    artifacts: [out.bin]\n`;
    const submit = (team: "blue" | "green", name: string) =>
      as(team, "POST", "/v1/runs", { repoUrl: repo.url, pipelineYaml: yaml(name) });
    const first = await submit("green", "green-store");
    assert.equal(first.status, 201, "under the quota (nothing stored yet): accepted");
    const done = await t.waitForRun(first.json.id, TERMINAL, 60_000);
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    assert.deepEqual(
      (done.artifacts as { size: number }[]).map((a) => a.size),
      [1000],
    );
    const log = await as("green", "GET", `/v1/runs/${first.json.id}/steps/s/logs`);
    assert.equal(log.status, 200, log.text);
    assert.ok(log.text.includes("making"), log.text);
    const stored = 1000 + Buffer.byteLength(log.text);
    assert.equal((await t.call("GET", "/v1/teams/green")).json.usage.storedBytes, stored, "artifact + step log bytes");

    const refused = [
      await submit("green", "green-again"),
      await as("green", "POST", `/v1/runs/${first.json.id}/rerun`),
    ];
    for (const res of refused) {
      assert.equal(res.status, 429, res.text);
      assert.equal(res.json.error.code, "QUOTA_EXCEEDED");
      assert.deepEqual(res.json.error.details, { team: "green", quota: "storedBytes", limit: 1, current: stored });
      assert.match(res.json.error.hint, /c8s team update .*--max-stored/);
    }
    assert.equal((await as("green", "GET", "/v1/runs")).json.runs.length, 1, "nothing refused was stored");

    const blue = await submit("blue", "blue-store");
    assert.equal(blue.status, 201, blue.text);
    assert.equal((await t.waitForRun(blue.json.id, TERMINAL, 60_000)).state, "succeeded");

    // Raised above what green stores: it may submit again.
    assert.equal((await patchTeam("green", { maxStoredBytes: 10 * MiB })).status, 200);
    const again = await submit("green", "green-again");
    assert.equal(again.status, 201, again.text);
    assert.equal((await t.waitForRun(again.json.id, TERMINAL, 60_000)).state, "succeeded");
  });
});
