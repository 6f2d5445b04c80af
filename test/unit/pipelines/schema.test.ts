import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { lintPipeline } from "../../../src/pipelines/spec/lint.ts";
import { pipelineJsonSchema, pipelineSchema } from "../../../src/pipelines/spec/schema.ts";
import { parseCpuMillis, parseDurationMs, parseMemoryBytes } from "../../../src/pipelines/spec/units.ts";

const root = join(import.meta.dirname, "../../..");

void test("docs/pipeline.schema.json matches the zod schema (run `c8s schema > docs/pipeline.schema.json`)", async () => {
  const committed = JSON.parse(await readFile(join(root, "docs/pipeline.schema.json"), "utf8")) as unknown;
  assert.deepEqual(committed, pipelineJsonSchema());
});

void test("the JSON Schema closes objects and names every step key", () => {
  const schema = JSON.stringify(pipelineJsonSchema());
  for (const key of ["dependsOn", "artifacts", "secrets", "allowFailure", "matrix", "readiness", "retries"])
    assert.ok(schema.includes(`"${key}"`), key);
  assert.ok(schema.includes('"additionalProperties":false'));
});

void test("every example in examples/ is a valid pipeline", async () => {
  const files = (await readdir(join(root, "examples"))).filter((f) => f.endsWith(".yaml"));
  assert.ok(files.length >= 2);
  for (const file of files) {
    const result = lintPipeline(await readFile(join(root, "examples", file)), { file });
    assert.deepEqual(result.problems, [], file);
    assert.ok(result.pipeline);
  }
});

void test("the seed's example shape parses", () => {
  const parsed = pipelineSchema.parse({
    version: "v1alpha1",
    name: "my-app-ci",
    steps: [
      { name: "test", image: "golang:1.21", commands: ["go test ./..."], resources: { cpu: "1000m", memory: "2Gi" } },
      { name: "build", image: "golang:1.21", commands: ["go build -o app"], dependsOn: ["test"], artifacts: ["app"] },
    ],
  });
  assert.equal(parsed.steps.length, 2);
});

void test("units: cpu, memory, durations", () => {
  const table: [() => number, number][] = [
    [() => parseCpuMillis("500m"), 500],
    [() => parseCpuMillis("1"), 1000],
    [() => parseCpuMillis("0.25"), 250],
    [() => parseMemoryBytes("512Mi"), 512 * 1024 * 1024],
    [() => parseMemoryBytes("1Gi"), 1024 ** 3],
    [() => parseMemoryBytes("1000k"), 1_000_000],
    [() => parseDurationMs("10m"), 600_000],
    [() => parseDurationMs("1h30m"), 5_400_000],
    [() => parseDurationMs("500ms"), 500],
  ];
  for (const [fn, expected] of table) assert.equal(fn(), expected);
  assert.throws(() => parseDurationMs("10 minutes"), { code: "PIPELINE_INVALID" });
  assert.throws(() => parseMemoryBytes("12Xi"), { code: "PIPELINE_INVALID" });
});
