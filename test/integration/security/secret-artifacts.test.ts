/**
 * Issue 10, Deliver 2: artifacts and run records are masked like live output. A step that
 * writes its secret into a text artifact (raw, base64, hex) has it stored masked; a binary
 * artifact or a directory holding it is refused — the step fails naming the secret, the run
 * lists the artifact as refused and serves nothing — and a path showing the secret is refused
 * with the path masked in the reason and the record. Each row is a run against a real server
 * (local runtime); afterwards no byte or name under the runs directory holds the value.
 */
import assert from "node:assert/strict";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import { type LooseJson, type PipelineTestServer, startPipelineServer } from "../../fixtures/pipelines-server.ts";

const VALUE = "s3cr3t-artifact-value-4c9d";
const FORMS = [VALUE, Buffer.from(VALUE).toString("base64"), Buffer.from(VALUE).toString("hex")];
const TERMINAL = ["succeeded", "failed", "cancelled", "skipped", "timed-out"];
let t: PipelineTestServer;
let repo: TestRepository;

before(async () => {
  repo = await createTestRepository({ "README.md": "artifacts\n" });
  t = await startPipelineServer();
  const res = await t.call("POST", "/v1/secrets", { body: { name: "DEPLOY_TOKEN", value: VALUE } });
  assert.equal(res.status, 201, res.text);
});
after(async () => {
  await t?.close();
  await repo?.cleanup();
});

/** A one-step pipeline (the step gets DEPLOY_TOKEN) collecting `artifacts`. */
function pipeline(commands: string[], artifacts: string[]): string {
  const list = (items: string[]) => `[${items.map((c) => JSON.stringify(c)).join(", ")}]`;
  return (
    "version: v1alpha1\nname: artifacts\nsteps:\n" +
    `  - name: build\n    secrets: [DEPLOY_TOKEN]\n    commands: ${list(commands)}\n    artifacts: ${list(artifacts)}\n`
  );
}

async function run(commands: string[], artifacts: string[]): Promise<LooseJson> {
  const res = await t.call("POST", "/v1/runs", {
    body: { repoUrl: repo.url, commit: repo.commits[0], pipelineYaml: pipeline(commands, artifacts) },
  });
  assert.equal(res.status, 201, res.text);
  const done = await t.waitForRun(res.json.id as string, TERMINAL);
  for (const form of FORMS) assert.ok(!JSON.stringify(done).includes(form), `the run record shows ${form}`);
  return done;
}

function download(runId: string, path: string) {
  return t.call("GET", `/v1/runs/${runId}/steps/build/artifacts?path=${encodeURIComponent(path)}`);
}

const log = async (runId: string) => (await t.call("GET", `/v1/runs/${runId}/steps/build/logs`)).text;

/** The step failed because of its artifact, the record lists it refused, nothing is served. */
async function expectRefused(done: LooseJson, path: string, reason: RegExp): Promise<void> {
  assert.equal(done.state, "failed", JSON.stringify(done));
  const step = done.steps.find((s: LooseJson) => s.name === "build");
  assert.equal(step.state, "failed");
  assert.match(String(step.reason), reason);
  const listed = done.artifacts.find((a: LooseJson) => a.path === path);
  assert.ok(listed, JSON.stringify(done.artifacts));
  assert.match(String(listed.refused), /contains secret DEPLOY_TOKEN/);
  const res = await download(done.id as string, path);
  assert.equal(res.status, 404, res.text);
  assert.equal(res.json.error.code, "ARTIFACT_NOT_FOUND");
  assert.match(res.json.error.message, /was not stored: .*contains secret DEPLOY_TOKEN/);
  const text = await log(done.id as string);
  assert.match(text, /contains secret DEPLOY_TOKEN.*not stored, the step fails/);
  for (const form of FORMS) assert.ok(!text.includes(form) && !res.text.includes(form));
}

const HEX = `printf '%s' "$DEPLOY_TOKEN" | od -An -tx1 | tr -d ' \\n'`;

