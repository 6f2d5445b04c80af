/**
 * SandboxFiles for pods: every operation is one exec of a script from file-scripts.ts; bulk
 * transfers move as tar over exec. Paths follow the shared policy (../files/path-policy.ts);
 * tar streams coming in pass the shared tar-slip guard before one byte reaches the pod.
 */
import { posix } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { readAndValidateTar } from "../files/index.ts";
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
  ): Promise<{ stdout: Readable; done: Promise<{ exitCode: number | null; stderr: string }> }>;
}

export function createPodFiles(executor: FileExecutor): SandboxFiles {
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

  const stat = async (handle: SandboxHandle, path: string): Promise<FileEntry> => {
    const { workdir } = executor.target(handle);
    const absolute = sandboxPath(workdir, path);
    const entries = parseEntries(await run(handle, statScript(), path), posix.dirname(absolute));
    const entry = entries[0];
    if (entry === undefined) throw fileErrorFor(44, path, "");
    return entry;
  };

  return {
    read: (handle, path) => run(handle, readScript(), path),
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
    tarOut: async (handle, path) => {
      const { ref, workdir } = executor.target(handle);
      const absolute = sandboxPath(workdir, path);
      const info = await stat(handle, path);
      if (info.type !== "directory" && info.type !== "symlink") throw fileErrorFor(46, path, "");
      const { stdout, done } = await executor.stream(ref, {
        command: fileCommand(tarOutScript(), workdir, absolute),
        cwd: "/",
        env: {},
      });
      const out = new PassThrough();
      stdout.pipe(out, { end: false });
      stdout.once("end", () => {
        void done.then(({ exitCode, stderr }) => {
          if (exitCode === 0) out.end();
          else out.destroy(fileErrorFor(exitCode, path, stderr));
        });
      });
      return out;
    },
    tarIn: async (handle, path, tar) => {
      const { ref, workdir } = executor.target(handle);
      const absolute = sandboxPath(workdir, path);
      const checked = await readAndValidateTar(tar);
      const result = await executor.run(ref, {
        command: fileCommand(tarInScript(), workdir, absolute, checked.length),
        cwd: "/",
        env: {},
        input: checked,
      });
      if (result.exitCode !== 0) throw fileErrorFor(result.exitCode, path, result.stderr.toString("utf8"));
    },
  };
}
