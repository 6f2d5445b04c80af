import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newId } from "../../../src/engine/ids.ts";
import { KeyedLock } from "../../../src/engine/keyed-lock.ts";
import type { SandboxCeilings } from "../../../src/engine/ceilings.ts";
import { type EnginePolicy, planSandbox, reapVerdict } from "../../../src/engine/sandbox-plan.ts";
import type { CreateSandboxInput } from "../../../src/engine/types.ts";
import { isC8sError } from "../../../src/errors/index.ts";
import { TEST_DEFAULTS } from "../../fixtures/engine-clock.ts";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const context = { id: "sbx_1", owner: "me", runtime: "local" as const, nowMs: NOW, defaults: TEST_DEFAULTS };

void describe("planSandbox", () => {
  void it("fills defaults: no network, /workspace, config limits and timeouts", () => {
    const { spec, record } = planSandbox({}, context);
    assert.deepEqual(spec, {
      id: "sbx_1",
      owner: "me",
      image: undefined,
      env: {},
      workdir: "/workspace",
      mounts: [],
      network: { mode: "none" },
      limits: {
        memoryBytes: TEST_DEFAULTS.memoryBytes,
        pids: TEST_DEFAULTS.pids,
        cpuMillis: TEST_DEFAULTS.cpuMillis,
        fileSizeBytes: TEST_DEFAULTS.fileSizeBytes,
        diskBytes: TEST_DEFAULTS.diskBytes,
      },
      labels: {},
    });
    assert.equal(record.state, "creating");
    assert.equal(record.createdAt, "2026-03-01T12:00:00.000Z");
    assert.equal(record.expiresAt, new Date(NOW + TEST_DEFAULTS.ttlMs).toISOString());
    assert.equal(record.idleTimeoutMs, TEST_DEFAULTS.idleTimeoutMs);
  });

  void it("uses the request's values and stores env names, never env values", () => {
    const { spec, record } = planSandbox(
      {
        image: "alpine:3",
        env: { TOKEN: "s3cret", A: "1" },
        labels: { team: "x" },
        ttlMs: 5000,
        idleTimeoutMs: 2000,
        network: "host",
        limits: { pids: 32 },
        workdir: "/src",
      },
      { ...context, caller: { admin: true } },
    );
    assert.equal(spec.env["TOKEN"], "s3cret");
    assert.deepEqual(spec.network, { mode: "host" });
    assert.equal(spec.limits.pids, 32);
    assert.equal(spec.limits.memoryBytes, TEST_DEFAULTS.memoryBytes);
    assert.deepEqual(record.spec["envNames"], ["A", "TOKEN"]);
    assert.ok(!JSON.stringify(record).includes("s3cret"));
    assert.equal(record.expiresAt, new Date(NOW + 5000).toISOString());
    assert.deepEqual(record.labels, { team: "x" });
  });
});

