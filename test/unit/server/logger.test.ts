/** The default logger's two formats: pino-shaped JSON lines, and readable lines for a terminal. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createJsonLogger, createLogger } from "../../../src/server/logger.ts";

function sink(): { write(line: string): void; lines: string[] } {
  const lines: string[] = [];
  return { write: (line) => void lines.push(line), lines };
}

void test("json: one object a line with level, time, bindings, fields and msg; below the level nothing", () => {
  const out = sink();
  const log = createJsonLogger("info", out, { app: "c8s" });
  log.debug("hidden");
  log.child({ sandbox: "sbx_1" }).warn({ n: 2 }, "slow");
  assert.equal(out.lines.length, 1);
  const line = JSON.parse(out.lines[0] ?? "") as Record<string, unknown>;
  assert.equal(line["level"], 40);
  assert.equal(typeof line["time"], "number");
  assert.deepEqual({ ...line, time: 0 }, { level: 40, time: 0, app: "c8s", sandbox: "sbx_1", n: 2, msg: "slow" });
});

void test("pretty: time, level, message and key=value fields on one line; errors with their stack at error level", () => {
  const out = sink();
  const log = createLogger("info", { format: "pretty", out });
  log.info({ report: { interrupted: [] }, port: 7878, name: "two words" }, "reconciled");
  log.error({ err: new Error("boom") }, "sweep failed");
  const [first = "", second = ""] = out.lines;
  assert.match(
    first,
    /^\d\d:\d\d:\d\d\.\d{3} INFO {2}reconciled report=\{"interrupted":\[\]\} port=7878 name="two words"\n$/,
  );
  assert.match(second, /^\d\d:\d\d:\d\d\.\d{3} ERROR sweep failed err="Error: boom"\n {4}at /);
  assert.ok(!first.includes("\u001b["), "no colour unless asked");
  const colored = sink();
  createLogger("info", { format: "pretty", out: colored, color: true }).warn("careful");
  assert.ok(colored.lines[0]?.includes("\u001b[33mWARN \u001b[0m careful"));
});
