/**
 * Exec through the pod `exec` subresource over WebSocket: `v5.channel.k8s.io` (stdin can be
 * closed), falling back to `v4.channel.k8s.io`. The thin I/O around exec-protocol.ts.
 */
import { randomUUID } from "node:crypto";
import type { RequestOptions } from "node:https";
import { PassThrough } from "node:stream";
import type { KubeConfig } from "@kubernetes/client-node";
import WebSocket from "ws";
import { C8sError } from "../../errors/index.ts";
import type { ExecEndReason, ExecProcess, ExecResult, TtySize } from "../types.ts";
import {
  CHANNEL,
  closeStdinFrame,
  EXEC_PROTOCOLS,
  execQuery,
  frame,
  isCommandNotFound,
  killCommand,
  parseExecStatus,
  resizeFrame,
  signalFromExitCode,
  wrapCommand,
  type ExecProtocol,
} from "./exec-protocol.ts";

export interface PodRef {
  namespace: string;
  pod: string;
  container: string;
}

export interface RawExecOptions {
  command: string[];
  stdin: boolean;
  tty: boolean;
}

/** Opens one exec WebSocket; resolves once the API server accepted it. */
export async function openExecSocket(
  kubeConfig: KubeConfig,
  ref: PodRef,
  options: RawExecOptions,
): Promise<{ socket: WebSocket; protocol: ExecProtocol }> {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) {
    throw new C8sError("RUNTIME_UNAVAILABLE", "the kubeconfig has no current cluster", {
      hint: "Set KUBECONFIG to a kubeconfig with a current context, or run c8s in-cluster.",
    });
  }
  const base = cluster.server.replace(/^http/, "ws").replace(/\/$/, "");
  const path = `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.pod)}/exec`;
  const url = `${base}${path}?${execQuery({ container: ref.container, ...options })}`;
  const wsOptions: WebSocket.ClientOptions & RequestOptions = { headers: {} };
  await kubeConfig.applyToHTTPSOptions(wsOptions);
  return await new Promise((resolve, reject) => {
    const socket = new WebSocket(url, [...EXEC_PROTOCOLS], wsOptions);
    socket.binaryType = "nodebuffer";
    socket.once("open", () => {
      const protocol = (EXEC_PROTOCOLS as readonly string[]).includes(socket.protocol)
        ? (socket.protocol as ExecProtocol)
        : "v4.channel.k8s.io";
      resolve({ socket, protocol });
    });
    socket.once("unexpected-response", (_request, response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        reject(
          Object.assign(new Error(`exec rejected with HTTP ${response.statusCode}`), {
            code: response.statusCode,
            body,
          }),
        );
      });
      response.on("error", reject);
    });
    socket.once("error", reject);
  });
}

export interface StartExecOptions {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  tty?: TtySize | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Starts a command in the pod and returns the running process. */
export async function startExec(kubeConfig: KubeConfig, ref: PodRef, options: StartExecOptions): Promise<ExecProcess> {
  const execId = randomUUID();
  const tty = options.tty !== undefined;
  const command = wrapCommand({
    execId,
    command: options.command,
    cwd: options.cwd,
    env: options.env,
    tty,
    size: options.tty,
  });
  const { socket, protocol } = await openExecSocket(kubeConfig, ref, { command, stdin: true, tty });
  if (options.tty !== undefined) socket.send(resizeFrame(options.tty));
  const started = Date.now();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let endReason: ExecEndReason | undefined;
  let statusText: string | undefined;

  const killer = async (signal: string): Promise<void> => {
    // A second exec signals the process group the wrapper recorded; then the stream closes.
    try {
      const kill = await openExecSocket(kubeConfig, ref, {
        command: killCommand(execId, signal),
        stdin: false,
        tty: false,
      });
      await new Promise<void>((resolve) => {
        kill.socket.once("close", () => resolve());
        kill.socket.once("error", () => resolve());
      });
    } catch {
      // The pod may be gone already: nothing left to kill.
    }
  };

  const kill = async (signal: NodeJS.Signals = "SIGKILL", reason: ExecEndReason = "killed"): Promise<void> => {
    endReason ??= reason;
    await killer(signal);
  };

  const timer =
    options.timeoutMs === undefined ? undefined : setTimeout(() => void kill("SIGKILL", "timeout"), options.timeoutMs);
  const onAbort = (): void => void kill("SIGKILL", "killed");
  if (options.signal?.aborted === true) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  socket.on("message", (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === CHANNEL.stdout) stdout.write(payload);
    else if (channel === CHANNEL.stderr) stderr.write(payload);
    else if (channel === CHANNEL.status) statusText = (statusText ?? "") + payload.toString("utf8");
  });

