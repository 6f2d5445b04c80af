/**
 * Pipelines under attack (issue 8, findings 1, 3, 9, 10): a real server, real git, the real
 * local runtime. The attacker is a client with a `sandboxes`-only token (or anyone replaying
 * a signed webhook), or a pipeline step. One row per attack; after each, /healthz answers.
 *
 * 1. a pipeline file that is, or sits under, a symlink out of the repository: refused, and no
 *    host content in any response, run record or log;
 * 3. a run of a plain-path repository whose step rewrites `.git/objects`: the source
 *    repository is untouched, and the clone is never world-writable;
 * 9. a server SIGKILLed mid-run: the next start removes the clone and says so;
 * 10. a signed webhook body replayed with a new or no delivery id: a duplicate, no second run;
 *     a credential in a repository URL: in no response, record, event, log line or error.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { createRunCommand } from "../../../src/cli/commands/run.ts";
import { outsideWorkspaceBase } from "../../../src/pipelines/runner/run-pipeline.ts";
import { createLocalRuntime } from "../../../src/runtimes/local/index.ts";
import { createTestRepository } from "../../fixtures/git.ts";
import { startGitHttpServer, type GitHttpServer } from "../../fixtures/git-http.ts";
import {
  callChild,
  killChild,
  type ServerChild,
  startServerChild,
  waitForChildRun,
  waitForRunningStep,
} from "../../fixtures/pipelines-server-process.ts";
import { TEST_SUPERVISOR_CACHE } from "../../fixtures/runtime-local.ts";
import {
  type AttackContext,
  filesContaining,
  GITLAB_SECRET,
  githubSign,
  repoWithLinks,
  startAttackContext,
  treeSnapshot,
} from "../../fixtures/security-pipelines.ts";

const run = promisify(execFile);
const PASSWORD = "pw-9Zq7-never-shown";
const TOKEN = "tok-4Kx2-never-shown";
const UNREACHABLE_PASSWORD = "pw-unreachable-7Yt";
const shadowLines = (await readFile("/etc/shadow", "utf8").catch(() => "")).split("\n").filter((l) => l.length >= 8);

let ctx: AttackContext;
let gitServer: GitHttpServer;
let tokenServer: GitHttpServer;
/** Everything that must never appear in a response, a record, a log line or a file. */
const secrets = () => [ctx.marker, PASSWORD, TOKEN, UNREACHABLE_PASSWORD, ...shadowLines];
const leaked = (text: string) => secrets().filter((s) => text.includes(s));

before(async () => {
  ctx = await startAttackContext();
  const source = await createTestRepository({
    ".c8s.yaml": `version: v1alpha1\nname: private\nsteps:\n  - name: look\n    commands: ["cat .git/config", "git remote -v", "env | sort"]\n`,
  });
  ctx.repos.push(source);
  gitServer = await startGitHttpServer({ private: source.dir }, { username: "alice", password: PASSWORD });
  tokenServer = await startGitHttpServer({ private: source.dir }, { username: TOKEN, password: "" });
});
after(async () => {
  await gitServer?.close();
  await tokenServer?.close();
  await ctx?.close();
});

/** A run that must fail because of its pipeline file, and a re-run of it: refused, nothing leaked. */
async function expectPipelineRefused(body: Record<string, unknown>, why: RegExp): Promise<void> {
  const submitted = await ctx.as("POST", "/v1/runs", body);
  assert.equal(submitted.status, 201, submitted.text);
  const first = await ctx.finished(submitted.json.id);
  assert.equal(first.state, "failed");
  assert.match(first.reason, why);
  const rerun = await ctx.as("POST", `/v1/runs/${first.id}/rerun`);
  assert.equal(rerun.status, 201, `a re-run is queued, not a PIPELINE_INVALID quoting the file: ${rerun.text}`);
  const second = await ctx.finished(rerun.json.id);
  assert.equal(second.state, "failed");
  assert.match(second.reason, why);
  const texts = [submitted.text, rerun.text, (await ctx.as("GET", "/v1/runs?limit=1000")).text];
  for (const id of [first.id, second.id]) texts.push((await ctx.as("GET", `/v1/runs/${id}`)).text);
  assert.deepEqual(leaked(texts.join("\n")), []);
}

/**
 * Snapshot of a plain-path repository, a run by `attack` whose step notes whether anything in
 * its clone is world-writable, then rewrites every object file; afterwards the source passes
 * `git fsck --strict` and nothing in it changed; then the step must have found nothing
 * world-writable (it exits 1 at its end otherwise).
 */