void describe("secrets in artifacts and run records (security)", { timeout: 240_000 }, () => {
  void it("a text artifact holding the secret raw, base64 and hex is stored masked", async () => {
    const done = await run(
      [
        "mkdir -p out",
        `printf 'raw=%s\\n' "$DEPLOY_TOKEN" > out/report.txt`,
        `printf 'b64=%s\\n' "$(printf '%s' "$DEPLOY_TOKEN" | base64)" >> out/report.txt`,
        `printf 'hex=%s\\n' "$(${HEX})" >> out/report.txt`,
        "echo done >> out/report.txt",
      ],
      ["out/report.txt"],
    );
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    const res = await download(done.id as string, "out/report.txt");
    assert.equal(res.status, 200, res.text);
    // base64 keeps the last characters that also depend on what follows the value (the masker's rule).
    assert.match(res.text, /^raw=\*\*\*\nb64=\*\*\*[A-Za-z0-9+/=]{0,4}\nhex=\*\*\*\ndone\n$/);
    for (const form of FORMS) assert.ok(!res.text.includes(form), form);
    assert.equal(done.artifacts[0].size, Buffer.byteLength(res.text), "the size recorded is the stored, masked size");
  });

  void it("a binary artifact holding the secret (raw, then hex past 64 KiB) is refused and the step fails", async () => {
    for (const write of [`printf '%s' "$DEPLOY_TOKEN"`, HEX]) {
      const done = await run(
        [
          "mkdir -p out",
          `printf '\\177ELF\\000\\001\\002' > out/app.bin`,
          "head -c 70000 /dev/zero >> out/app.bin",
          `${write} >> out/app.bin`,
          "head -c 1000 /dev/zero >> out/app.bin",
        ],
        ["out/app.bin"],
      );
      await expectRefused(done, "out/app.bin", /^artifact 'out\/app\.bin' contains secret DEPLOY_TOKEN$/);
    }
  });

  void it("a clean binary artifact is stored byte for byte", async () => {
    const done = await run(["mkdir -p out", `printf '\\000\\001\\002\\377clean' > out/clean.bin`], ["out/clean.bin"]);
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    const res = await t.call("GET", `/v1/runs/${done.id}/steps/build/artifacts?path=out%2Fclean.bin`);
    assert.equal(res.status, 200);
    assert.equal(res.text, "\u0000\u0001\u0002\ufffdclean");
  });

  void it("a directory artifact (stored as a tar) with the secret in one of its files is refused", async () => {
    const done = await run(
      ["mkdir -p dist/conf", "echo readme > dist/README", `printf 'token=%s\\n' "$DEPLOY_TOKEN" > dist/conf/app.env`],
      ["dist"],
    );
    await expectRefused(done, "dist.tar", /^artifact 'dist\.tar' contains secret DEPLOY_TOKEN$/);
  });

  void it("a file whose name shows the secret is refused, its path masked in the reason and the record", async () => {
    const done = await run(
      ["mkdir -p logs", "echo fine > logs/ok.log", `echo hi > "logs/$DEPLOY_TOKEN.log"`],
      ["logs/*.log"],
    );
    await expectRefused(done, "logs/***.log", /^artifact 'logs\/\*\*\*\.log' contains secret DEPLOY_TOKEN$/);
    // The clean file of the same glob is stored.
    const ok = await download(done.id as string, "logs/ok.log");
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.text, "fine\n");
  });

  void it("nothing under the runs directory holds the value, in its bytes or its names", async () => {
    const hits: string[] = [];
    const walk = async (path: string): Promise<void> => {
      if (FORMS.some((f) => path.includes(f))) hits.push(path);
      const st = await lstat(path);
      if (st.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name));
      else if (st.isFile()) {
        const bytes = await readFile(path);
        if (FORMS.some((f) => bytes.includes(f))) hits.push(path);
      }
    };
    await walk(join(t.home, "pipelines", "runs"));
    assert.deepEqual(hits, []);
  });
});
