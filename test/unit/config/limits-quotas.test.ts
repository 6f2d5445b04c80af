/** Rate-limit and team-quota settings: defaults, C8S_* variables, and refusals naming the variable. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { configFromEnv } from "../../../src/config/config.ts";
import { isC8sError } from "../../../src/errors/index.ts";

const home = { C8S_HOME: "/tmp/c8s-config-test" };

void test("defaults: 50 requests/s in bursts of 200, no team quotas", () => {
  const config = configFromEnv(home);
  assert.deepEqual(config.rateLimit, { requestsPerSecond: 50, burst: 200 });
  assert.deepEqual(config.teamQuotas, {});
});

void test("C8S_RATE_LIMIT_* and C8S_TEAM_MAX_* set them; RPS 0 turns the limit off", () => {
  const config = configFromEnv({
    ...home,
    C8S_RATE_LIMIT_RPS: "0.5",
    C8S_RATE_LIMIT_BURST: "3",
    C8S_TEAM_MAX_SANDBOXES: "10",
    C8S_TEAM_MAX_MEMORY_BYTES: String(8 * 1024 ** 3),
    C8S_TEAM_MAX_CPU_MILLIS: "4000",
    C8S_TEAM_MAX_RUNS: "2",
    C8S_TEAM_MAX_STORED_BYTES: String(10 * 1024 ** 3),
  });
  assert.deepEqual(config.rateLimit, { requestsPerSecond: 0.5, burst: 3 });
  assert.deepEqual(config.teamQuotas, {
    maxSandboxes: 10,
    maxMemoryBytes: 8 * 1024 ** 3,
    maxCpuMillis: 4000,
    maxRuns: 2,
    maxStoredBytes: 10 * 1024 ** 3,
  });
  assert.equal(configFromEnv({ ...home, C8S_RATE_LIMIT_RPS: "0" }).rateLimit.requestsPerSecond, 0);
});

void test("a bad value is CONFIG_INVALID naming its variable", () => {
  for (const [variable, value] of [
    ["C8S_RATE_LIMIT_RPS", "-1"],
    ["C8S_RATE_LIMIT_BURST", "0"],
    ["C8S_TEAM_MAX_RUNS", "many"],
    ["C8S_TEAM_MAX_MEMORY_BYTES", "0"],
    ["C8S_TEAM_MAX_STORED_BYTES", "-5"],
  ] as const)
    assert.throws(
      () => configFromEnv({ ...home, [variable]: value }),
      (e: unknown) => isC8sError(e) && e.code === "CONFIG_INVALID" && (e.hint ?? "").includes(variable),
      variable,
    );
});
