/** Helpers shared by the conformance cases: default specs and output collection. */
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import assert from "node:assert/strict";
import type { ExecProcess, ExecRequest, ExecResult, Runtime, SandboxHandle, SandboxSpec } from "../types.ts";

export type SpecOverrides = Partial<SandboxSpec>;

export const CONFORMANCE_OWNER = "c8s-conformance";

export function defaultSpec(overrides: SpecOverrides = {}): SandboxSpec {
  return {
    id: `sbx_conf_${randomBytes(6).toString("hex")}`,
    owner: CONFORMANCE_OWNER,
    env: {},
    workdir: "/workspace",
    mounts: [],
    network: { mode: "none" },
    limits: {
      memoryBytes: 512 * 1024 * 1024,
      pids: 256,
      cpuMillis: 1000,
      fileSizeBytes: 1024 * 1024 * 1024,
      diskBytes: 1024 * 1024 * 1024,
    },
    labels: {},
    ...overrides,
  };
}

export function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer | string) => chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
    stream.once("end", () => resolve(Buffer.concat(chunks)));
    stream.once("error", reject);
  });
}

export interface RunOutput {
  stdout: Buffer;
  stderr: Buffer;
  result: ExecResult;
  out: string;
  err: string;
}

/** Collects a started exec to the end. */
export async function finish(proc: ExecProcess): Promise<RunOutput> {
  const [stdout, stderr, result] = await Promise.all([collect(proc.stdout), collect(proc.stderr), proc.result]);
  return { stdout, stderr, result, out: stdout.toString("utf8"), err: stderr.toString("utf8") };
}

/** Runs a command to completion, optionally feeding stdin (then closing it). */
export async function run(
  runtime: Runtime,
  handle: SandboxHandle,
  request: ExecRequest,
  stdin?: Uint8Array | string,
): Promise<RunOutput> {
  const proc = await runtime.exec(handle, request);
  const done = finish(proc);
  if (stdin !== undefined) await proc.writeStdin(stdin);
  await proc.closeStdin();
  return done;
}

/** Asserts a command exited 0 and returns its stdout. */
export async function sh(runtime: Runtime, handle: SandboxHandle, script: string): Promise<string> {
  const r = await run(runtime, handle, { command: ["/bin/sh", "-c", script] });
  assert.equal(r.result.exitCode, 0, `'${script}' failed: ${r.err}`);
  return r.out;
}

/** Asserts a promise rejects with a C8sError of one of the codes. */
export async function rejectsWithCode(promise: Promise<unknown>, codes: string[]): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    assert.ok(
      typeof code === "string" && codes.includes(code),
      `expected ${codes.join("|")}, got ${String(code)}: ${String(error)}`,
    );
    return true;
  });
}
