/** Pure parts of server pipelines: queue policy, webhook signatures and payloads, secret sealing, ref choice. */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { isC8sError } from "../../../src/errors/index.ts";
import { pickRunnable } from "../../../src/pipelines/service/queue-policy.ts";
import { checkoutRef, safePipelinePath } from "../../../src/pipelines/service/run-execution.ts";
import { SecretBox } from "../../../src/pipelines/service/secret-box.ts";
import {
  githubDecision,
  gitlabDecision,
  verifyGithubSignature,
  verifyGitlabToken,
  type WebhookRun,
} from "../../../src/pipelines/service/webhooks.ts";

void describe("pickRunnable", () => {
  const q = (id: string, pipeline: string) => ({ id, pipeline });
  const cases: {
    name: string;
    queued: { id: string; pipeline: string }[];
    running: [string, number][];
    max: [number, number];
    want: string[];
  }[] = [
    {
      name: "global limit",
      queued: [q("a", "p"), q("b", "r"), q("c", "s")],
      running: [],
      max: [2, 5],
      want: ["a", "b"],
    },
    {
      name: "per-pipeline limit skips, does not block",
      queued: [q("a", "p"), q("b", "p"), q("c", "r")],
      running: [],
      max: [5, 1],
      want: ["a", "c"],
    },
    {
      name: "running count against both",
      queued: [q("a", "p"), q("b", "r")],
      running: [["p", 1]],
      max: [2, 1],
      want: ["b"],
    },
    { name: "full", queued: [q("a", "p")], running: [["x", 3]], max: [3, 3], want: [] },
  ];
  for (const c of cases)
    void it(c.name, () => {
      assert.deepEqual(
        pickRunnable(c.queued, new Map(c.running), { maxRuns: c.max[0], maxRunsPerPipeline: c.max[1] }),
        c.want,
      );
    });
});

void describe("pickRunnable with team run quotas", () => {
  const q = (id: string, pipeline: string, teamId: string) => ({ id, pipeline, teamId });
  const limits = { maxRuns: 10, maxRunsPerPipeline: 10 };
  void it("a team at its quota is skipped, not blocking other teams behind it", () => {
    const queued = [q("a", "p", "red"), q("b", "r", "red"), q("c", "s", "blue"), q("d", "t", "red")];
    const teams = { running: new Map([["red", 1]]), quotas: new Map([["red", 2]]) };
    assert.deepEqual(pickRunnable(queued, new Map([["x", 1]]), limits, teams), ["a", "c"]);
  });
  void it("a team without a quota is limited only by the server's limits", () => {
    const queued = [q("a", "p", "blue"), q("b", "r", "blue"), q("c", "s", "blue")];
    const teams = { running: new Map([["blue", 5]]), quotas: new Map([["red", 1]]) };
    assert.deepEqual(pickRunnable(queued, new Map(), { maxRuns: 2, maxRunsPerPipeline: 1 }, teams), ["a", "b"]);
  });
  void it("runs picked in one pass count against their team", () => {
    const queued = [q("a", "p", "red"), q("b", "r", "red"), q("c", "s", "red")];
    assert.deepEqual(pickRunnable(queued, new Map(), limits, { running: new Map(), quotas: new Map([["red", 2]]) }), [
      "a",
      "b",
    ]);
  });
});

void describe("webhook authentication", () => {
  const body = Buffer.from('{"a":1}');
  const sig = `sha256=${createHmac("sha256", "k").update(body).digest("hex")}`;
  const code = (fn: () => void) => {
    try {
      fn();
      return "ok";
    } catch (error) {
      return isC8sError(error) ? error.code : "other";
    }
  };
  void it("accepts the right HMAC and refuses everything else", () => {
    assert.equal(
      code(() => verifyGithubSignature("k", body, sig)),
      "ok",
    );
    assert.equal(
      code(() => verifyGithubSignature("k2", body, sig)),
      "WEBHOOK_SIGNATURE_INVALID",
    );
    assert.equal(
      code(() => verifyGithubSignature("k", Buffer.from('{"a":2}'), sig)),
      "WEBHOOK_SIGNATURE_INVALID",
    );
    assert.equal(
      code(() => verifyGithubSignature("k", body, sig.slice(0, -1))),
      "WEBHOOK_SIGNATURE_INVALID",
    );
    assert.equal(
      code(() => verifyGithubSignature("k", body, undefined)),
      "WEBHOOK_SIGNATURE_INVALID",
    );
    assert.equal(
      code(() => verifyGithubSignature(undefined, body, sig)),
      "WEBHOOK_SIGNATURE_INVALID",
    );
    assert.equal(
      code(() => verifyGitlabToken("t", "t")),
      "ok",
    );
    assert.equal(
      code(() => verifyGitlabToken("t", "t2")),
      "WEBHOOK_SIGNATURE_INVALID",
    );
  });
});

