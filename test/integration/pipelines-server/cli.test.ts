/** `c8s runs`, `c8s logs [-f]`, `c8s secret`, `c8s hook`, `c8s team` and `c8s token` through the real dispatcher against a real server. */
import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { main } from "../../../src/cli/dispatch.ts";
import type { CliIo } from "../../../src/cli/io.ts";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { startGitHttpServer } from "../../fixtures/git-http.ts";
import { type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

let t: PipelineTestServer;
let repo: TestRepository;

before(async () => {
  repo = await createTestRepository({
    ".c8s.yaml": `version: v1alpha1\nname: cli\nsteps:\n  - name: talk\n    commands: ["printf '\\\\033[31mred\\\\033[0m\\\\n'", "for i in 1 2 3; do echo n-$i; sleep 0.2; done"]\n`,
  });
  t = await startPipelineServer();
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
});

async function c8s(args: string[], stdin = "", token?: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (c: Buffer) => o.push(c));
  stderr.on("data", (c: Buffer) => e.push(c));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from([Buffer.from(stdin)]) as unknown as CliIo["stdin"],
    cwd: process.cwd(),
    env: { C8S_URL: t.url, C8S_TOKEN: token ?? t.token },
    onSignal: () => () => undefined,
  };
  const code = await main(args, io);
  return { code, out: Buffer.concat(o).toString(), err: Buffer.concat(e).toString() };
}

