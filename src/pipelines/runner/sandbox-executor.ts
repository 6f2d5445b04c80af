/**
 * Runs each step attempt in a fresh sandbox of any `Runtime` (local bubblewrap, Docker,
 * Kubernetes) sharing the run's cloned workspace. Output is masked before it reaches any
 * sink; artifacts are collected after a successful attempt, before the sandbox goes away.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { C8sError } from "../../errors/index.ts";
import {
  type ExecResult,
  type NetworkSpec,
  type ResourceLimits,
  type Runtime,
  type RuntimeCapabilities,
  type SandboxHandle,
  shellCommand,
} from "../../runtimes/types.ts";
import { packDirectory } from "../../runtimes/files/host-tar.ts";
import type { ArtifactStore } from "./artifact-store.ts";
import { type CollectedArtifacts, collectArtifacts } from "./artifacts.ts";
import type { MaskingStream, SecretMasker } from "../../engine/masking.ts";
import type { PlannedStep } from "../spec/plan.ts";
import type { AttemptResult, StepAttempt, StepExecutor } from "./step-executor.ts";
import { OutputBuffer } from "../../engine/output-buffer.ts";
import { LogFile, logFileName, LogTail } from "./step-logs.ts";

export type WorkspaceHandOff = "bind" | "copy";

/** `bind` where the runtime can use a host directory as the workspace, else `copy`. */
export function workspaceHandOffFor(caps: RuntimeCapabilities): WorkspaceHandOff {
  return caps.hostWorkspace ? "bind" : "copy";
}

/** Copies the run's clone into a sandbox when it cannot be shared (hand-off `copy`). */
export async function handWorkspace(
  o: Pick<SandboxExecutorOptions, "runtime" | "workspaceDir" | "workdir" | "workspaceHandOff">,
  handle: SandboxHandle,
): Promise<void> {
  if (o.workspaceHandOff === "copy") await o.runtime.files.tarIn(handle, o.workdir, packDirectory(o.workspaceDir));
}

/** One masked chunk of a step's output. */
export interface StepOutputChunk {
  stream: "stdout" | "stderr";
  attempt: number;
  data: Buffer;
}

export type OutputListener = (source: string, stream: "stdout" | "stderr", masked: Buffer) => void;

export interface SandboxExecutorOptions {
  runtime: Runtime;
  /** Owner label of every sandbox (orphan clean-up lists by it). */
  owner: string;
  runId: string;
  /** Host directory holding the run's clone, handed to every step as its workspace. */
  workspaceDir: string;
  /**
   * How the clone reaches a step: `bind` shares the host directory (local, docker); `copy`
   * uploads it as a tar after create (kubernetes, where sandboxes run on other machines).
   */
  workspaceHandOff: WorkspaceHandOff;
  /** The workspace path inside sandboxes. */
  workdir: string;
  network: NetworkSpec;
  /** Honour step images (docker/kubernetes); false on the local runtime (host binaries). */
  useImages: boolean;
  /** Every secret value of the run, by name; a step gets only those it names. */
  secrets: Record<string, string>;
  /** CI variables for every step (CI, C8S_RUN_ID, C8S_COMMIT, …). */
  baseEnv: Record<string, string>;
  limits: ResourceLimits;
  masker: SecretMasker;
  logDir: string;
  artifacts?: { store: ArtifactStore; keyPrefix: string } | undefined;
  onOutput?: OutputListener | undefined;
  onArtifacts?: ((step: string, collected: CollectedArtifacts) => void) | undefined;
  /** Bytes of output kept per step for live readers (default 1 MiB). */
  bufferBytes?: number | undefined;
}

/** `'it''s'` quoting for /bin/sh. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * One shell script for a step: stop at the first failure, echo each command before it runs.
 * `umask 0000`: steps of a run share the workspace but may run as different uids (the local
 * runtime gives every sandbox its own), so what one step creates the next must be able to change.
 */
export function stepScript(commands: readonly string[]): string {
  const lines = ["set -e", "umask 0000"];
  for (const command of commands) lines.push(`printf '%s\\n' ${shellQuote(`+ ${command}`)}`, command);
  return `${lines.join("\n")}\n`;
}

/** A human reason for an exec that did not exit 0. */
export function describeExecEnd(result: ExecResult): string {
  switch (result.reason) {
    case "exit":
      return `exit code ${result.exitCode ?? "?"}`;
    case "signal":
      return `killed by ${result.signal ?? "a signal"}`;
    case "timeout":
      return "timed out";
    case "oom":
      return "out of memory (the step's memory limit was hit)";
    case "disk":
      return "out of disk (the step's sandbox went past its disk quota)";
    case "killed":
      return "killed";
  }
}

export function newSandboxId(): string {
  return `sbx_${randomBytes(10).toString("hex")}`;
}

/** Pipes a process's streams through per-stream maskers into the sinks; resolves when both end. */
export function pumpMasked(
  streams: { stdout: Readable; stderr: Readable },
  masker: SecretMasker,
  sink: (stream: "stdout" | "stderr", masked: Buffer) => void,
): Promise<void> {
  const pump = async (name: "stdout" | "stderr", readable: Readable, masking: MaskingStream) => {
    try {
      for await (const chunk of readable) sink(name, masking.write(chunk as Buffer));
    } finally {
      sink(name, masking.end());
    }
  };
  return Promise.all([
    pump("stdout", streams.stdout, masker.createStream()),
    pump("stderr", streams.stderr, masker.createStream()),
  ]).then(() => undefined);
}

