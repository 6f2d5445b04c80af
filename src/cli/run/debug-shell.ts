/**
 * `c8s run --debug`: when a step failed, a shell opens in its kept sandbox (its workspace,
 * env and the run's services) before `c8s run` ends and removes everything. On a terminal
 * it is a PTY; otherwise the shell reads commands from stdin (scripts, CI, tests).
 */
import type { ExecInput, ExecSession } from "../../engine/types.ts";
import type { LocalRunResult } from "../../pipelines/runner/run-pipeline.ts";
import { bridgeTerminal, terminalSize } from "../terminal.ts";
import type { PipelineCommandIo } from "./cli-io.ts";

/** Opens the shell in the first kept step's sandbox; resolves to the shell's exit code, or null if none. */
export async function debugKeptStep(
  io: PipelineCommandIo,
  sandboxes: { exec(sandboxId: string, input: ExecInput): Promise<ExecSession> },
  result: LocalRunResult,
): Promise<number | null> {
  const step = result.steps.find((s) => result.kept[s.name] !== undefined);
  const kept = step === undefined ? undefined : result.kept[step.name];
  const stdin = io.stdin;
  if (step === undefined || kept === undefined) return null;
  if (stdin === undefined) {
    io.stderr.write(`step '${step.name}' failed; its sandbox ${kept.sandboxId} is kept until c8s run exits\n`);
    return null;
  }
  const others = Object.keys(result.kept).filter((name) => name !== step.name);
  io.stderr.write(
    `\nstep '${step.name}' failed: a shell opens in its sandbox (workspace, env and services as the step had them).` +
      `${others.length > 0 ? ` Also failed: ${others.join(", ")}.` : ""} Exit the shell to end the run.\n`,
  );
  const tty = stdin.isTTY === true;
  const session = await sandboxes.exec(kept.sandboxId, {
    command: ["/bin/sh"],
    stdin: true,
    ...(tty ? { tty: terminalSize(io), env: io.env["TERM"] ? { TERM: io.env["TERM"] } : {} } : {}),
  });
  const printed = (async () => {
    for await (const chunk of session.output(0)) (chunk.stream === "stderr" ? io.stderr : io.stdout).write(chunk.data);
  })();
  const terminal = { sendInput: (d: Buffer | string) => session.writeStdin(d), resize: session.resize.bind(session) };
  let outcome;
  if (tty)
    outcome = await bridgeTerminal(
      { stdin, stdout: io.stdout, onSignal: io.onSignal ?? (() => () => {}) },
      terminal,
      session.done,
    );
  else {
    const onData = (chunk: Buffer | string) => void session.writeStdin(chunk).catch(() => undefined);
    const onEnd = () => void session.closeStdin().catch(() => undefined);
    stdin.on("data", onData);
    stdin.once("end", onEnd);
    stdin.resume();
    try {
      outcome = await session.done;
    } finally {
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.pause();
    }
  }
  await printed.catch(() => undefined);
  return outcome.exitCode ?? 1;
}