async function expectSourceUntouched(attack: (path: string, yaml: string) => Promise<string | null>): Promise<void> {
  const source = await createTestRepository({ "README.md": "source\n", "src/a.txt": "a\n" });
  ctx.repos.push(source);
  const before = await treeSnapshot(source.dir);
  const yaml = [
    "version: v1alpha1",
    "name: vandal",
    "steps:",
    "  - name: vandal",
    "    commands:",
    `      - ww="$(find . -perm -0002 ! -type l -print -quit)"`,
    "      - chmod -R a+rwX .git",
    `      - find .git/objects -type f -exec sh -c 'echo corrupt > "$1"' _ {} \\;`,
    `      - 'test -z "$ww" || { echo "world-writable $ww"; exit 1; }'`,
    "",
  ].join("\n");
  const failure = await attack(source.dir, yaml);
  const fsck = await run("git", ["fsck", "--strict", "--full"], { cwd: source.dir }).catch(
    (error: { stdout: string; stderr: string }) => error,
  );
  assert.doesNotMatch(fsck.stdout + fsck.stderr, /error|corrupt|missing|bad/i, "the source repository is intact");
  assert.deepEqual(await treeSnapshot(source.dir), before, "no mode, owner, inode or content of the source changed");
  assert.equal(failure, null, "nothing in the clone was world-writable and the step ran to its end");
}

async function cli(args: string[], cwd: string, home: string): Promise<{ code: number; output: string }> {
  const command = createRunCommand(async (config) =>
    createLocalRuntime({ stateDir: join(config.home, "local"), supervisorCacheDir: TEST_SUPERVISOR_CACHE }),
  );
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const code = await command.run(args, { stdout: out, stderr: out, cwd, env: { C8S_HOME: home } });
  return { code, output: Buffer.concat(chunks).toString() };
}

/** A first signed delivery runs; the same body again (other headers) is a duplicate of it. */
async function expectReplayIsDuplicate(
  provider: "github" | "gitlab",
  first: Record<string, string>,
  replay: Record<string, string>,
): Promise<void> {
  const repo = ctx.repos[0];
  assert.ok(repo);
  const nonce = Math.random().toString(16).slice(2);
  const body =
    provider === "github"
      ? JSON.stringify({
          ref: "refs/heads/main",
          before: nonce,
          after: repo.commits[0],
          repository: { clone_url: repo.url },
        })
      : JSON.stringify({
          object_kind: "push",
          before: nonce,
          ref: "refs/heads/main",
          checkout_sha: repo.commits[0],
          project: { git_http_url: repo.url },
        });
  const base: Record<string, string> =
    provider === "github"
      ? { "x-github-event": "push", "x-hub-signature-256": githubSign(body) }
      : { "x-gitlab-event": "Push Hook", "x-gitlab-token": GITLAB_SECRET };
  const send = (headers: Record<string, string>) =>
    ctx.t.call("POST", `/v1/webhooks/${provider}`, {
      raw: body,
      token: null,
      headers: { "content-type": "application/json", ...base, ...headers },
    });
  const accepted = await send(first);
  assert.equal(accepted.json?.accepted, true, accepted.text);
  const runsBefore = (await ctx.t.call("GET", "/v1/runs?limit=1000")).json.runs.length;
  const again = await send(replay);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json, { accepted: false, duplicate: true, runId: accepted.json.runId });
  assert.equal((await ctx.t.call("GET", "/v1/runs?limit=1000")).json.runs.length, runsBefore, "no second run");
}

/** Every place a run shows up through the API, as one text. */
async function everythingAbout(id: string, step?: string): Promise<string> {
  const parts = [(await ctx.as("GET", `/v1/runs/${id}`)).text, (await ctx.as("GET", "/v1/runs?limit=1000")).text];
  parts.push((await ctx.t.call("GET", "/v1/events")).text);
  if (step !== undefined) parts.push((await ctx.as("GET", `/v1/runs/${id}/steps/${step}/logs`)).text);
  return parts.join("\n");
}

const withUser = (url: string, userinfo: string) => url.replace("http://", `http://${userinfo}@`);

