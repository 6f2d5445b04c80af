/**
 * Conformance cases for resource limits seen from inside: a disk quota that holds in the
 * workspace and in /tmp, and an OOM kill reported as `oom` even when a shell stands between
 * the exec and the process the kernel killed (every pipeline step runs under `sh -c`).
 */
import assert from "node:assert/strict";
import type { SandboxExit } from "../types.ts";
import type { ConformanceCase, ConformanceContext } from "./context.ts";
import { run } from "./helpers.ts";

const MiB = 1024 * 1024;
const QUOTA = 16 * MiB;

/**
 * Writes twice the quota into `dir`. Passes when the write fails with ENOSPC inside (local,
 * docker) or the runtime ends the sandbox with reason `disk` (a kubelet evicts the pod).
 */
async function writePastQuota(ctx: ConformanceContext, where: "workspace" | "/tmp"): Promise<void> {
  const { handle, spec } = await ctx.create({ limits: { ...ctx.makeSpec().limits, diskBytes: QUOTA } });
  const dir = where === "/tmp" ? "/tmp" : spec.workdir;
  const exit = ctx.runtime.waitExit(handle);
  const r = await run(ctx.runtime, handle, {
    command: [
      "/bin/sh",
      "-c",
      `dd if=/dev/zero of="$1/fill" bs=1048576 count=${(2 * QUOTA) / MiB} 2>&1; s=$?; sync; exit $s`,
      "fill",
      dir,
    ],
    timeoutMs: 60_000,
  });
  if (r.result.reason === "exit" && r.result.exitCode !== 0) {
    assert.match(r.out + r.err, /No space left on device/i, `expected ENOSPC, got: ${r.out}${r.err}`);
    // The sandbox keeps working, and the file holds no more than the quota.
    const size = await run(ctx.runtime, handle, { command: ["/bin/sh", "-c", `wc -c < "$1/fill"`, "size", dir] });
    assert.equal(size.result.exitCode, 0, size.err);
    assert.ok(Number(size.out.trim()) <= QUOTA, `wrote ${size.out.trim()} bytes past a ${QUOTA}-byte quota`);
    return;
  }
  // No ENOSPC: the runtime must end the sandbox for it instead.
  const ended = await Promise.race([
    exit,
    new Promise<SandboxExit | null>((resolve) => setTimeout(() => resolve(null), 90_000).unref()),
  ]);
  assert.equal(
    ended?.reason,
    "disk",
    `a write of twice the quota into ${where} neither failed with ENOSPC nor ended the sandbox with reason disk (exec ${r.result.reason} ${r.result.exitCode}; ${r.out}${r.err})`,
  );
}

export const limitsCases: ConformanceCase[] = [
  {
    name: "disk: writing past diskBytes in the workspace fails with ENOSPC or ends the sandbox with reason disk",
    run: (ctx) => writePastQuota(ctx, "workspace"),
  },
  {
    name: "disk: writing past diskBytes in /tmp fails with ENOSPC or ends the sandbox with reason disk",
    run: (ctx) => writePastQuota(ctx, "/tmp"),
  },
  {
    name: "exec: a memory hog under `sh -c` is reported as oom",
    run: async (ctx) => {
      const { handle } = await ctx.create({ limits: { ...ctx.makeSpec().limits, memoryBytes: 64 * MiB } });
      // `tail -c N` keeps the last N bytes in memory: 256 MiB in a 64 MiB sandbox. The shell
      // outlives it (it echoes after), so the exec itself ends with the shell's `exit 137`.
      const r = await run(ctx.runtime, handle, {
        command: [
          "/bin/sh",
          "-c",
          "head -c 268435456 /dev/zero | tail -c 268435456 > /dev/null; s=$?; echo status $s; exit $s",
        ],
        timeoutMs: 60_000,
      });
      assert.equal(r.result.reason, "oom", `expected oom, got ${JSON.stringify(r.result)}: ${r.out}${r.err}`);
      const after = await run(ctx.runtime, handle, { command: ["/bin/sh", "-c", "echo alive"] });
      assert.equal(after.out.trim(), "alive", "the sandbox survives an OOM kill of one of its processes");
    },
  },
];