export class SandboxStepExecutor implements StepExecutor {
  private readonly tails = new Map<string, LogTail>();
  private readonly buffers = new Map<string, OutputBuffer<StepOutputChunk>>();
  private readonly logs = new Map<string, LogFile>();

  constructor(private readonly options: SandboxExecutorOptions) {}

  /**
   * The step's masked output as sequenced chunks in a bounded buffer: live readers attach at
   * a cursor (`read(cursor)`) and resume without gaps — what the server's log streams will serve.
   * Ended by `endOutput` once the step is final (retries append to the same buffer).
   */
  output(step: string): OutputBuffer<StepOutputChunk> {
    let buffer = this.buffers.get(step);
    if (!buffer)
      this.buffers.set(
        step,
        (buffer = new OutputBuffer<StepOutputChunk>({
          maxBytes: this.options.bufferBytes ?? 1024 * 1024,
          sizeOf: (c) => c.data.length,
        })),
      );
    return buffer;
  }

  endOutput(step: string): void {
    const buffer = this.output(step);
    if (!buffer.isEnded) buffer.end();
  }

  /** The masked tail of a step's output (for failure summaries). */
  tail(step: string): LogTail {
    let tail = this.tails.get(step);
    if (!tail) this.tails.set(step, (tail = new LogTail()));
    return tail;
  }

  logPath(step: string): string {
    return join(this.options.logDir, logFileName(step));
  }

  private async log(step: string): Promise<LogFile> {
    let file = this.logs.get(step);
    if (!file) {
      file = new LogFile(this.logPath(step));
      this.logs.set(step, file);
      await file.open();
    }
    return file;
  }

  /** Flushes every log file. Call once the run ended. */
  async close(): Promise<void> {
    await Promise.all([...this.logs.values()].map((f) => f.close()));
  }

  private stepEnv(step: PlannedStep): Record<string, string> {
    const env: Record<string, string> = { ...this.options.baseEnv, ...step.env, C8S_STEP: step.name };
    for (const name of step.secrets) {
      const value = this.options.secrets[name];
      if (value === undefined)
        throw new C8sError("SECRET_NOT_FOUND", `step '${step.name}' needs secret ${name}, which was not given`, {
          details: { step: step.name, secret: name },
          hint: `Pass it with --secret ${name}=VALUE or --secret-file.`,
        });
      env[name] = value;
    }
    return env;
  }

  async runAttempt(step: PlannedStep, attempt: StepAttempt): Promise<AttemptResult> {
    const o = this.options;
    const log = await this.log(step.name);
    const tail = this.tail(step.name);
    const emit = (stream: "stdout" | "stderr", masked: Buffer) => {
      if (masked.length === 0) return;
      log.write(masked);
      tail.push(masked);
      const buffer = this.output(step.name);
      if (!buffer.isEnded) buffer.push({ stream, attempt: attempt.number, data: masked });
      o.onOutput?.(step.name, stream, masked);
    };
    if (attempt.number > 1) emit("stderr", Buffer.from(`--- attempt ${attempt.number} ---\n`));
    let handle: SandboxHandle | undefined;
    try {
      const env = this.stepEnv(step);
      handle = await o.runtime.create({
        id: newSandboxId(),
        owner: o.owner,
        image: o.useImages ? step.image : undefined,
        env,
        workdir: o.workdir,
        workspaceSource: o.workspaceHandOff === "bind" ? o.workspaceDir : undefined,
        mounts: [],
        network: o.network,
        limits: {
          ...o.limits,
          ...(step.memoryBytes === undefined ? {} : { memoryBytes: step.memoryBytes }),
          ...(step.cpuMillis === undefined ? {} : { cpuMillis: step.cpuMillis }),
        },
        labels: { "c8s.dev/run": o.runId, "c8s.dev/step": step.name.slice(0, 63), "c8s.dev/kind": "pipeline-step" },
      });
      if (attempt.signal.aborted) return { outcome: "failed", exitCode: null, reason: "cancelled" };
      await handWorkspace(o, handle);
      if (attempt.signal.aborted) return { outcome: "failed", exitCode: null, reason: "cancelled" };
      const process = await o.runtime.exec(handle, {
        command: shellCommand(stepScript(step.commands)),
        cwd: step.workdir === undefined ? o.workdir : `${o.workdir}/${step.workdir}`,
        timeoutMs: attempt.timeoutMs,
        signal: attempt.signal,
      });
      await process.closeStdin().catch(() => undefined);
      const [result] = await Promise.all([process.result, pumpMasked(process, o.masker, emit)]);
      if (result.reason !== "exit" || result.exitCode !== 0)
        return {
          outcome: "failed",
          exitCode: result.exitCode,
          reason: describeExecEnd(result),
          timedOut: result.reason === "timeout",
        };
      if (o.artifacts && step.artifacts.length > 0) {
        const collected = await collectArtifacts({
          files: o.runtime.files,
          handle,
          workdir: o.workdir,
          patterns: step.artifacts,
          store: o.artifacts.store,
          keyPrefix: [o.artifacts.keyPrefix, logFileName(step.name).replace(/\.log$/, "")].filter(Boolean).join("/"),
        });
        for (const missing of collected.missing)
          emit("stderr", Buffer.from(`warning: artifact '${missing}' matched no file\n`));
        o.onArtifacts?.(step.name, collected);
      }
      return { outcome: "succeeded", exitCode: 0 };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      emit("stderr", Buffer.from(`c8s: ${o.masker.maskString(message)}\n`));
      return { outcome: "failed", exitCode: null, reason: o.masker.maskString(message) };
    } finally {
      if (handle) await o.runtime.destroy(handle).catch(() => undefined);
    }
  }
}
