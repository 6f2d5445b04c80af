/**
 * Runs each step attempt in a fresh sandbox the engine creates (purpose `step`) sharing the
 * run's cloned workspace. The engine masks the exec's output before any sink sees it; the
 * step's log is that output. Artifacts are collected after a successful attempt, before the
 * sandbox goes away — text masked, and an artifact showing a secret where it cannot be masked
 * refused, which fails the step (`artifact 'X' contains secret NAME`); a failed attempt's
 * sandbox is kept when the run asked to debug it.
 */
import { join } from "node:path";
import { C8sError } from "../../errors/index.ts";
import {
  type ExecResult,
  type NetworkSpec,
  type ResourceLimits,
  type RuntimeCapabilities,
  shellCommand,
} from "../../runtimes/types.ts";
import { WORKLOAD_TTL_MARGIN_MS, type WorkloadSandboxes } from "../../engine/workloads.ts";
import { packDirectory } from "../../runtimes/files/host-tar.ts";
import type { ArtifactStore } from "./artifact-store.ts";
import { type CollectedArtifacts, collectArtifacts, type RefusedArtifact } from "./artifacts.ts";
import { artifactSecretGuard } from "./artifact-secrets.ts";
import type { SecretMasker } from "../../engine/masking.ts";
import type { PlannedStep } from "../spec/plan.ts";
import type { AttemptResult, StepAttempt, StepExecutor } from "./step-executor.ts";
import { LogFile, logFileName, LogTail } from "./step-logs.ts";

export type WorkspaceHandOff = "bind" | "copy";

/** `bind` where the runtime can use a host directory as the workspace, else `copy`. */
export function workspaceHandOffFor(caps: RuntimeCapabilities): WorkspaceHandOff {
  return caps.hostWorkspace ? "bind" : "copy";
}

/** Copies the run's clone into a sandbox when it cannot be shared (hand-off `copy`). */
export async function handWorkspace(
  o: Pick<SandboxExecutorOptions, "sandboxes" | "workspaceDir" | "workdir" | "workspaceHandOff">,
  sandboxId: string,
): Promise<void> {
  if (o.workspaceHandOff === "copy") await o.sandboxes.tarIn(sandboxId, o.workdir, packDirectory(o.workspaceDir));
}

export type OutputListener = (source: string, stream: "stdout" | "stderr", masked: Buffer) => void;

