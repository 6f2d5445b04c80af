import assert from "node:assert/strict";
import { test } from "node:test";
import { isC8sError } from "../../../src/errors/index.ts";
import { lintPipeline, loadPipeline } from "../../../src/pipelines/spec/lint.ts";
import { formatProblem, type LintProblem } from "../../../src/pipelines/spec/problems.ts";

const head = "version: v1alpha1\nname: demo\n";

function problems(text: string | Uint8Array, options = {}): LintProblem[] {
  return lintPipeline(text, options).problems;
}

function only(text: string, code: LintProblem["code"]): LintProblem {
  const found = problems(text).filter((p) => p.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(problems(text))}`);
  return found[0] as LintProblem;
}

void test("a valid pipeline has no problems", () => {
  const result = lintPipeline(`${head}steps:\n  - name: a\n    commands: [echo hi]\n`);
  assert.deepEqual(result.problems, []);
  assert.equal(result.pipeline?.steps[0]?.name, "a");
});

void test("unknown keys are positioned at the key and suggest the closest known key", () => {
  const p = only(`${head}steps:\n  - name: a\n    comands: [x]\n    commands: [y]\n`, "UNKNOWN_KEY");
  assert.deepEqual([p.line, p.column], [5, 5]);
  assert.match(p.hint ?? "", /Did you mean 'commands'\?/);
  const top = only(`${head}stepz: []\nsteps:\n  - name: a\n    commands: [x]\n`, "UNKNOWN_KEY");
  assert.deepEqual([top.line, top.column], [3, 1]);
  assert.match(top.hint ?? "", /'steps'/);
  const nested = only(
    `${head}steps:\n  - name: a\n    commands: [x]\n    retries: {count: 1, backof: 1s}\n`,
    "UNKNOWN_KEY",
  );
  assert.match(nested.hint ?? "", /'backoff'/);
  const far = only(`${head}steps:\n  - name: a\n    commands: [x]\n    zzzzzzzz: 1\n`, "UNKNOWN_KEY");
  assert.match(far.hint ?? "", /allowed keys here: .*commands/);
});

void test("wrong types point at the value", () => {
  const p = only(`${head}steps:\n  - name: a\n    commands: echo\n`, "WRONG_TYPE");
  assert.deepEqual([p.line, p.column], [5, 15]);
  assert.match(p.message, /must be a list/);
  const retries = only(`${head}steps:\n  - name: a\n    commands: [x]\n    retries: lots\n`, "WRONG_TYPE");
  assert.match(retries.message, /number or object/);
});

void test("invalid values and missing keys", () => {
  const t = only(`${head}steps:\n  - name: a\n    commands: [x]\n    timeout: 10 minutes\n`, "INVALID_VALUE");
  assert.equal(t.line, 6);
  assert.match(t.message, /duration/);
  const m = only(`${head}steps:\n  - name: a\n    image: x\n`, "MISSING_KEY");
  assert.match(m.message, /'commands'/);
  assert.equal(m.line, 4);
  assert.ok(problems(`name: x\nsteps:\n  - name: a\n    commands: [x]\n`).some((q) => q.code === "MISSING_KEY"));
});

void test("duplicate step names, missing dependencies, self dependencies", () => {
  const dup = only(`${head}steps:\n  - name: a\n    commands: [x]\n  - name: a\n    commands: [y]\n`, "DUPLICATE_STEP");
  assert.deepEqual([dup.line, dup.column], [6, 11]);
  const missing = only(
    `${head}steps:\n  - name: build\n    commands: [x]\n  - name: b\n    commands: [y]\n    dependsOn: [Build]\n`,
    "MISSING_DEPENDENCY",
  );
  assert.deepEqual([missing.line, missing.column], [8, 17]);
  assert.match(missing.hint ?? "", /'build'/);
  only(`${head}steps:\n  - name: a\n    commands: [x]\n    dependsOn: [a]\n`, "SELF_DEPENDENCY");
});

void test("dependency cycles are named", () => {
  const text = `${head}steps:\n  - name: a\n    commands: [x]\n    dependsOn: [c]\n  - name: b\n    commands: [x]\n    dependsOn: [a]\n  - name: c\n    commands: [x]\n    dependsOn: [b]\n  - name: d\n    commands: [x]\n    dependsOn: [a]\n`;
  const p = only(text, "DEPENDENCY_CYCLE");
  assert.match(p.message, /a -> c -> b -> a/);
  assert.equal(p.line, 6);
});

void test("empty pipelines", () => {
  assert.equal(only(`${head}steps: []\n`, "EMPTY_PIPELINE").line, 3);
  assert.equal(problems("")[0]?.code, "EMPTY_PIPELINE");
  assert.equal(problems("- a\n- b\n")[0]?.code, "NOT_A_MAPPING");
});

void test("matrix explosion over the limit", () => {
  const values = Array.from({ length: 9 }, (_, i) => i).join(", ");
  const p = only(
    `${head}steps:\n  - name: a\n    commands: [x]\n    matrix:\n      x: [${values}]\n      y: [${values}]\n`,
    "MATRIX_TOO_LARGE",
  );
  assert.match(p.message, /81/);
  assert.equal(p.line, 6);
  assert.deepEqual(problems(`${head}steps:\n  - name: a\n    commands: [x]\n    matrix: {x: [1, 2], y: [3]}\n`), []);
});

void test("every problem of a file is reported at once, sorted by position", () => {
  const all = problems(
    `${head}bogus: 1\nsteps:\n  - name: a\n    commands: 3\n  - name: a\n    commands: [y]\n    dependsOn: [zz]\n`,
  );
  assert.deepEqual(
    all.map((p) => p.code),
    ["UNKNOWN_KEY", "WRONG_TYPE", "DUPLICATE_STEP", "MISSING_DEPENDENCY"],
  );
  const lines = all.map((p) => p.line);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
});

void test("YAML syntax errors and duplicate keys have positions", () => {
  const dup = only(`${head}name: again\nsteps:\n  - name: a\n    commands: [x]\n`, "DUPLICATE_KEY");
  assert.equal(dup.line, 3);
  const syntax = problems(`${head}steps: [\n`);
  assert.ok(syntax.length > 0 && syntax.every((p) => p.code === "YAML_SYNTAX" && p.line > 0));
});

void test("hostile input is refused cleanly", () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (const [i, n] of ["b", "c", "d", "e", "f", "g"].entries())
    bomb.push(`${n}: &${n} [${Array(9).fill(`*${"abcdefg"[i]}`).join(",")}]`);
  assert.equal(problems(bomb.join("\n"))[0]?.code, "TOO_MANY_ALIASES");
  assert.equal(problems(`a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`)[0]?.code, "TOO_DEEP");
  let deepBlock = "";
  for (let i = 0; i < 60; i++) deepBlock += `${" ".repeat(i)}k${i}:\n`;
  assert.equal(problems(deepBlock)[0]?.code, "TOO_DEEP");
  assert.equal(problems("- ".repeat(100) + "x\n")[0]?.code, "TOO_DEEP");
  assert.equal(problems(`# ${"x".repeat(2 * 1024 * 1024)}\n`)[0]?.code, "TOO_LARGE");
  assert.equal(problems(`${head}#`.padEnd(500, "x"), { yaml: { maxBytes: 100 } })[0]?.code, "TOO_LARGE");
  assert.equal(problems(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a]))[0]?.code, "NOT_UTF8");
  // brackets inside quotes and comments do not count as nesting
  assert.deepEqual(
    problems(
      `${head}steps:\n  - name: a # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n    commands: ["echo [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]\n`,
    ),
    [],
  );
});

