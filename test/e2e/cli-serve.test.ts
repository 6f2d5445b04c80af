/** `c8s serve`: token shown once, credentials.json reused across restarts, graceful shutdown. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Sandbox } from "../../packages/sdk/src/index.ts";
import { runCli, startCliServer } from "../fixtures/cli-server.ts";

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
