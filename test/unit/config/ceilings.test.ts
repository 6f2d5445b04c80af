import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configFromEnv, hostCeilings, parseConfig } from "../../../src/config/config.ts";
import { isC8sError } from "../../../src/errors/index.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

void describe("installation ceilings (C8S_MAX_*)", () => {
  void it("default from the host: half its memory, every core, 4096 pids, 10 GiB disk, a day", () => {
    const table: Array<[{ memoryBytes: number; cpus: number }, number, number]> = [
      [{ memoryBytes: 24 * GiB, cpus: 2 }, 12 * GiB, 2000],
      [{ memoryBytes: 256 * GiB, cpus: 64 }, 128 * GiB, 64_000],
      // A tiny host still admits the default sandbox (512 MiB).
      [{ memoryBytes: 512 * MiB, cpus: 1 }, 512 * MiB, 1000],
    ];
    for (const [host, memory, cpu] of table) {
      const ceilings = hostCeilings(host);
      assert.equal(ceilings.memoryBytes, memory);
      assert.equal(ceilings.cpuMillis, cpu);
      assert.equal(ceilings.pids, 4096);
      assert.equal(ceilings.diskBytes, 10 * GiB);
      assert.equal(ceilings.ttlMs, 24 * 3600_000);
      assert.equal(ceilings.execTimeoutMs, 24 * 3600_000);
    }
  });

  void it("every default is within its ceiling on this host; host network is for admins", () => {
    const config = parseConfig({ home: "/tmp/x" });
    for (const [name, ceiling] of Object.entries(config.maxima))
      assert.ok(config.defaults[name as keyof typeof config.defaults] <= ceiling, name);
    assert.equal(config.hostNetwork, "admins");
    assert.equal(config.defaults.diskBytes, GiB);
  });

  void it("reads C8S_MAX_* and C8S_ALLOW_HOST_NETWORK from the environment", () => {
    const config = configFromEnv({
      C8S_HOME: "/tmp/x",
      C8S_MAX_MEMORY_BYTES: String(2 * GiB),
      C8S_MAX_PIDS: "1024",
      C8S_MAX_CPU_MILLIS: "1500",
      C8S_MAX_DISK_BYTES: String(4 * GiB),
      C8S_MAX_TTL_MS: "7200000",
      C8S_MAX_IDLE_TIMEOUT_MS: "3600000",
      C8S_MAX_EXEC_TIMEOUT_MS: "3600000",
      C8S_ALLOW_HOST_NETWORK: "never",
    });
    assert.deepEqual(config.maxima, {
      memoryBytes: 2 * GiB,
      pids: 1024,
      cpuMillis: 1500,
      diskBytes: 4 * GiB,
      ttlMs: 7_200_000,
      idleTimeoutMs: 3_600_000,
      execTimeoutMs: 3_600_000,
    });
    assert.equal(config.hostNetwork, "never");
  });

  const invalid: Array<[string, NodeJS.ProcessEnv, string, string]> = [
    [
      "a ceiling below the default memory",
      { C8S_MAX_MEMORY_BYTES: String(64 * MiB) },
      "defaults.memoryBytes",
      "C8S_MAX_MEMORY_BYTES",
    ],
    ["a ceiling below the default ttl", { C8S_MAX_TTL_MS: "60000" }, "defaults.ttlMs", "C8S_MAX_TTL_MS"],
    [
      "a ceiling below the default disk",
      { C8S_MAX_DISK_BYTES: String(MiB) },
      "defaults.diskBytes",
      "C8S_MAX_DISK_BYTES",
    ],
    ["a ceiling that is not a number", { C8S_MAX_PIDS: "lots" }, "maxima.pids", "C8S_MAX_PIDS"],
    ["an unknown host-network policy", { C8S_ALLOW_HOST_NETWORK: "everyone" }, "hostNetwork", "C8S_ALLOW_HOST_NETWORK"],
  ];
  for (const [name, env, field, setting] of invalid)
    void it(`refuses ${name} (CONFIG_INVALID naming ${setting})`, () => {
      assert.throws(
        () => configFromEnv({ C8S_HOME: "/tmp/x", ...env }),
        (error: unknown) => {
          assert.ok(isC8sError(error) && error.code === "CONFIG_INVALID", String(error));
          assert.equal(error.details["field"], field);
          assert.ok(`${error.message} ${error.hint ?? ""}`.includes(setting), `${error.message} / ${error.hint}`);
          return true;
        },
      );
    });
});
