/** Pure parts of where runs keep their bytes: blob keys, the artifact retention's setting, cutoff and marks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertBlobKey } from "../../../src/blobs/index.ts";
import { configFromEnv } from "../../../src/config/config.ts";
import { isC8sError } from "../../../src/errors/index.ts";
import { artifactRetentionCutoff, markArtifactsExpired } from "../../../src/pipelines/service/artifact-retention.ts";
import {
  artifactBlobKey,
  artifactBlobRoot,
  logBlobPrefix,
  runBlobPrefix,
  stepLogBlobKey,
} from "../../../src/pipelines/service/run-blobs.ts";
import type { RunRecord } from "../../../src/store/index.ts";

const home = { C8S_HOME: "/tmp/c8s-config-test" };

void test("a run's keys all start with runs/<id>/; a step log's key is a valid blob key whatever the step's name", () => {
  const id = "run_01hx";
  assert.equal(runBlobPrefix(id), "runs/run_01hx/");
  assert.equal(logBlobPrefix(id), "runs/run_01hx/logs/");
  assert.equal(stepLogBlobKey(id, "build"), "runs/run_01hx/logs/build.log");
  assert.equal(stepLogBlobKey(id, "test[node=18,os=linux]"), "runs/run_01hx/logs/test_node=18,os=linux_.log");
  assert.equal(artifactBlobRoot(id), "runs/run_01hx/artifacts");
  assert.equal(artifactBlobKey(id, "build/dist/app.tgz"), "runs/run_01hx/artifacts/build/dist/app.tgz");
  for (const step of ["..", ".", "../../etc/passwd", "a/b", "sp ace", "tab\there", "é", "x".repeat(300)]) {
    const key = stepLogBlobKey(id, step);
    assertBlobKey(key);
    assert.ok(key.startsWith(logBlobPrefix(id)) && !key.slice(logBlobPrefix(id).length).includes("/"), key);
  }
});

void test("artifactRetentionDays: 30 by default, C8S_ARTIFACT_RETENTION_DAYS sets it, 0 keeps forever, nonsense is refused naming the variable", () => {
  assert.equal(configFromEnv(home).artifactRetentionDays, 30);
  assert.equal(configFromEnv({ ...home, C8S_ARTIFACT_RETENTION_DAYS: "0" }).artifactRetentionDays, 0);
  assert.equal(configFromEnv({ ...home, C8S_ARTIFACT_RETENTION_DAYS: "7" }).artifactRetentionDays, 7);
  for (const bad of ["-1", "1.5", "forever"])
    assert.throws(
      () => configFromEnv({ ...home, C8S_ARTIFACT_RETENTION_DAYS: bad }),
      (e: unknown) => isC8sError(e) && e.code === "CONFIG_INVALID" && /C8S_ARTIFACT_RETENTION_DAYS/.test(e.hint ?? ""),
      bad,
    );
});

void test("the artifact cutoff is the retention before now; 0 days has none", () => {
  const now = Date.parse("2026-06-01T12:00:00Z");
  assert.equal(artifactRetentionCutoff(30, now), "2026-05-02T12:00:00.000Z");
  assert.equal(artifactRetentionCutoff(1, now), "2026-05-31T12:00:00.000Z");
  assert.equal(artifactRetentionCutoff(0, now), null);
});

void test("expiring marks every stored artifact once; refused and already expired ones are left as they are", () => {
  const artifacts: RunRecord["artifacts"] = [
    { step: "s", path: "a", key: "s/a", size: 3 },
    { step: "s", path: "leak", key: "", size: 0, refused: "artifact 'leak' contains secret T" },
    { step: "s", path: "b", key: "s/b", size: 5, expiredAt: "2026-01-01T00:00:00.000Z" },
  ];
  const at = "2026-06-01T00:00:00.000Z";
  assert.deepEqual(markArtifactsExpired(artifacts, at), [
    { step: "s", path: "a", key: "s/a", size: 3, expiredAt: at },
    artifacts[1],
    artifacts[2],
  ]);
  assert.equal(artifacts[0]?.expiredAt, undefined, "the input is not changed");
});
