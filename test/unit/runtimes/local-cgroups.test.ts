import assert from "node:assert/strict";
import { test } from "node:test";
import { limitKinds, limitWrites, parseMounts } from "../../../src/runtimes/local/cgroups.ts";
import { pickUid } from "../../../src/runtimes/local/sandbox-meta.ts";

const limits = { memoryBytes: 268435456, pids: 128, cpuMillis: 1500, fileSizeBytes: 1, diskBytes: 1 };

void test("limit files for cgroup v1 and v2", () => {
  assert.deepEqual(limitWrites("cgroup-v1", "memory", limits), [
    ["memory.limit_in_bytes", "268435456"],
    ["memory.memsw.limit_in_bytes", "268435456"],
  ]);
  assert.deepEqual(limitWrites("cgroup-v1", "pids", limits), [["pids.max", "128"]]);
  assert.deepEqual(limitWrites("cgroup-v1", "cpu", limits), [
    ["cpu.cfs_period_us", "100000"],
    ["cpu.cfs_quota_us", "150000"],
  ]);
  assert.deepEqual(limitWrites("cgroup-v2", "memory", limits), [
    ["memory.max", "268435456"],
    ["memory.swap.max", "0"],
  ]);
  assert.deepEqual(limitWrites("cgroup-v2", "cpu", { ...limits, cpuMillis: 250 }), [["cpu.max", "25000 100000"]]);
});

void test("mount table parsing finds v1 controllers and the v2 mount", async () => {
  const text = [
    "tmpfs /sys/fs/cgroup tmpfs rw 0 0",
    "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,relatime,cpu,cpuacct 0 0",
    "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0",
    "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0",
  ].join("\n");
  const m = await parseMounts(text);
  assert.equal(m.v1.get("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  assert.equal(m.v1.get("memory"), "/sys/fs/cgroup/memory");
  assert.equal(m.v1.has("pids"), false);
  assert.equal(m.v2, "/sys/fs/cgroup/unified");
});

void test("each controller prefers v1, then v2, else none", () => {
  assert.deepEqual(limitKinds({ v1: { memory: "/m" }, v2: { mount: "/u", controllers: ["memory", "pids"] } }), {
    memory: "cgroup-v1",
    pids: "cgroup-v2",
    cpu: null,
  });
});

void test("pickUid avoids uids in use", () => {
  let n = 0;
  const seq = [0, 0, 0.5];
  const uid = pickUid(new Set([1000]), 1000, 10, () => seq[n++] ?? 0.9);
  assert.equal(uid, 1005);
  assert.throws(() => pickUid(new Set([1000]), 1000, 1), { code: "SANDBOX_LIMIT_REACHED" });
});
