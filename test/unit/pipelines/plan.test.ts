import assert from "node:assert/strict";
import { test } from "node:test";
import { matchesGlob, matchesPatterns } from "../../../src/pipelines/spec/glob.ts";
import { loadPipeline } from "../../../src/pipelines/spec/lint.ts";
import {
  backoffDelayMs,
  debugKeepMs,
  expandMatrix,
  interpolate,
  type PlanContext,
  planPipeline,
  retryPolicy,
  triggerAccepts,
  whenExcludes,
} from "../../../src/pipelines/spec/plan.ts";
import { pipelineSchema } from "../../../src/pipelines/spec/schema.ts";

const push: PlanContext = { event: "push", branch: "main" };

function pipeline(steps: unknown[], extra: Record<string, unknown> = {}) {
  return pipelineSchema.parse({ version: "v1alpha1", name: "p", steps, ...extra });
}
const step = (name: string, dependsOn: string[] = [], more: Record<string, unknown> = {}) => ({
  name,
  commands: ["true"],
  dependsOn,
  ...more,
});

void test("topological levels of a diamond, file order kept inside a level", () => {
  const plan = planPipeline(pipeline([step("d", ["b", "c"]), step("c", ["a"]), step("b", ["a"]), step("a")]), push);
  assert.deepEqual(plan.levels, [["a"], ["c", "b"], ["d"]]);
  assert.deepEqual(
    plan.steps.map((s) => [s.name, s.level]),
    [
      ["a", 0],
      ["c", 1],
      ["b", 1],
      ["d", 2],
    ],
  );
  assert.deepEqual(plan.steps.find((s) => s.name === "d")?.dependsOn, ["b", "c"]);
});

void test("matrix expands to one step per combination; dependents wait for all of them", () => {
  const plan = planPipeline(
    pipeline([
      step("test", [], {
        matrix: { node: [18, 20], os: ["linux", "mac"] },
        image: "node:${{ matrix.node }}",
        commands: ["echo ${{ matrix.os }} ${{ matrix.nope }}"],
        env: { TARGET: "${{ matrix.os }}" },
      }),
      step("report", ["test"]),
    ]),
    push,
  );
  const names = plan.steps.map((s) => s.name);
  assert.deepEqual(names, [
    "test[node=18,os=linux]",
    "test[node=18,os=mac]",
    "test[node=20,os=linux]",
    "test[node=20,os=mac]",
    "report",
  ]);
  const first = plan.steps[0];
  assert.equal(first?.image, "node:18");
  assert.deepEqual(first?.commands, ["echo linux ${{ matrix.nope }}"]);
  assert.deepEqual(first?.env, { TARGET: "linux", MATRIX_NODE: "18", MATRIX_OS: "linux" });
  assert.equal(plan.steps[4]?.dependsOn.length, 4);
  assert.deepEqual(expandMatrix(undefined), [{}]);
  assert.equal(interpolate("${{matrix.a}}-${{ matrix.b }}", { a: "1", b: "2" }), "1-2");
});

void test("units, defaults and env layering", () => {
  const plan = planPipeline(
    pipeline(
      [
        step("a", [], {
          resources: { cpu: "500m", memory: "512Mi" },
          timeout: "10m",
          retries: { count: 2, backoff: "2s" },
          env: { B: "step", N: 3 },
          secrets: ["TOKEN", "TOKEN"],
          allowFailure: true,
          artifacts: ["dist/**"],
        }),
        step("b"),
      ],
      { env: { A: "pipe", B: "pipe" }, timeout: "30m", concurrency: 2 },
    ),
    push,
  );
  const [a, b] = plan.steps;
  assert.equal(a?.cpuMillis, 500);
  assert.equal(a?.memoryBytes, 512 * 1024 * 1024);
  assert.equal(a?.timeoutMs, 600_000);
  assert.deepEqual(a?.retries, { count: 2, backoffMs: 2000, factor: 2, maxBackoffMs: 300_000 });
  assert.deepEqual(a?.env, { A: "pipe", B: "step", N: "3" });
  assert.deepEqual(a?.secrets, ["TOKEN"]);
  assert.equal(a?.allowFailure, true);
  assert.equal(b?.timeoutMs, 3_600_000);
  assert.equal(b?.retries.count, 0);
  assert.equal(plan.timeoutMs, 1_800_000);
  assert.equal(plan.concurrency, 2);
  assert.deepEqual(plan.secrets, ["TOKEN"]);
});

void test("backoff grows by the factor up to the cap", () => {
  const policy = retryPolicy({ count: 5, backoff: "1s", factor: 3, maxBackoff: "5s" });
  assert.deepEqual(
    [1, 2, 3].map((n) => backoffDelayMs(policy, n)),
    [1000, 3000, 5000],
  );
  assert.equal(retryPolicy(3).count, 3);
});