void describe("CLI for server runs", () => {
  void it("follows a run's step log live, then lists, shows and re-runs the run", async () => {
    const created = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, branch: "main" } });
    const followed = await c8s(["logs", "-f", created.json.id, "talk"]);
    assert.equal(followed.code, 0, followed.err);
    assert.ok(followed.out.includes("\u001b[31mred\u001b[0m"), followed.out); // ANSI colour preserved
    assert.match(followed.out, /n-1\nn-2\nn-3\n/);
    await t.waitForRun(created.json.id, ["succeeded", "failed"]);
    const whole = await c8s(["logs", created.json.id]);
    assert.match(whole.out, /==> talk <==\n/);
    assert.match(whole.out, /n-3/);
    const ls = await c8s(["runs", "ls"]);
    assert.match(ls.out, new RegExp(`${created.json.id}\\s+succeeded`));
    const get = await c8s(["runs", "get", created.json.id]);
    assert.match(get.out, /talk\s+succeeded/);
    const rerun = await c8s(["runs", "rerun", created.json.id, "--json"]);
    assert.equal(rerun.code, 0, rerun.err);
    const again = JSON.parse(rerun.out) as { id: string; rerunOf: string };
    assert.equal(again.rerunOf, created.json.id);
    const cancel = await c8s(["runs", "cancel", again.id]);
    assert.equal(cancel.code, 0, cancel.err);
    assert.equal((await c8s(["runs", "get", "run_nope"])).code === 0, false);
  });

  void it("submits runs: a file pipeline, a private repository with --repo-secret, refusals as errors", async () => {
    const plain = await c8s(["runs", "submit", "--repo", repo.url, "--branch", "main", "--json"]);
    assert.equal(plain.code, 0, plain.err);
    const run = JSON.parse(plain.out) as { id: string; repoSecret: string | null };
    assert.equal(run.repoSecret, null);
    assert.equal((await t.waitForRun(run.id, ["succeeded", "failed"])).state, "succeeded");

    const server = await startGitHttpServer({ app: repo.dir }, { username: "x-access-token", password: "cli-tok-1" });
    try {
      assert.equal((await c8s(["secret", "set", "CLI_GIT_TOKEN"], "cli-tok-1\n")).code, 0);
      const privateRun = await c8s(["runs", "submit", "--repo", server.urlOf("app"), "--repo-secret", "CLI_GIT_TOKEN"]);
      assert.equal(privateRun.code, 0, privateRun.err);
      assert.match(privateRun.out, /cloned with secret CLI_GIT_TOKEN/);
      const id = /^run (\S+)/.exec(privateRun.out)?.[1] ?? "";
      assert.equal((await t.waitForRun(id, ["succeeded", "failed"])).state, "succeeded");
      assert.ok(server.requests.some((r) => r.authorized));
    } finally {
      await server.close();
    }

    const url = "https://git.example/acme/app.git";
    const missing = await c8s(["runs", "submit", "--repo", url, "--repo-secret", "NO_SUCH_SECRET"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /SECRET_NOT_FOUND|no such secret/);
    const ssh = await c8s(["runs", "submit", "--repo", "ssh://git@127.0.0.1/x.git", "--repo-secret", "CLI_GIT_TOKEN"]);
    assert.notEqual(ssh.code, 0);
    assert.match(ssh.err, /only https:\/\//);
    const both = await c8s(["runs", "submit", "--repo", repo.url, "--pipeline", "a.yaml", "--file", "b.yaml"]);
    assert.equal(both.code, 2, both.err);
  });

  void it("lists a run's artifacts and downloads one through the API and the CLI; unknown or escaping paths are 404", async () => {
    const yaml = `version: v1alpha1\nname: build\nsteps:\n  - name: make\n    commands: ["mkdir -p out && printf 'bin\\\\000ary' > out/app.bin"]\n    artifacts: [out/app.bin]\n`;
    const created = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, pipelineYaml: yaml } });
    assert.equal(created.status, 201, created.text);
    const done = await t.waitForRun(created.json.id, ["succeeded", "failed"]);
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    const get = await c8s(["runs", "get", created.json.id]);
    assert.match(get.out, /artifact make: out\/app\.bin \(7 bytes\)/);
    const url = `/v1/runs/${created.json.id}/steps/make/artifacts?path=${encodeURIComponent("out/app.bin")}`;
    const api = await fetch(`${t.url}${url}`, { headers: { authorization: `Bearer ${t.token}` } });
    assert.equal(api.status, 200);
    assert.deepEqual(Buffer.from(await api.arrayBuffer()), Buffer.from("bin\0ary"));
    const cli = await c8s(["runs", "artifact", created.json.id, "make", "out/app.bin"]);
    assert.equal(cli.code, 0, cli.err);
    assert.equal(cli.out, "bin\0ary");
    for (const path of ["out/nope.bin", "../../../../etc/passwd", "/etc/passwd"]) {
      const res = await t.call(
        "GET",
        `/v1/runs/${created.json.id}/steps/make/artifacts?path=${encodeURIComponent(path)}`,
      );
      assert.equal(res.status, 404, path);
      assert.equal(res.json.error.code, "ARTIFACT_NOT_FOUND");
      assert.match(res.json.error.hint, /out\/app\.bin/, "the hint names what the step collected");
    }
    const unauthenticated = await fetch(`${t.url}${url}`);
    assert.equal(unauthenticated.status, 401);
  });

  void it("sets a secret from stdin, lists names only, removes it", async () => {
    assert.equal((await c8s(["secret", "set", "CLI_TOKEN"], "from-stdin-value\n")).code, 0);
    const ls = await c8s(["secret", "ls"]);
    assert.match(ls.out, /CLI_TOKEN/);
    assert.doesNotMatch(ls.out, /from-stdin-value/);
    assert.equal((await c8s(["secret", "rm", "CLI_TOKEN"])).code, 0);
    assert.doesNotMatch((await c8s(["secret", "ls"])).out, /CLI_TOKEN/);
  });

  void it("creates a team hook (URL and secret printed once), lists it without the secret, removes it", async () => {
    const made = await c8s(["hook", "create", "--provider", "github", "--repo", repo.url, "--json"]);
    assert.equal(made.code, 0, made.err);
    const hook = JSON.parse(made.out) as { id: string; secret: string; deliveryPath: string };
    const text = await c8s(["hook", "create", "--provider", "gitlab", "--repo", repo.url]);
    assert.match(text.out, new RegExp(`Payload URL: ${t.url}/v1/webhooks/gitlab/hook_`));
    assert.match(text.out, /Secret token: \S{43}/);
    const ls = await c8s(["hook", "ls"]);
    assert.match(ls.out, new RegExp(hook.id));
    assert.doesNotMatch(ls.out, new RegExp(hook.secret));
    assert.equal((await c8s(["hook", "rm", hook.id])).code, 0);
    assert.doesNotMatch((await c8s(["hook", "ls"])).out, new RegExp(hook.id));
    const bad = await c8s(["hook", "create", "--provider", "github"]);
    assert.equal(bad.code, 2, bad.err);
  });

  void it("rotate-key re-seals with the server's current key (admins), printing counts, never values", async () => {
    assert.equal((await c8s(["secret", "set", "CLI_ROTATED"], "rotated-value\n")).code, 0);
    const rotated = await c8s(["secret", "rotate-key", "--json"]);
    assert.equal(rotated.code, 0, rotated.err);
    const counts = JSON.parse(rotated.out) as { secrets: number; credentials: number };
    assert.ok(counts.secrets >= 1);
    assert.doesNotMatch(rotated.out, /rotated-value/);
    assert.match(
      (await c8s(["secret", "rotate-key"])).out,
      /^re-sealed \d+ secrets, \d+ repository credentials and \d+ hook secrets/,
    );
    assert.equal((await c8s(["secret", "rm", "CLI_ROTATED"])).code, 0);
  });

  void it("keeps a failed step's sandbox when the run asks (submit debug, rerun --debug); c8s runs debug enters it", async () => {
    const pipelineYaml =
      "version: v1alpha1\nname: dbg\nsteps:\n  - name: boom\n    commands: ['echo made > made.txt', 'exit 5']\n";
    const plain = await t.call("POST", "/v1/runs", { body: { repoUrl: repo.url, branch: "main", pipelineYaml } });
    assert.equal((await t.waitForRun(plain.json.id, ["failed"])).state, "failed");
    const notKept = await c8s(["runs", "debug", plain.json.id, "boom"]);
    assert.notEqual(notKept.code, 0);
    assert.match(notKept.err, /SANDBOX_NOT_FOUND/);
    assert.match(notKept.err, new RegExp(`c8s runs rerun ${plain.json.id} --debug`));

    const debugged = await c8s(["runs", "rerun", plain.json.id, "--debug", "--json"]);
    assert.equal(debugged.code, 0, debugged.err);
    const rerunId = (JSON.parse(debugged.out) as { id: string }).id;
    const submitted = await t.call("POST", "/v1/runs", {
      body: { repoUrl: repo.url, branch: "main", pipelineYaml, debug: true },
    });
    for (const runId of [rerunId, submitted.json.id as string]) {
      assert.equal((await t.waitForRun(runId, ["failed"])).state, "failed");
      const entered = await c8s([
        "runs",
        "debug",
        runId,
        "boom",
        "--",
        "sh",
        "-c",
        'cat made.txt; echo "in $C8S_STEP"',
      ]);
      assert.equal(entered.code, 0, entered.err);
      assert.match(entered.out, /made\r?\nin boom/);
      const kept = await t.call("GET", `/v1/sandboxes?run=${runId}&purpose=step&state=running`);
      assert.equal((kept.json.sandboxes as unknown[]).length, 1, kept.text);
    }
    const unknownStep = await c8s(["runs", "debug", submitted.json.id, "nope"]);
    assert.match(unknownStep.err, /SANDBOX_NOT_FOUND/);
  });

  void it("creates a team, an owner token for it, and lets the owner mint, list and revoke its team's tokens", async () => {
    assert.equal((await c8s(["team", "create", "qa", "--max-sandboxes", "5"])).code, 0);
    assert.match((await c8s(["team", "ls"])).out, /^qa\s+5\s+-\s+-\s+-\s/m);
    const updated = await c8s([
      "team",
      "update",
      "qa",
      ...["--max-memory", "8Gi", "--max-cpu", "4", "--max-runs", "2", "--max-stored", "10Gi"],
    ]);
    assert.equal(updated.code, 0, updated.err);
    assert.match(updated.out, /^qa\s+5\s+8Gi\s+4\s+2\s+10Gi\s/m);
    assert.equal((await c8s(["team", "update", "qa", "--max-sandboxes", "default"])).code, 0);
    const shown = JSON.parse((await c8s(["team", "show", "qa", "--json"])).out) as {
      quotas: Record<string, number | null>;
      usage: Record<string, number>;
    };
    assert.deepEqual(shown.quotas, {
      maxSandboxes: null,
      maxMemoryBytes: 8 * 1024 ** 3,
      maxCpuMillis: 4000,
      maxRuns: 2,
      maxStoredBytes: 10 * 1024 ** 3,
    });
    assert.deepEqual(shown.usage, { sandboxes: 0, memoryBytes: 0, cpuMillis: 0, runs: 0, storedBytes: 0 });
    const bad = await c8s(["team", "update", "qa", "--max-cpu", "lots"]);
    assert.equal(bad.code, 2, bad.err);
    assert.match(bad.err, /--max-cpu: expected cores/);
    const lead = await c8s(["token", "create", "lead", "--team", "qa", "--role", "owner", "--expires", "30d"]);
    assert.equal(lead.code, 0, lead.err);
    const leadToken = lead.out.trim();
    assert.match(leadToken, /^c8s_/, "only the token is printed (shown once)");
    const ci = await c8s(
      ["token", "create", "ci", "--role", "member", "--scope", "runs:read", "--scope", "runs:write", "--json"],
      "",
      leadToken,
    );
    assert.equal(ci.code, 0, ci.err);
    const made = JSON.parse(ci.out) as { id: string; team: string; role: string; scopes: string[] };
    assert.deepEqual([made.team, made.role, made.scopes], ["qa", "member", ["runs:read", "runs:write"]]);
    const ls = await c8s(["token", "ls"], "", leadToken);
    assert.match(ls.out, /\sci\s+qa\s+member\s/);
    assert.doesNotMatch(ls.out, /\sadmin\s+default\s/, "an owner sees its own team's tokens only");
    const up = await c8s(["token", "create", "boss", "--role", "admin"], "", leadToken);
    assert.notEqual(up.code, 0);
    assert.match(up.err, /PERMISSION_DENIED/);
    assert.equal((await c8s(["token", "revoke", made.id], "", leadToken)).code, 0);
    assert.match(
      (await c8s(["token", "ls", "--json"], "", leadToken)).out,
      new RegExp(`"id": "${made.id}"[^}]*"revokedAt": "2`),
    );
  });
});