void test("a BOM is accepted", () => {
  assert.deepEqual(
    problems(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${head}steps:\n  - name: a\n    commands: [x]\n`)]),
    ),
    [],
  );
});

void test("loadPipeline throws PIPELINE_INVALID with every problem in details", () => {
  try {
    loadPipeline(`${head}steps:\n  - name: a\n    commands: [x]\n    dependsOn: [b, c]\n`, { file: "ci.yaml" });
    assert.fail("expected a throw");
  } catch (error) {
    assert.ok(isC8sError(error));
    assert.equal(error.code, "PIPELINE_INVALID");
    const list = error.details["problems"] as LintProblem[];
    assert.equal(list.length, 2);
    assert.match(error.message, /ci\.yaml:6:17: MISSING_DEPENDENCY/);
    assert.match(error.hint ?? "", /c8s lint ci\.yaml/);
  }
});

void test("loadPipeline's error quotes at most 20 problems of at most 200 characters each (c8s lint shows all)", () => {
  const keys = Array.from({ length: 50 }, (_, i) => `k${i}-${"x".repeat(1000)}: 1`).join("\n");
  const yaml = `${keys}\n${head}steps:\n  - name: a\n    commands: [x]\n`;
  try {
    loadPipeline(yaml);
    assert.fail("expected a throw");
  } catch (error) {
    assert.ok(isC8sError(error));
    const list = error.details["problems"] as LintProblem[];
    assert.equal(list.length, 20);
    assert.equal(error.details["problemCount"], 50);
    assert.equal(error.details["truncated"], true);
    assert.ok(list.every((p) => p.message.length <= 201 && p.path.every((x) => String(x).length <= 201)));
    assert.ok(JSON.stringify(error.toJSON()).length < 20 * 1024, "the whole error stays small");
  }
  assert.equal(problems(yaml).length, 50);
});

void test("formatProblem prints file:line:column: CODE message and the fix", () => {
  const text = formatProblem("x.yaml", { code: "UNKNOWN_KEY", message: "m", hint: "h", path: [], line: 3, column: 7 });
  assert.equal(text, "x.yaml:3:7: UNKNOWN_KEY m\n    fix: h");
});

void test("matrix references must name a key of the step's matrix", () => {
  const p = only(
    `${head}steps:\n  - name: a\n    matrix: {node: [18]}\n    commands: ["echo \${{ matrix.node }} \${{ matrix.nod }}"]\n`,
    "UNKNOWN_MATRIX_KEY",
  );
  assert.equal(p.line, 6);
  assert.match(p.hint ?? "", /node/);
});
