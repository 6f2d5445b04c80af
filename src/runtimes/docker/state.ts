/** Pure readings of Docker state: container end reasons, cgroup OOM counters. */
import type { ExecProcess, SandboxExit } from "../types.ts";

export interface ContainerStateLike {
  OOMKilled?: boolean;
  ExitCode?: number;
  Error?: string;
  Status?: string;
}

/** Why a container ended on its own (not through destroy). */
export function terminationFromState(state: ContainerStateLike): SandboxExit {
  if (state.OOMKilled === true) return { reason: "oom", message: "the memory limit was hit" };
  if (state.Error !== undefined && state.Error !== "") return { reason: "error", message: state.Error };
  const code = state.ExitCode ?? 0;
  if (code > 128 && code < 128 + 65)
    return { reason: "signal", message: `the sandbox's init died of signal ${code - 128}` };
  return { reason: "exit", message: `the sandbox's init exited with code ${code}` };
}

export { parseOomKills } from "../cgroup-oom.ts";

/** Collects an exec to the end (output as text). */
export async function finishExec(
  proc: ExecProcess,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const read = async (stream: NodeJS.ReadableStream): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks).toString("utf8");
  };
  const [stdout, stderr, result] = await Promise.all([read(proc.stdout), read(proc.stderr), proc.result]);
  return { exitCode: result.exitCode, stdout, stderr };
}
