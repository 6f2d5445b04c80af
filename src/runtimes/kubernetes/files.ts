/**
 * SandboxFiles for pods: every operation is one exec of a script from file-scripts.ts; bulk
 * transfers move as tar over exec. Paths follow the shared policy (../files/path-policy.ts);
 * tar streams coming in pass the shared tar-slip guard before one byte reaches the pod.
 */
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { streamCommandOutput, withSpooled } from "../files/index.ts";
import type { FileEntry, SandboxFiles, SandboxHandle } from "../types.ts";
import type { PodRef, StartExecOptions } from "./exec.ts";
import {
  fileCommand,
  fileErrorFor,
  listScript,
  mkdirScript,
  parseEntries,
  readScript,
  removeScript,
  sandboxPath,
  statScript,
  tarInScript,
  tarOutScript,
  writeScript,
} from "./file-scripts.ts";

export interface PodTarget {
  ref: PodRef;
  workdir: string;
}

export interface FileExecutor {
  /** Resolves the pod behind a handle (throws SANDBOX_NOT_FOUND for destroyed sandboxes). */
  target(handle: SandboxHandle): PodTarget;
  run(
    ref: PodRef,
    options: StartExecOptions & { input?: Uint8Array | undefined },
  ): Promise<{ exitCode: number | null; stdout: Buffer; stderr: Buffer }>;
  stream(
    ref: PodRef,
    options: StartExecOptions,
    input?: Readable,
  ): Promise<{ stdout: Readable; done: Promise<{ exitCode: number | null; stderr: string }>; abort: () => void }>;
}

/** `drainOutput`: KWOK test clusters only (see `readScript`). */
export function createPodFiles(executor: FileExecutor, options: { drainOutput?: boolean } = {}): SandboxFiles {
  const drain = options.drainOutput === true;
  const run = async (handle: SandboxHandle, script: string, path: string, input?: Uint8Array): Promise<Buffer> => {
    const { ref, workdir } = executor.target(handle);
    const absolute = sandboxPath(workdir, path);
    const result = await executor.run(ref, {
      command: fileCommand(script, workdir, absolute, input?.length),
      cwd: "/",
      env: {},
      input,
    });
    if (result.exitCode !== 0) throw fileErrorFor(result.exitCode, path, result.stderr.toString("utf8"));
    return result.stdout;
  };

  /** A script whose stdout is the download (see files/command-output.ts). */
  const download = async (handle: SandboxHandle, script: string, path: string): Promise<Readable> => {
    const { ref, workdir } = executor.target(handle);
    const absolute = sandboxPath(workdir, path);
    const { stdout, done, abort } = await executor.stream(ref, {
      command: fileCommand(script, workdir, absolute),
      cwd: "/",
      env: {},
    });
    return streamCommandOutput({
      stdout,
      outcome: done.then(({ exitCode, stderr }) => (exitCode === 0 ? null : fileErrorFor(exitCode, path, stderr))),
      abort,
    });
  };

  /** A script reading exactly `spooled.size` bytes of stdin (`head -c`), fed from the spool. */
  const upload = async (
    handle: SandboxHandle,
    script: string,
    path: string,
    spooled: { size: number; open(): Readable },
  ): Promise<void> => {
    const { ref, workdir } = executor.target(handle);
    const absolute = sandboxPath(workdir, path);
    const { stdout, done } = await executor.stream(
      ref,
      { command: fileCommand(script, workdir, absolute, spooled.size), cwd: "/", env: {} },
      spooled.open(),
    );
    stdout.resume();
    const { exitCode, stderr } = await done;
    if (exitCode !== 0) throw fileErrorFor(exitCode, path, stderr);
  };

  const stat = async (handle: SandboxHandle, path: string): Promise<FileEntry> => {
    const { workdir } = executor.target(handle);
    const absolute = sandboxPath(workdir, path);
    const entries = parseEntries(await run(handle, statScript(), path), posix.dirname(absolute));
    const entry = entries[0];
    if (entry === undefined) throw fileErrorFor(44, path, "");
    return entry;
  };

  return {
    read: (handle, path) => run(handle, readScript(drain), path),
    write: async (handle, path, data, options) => {
      await run(handle, writeScript(options?.mode), path, data);
    },
    list: async (handle, path) => {
      const { workdir } = executor.target(handle);
      const absolute = sandboxPath(workdir, path);
      return parseEntries(await run(handle, listScript(), path), absolute);
    },
    stat,
    mkdir: async (handle, path, options) => {
      await run(handle, mkdirScript(options?.recursive ?? false), path);
    },
    remove: async (handle, path, options) => {
      await run(handle, removeScript(options?.recursive ?? false), path);
    },
    readStream: (handle, path) => download(handle, readScript(drain), path),
    writeStream: async (handle, path, data, options) => {
      const limit = options?.maxBytes === undefined ? {} : { maxBytes: options.maxBytes };
      await withSpooled(data, limit, (spooled) => upload(handle, writeScript(options?.mode), path, spooled));
    },
    tarOut: async (handle, path) => {
      const info = await stat(handle, path);
      if (info.type !== "directory" && info.type !== "symlink") throw fileErrorFor(46, path, "");
      return download(handle, tarOutScript(drain), path);
    },
    tarIn: async (handle, path, tar) => {
      await withSpooled(tar, { tar: true }, (archive) => upload(handle, tarInScript(), path, archive));
    },
  };
}
