/** `c8s run` end to end through its command object: the example DAG on the real local runtime. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type TestContext, test } from "node:test";
import { createRunCommand } from "../../../src/cli/commands/run.ts";
import type { Runtime } from "../../../src/runtimes/types.ts";
import { createTestRepository } from "../../fixtures/git.ts";

const localRuntimePath = new URL("../../../src/runtimes/local/local-runtime.ts", import.meta.url);
const skip = existsSync(localRuntimePath) ? false : "the local runtime (src/runtimes/local) has not landed yet";

/** A repository, a C8S_HOME and `c8s run` on the local runtime, with its output captured. */
async function setup(t: TestContext, files: Record<string, string>) {
  const repo = await createTestRepository(files);
  const home = await mkdtemp(join(tmpdir(), "c8s-run-cli-"));
  t.after(async () => {
    await repo.cleanup();
    await rm(home, { recursive: true, force: true });
  });
  const { createLocalRuntime } = (await import(localRuntimePath.href)) as {
    createLocalRuntime: (o: { stateDir: string }) => Runtime;
  };
  const command = createRunCommand(async (config) => createLocalRuntime({ stateDir: join(config.home, "local") }));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const all: Buffer[] = [];
  stdout.on("data", (c: Buffer) => {
    out.push(c);
    all.push(c);
  });
  stderr.on("data", (c: Buffer) => all.push(c));
  return {
    repo,
    home,
    createLocalRuntime,
    run: (args: string[], stdin?: PassThrough) =>
      command.run(args, { stdout, stderr, ...(stdin ? { stdin } : {}), cwd: repo.dir, env: { C8S_HOME: home } }),
    /** stdout only */
    stdout: () => Buffer.concat(out).toString(),
    /** stdout and stderr as they came */
    output: () => Buffer.concat(all).toString(),
  };
}

void test("c8s run runs examples/ci-dag.c8s.yaml: services, secrets, artifacts; exit 0", { skip }, async (t) => {
  const example = await readFile(new URL("../../../examples/ci-dag.c8s.yaml", import.meta.url), "utf8");
  const env = await setup(t, { ".c8s.yaml": example, "README.md": "demo\n" });
  const code = await env.run(["--secret", "DEPLOY_TOKEN=tok-9f8e7d6c5b", "--logs"]);
  const output = env.output();
  assert.equal(code, 0, output);
  assert.match(output, /\[integration\] PONG/);
  assert.match(output, /token is \*\*\* \(masked in logs\)/);
  assert.ok(!output.includes("tok-9f8e7d6c5b"));
  assert.match(output, /package: out\/app\.tar\.gz/);
  assert.match(output, /✓ deploy/, "deploy runs on a push to main");
  const runId = /run (run_\w+) succeeded/.exec(output)?.[1] ?? "";
  const logs = join(env.home, "runs", runId, "logs");
  for (const step of ["prepare", "package"]) assert.ok(existsSync(join(logs, `${step}.log`)), step);
  assert.ok(!(await readFile(join(logs, "package.log"), "utf8")).includes("tok-9f8e7d6c5b"));
});

void test("c8s run exits 1 on a failed run and names the failing step", { skip }, async (t) => {
  const env = await setup(t, {
    ".c8s.yaml": "version: v1alpha1\nname: f\nsteps:\n  - name: boom\n    commands: ['echo about to fail', 'exit 7']\n",
  });
  const code = await env.run([]);
  assert.equal(code, 1);
  assert.match(env.stdout(), /boom: failed \(exit code 7\) — last lines:\n.*\n\s+about to fail/);
});

void test(
  "c8s run --debug opens a shell in the failed step's sandbox: its files and env; all gone after",
  { skip },
  async (t) => {
    const env = await setup(t, {
      ".c8s.yaml":
        "version: v1alpha1\nname: f\nenv: {GREETING: hello}\nsteps:\n  - name: boom\n    commands: ['echo made > made.txt', 'exit 7']\n",
    });
    // Not a terminal: the shell reads its commands from stdin, and ends with it.
    const stdin = new PassThrough();
    stdin.end('cat made.txt; echo "$GREETING from $C8S_STEP"; exit 3\n');
    const code = await env.run(["--debug"], stdin);
    const output = env.output();
    assert.equal(code, 1, output);
    assert.match(output, /step 'boom' failed: a shell opens in its sandbox/);
    assert.match(output, /^made\nhello from boom$/m);
    const after = env.createLocalRuntime({ stateDir: join(env.home, "local") });
    t.after(() => after.close());
    assert.deepEqual(await after.listOwned("c8s-run"), [], "nothing outlives c8s run");
  },
);
