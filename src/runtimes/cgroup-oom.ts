/**
 * Reading a container's OOM-kill counter from inside it, for runtimes that reach the sandbox
 * only through execs (docker with a remote DOCKER_HOST, kubernetes): an exec that ended with
 * SIGKILL (or a shell's `exit 137`) is `oom` when the counter rose since it was last read.
 * Pure; the runtimes run the command.
 */
import type { ExecResult } from "./types.ts";

/** Prints the container's own memory cgroup events (v2) or OOM control (v1). */
export const OOM_COUNTER_COMMAND = [
  "/bin/sh",
  "-c",
  "cat /sys/fs/cgroup/memory.events 2>/dev/null || cat /sys/fs/cgroup/memory/memory.oom_control",
];

/**
 * The OOM-kill count from cgroup v2 `memory.events` (`oom_kill N`) or cgroup v1
 * `memory.oom_control` (`oom_kill N`, kernel ≥ 4.13). Null when neither says.
 */
export function parseOomKills(text: string): number | null {
  const match = /^oom_kill (\d+)$/m.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** Whether an exec ended the way an OOM kill ends it: SIGKILL, or a shell reporting 128+9. */
export function endedLikeOom(result: Pick<ExecResult, "reason" | "exitCode" | "signal">): boolean {
  return (
    (result.reason === "signal" && result.signal === "SIGKILL") || (result.reason === "exit" && result.exitCode === 137)
  );
}

/** The result as `oom` when it ended like one and the counter rose past `before`. */
export function classifyOom(result: ExecResult, before: number, after: number | null): ExecResult {
  if (!endedLikeOom(result) || after === null || after <= before) return result;
  return { ...result, exitCode: null, signal: "SIGKILL", reason: "oom" };
}