  const result = new Promise<ExecResult>((resolve) => {
    const finish = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      stdout.end();
      stderr.end();
      const durationMs = Date.now() - started;
      const outcome = resultFrom(statusText, endReason, durationMs);
      // Output streams end before the result settles.
      let pending = 2;
      const done = (): void => {
        pending -= 1;
        if (pending === 0) resolve(outcome);
      };
      for (const stream of [stdout, stderr]) {
        if (stream.readableEnded || stream.destroyed) done();
        else {
          stream.once("end", done);
          stream.once("close", done);
        }
      }
      setImmediate(() => {
        if (pending > 0) resolve(outcome);
      });
    };
    socket.once("close", finish);
  });

  const send = (buffer: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      if (socket.readyState !== WebSocket.OPEN) {
        reject(new C8sError("EXEC_FAILED", "the command has already ended; its stdin is closed"));
        return;
      }
      socket.send(buffer, (error) => (error ? reject(error) : resolve()));
    });

  return {
    stdout,
    stderr,
    writeStdin: (data) => send(frame(CHANNEL.stdin, data)),
    // v4 has no way to close one channel: the command sees EOF only when the exec ends.
    closeStdin: async () => {
      if (protocol === "v5.channel.k8s.io" && socket.readyState === WebSocket.OPEN) await send(closeStdinFrame());
    },
    resize: async (size) => {
      if (tty && socket.readyState === WebSocket.OPEN) await send(resizeFrame(size));
    },
    kill: (signal) => kill(signal ?? "SIGKILL", "killed"),
    result,
  };
}

function resultFrom(
  statusText: string | undefined,
  endReason: ExecEndReason | undefined,
  durationMs: number,
): ExecResult {
  if (statusText === undefined) {
    return { exitCode: null, signal: "SIGKILL", reason: endReason ?? "killed", durationMs };
  }
  const status = parseExecStatus(statusText);
  if (status.kind === "error") {
    if (isCommandNotFound(status.message)) return { exitCode: 127, signal: null, reason: "exit", durationMs };
    return { exitCode: null, signal: "SIGKILL", reason: endReason ?? "killed", durationMs };
  }
  const signal = signalFromExitCode(status.exitCode);
  if (endReason !== undefined) return { exitCode: null, signal: signal ?? "SIGKILL", reason: endReason, durationMs };
  if (signal !== null) return { exitCode: null, signal, reason: "signal", durationMs };
  return { exitCode: status.exitCode, signal: null, reason: "exit", durationMs };
}

/** Runs a command to completion with optional stdin bytes; collects its output. */
export async function runToCompletion(
  kubeConfig: KubeConfig,
  ref: PodRef,
  options: StartExecOptions & { input?: Uint8Array | undefined },
): Promise<{ result: ExecResult; stdout: Buffer; stderr: Buffer }> {
  const process = await startExec(kubeConfig, ref, options);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  process.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  process.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  if (options.input !== undefined) {
    const chunkSize = 256 * 1024;
    for (let offset = 0; offset < options.input.length; offset += chunkSize) {
      await process.writeStdin(options.input.subarray(offset, offset + chunkSize));
    }
  }
  await process.closeStdin().catch(() => undefined);
  const result = await process.result;
  return { result, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}
