/**
 * Artifacts stream both ways through the BlobStore: a step's 200 MiB artifact is collected
 * into it, and then downloaded three times at once, through a real `c8s serve` (a child
 * process, the local runtime), without raising the server's resident memory by more than
 * BOUND — neither collecting nor serving holds the artifact whole.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createTestRepository, type TestRepository } from "../../fixtures/git.ts";
import {
  callChild,
  killChild,
  type ServerChild,
  startServerChild,
  waitForChildRun,
} from "../../fixtures/pipelines-server-process.ts";

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const BOUND = 160 * MiB;

let home: string;
let repo: TestRepository;
let server: ServerChild;

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

/** Samples the server's RSS every 25 ms while `work` runs; returns how far its peak rose above the start. */
async function rssRiseDuring<T>(work: () => Promise<T>): Promise<{ rise: number; value: T }> {
  const pid = server.process.pid ?? 0;
  const start = await rssBytes(pid);
  let peak = start;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, await rssBytes(pid));
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    const value = await work();
    running = false;
    await sampler;
    return { value, rise: peak - start };
  } finally {
    running = false;
    await sampler; // (settled already on success)
  }
}

function download(path: string): Promise<{ status: number; size: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { headers: { authorization: `Bearer ${server.token}` } }, (res) => {
      let size = 0;
      const hash = createHash("sha256");
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, size, sha256: hash.digest("hex") }));
      res.on("error", reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error("download timed out")));
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), "c8s-artifact-transfers-"));
  repo = await createTestRepository({ "README.md": "hi\n" });
  server = await startServerChild(home);
});
after(async () => {
  if (server !== undefined) await killChild(server, "SIGKILL");
  await repo?.cleanup();
  await rm(home, { recursive: true, force: true });
});

void test(
  "a 200 MiB artifact is collected and downloaded three times at once with the server's memory flat",
  { timeout: 300_000 },
  async (t) => {
    // Warm the run path first (JIT, buffers) so the baseline is the steady state.
    const warm = await callChild(server, "POST", "/v1/runs", {
      repoUrl: repo.url,
      pipelineYaml: `version: v1alpha1\nname: warm\nsteps:\n  - name: s\n    commands: ["echo hi > a.txt"]\n    artifacts: [a.txt]\n`,
    });
    assert.equal((await waitForChildRun(server, warm.id, ["succeeded", "failed"])).state, "succeeded");
    assert.equal((await download(`/v1/runs/${warm.id}/steps/s/artifacts?path=a.txt`)).size, 3);

    // Incompressible, binary (so the secret scan reads it all): one MiB of random bytes repeated.
    const yaml = `version: v1alpha1\nname: big\nsteps:\n  - name: make\n    commands: ["head -c ${MiB} /dev/urandom > block", "for i in $(seq 1 ${SIZE / MiB}); do cat block; done > big.bin", "sha256sum big.bin"]\n    artifacts: [big.bin]\n`;
    const collect = await rssRiseDuring(async () => {
      const run = await callChild(server, "POST", "/v1/runs", { repoUrl: repo.url, pipelineYaml: yaml });
      return waitForChildRun(server, run.id, ["succeeded", "failed", "cancelled"]);
    });
    const done = collect.value as unknown as { id: string; state: string; artifacts: { size: number }[] };
    assert.equal(done.state, "succeeded", JSON.stringify(done));
    assert.deepEqual(
      done.artifacts.map((a) => a.size),
      [SIZE],
    );
    const logRes = await fetch(`${server.url}/v1/runs/${done.id}/steps/make/logs`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    const expected = /([0-9a-f]{64}) {2}big\.bin/.exec(await logRes.text())?.[1];
    assert.ok(expected !== undefined, "the step printed the artifact's sha256");

    const served = await rssRiseDuring(() =>
      Promise.all([0, 1, 2].map(() => download(`/v1/runs/${done.id}/steps/make/artifacts?path=big.bin`))),
    );
    for (const r of served.value) assert.deepEqual(r, { status: 200, size: SIZE, sha256: expected });
    const mib = (n: number) => `${(n / MiB).toFixed(0)} MiB`;
    t.diagnostic(
      `server RSS rose by ${mib(collect.rise)} while collecting, ${mib(served.rise)} while serving 3 downloads (bound ${mib(BOUND)})`,
    );
    assert.ok(collect.rise < BOUND, `collecting raised RSS by ${mib(collect.rise)}`);
    assert.ok(served.rise < BOUND, `downloads raised RSS by ${mib(served.rise)}`);
  },
);
