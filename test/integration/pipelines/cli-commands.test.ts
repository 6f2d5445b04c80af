/** `c8s lint` and `c8s schema` through their command objects, on real files. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { lintCommand } from "../../../src/cli/commands/lint.ts";
import { schemaCommand } from "../../../src/cli/commands/schema.ts";
import type { PipelineCommandIo } from "../../../src/cli/run/cli-io.ts";

function captureIo(cwd: string): { io: PipelineCommandIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (c: Buffer) => o.push(c));
  stderr.on("data", (c: Buffer) => e.push(c));
  return {
    io: { stdout, stderr, cwd, env: {} },
    out: () => Buffer.concat(o).toString(),
    err: () => Buffer.concat(e).toString(),
  };
}

void test("c8s lint prints file:line:column: CODE message and a fix, exit 1; exit 0 when clean", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "c8s-lint-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, ".c8s.yaml"), "version: v1alpha1\nname: x\nsteps:\n  - name: a\n    comands: [x]\n");
  const bad = captureIo(dir);
  assert.equal(await lintCommand.run([], bad.io), 1);
  assert.match(bad.out(), /^\.c8s\.yaml:5:5: UNKNOWN_KEY unknown key 'comands'/m);
  assert.match(bad.out(), /fix: Did you mean 'commands'\?/);

  await writeFile(join(dir, "ok.yaml"), "version: v1alpha1\nname: x\nsteps:\n  - name: a\n    commands: [x]\n");
  const good = captureIo(dir);
  assert.equal(await lintCommand.run(["ok.yaml"], good.io), 0);
  assert.equal(good.out(), "");

  const json = captureIo(dir);
  assert.equal(await lintCommand.run(["--json", ".c8s.yaml", "ok.yaml"], json.io), 1);
  const parsed = JSON.parse(json.out()) as { file: string; ok: boolean }[];
  assert.deepEqual(
    parsed.map((r) => [r.file, r.ok]),
    [
      [".c8s.yaml", false],
      ["ok.yaml", true],
    ],
  );

  const missing = captureIo(dir);
  assert.equal(await lintCommand.run(["nope.yaml"], missing.io), 1);
  assert.match(missing.err(), /nope\.yaml: cannot read/);
});

void test("c8s schema prints the JSON Schema", async () => {
  const cap = captureIo(tmpdir());
  assert.equal(await schemaCommand.run([], cap.io), 0);
  const schema = JSON.parse(cap.out()) as { $id: string; properties: Record<string, unknown> };
  assert.equal(schema.$id, "https://c8s.dev/schemas/pipeline.schema.json");
  assert.ok("steps" in schema.properties);
});
