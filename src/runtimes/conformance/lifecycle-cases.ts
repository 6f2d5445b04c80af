/** Lifecycle, ownership and isolation semantics every runtime must share. */
import assert from "node:assert/strict";
import { shellCommand } from "../types.ts";
import type { ConformanceCase } from "./context.ts";
import { finish, rejectsWithCode, run, sh } from "./helpers.ts";

export const lifecycleCases: ConformanceCase[] = [
  {
    name: "lifecycle: destroy while an exec runs ends it with reason killed",
    async run({ runtime, create }) {
      const { handle } = await create();
      const proc = await runtime.exec(handle, { command: shellCommand("echo up; sleep 600") });
      const done = finish(proc);
      await new Promise<void>((resolve) => proc.stdout.once("data", () => resolve()));
      await runtime.destroy(handle);
      assert.equal((await done).result.reason, "killed");
      assert.equal((await runtime.waitExit(handle)).reason, "killed");
    },
  },
  {
    name: "lifecycle: double destroy is a no-op and exec after destroy fails",
    async run({ runtime, create }) {
      const { handle } = await create();
      await runtime.destroy(handle);
      await runtime.destroy(handle);
      await rejectsWithCode(runtime.exec(handle, { command: ["true"] }), ["SANDBOX_NOT_RUNNING", "SANDBOX_NOT_FOUND"]);
      await rejectsWithCode(runtime.files.read(handle, "x"), ["SANDBOX_NOT_RUNNING", "SANDBOX_NOT_FOUND"]);
    },
  },
  {
    name: "lifecycle: listOwned finds what create made and not after destroy",
    async run({ runtime, create }) {
      const owner = `c8s-conf-owner-${Date.now().toString(36)}`;
      const { handle, spec } = await create({ owner });
      const found = await runtime.listOwned(owner);
      assert.deepEqual(
        found.map((o) => o.id),
        [spec.id],
      );
      assert.equal(found[0]?.handle.id, spec.id);
      await runtime.destroy(found[0]?.handle ?? handle);
      assert.deepEqual(await runtime.listOwned(owner), []);
    },
  },
  {
    name: "isolation: no network interface but loopback when network is off",
    async run({ runtime, shared }) {
      const out = await sh(runtime, shared, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
      assert.deepEqual(out.split("\n").filter(Boolean), ["lo"]);
    },
  },
  {
    name: "isolation: host processes are not visible",
    async run({ runtime, create }) {
      const { handle } = await create();
      const comms = (await sh(runtime, handle, "cat /proc/[0-9]*/comm")).split("\n").filter(Boolean);
      assert.ok(comms.length < 10, `a fresh sandbox sees ${comms.length} processes: ${comms.join(",")}`);
      assert.ok(!comms.includes("node"), "the host's node process is visible");
    },
  },
  {
    name: "isolation: writes outside the workdir and /tmp fail",
    async run({ runtime, shared }) {
      for (const target of ["/etc/c8s-evil", "/usr/c8s-evil", "/c8s-evil"]) {
        const r = await run(runtime, shared, { command: shellCommand(`echo x > ${target}`) });
        assert.notEqual(r.result.exitCode, 0, `writing ${target} succeeded`);
      }
      await sh(runtime, shared, "echo x > ./w-ok && echo x > /tmp/w-ok");
    },
  },
];
