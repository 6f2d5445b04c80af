/** `c8s serve`: token shown once, credentials.json reused across restarts, graceful shutdown. */
import { createHmac } from "node:crypto";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Sandbox } from "../../packages/sdk/src/index.ts";
import { runCli, startCliServer } from "../fixtures/cli-server.ts";
import { createTestRepository } from "../fixtures/git.ts";

void test("first start prints the admin token once; a restart keeps credentials.json working; SIGTERM exits 0", async () => {
  const first = await startCliServer();
  const home = first.home;
  try {
    assert.match(first.output(), /c8s listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(first.output().includes(first.token), "the admin token is printed on first start");
    const sandbox = await Sandbox.create({ url: first.url, token: first.token });
    assert.equal(await first.stop({ keepHome: true }), 0);
    assert.match(first.output(), /shutting down/);

    const second = await startCliServer({}, { home });
    try {
      assert.ok(!second.output().includes(first.token), "the token is not printed again");
      const creds = JSON.parse(await readFile(join(home, "credentials.json"), "utf8")) as {
        url: string;
        token: string;
      };
      assert.equal(creds.token, first.token);
      assert.equal(creds.url, second.url);
      const ls = await runCli(["sandbox", "ls", "--all", "--json"], { env: second.env });
      assert.equal(ls.code, 0, ls.stderr);
      const listed = (JSON.parse(ls.stdout) as { sandboxes: Array<{ id: string; state: string }> }).sandboxes;
      const before = listed.find((s) => s.id === sandbox.sandboxId);
      assert.ok(before, "the sandbox from the first run is still recorded");
      assert.equal(before.state, "terminated", "a restart does not leave the old sandbox running");
    } finally {
      await second.stop({ keepHome: true });
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

void test("c8s serve takes the GitHub webhook secret from C8S_GITHUB_WEBHOOK_SECRET: a signed push runs the repo's pipeline, c8s logs shows it", async () => {
  const secret = "e2e-webhook-secret";
  const repo = await createTestRepository({
    ".c8s.yaml":
      'version: v1alpha1\nname: hooked\nsteps:\n  - name: hello\n    commands: [echo "hello from the webhook run"]\n',
  });
  const server = await startCliServer({ C8S_GITHUB_WEBHOOK_SECRET: secret });
  try {
    const body = JSON.stringify({
      ref: "refs/heads/main",
      after: repo.commits[0],
      repository: { clone_url: repo.url },
    });
    const post = (signature: string) =>
      fetch(`${server.url}/v1/webhooks/github`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": `e2e-${Date.now()}-${signature.length}`,
          "x-hub-signature-256": signature,
        },
        body,
      });
    assert.equal((await post(`sha256=${createHmac("sha256", "wrong").update(body).digest("hex")}`)).status, 401);
    const accepted = await post(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
    assert.equal(accepted.status, 200, await accepted.clone().text());
    const { runId } = (await accepted.json()) as { runId: string };
    const followed = await runCli(["logs", "-f", runId, "hello"], { env: server.env });
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /hello from the webhook run/);
    const get = await runCli(["runs", "get", runId, "--json"], { env: server.env });
    assert.equal((JSON.parse(get.stdout) as { state: string }).state, "succeeded");
  } finally {
    await server.stop();
    await repo.cleanup();
  }
});