void test("when filters: event, branch globs with negation, changed paths", () => {
  const table: [Parameters<typeof whenExcludes>[0], PlanContext, boolean][] = [
    [undefined, push, true],
    [{ event: "push" }, push, true],
    [{ event: ["pull_request"] }, push, false],
    [{ branch: "main" }, push, true],
    [{ branch: "release/*" }, { event: "push", branch: "release/1.2" }, true],
    [{ branch: "release/*" }, { event: "push", branch: "release/1/2" }, false],
    [{ branch: ["!main"] }, push, false],
    [{ branch: ["!main"] }, { event: "push", branch: "dev" }, true],
    [{ branch: "main" }, { event: "manual" }, false],
    [{ paths: ["src/**"] }, { ...push, changedPaths: ["src/a/b.ts"] }, true],
    [{ paths: ["src/**"] }, { ...push, changedPaths: ["docs/x.md"] }, false],
    [{ paths: ["src/**"] }, push, true],
    [{ paths: ["**/*.md", "!docs/**"] }, { ...push, changedPaths: ["docs/x.md"] }, false],
    [{ event: "push", branch: "main", paths: "*.ts" }, { ...push, changedPaths: ["a.ts"] }, true],
  ];
  for (const [when, ctx, runs] of table)
    assert.equal(whenExcludes(when, ctx) === undefined, runs, JSON.stringify([when, ctx]));
});

void test("excluded steps stay in the plan with the reason", () => {
  const plan = planPipeline(pipeline([step("a"), step("deploy", ["a"], { when: { branch: "main" } })]), {
    event: "push",
    branch: "dev",
  });
  assert.match(plan.steps[1]?.excluded ?? "", /branch 'dev'/);
  assert.equal(plan.steps[0]?.excluded, undefined);
});

void test("globs", () => {
  assert.ok(matchesGlob("src/x.ts", "src/**/*.ts"));
  assert.ok(matchesGlob("src/a/b/x.ts", "src/**/*.ts"));
  assert.ok(!matchesGlob("src/a/x.js", "src/**/*.ts"));
  assert.ok(matchesGlob("a.b", "a.b") && !matchesGlob("axb", "a.b"));
  assert.ok(matchesGlob("v1", "v?"));
  assert.ok(matchesPatterns("x", []));
});

void test("on triggers", () => {
  const p = pipeline([step("a")], { on: { push: { branches: ["main"] }, pull_request: true } });
  assert.equal(triggerAccepts(p, push), true);
  assert.equal(triggerAccepts(p, { event: "push", branch: "dev" }), false);
  assert.equal(triggerAccepts(p, { event: "pull_request", branch: "x" }), true);
  assert.equal(triggerAccepts(p, { event: "tag", tag: "v1" }), false);
  assert.equal(triggerAccepts(p, { event: "manual" }), true);
  const none = pipeline([step("a")]);
  assert.equal(triggerAccepts(none, { event: "tag" }), false);
  assert.equal(triggerAccepts(none, push), true);
});

void test("services are planned with readiness defaults", () => {
  const plan = planPipeline(
    pipeline([step("a")], {
      services: [{ name: "db", commands: ["run-db"], readiness: { command: "check", interval: "200ms" } }],
    }),
    push,
  );
  assert.deepEqual(plan.services[0]?.readiness, { command: "check", intervalMs: 200, timeoutMs: 60_000 });
});

void test("the planner refuses graphs lint rejects", () => {
  assert.throws(() => planPipeline(pipeline([step("a", ["b"])]), push), { code: "PIPELINE_INVALID" });
  assert.throws(() => planPipeline(pipeline([step("a", ["b"]), step("b", ["a"])]), push), /cycle: a -> b -> a/);
  assert.throws(() => planPipeline(pipeline([step("a"), step("a")]), push), /duplicate/);
});

void test("the example pipeline plans", async () => {
  const { readFile } = await import("node:fs/promises");
  const file = new URL("../../../examples/ci-dag.c8s.yaml", import.meta.url);
  const plan = planPipeline(loadPipeline(await readFile(file)), { event: "push", branch: "feature" });
  assert.deepEqual(plan.levels[0], ["prepare"]);
  assert.equal(plan.steps.find((s) => s.name === "deploy")?.excluded !== undefined, true);
  assert.deepEqual(plan.secrets, ["DEPLOY_TOKEN"]);
});

void test("debug: keeps a failed step's sandbox for the default, `keep`, or at most 24h", () => {
  const cases: { debug: Parameters<typeof debugKeepMs>[0]; keepMs: number | undefined }[] = [
    { debug: undefined, keepMs: undefined },
    { debug: "onFailure", keepMs: 30 * 60_000 },
    { debug: { onFailure: true }, keepMs: 30 * 60_000 },
    { debug: { onFailure: true, keep: "2h" }, keepMs: 2 * 3_600_000 },
    { debug: { onFailure: true, keep: "48h" }, keepMs: 24 * 3_600_000 },
    { debug: { onFailure: false, keep: "2h" }, keepMs: undefined },
  ];
  for (const c of cases) assert.equal(debugKeepMs(c.debug), c.keepMs, JSON.stringify(c.debug));
  assert.equal(planPipeline(pipeline([step("a")], { debug: "onFailure" }), push).debugKeepMs, 30 * 60_000);
  assert.equal(
    loadPipeline("version: v1alpha1\nname: d\ndebug: onFailure\nsteps: [{name: a, commands: [x]}]\n").debug,
    "onFailure",
  );
  assert.throws(() => loadPipeline("version: v1alpha1\nname: d\ndebug: always\nsteps: [{name: a, commands: [x]}]\n"), {
    code: "PIPELINE_INVALID",
  });
});