export interface SandboxExecutorOptions {
  /** The engine: every step sandbox is one of its workloads (recorded, limited, reaped). */
  sandboxes: WorkloadSandboxes;
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
  /** Each attempt's sandbox id, once it exists (the run records it beside the step). */
  onSandbox?: ((step: string, sandboxId: string) => void) | undefined;
  /** Keep a failed step's sandbox for `keepMs` to debug it (`debug: onFailure`, `--debug`). */
  debug?: { keepMs: number; onKept: (step: string, sandboxId: string, untilMs: number) => void } | undefined;
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

/** The step's failure reason when artifacts were refused: the first one, and how many more. */
export function refusedReason(refused: readonly RefusedArtifact[]): string {
  const [first, ...more] = refused;
  if (first === undefined) return "";
  const reason = `artifact '${first.path}' contains secret ${first.secret}`;
  return more.length === 0
    ? reason
    : `${reason} (and ${more.length} more artifact${more.length > 1 ? "s" : ""} refused)`;
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

export class SandboxStepExecutor implements StepExecutor {
  private readonly tails = new Map<string, LogTail>();
  private readonly logs = new Map<string, LogFile>();

  constructor(private readonly options: SandboxExecutorOptions) {}

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

  /** Flushes and closes a step's log file once the step ended (no attempt writes to it again). */
  async closeLog(step: string): Promise<void> {
    const file = this.logs.get(step);
    this.logs.delete(step);
    await file?.close();
  }

  /** Flushes every log file still open. Call once the run ended. */
  async close(): Promise<void> {
    const files = [...this.logs.values()];
    this.logs.clear();
    await Promise.all(files.map((f) => f.close()));
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
      o.onOutput?.(step.name, stream, masked);
    };
    if (attempt.number > 1) emit("stderr", Buffer.from(`--- attempt ${attempt.number} ---\n`));
    let sandboxId: string | undefined;
    let failed = true;
    try {
      const env = this.stepEnv(step);
      const record = await o.sandboxes.createWorkload({
        purpose: "step",
        runId: o.runId,
        step: step.name,
        image: o.useImages ? step.image : undefined,
        env,
        workdir: o.workdir,
        workspaceSource: o.workspaceHandOff === "bind" ? o.workspaceDir : undefined,
        network: o.network,
        limits: {
          ...o.limits,
          ...(step.memoryBytes === undefined ? {} : { memoryBytes: step.memoryBytes }),
          ...(step.cpuMillis === undefined ? {} : { cpuMillis: step.cpuMillis }),
        },
        labels: { "c8s.dev/run": o.runId, "c8s.dev/step": step.name.slice(0, 63), "c8s.dev/kind": "pipeline-step" },
        ttlMs: attempt.timeoutMs + WORKLOAD_TTL_MARGIN_MS,
        idleTimeoutMs: WORKLOAD_TTL_MARGIN_MS,
      });
      sandboxId = record.id;
      o.onSandbox?.(step.name, record.id);
      if (attempt.signal.aborted) return { outcome: "failed", exitCode: null, reason: "cancelled" };
      await handWorkspace(o, sandboxId);
      if (attempt.signal.aborted) return { outcome: "failed", exitCode: null, reason: "cancelled" };
      // The engine masks the output before buffering it: the log, the live feed and any
      // reader of the exec see the same masked bytes.
      const session = await o.sandboxes.exec(
        sandboxId,
        {
          command: shellCommand(stepScript(step.commands)),
          cwd: step.workdir === undefined ? o.workdir : `${o.workdir}/${step.workdir}`,
          timeoutMs: attempt.timeoutMs,
        },
        { masker: o.masker, signal: attempt.signal },
      );
      for await (const chunk of session.output(0)) emit(chunk.stream, chunk.data);
      const result = await session.done;
      if (result.reason !== "exit" || result.exitCode !== 0)
        return {
          outcome: "failed",
          exitCode: result.exitCode,
          reason: describeExecEnd(result),
          timedOut: result.reason === "timeout",
        };
      if (o.artifacts && step.artifacts.length > 0) {
        const id = sandboxId;
        const collected = await collectArtifacts({
          files: {
            list: (path) => o.sandboxes.listFiles(id, path),
            read: (path) => o.sandboxes.readFileStream(id, path),
            tarOut: (path) => o.sandboxes.tarOut(id, path),
          },
          workdir: o.workdir,
          patterns: step.artifacts,
          store: o.artifacts.store,
          keyPrefix: [o.artifacts.keyPrefix, logFileName(step.name).replace(/\.log$/, "")].filter(Boolean).join("/"),
          guard: artifactSecretGuard(o.secrets, o.masker),
        });
        for (const missing of collected.missing)
          emit("stderr", Buffer.from(`warning: artifact '${missing}' matched no file\n`));
        for (const refused of collected.refused)
          emit("stderr", Buffer.from(`c8s: ${refused.reason}: not stored, the step fails\n`));
        o.onArtifacts?.(step.name, collected);
        if (collected.refused.length > 0)
          return { outcome: "failed", exitCode: 0, reason: refusedReason(collected.refused) };
      }
      failed = false;
      return { outcome: "succeeded", exitCode: 0 };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      emit("stderr", Buffer.from(`c8s: ${o.masker.maskString(message)}\n`));
      return { outcome: "failed", exitCode: null, reason: o.masker.maskString(message) };
    } finally {
      if (sandboxId !== undefined) await this.release(step.name, sandboxId, failed && !attempt.signal.aborted);
    }
  }

  /** Destroys the step's sandbox, or keeps a failed one for debugging when the run asked to. */
  private async release(step: string, sandboxId: string, failed: boolean): Promise<void> {
    const o = this.options;
    if (failed && o.debug !== undefined) {
      const untilMs = Date.now() + o.debug.keepMs;
      const kept = await o.sandboxes.keep(sandboxId, untilMs).then(
        () => true,
        () => false,
      );
      if (kept) {
        o.debug.onKept(step, sandboxId, untilMs);
        return;
      }
    }
    await o.sandboxes.destroy(sandboxId).catch(() => undefined);
  }
}