void describe("webhook payloads", () => {
  const sha = "a".repeat(40);
  void it("GitHub push, tag, deleted branch, pull_request, other events", () => {
    const repository = { clone_url: "https://example.test/r.git" };
    assert.deepEqual(githubDecision("push", { ref: "refs/heads/dev", after: sha, repository }), {
      run: {
        repoUrl: repository.clone_url,
        repository: repository.clone_url,
        commit: sha,
        branch: "dev",
        event: "push",
      },
    });
    assert.equal(
      (githubDecision("push", { ref: "refs/tags/v1", after: sha, repository }) as { run: { event: string } }).run.event,
      "tag",
    );
    assert.ok("ignore" in githubDecision("push", { ref: "refs/heads/dev", after: "0".repeat(40), repository }));
    // A head without its repository cannot be shown not to be a fork: it counts as one.
    const pr = { action: "synchronize", pull_request: { head: { sha }, base: { ref: "main" } }, repository };
    assert.deepEqual(githubDecision("pull_request", pr), {
      run: {
        repoUrl: repository.clone_url,
        repository: repository.clone_url,
        commit: sha,
        branch: "main",
        event: "pull_request",
        fork: true,
      },
    });
    const same = { id: 1, full_name: "a/r", clone_url: repository.clone_url };
    const inRepo = { action: "opened", pull_request: { head: { sha, repo: same }, base: { ref: "main", repo: same } } };
    assert.equal(
      (githubDecision("pull_request", { ...inRepo, repository }) as { run: { fork: boolean } }).run.fork,
      false,
    );
    const forkUrl = "https://example.test/fork.git";
    const fork = {
      ...inRepo,
      pull_request: { ...inRepo.pull_request, head: { sha, repo: { ...same, id: 2, clone_url: forkUrl } } },
    };
    const forkRun = (githubDecision("pull_request", { ...fork, repository }) as { run: WebhookRun }).run;
    // A fork's pull request clones the fork, but is about the base repository (what a team hook names).
    assert.deepEqual([forkRun.fork, forkRun.repoUrl, forkRun.repository], [true, forkUrl, repository.clone_url]);
    assert.ok("ignore" in githubDecision("issues", {}));
  });
  void it("GitLab push and merge request", () => {
    const project = { git_http_url: "https://gitlab.test/r.git" };
    assert.deepEqual(
      gitlabDecision("Push Hook", { object_kind: "push", ref: "refs/heads/main", checkout_sha: sha, project }),
      {
        run: {
          repoUrl: project.git_http_url,
          repository: project.git_http_url,
          commit: sha,
          branch: "main",
          event: "push",
        },
      },
    );
    const mr = {
      object_kind: "merge_request",
      object_attributes: { action: "open", last_commit: { id: sha }, target_branch: "main" },
      project,
    };
    assert.equal((gitlabDecision("Merge Request Hook", mr) as { run: { event: string } }).run.event, "pull_request");
    const fork = (attrs: object) =>
      (
        gitlabDecision("Merge Request Hook", { ...mr, object_attributes: { ...mr.object_attributes, ...attrs } }) as {
          run: { fork: boolean };
        }
      ).run.fork;
    assert.equal(fork({}), true, "no project ids: counted as a fork");
    assert.equal(fork({ source_project_id: 3, target_project_id: 3 }), false);
    assert.equal(fork({ source_project_id: 4, target_project_id: 3 }), true);
  });
});

void describe("SecretBox", () => {
  const box = SecretBox.fromKey(Buffer.alloc(32, 1));
  void it("round-trips, never shows the value, binds the name and detects tampering", () => {
    const sealed = box.seal("TOKEN", "hunter2-long-value");
    assert.ok(sealed.startsWith("v1:"));
    assert.ok(!sealed.includes("hunter2"));
    assert.notEqual(box.seal("TOKEN", "hunter2-long-value"), sealed); // fresh IV each time
    assert.equal(box.open("TOKEN", sealed), "hunter2-long-value");
    assert.throws(() => box.open("OTHER", sealed));
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    assert.throws(() => box.open("TOKEN", `v1:${raw.toString("base64")}`));
    assert.throws(() => SecretBox.fromKey(Buffer.alloc(32, 2)).open("TOKEN", sealed));
  });
});

void describe("run refs and paths", () => {
  void it("checks out the commit, else the remote branch, else HEAD", () => {
    assert.equal(checkoutRef({ ref: "main", branch: "main", commit: null }), "origin/main");
    assert.equal(checkoutRef({ ref: "abc123", branch: "main", commit: null }), "abc123");
    assert.equal(checkoutRef({ ref: "x", branch: null, commit: "f".repeat(40) }), "f".repeat(40));
    assert.equal(checkoutRef({ ref: "HEAD", branch: null, commit: null }), "HEAD");
  });
  void it("keeps pipeline paths inside the repository", () => {
    assert.equal(safePipelinePath("ci/./pipe.yaml"), "ci/pipe.yaml");
    assert.throws(() => safePipelinePath("../etc/passwd"));
    assert.throws(() => safePipelinePath("/etc/passwd"));
  });
});
