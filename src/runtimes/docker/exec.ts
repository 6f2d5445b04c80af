/**
 * One exec in a sandbox container: `POST /containers/{id}/exec` + hijacked start (stdin in,
 * multiplexed stdout/stderr out), exit code from exec inspect, resize for TTYs.
 *
 * Killing the whole process tree: Docker has no "kill exec" call. Every exec carries a
 * marker variable (C8S_EXEC=<random>); a second exec walks /proc and signals every process
 * (and its process group) whose environment holds the marker. Children inherit it, so the
 * tree dies even when members started their own sessions.
 */
import { randomBytes } from "node:crypto";
import { constants as osConstants } from "node:os";
import { PassThrough, type Duplex } from "node:stream";
import type Docker from "dockerode";
import type { ExecEndReason, ExecProcess, ExecRequest, ExecResult, TtySize } from "../types.ts";
import { DockerDemuxer } from "./demux.ts";
import { translateDockerError } from "./errors.ts";

export const EXEC_MARKER_VAR = "C8S_EXEC";

export interface ExecContext {
  docker: Docker;
  dockerHost: string;
  sandboxId: string;
  containerId: string;
  workdir: string;
  /** True when the sandbox's OOM counter rose since it was last read (exit 137 check). */
  oomSinceLastCheck: () => Promise<boolean>;
  /** True once the sandbox was destroyed through c8s: its running execs end as `killed`. */
  destroyed: () => boolean;
}

/**
 * The script of the kill exec: signals every process carrying the marker, and its group.
 * The tree is stopped first, then signalled, then continued: /proc lists pids in text order
 * (100 before 99), so signalling one by one could kill a shell's children before the shell,
 * whose `wait` then returns and exits 0 — a timed-out exec would look like a clean exit.
 */
export function killScript(marker: string, signal: string): string[] {
  const each = (sig: string) =>
    `for p in $pids; do kill -s ${sig} -- "-$p" 2>/dev/null; kill -s ${sig} "$p" 2>/dev/null; done; `;
  const script =
    'pids=; for d in /proc/[0-9]*; do p=${d#/proc/}; [ "$p" = "$$" ] && continue; ' +
    `if tr '\\000' '\\n' < "$d/environ" 2>/dev/null | grep -qx "${EXEC_MARKER_VAR}=$1"; then ` +
    'pids="$pids $p"; fi; done; ' +
    each("STOP") +
    each('"$2"') +
    each("CONT") +
    "exit 0";
  return ["/bin/sh", "-c", script, "c8s-kill", marker, signal.replace(/^SIG/, "")];
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(osConstants.signals).map(([name, num]) => [num, name]));

/** How an exec ended, from its exit code and what c8s did to it. Pure. */
export function execOutcome(
  exitCode: number | null,
  killedAs: { reason: "timeout" | "killed"; signal: string } | undefined,
  oom: boolean,
): Pick<ExecResult, "exitCode" | "signal" | "reason"> {
  if (killedAs !== undefined && (exitCode === null || exitCode > 128))
    return { exitCode: null, signal: killedAs.signal, reason: killedAs.reason };
  if (exitCode === null) return { exitCode: null, signal: "SIGKILL", reason: "killed" };
  if (exitCode === 137 && oom) return { exitCode: null, signal: "SIGKILL", reason: "oom" };
  // Docker reports death by signal N as 128+N; a shell reports `exit 128+N` the same way.
  const name = exitCode > 128 && exitCode < 128 + 65 ? SIGNAL_NAMES.get(exitCode - 128) : undefined;
  if (name !== undefined) return { exitCode: null, signal: name, reason: "signal" };
  return { exitCode, signal: null, reason: "exit" };
}

/**
 * Docker 20.10 (API < 1.42) cannot size an exec's terminal at creation, and a resize after
 * start races the program's first read of the size. So a TTY exec first sets its own size.
 */
export function ttyCommand(command: string[], size: TtySize | undefined): string[] {
  if (size === undefined) return command;
  const script = 'stty rows "$1" cols "$2" 2>/dev/null; shift 2; exec "$@"';
  return ["/bin/sh", "-c", script, "c8s-tty", String(size.rows), String(size.cols), ...command];
}

/** The engine's message for an exec whose program does not exist (reported as exit 127, like a shell). */
export function isStartFailureNotFound(output: string): boolean {
  return /OCI runtime exec failed/.test(output) && /executable file not found|no such file or directory/.test(output);
}