const cases: { name: string; attack: () => Promise<void> }[] = [
  {
    name: "finding 1: .c8s.yaml is a symlink to a host file (run and re-run)",
    attack: async () => {
      const repo = await repoWithLinks(ctx, { "README.md": "x\n" }, { ".c8s.yaml": join(ctx.hostDir, "secret.yaml") });
      await expectPipelineRefused({ repoUrl: repo.url }, /\.c8s\.yaml is a symbolic link/);
    },
  },
  {
    name: "finding 1: .c8s.yaml is a symlink to /etc/shadow (run and re-run)",
    attack: async () => {
      const repo = await repoWithLinks(ctx, { "README.md": "x\n" }, { ".c8s.yaml": "/etc/shadow" });
      await expectPipelineRefused({ repoUrl: repo.url }, /\.c8s\.yaml is a symbolic link/);
    },
  },
  {
    name: "finding 1: pipelinePath through a symlinked directory (run and re-run)",
    attack: async () => {
      const repo = await repoWithLinks(ctx, { "README.md": "x\n" }, { ci: ctx.hostDir });
      await expectPipelineRefused({ repoUrl: repo.url, pipelinePath: "ci/secret.yaml" }, /ci is a symbolic link/);
    },
  },
  {
    name: "finding 1: a pipeline file over 1 MiB is refused before it is read",
    attack: async () => {
      const repo = await createTestRepository({ ".c8s.yaml": `# ${"x".repeat(1100 * 1024)}\n` });
      ctx.repos.push(repo);
      await expectPipelineRefused({ repoUrl: repo.url }, /over the 1048576-byte limit/);
    },
  },
  {
    name: "finding 3: an API run of a plain-path repository whose step rewrites .git/objects",
    attack: () =>
      expectSourceUntouched(async (path, yaml) => {
        const submitted = await ctx.as("POST", "/v1/runs", { repoUrl: path, pipelineYaml: yaml });
        assert.equal(submitted.status, 201, submitted.text);
        const done = await ctx.finished(submitted.json.id);
        return done.state === "succeeded" ? null : JSON.stringify(done);
      }),
  },
  {
    name: "finding 3: c8s run --repo PATH whose step rewrites .git/objects",
    attack: () =>
      expectSourceUntouched(async (path, yaml) => {
        const cwd = await mkdtemp(join(tmpdir(), "c8s-security-cli-"));
        try {
          await writeFile(join(cwd, "vandal.yaml"), yaml);
          const result = await cli(["vandal.yaml", "--repo", path, "--commit", "main"], cwd, join(cwd, "home"));
          return result.code === 0 ? null : result.output;
        } finally {
          await rm(cwd, { recursive: true, force: true });
        }
      }),
  },
  {
    name: "finding 10: a signed GitHub push replayed with a new delivery id",
    attack: () => expectReplayIsDuplicate("github", { "x-github-delivery": "gh-a" }, { "x-github-delivery": "gh-b" }),
  },
  {
    name: "finding 10: a signed GitHub push replayed without a delivery id",
    attack: () => expectReplayIsDuplicate("github", { "x-github-delivery": "gh-c" }, {}),
  },
  {
    name: "finding 10: a GitLab push replayed with a new event UUID",
    attack: () =>
      expectReplayIsDuplicate("gitlab", { "x-gitlab-event-uuid": "gl-a" }, { "x-gitlab-event-uuid": "gl-b" }),
  },
  {
    name: "finding 10: a GitLab push replayed without an event UUID",
    attack: () => expectReplayIsDuplicate("gitlab", {}, {}),
  },
  {
    name: "finding 10: a GitLab push replayed under another (unsigned) event header",
    attack: () =>
      expectReplayIsDuplicate("gitlab", { "x-gitlab-event-uuid": "gl-c" }, { "x-gitlab-event": "Tag Push Hook" }),
  },
  {
    name: "finding 10: a user:password URL clones, re-runs, and shows up nowhere (API, logs, .git/config, events)",
    attack: async () => {
      const submitted = await ctx.as("POST", "/v1/runs", {
        repoUrl: withUser(gitServer.urlOf("private"), `alice:${PASSWORD}`),
      });
      assert.equal(submitted.status, 201, submitted.text);
      assert.match(submitted.json.repoUrl, /^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/private\.git$/);
      const done = await ctx.finished(submitted.json.id);
      assert.equal(done.state, "succeeded", JSON.stringify(done));
      const rerun = await ctx.as("POST", `/v1/runs/${done.id}/rerun`);
      assert.equal((await ctx.finished(rerun.json.id)).state, "succeeded", "the sealed credential serves the re-run");
      assert.ok(gitServer.requests.filter((r) => r.authorized && r.path.endsWith("git-upload-pack")).length >= 2);
      const seen = [
        submitted.text,
        rerun.text,
        await everythingAbout(done.id, "look"),
        await everythingAbout(rerun.json.id, "look"),
      ];
      assert.match(seen.join("\n"), /remote\.origin|origin\s+http:\/\/127\.0\.0\.1/, "the step's log was read");
      assert.deepEqual(leaked([...seen, ...ctx.logs].join("\n")), []);
    },
  },
  {
    name: "finding 10: a token-only URL (https://TOKEN@host) clones and shows up nowhere",
    attack: async () => {
      const submitted = await ctx.as("POST", "/v1/runs", { repoUrl: withUser(tokenServer.urlOf("private"), TOKEN) });
      const done = await ctx.finished(submitted.json.id);
      assert.equal(done.state, "succeeded", JSON.stringify(done));
      assert.deepEqual(leaked([submitted.text, await everythingAbout(done.id, "look"), ...ctx.logs].join("\n")), []);
    },
  },
  {
    name: "finding 10: the clone error of an unreachable credentialed URL",
    attack: async () => {
      const submitted = await ctx.as("POST", "/v1/runs", {
        repoUrl: `https://bob:${UNREACHABLE_PASSWORD}@127.0.0.1:1/team/repo.git`,
      });
      const done = await ctx.finished(submitted.json.id);
      assert.equal(done.state, "failed");
      assert.match(done.reason, /cannot clone https:\/\/\*\*\*@127\.0\.0\.1:1\/team\/repo\.git/);
      assert.deepEqual(leaked([submitted.text, await everythingAbout(done.id), ...ctx.logs].join("\n")), []);
    },
  },
  {
    name: "finding 10: c8s run --repo with a user:password URL (output and run.json)",
    attack: async () => {
      const cwd = await mkdtemp(join(tmpdir(), "c8s-security-cli-"));
      try {
        await writeFile(
          join(cwd, "p.yaml"),
          "version: v1alpha1\nname: p\nsteps:\n  - name: s\n    commands: [cat .git/config]\n",
        );
        const url = withUser(gitServer.urlOf("private"), `alice:${PASSWORD}`);
        const result = await cli(
          ["p.yaml", "--repo", url, "--commit", "main", "--json", "--logs"],
          cwd,
          join(cwd, "home"),
        );
        assert.equal(result.code, 0, result.output);
        const files = await filesContaining(join(cwd, "home"), [PASSWORD]);
        assert.deepEqual([leaked(result.output), files], [[], []]);
      } finally {
        await rm(cwd, { recursive: true, force: true });
      }
    },
  },
  {
    name: "finding 9: SIGKILL mid-run, restart: the clone is removed and the removal logged",
    attack: async () => {
      const home = await mkdtemp(join(tmpdir(), "c8s-security-crash-"));
      const children: ServerChild[] = [];
      try {
        const repo = await createTestRepository({ "README.md": "x\n" });
        ctx.repos.push(repo);
        const first = await startServerChild(home);
        children.push(first);
        const yaml = "version: v1alpha1\nname: slow\nsteps:\n  - name: wait\n    commands: [sleep 120]\n";
        const { id } = await callChild(first, "POST", "/v1/runs", { repoUrl: repo.url, pipelineYaml: yaml });
        await waitForRunningStep(first, id);
        const runsDir = join(home, "pipelines", "runs");
        const candidates = [
          join(runsDir, id, "workspace"),
          join(outsideWorkspaceBase(runsDir), id, "workspace"),
          join("/var/lib/c8s/runs", id, "workspace"),
        ];
        const found = [];
        for (const c of candidates) {
          const st = await stat(c).catch(() => null);
          if (st) found.push({ c, worldWritable: (st.mode & 0o002) !== 0 });
        }
        assert.equal(found.length, 1, `the clone exists while the run executes: ${JSON.stringify(found)}`);
        assert.equal(found[0]?.worldWritable, false, "the clone is not world-writable");
        await killChild(first, "SIGKILL");
        const second = await startServerChild(home, { logLevel: "warn" });
        children.push(second);
        assert.equal((await waitForChildRun(second, id, ["failed"])).reason, "interrupted");
        for (const c of candidates) assert.equal(await stat(c).catch(() => null), null, `${c} is gone`);
        assert.ok(
          second.logs.some((l) => l.includes("removedClones") && l.includes(id)),
          `the removal is logged: ${second.logs.join("\n")}`,
        );
        assert.equal((await fetch(`${second.url}/healthz`)).status, 200);
      } finally {
        for (const c of children) await killChild(c, "SIGKILL");
        await rm(home, { recursive: true, force: true });
      }
    },
  },
];

for (const c of cases)
  void test(c.name, { timeout: 240_000 }, async () => {
    await c.attack();
    assert.equal((await ctx.t.call("GET", "/healthz", { token: null })).status, 200, "the server still answers");
  });

void test("nothing above left a host secret or a credential in any file under C8S_HOME or in the log", async () => {
  const home = ctx.home;
  assert.deepEqual(leaked(ctx.logs.join("\n")), []);
  await ctx.stopServer();
  // The store's own files (PGlite), run directories, logs, artifacts: every byte.
  assert.deepEqual(await filesContaining(home, secrets()), []);
});
