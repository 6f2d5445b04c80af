/** Templates and one-shots through the real CLI (`c8s template`, `c8s exec --once`) and the SDK against a real `c8s serve`. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { NotFoundError, Sandbox, Templates } from "../../packages/sdk/src/index.ts";
import { runCli, startCliServer, type CliServer } from "../fixtures/cli-server.ts";

let server: CliServer;
before(async () => {
  server = await startCliServer({ C8S_MAX_POOLED: "2" });
});
after(async () => {
  await server?.stop();
});

void describe("templates and one-shots", { timeout: 180_000 }, () => {
  void test("c8s template create/ls/rm and c8s exec --once from a warm pool, with stdin and the exit code", async () => {
    const env = server.env;
    const created = await runCli(
      ["template", "create", "warm", "--env", "GREETING=hi", "--pids", "64", "--pool-min", "1"],
      { env },
    );
    assert.equal(created.code, 0, created.stderr);
    const listed = await runCli(["template", "ls", "--json"], { env });
    const templates = JSON.parse(listed.stdout) as { name: string; pool: { min: number; max: number } }[];
    assert.deepEqual(
      templates.map((t) => [t.name, t.pool]),
      [["warm", { min: 1, max: 1 }]],
    );
    const ran = await runCli(
      ["exec", "--once", "--template", "warm", "--", "/bin/sh", "-c", 'cat; echo " $GREETING"; exit 4'],
      {
        env,
        input: "from stdin",
      },
    );
    assert.equal(ran.code, 4, ran.stderr);
    assert.equal(ran.stdout, "from stdin hi\n");
    const usage = await runCli(["exec", "--", "true"], { env });
    assert.equal(usage.code, 2, "without --once it is a usage error");
    const removed = await runCli(["template", "rm", "warm"], { env });
    assert.equal(removed.code, 0, removed.stderr);
    const missing = await runCli(["exec", "--once", "--template", "warm", "--", "true"], { env });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /TEMPLATE_NOT_FOUND|no template 'warm'/);
  });

  void test("the SDK: Templates.set/get/list/remove and Sandbox.runOnce", async () => {
    const opts = { url: server.url, token: server.token };
    const templates = Templates.connect(opts);
    const info = await templates.set("sdk", { envs: { FROM: "sdk" }, pool: { min: 1 } });
    assert.deepEqual(info.pool, { min: 1, max: 1 });
    assert.equal((await templates.get("sdk")).spec.env?.["FROM"], "sdk");
    assert.ok((await templates.list()).some((t) => t.name === "sdk"));
    const result = await Sandbox.runOnce(["/bin/sh", "-c", "cat; echo $FROM"], {
      ...opts,
      template: "sdk",
      stdin: "x",
    });
    assert.equal(result.stdout, "xsdk\n");
    assert.equal(result.exitCode, 0);
    const plain = await Sandbox.runOnce(["/bin/sh", "-c", "echo $V"], { ...opts, sandbox: { envs: { V: "plain" } } });
    assert.equal(plain.stdout, "plain\n");
    await templates.remove("sdk");
    await assert.rejects(templates.get("sdk"), NotFoundError);
  });
});