/** Podman answers an exec resize with 201 where dockerd answers 200; dockerode rejects any code but 200. */
export function isSuccessStatus(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === "number" && status >= 200 && status < 300;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startExec(ctx: ExecContext, request: ExecRequest): Promise<ExecProcess> {
  const started = Date.now();
  const marker = randomBytes(8).toString("hex");
  const env = [...Object.entries(request.env ?? {}).map(([k, v]) => `${k}=${v}`), `${EXEC_MARKER_VAR}=${marker}`];
  const container = ctx.docker.getContainer(ctx.containerId);
  const fail = (action: string) => (error: unknown) => {
    throw translateDockerError(error, {
      action,
      dockerHost: ctx.dockerHost,
      sandboxId: ctx.sandboxId,
      notFound: "SANDBOX_NOT_FOUND",
    });
  };
  const tty = request.tty !== undefined;
  const exec = await container
    .exec({
      Cmd: tty ? ttyCommand(request.command, request.tty) : request.command,
      Env: env,
      WorkingDir: request.cwd ?? ctx.workdir,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
    })
    .catch(fail(`create an exec in sandbox ${ctx.sandboxId}`));
  const socket = (await exec
    .start({ hijack: true, stdin: true, Tty: tty })
    .catch(fail(`start an exec in sandbox ${ctx.sandboxId}`))) as Duplex;

  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const demuxer = new DockerDemuxer();
  // The engine reports a failed start ("OCI runtime exec failed: … not found") in the output, exit 126.
  let head = "";
  socket.on("data", (chunk: Buffer) => {
    if (head.length < 512) head += chunk.toString("latin1");
    if (tty) {
      stdout.write(chunk);
      return;
    }
    try {
      for (const frame of demuxer.push(chunk)) (frame.stream === "stdout" ? stdout : stderr).write(frame.data);
    } catch (error) {
      stderr.write(`c8s: ${(error as Error).message}\n`);
    }
  });
  const outputEnded = new Promise<void>((resolve) => {
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      stdout.end();
      stderr.end();
      resolve();
    };
    socket.once("end", end);
    socket.once("close", end);
    socket.once("error", end);
  });

  let killedAs: { reason: "timeout" | "killed"; signal: string } | undefined;
  const sendSignal = async (signal: string): Promise<void> => {
    const killer = await container.exec({ Cmd: killScript(marker, signal), AttachStdout: true, AttachStderr: true });
    const stream = (await killer.start({ hijack: true, stdin: false })) as Duplex;
    stream.resume();
    await new Promise<void>((resolve) => {
      stream.once("end", resolve);
      stream.once("close", resolve);
      stream.once("error", () => resolve());
    });
  };
  let finished = false;
  const killFor = async (reason: "timeout" | "killed", signal: string): Promise<void> => {
    if (finished) return;
    killedAs ??= { reason, signal };
    await sendSignal(signal).catch(() => undefined);
  };

  const timer =
    request.timeoutMs === undefined
      ? undefined
      : setTimeout(() => void killFor("timeout", "SIGKILL"), request.timeoutMs);
  const onAbort = () => void killFor("killed", "SIGKILL");
  if (request.signal?.aborted) onAbort();
  else request.signal?.addEventListener("abort", onAbort, { once: true });

  if (request.tty !== undefined) await exec.resize({ h: request.tty.rows, w: request.tty.cols }).catch(() => undefined);

  const result = (async (): Promise<ExecResult> => {
    await outputEnded;
    let exitCode: number | null = null;
    for (let attempt = 0; attempt < 200; attempt++) {
      const info = await exec.inspect().catch(() => undefined);
      if (info === undefined) break; // the container (and its execs) are gone
      if (!info.Running) {
        exitCode = info.ExitCode;
        break;
      }
      await sleep(Math.min(5 * (attempt + 1), 50));
    }
    finished = true;
    if (killedAs === undefined && ctx.destroyed()) killedAs = { reason: "killed", signal: "SIGKILL" };
    if (timer !== undefined) clearTimeout(timer);
    request.signal?.removeEventListener("abort", onAbort);
    const oom = exitCode === 137 && killedAs === undefined ? await ctx.oomSinceLastCheck().catch(() => false) : false;
    if (exitCode === 126 && isStartFailureNotFound(head)) exitCode = 127;
    const outcome = execOutcome(exitCode, killedAs, oom);
    return { ...outcome, durationMs: Date.now() - started };
  })();

  return {
    stdout,
    stderr,
    writeStdin: (data) =>
      new Promise<void>((resolve, reject) => {
        if (socket.writableEnded || socket.destroyed) {
          resolve();
          return;
        }
        socket.write(typeof data === "string" ? Buffer.from(data) : data, (error) =>
          error ? reject(error) : resolve(),
        );
      }),
    closeStdin: async () => {
      if (!socket.writableEnded && !socket.destroyed) socket.end();
    },
    resize: async (size: TtySize) => {
      if (!tty) return;
      await exec.resize({ h: size.rows, w: size.cols }).catch((error: unknown) => {
        if (!isSuccessStatus(error)) fail(`resize a terminal in sandbox ${ctx.sandboxId}`)(error);
      });
    },
    kill: async (signal: NodeJS.Signals = "SIGKILL") => {
      if (signal === "SIGKILL") await killFor("killed", signal);
      else if (!finished) await sendSignal(signal).catch(() => undefined);
    },
    result,
  };
}

export type { ExecEndReason };