void describe("planSandbox: installation ceilings and the host-network policy", () => {
  const MiB = 1024 * 1024;
  const maxima: SandboxCeilings = {
    memoryBytes: 1024 * MiB,
    pids: 512,
    cpuMillis: 2000,
    diskBytes: 2048 * MiB,
    ttlMs: 24 * 3600_000,
    idleTimeoutMs: 3600_000,
    execTimeoutMs: 3600_000,
  };
  const policy: EnginePolicy = { maxima, hostNetwork: "admins" };
  const over: Array<[string, CreateSandboxInput, string, string]> = [
    ["memory", { limits: { memoryBytes: 1024 ** 4 } }, "limits.memoryBytes", "C8S_MAX_MEMORY_BYTES"],
    ["pids", { limits: { pids: 1_000_000 } }, "limits.pids", "C8S_MAX_PIDS"],
    ["cpu", { limits: { cpuMillis: 1_000_000 } }, "limits.cpuMillis", "C8S_MAX_CPU_MILLIS"],
    ["disk", { limits: { diskBytes: 4096 * MiB } }, "limits.diskBytes", "C8S_MAX_DISK_BYTES"],
    ["ttl", { ttlMs: 30 * 24 * 3600_000 }, "ttlMs", "C8S_MAX_TTL_MS"],
    ["idle timeout", { idleTimeoutMs: 2 * 3600_000 }, "idleTimeoutMs", "C8S_MAX_IDLE_TIMEOUT_MS"],
  ];
  for (const [name, input, field, setting] of over)
    void it(`refuses ${name} over its ceiling with LIMIT_EXCEEDED naming field, ceiling and setting`, () => {
      assert.throws(
        () => planSandbox(input, { ...context, policy }),
        (error: unknown) => {
          assert.ok(isC8sError(error) && error.code === "LIMIT_EXCEEDED", String(error));
          assert.equal(error.details["field"], field);
          const [exceeded] = error.details["exceeded"] as { ceiling: number; setting: string; requested: number }[];
          assert.equal(exceeded?.setting, setting);
          assert.ok(error.message.includes(field) && error.message.includes(setting), error.message);
          assert.ok(error.hint?.includes(setting));
          return true;
        },
      );
    });

  void it("accepts values at the ceiling and names every field over it at once", () => {
    const { spec } = planSandbox({ limits: { memoryBytes: maxima.memoryBytes, pids: 512 } }, { ...context, policy });
    assert.equal(spec.limits.memoryBytes, maxima.memoryBytes);
    assert.throws(
      () => planSandbox({ limits: { memoryBytes: 2 * maxima.memoryBytes, pids: 513 } }, { ...context, policy }),
      (error: unknown) =>
        isC8sError(error) &&
        (error.details["exceeded"] as unknown[]).length === 2 &&
        /limits\.pids/.test(error.message),
    );
  });

  const network: Array<[string, EnginePolicy["hostNetwork"], boolean, boolean]> = [
    ["an admin under 'admins'", "admins", true, true],
    ["a non-admin under 'admins'", "admins", false, false],
    ["an admin under 'never'", "never", true, false],
    ["a non-admin under 'never'", "never", false, false],
  ];
  for (const [who, hostNetwork, admin, allowed] of network)
    void it(`network host for ${who}: ${allowed ? "allowed" : "PERMISSION_DENIED"}`, () => {
      const plan = () =>
        planSandbox({ network: "host" }, { ...context, policy: { maxima, hostNetwork }, caller: { admin } });
      if (allowed) assert.deepEqual(plan().spec.network, { mode: "host" });
      else
        assert.throws(plan, (error: unknown) => {
          assert.ok(isC8sError(error) && error.code === "PERMISSION_DENIED");
          assert.ok(error.message.includes("C8S_ALLOW_HOST_NETWORK"));
          return true;
        });
    });

  void it("an unnamed caller has no host network; network none needs no privilege", () => {
    assert.throws(() => planSandbox({ network: "host" }, context), /C8S_ALLOW_HOST_NETWORK/);
    assert.deepEqual(planSandbox({}, { ...context, policy }).spec.network, { mode: "none" });
  });
});

void describe("reapVerdict", () => {
  const base = {
    state: "running" as const,
    expiresAt: new Date(NOW + 10_000).toISOString(),
    lastActivityAt: new Date(NOW).toISOString(),
    idleTimeoutMs: 4000,
  };

  void it("waits for the earlier of TTL and idle deadlines", () => {
    assert.deepEqual(reapVerdict(base, NOW + 1000, false), { action: "wait", untilMs: NOW + 4000 });
  });

  void it("reaps idle sandboxes, and TTL first when both passed", () => {
    assert.deepEqual(reapVerdict(base, NOW + 4000, false), { action: "reap", reason: "idle" });
    assert.deepEqual(reapVerdict(base, NOW + 10_000, false), { action: "reap", reason: "ttl" });
  });

  void it("a running exec counts as activity, but not against the TTL", () => {
    assert.deepEqual(reapVerdict(base, NOW + 5000, true), { action: "wait", untilMs: NOW + 10_000 });
    assert.deepEqual(reapVerdict(base, NOW + 10_000, true), { action: "reap", reason: "ttl" });
  });

  void it("ignores sandboxes that are not running, and never-expiring ones", () => {
    assert.deepEqual(reapVerdict({ ...base, state: "stopping" }, NOW + 99_999, false), { action: "none" });
    assert.deepEqual(reapVerdict({ ...base, expiresAt: null, idleTimeoutMs: null }, NOW, false), { action: "none" });
  });
});

void describe("ids and the keyed lock", () => {
  void it("ids are prefixed, label-safe and sort by time", () => {
    const a = newId("sbx", NOW);
    const b = newId("sbx", NOW + 1);
    assert.match(a, /^sbx_[0-9a-z]{22}$/);
    assert.ok(a.slice(0, 14) < b.slice(0, 14));
    assert.notEqual(newId("exec", NOW), newId("exec", NOW));
  });

  void it("runs work for one key one at a time, other keys in parallel, and survives failures", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = lock.run("a", async () => {
      log.push("a1 start");
      await gate;
      log.push("a1 end");
      throw new Error("a1 failed");
    });
    const second = lock.run("a", async () => void log.push("a2"));
    await lock.run("b", async () => void log.push("b"));
    release();
    await assert.rejects(first, /a1 failed/);
    await second;
    assert.deepEqual(log, ["a1 start", "b", "a1 end", "a2"]);
  });
});
