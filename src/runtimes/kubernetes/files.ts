/**
 * SandboxFiles for pods: every operation is one exec of a script from file-scripts.ts; bulk
 * transfers move as tar over exec. Tar streams coming in are checked entry by entry for
 * tar-slip before one byte reaches the pod.
 */
import { posix } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import { C8sError } from "../../errors/index.ts";
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
      command: fileCommand(script, workdir, absolute),
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
      const checked = await checkedTar(tar);
      const result = await executor.run(ref, {
        command: fileCommand(tarInScript(), workdir, absolute),
        cwd: "/",
        env: {},
        input: checked,
      });
      if (result.exitCode !== 0) throw fileErrorFor(result.exitCode, path, result.stderr.toString("utf8"));
    },
  };
}

/** The tar-slip guard: no absolute names, no `..`, no links that point outside the target. */
export function tarEntryProblem(header: {
  name: string;
  type?: string | null;
  linkname?: string | null;
}): string | null {
  const name = header.name;
  if (name.startsWith("/") || name.includes("\0")) return `absolute or invalid entry name ${JSON.stringify(name)}`;
  const normal = posix.normalize(name);
  if (normal === ".." || normal.startsWith("../")) return `entry ${JSON.stringify(name)} escapes the target directory`;
  if ((header.type === "symlink" || header.type === "link") && header.linkname != null) {
    const link = header.linkname;
    if (link.startsWith("/")) return `link ${JSON.stringify(name)} points to the absolute path ${JSON.stringify(link)}`;
    const base = header.type === "symlink" ? posix.dirname(normal) : ".";
    const resolved = posix.normalize(posix.join(base, link));
    if (resolved === ".." || resolved.startsWith("../"))
      return `link ${JSON.stringify(name)} points outside the target directory`;
  }
  const allowed = [
    "file",
    "directory",
    "symlink",
    "link",
    "contiguous-file",
    "pax-header",
    "pax-global-header",
    null,
    undefined,
  ];
  if (!allowed.includes(header.type)) return `entry ${JSON.stringify(name)} has unsupported type ${header.type}`;
  return null;
}

/** Reads a tar stream, rejects it as a whole on the first bad entry, returns the checked bytes re-packed. */
async function checkedTar(input: Readable): Promise<Buffer> {
  const extract = tarStream.extract();
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const packed = new Promise<void>((resolve, reject) => {
    pack.once("end", resolve);
    pack.once("error", reject);
  });
  extract.on("entry", (header, stream, next) => {
    const problem = tarEntryProblem(header);
    if (problem !== null) {
      stream.resume();
      next(new C8sError("TAR_INVALID", `the tar stream was rejected: ${problem}`, { details: { entry: header.name } }));
      return;
    }
    const entry = pack.entry({ ...header }, (error) => next(error ?? undefined));
    stream.pipe(entry);
  });
  try {
    await pipeline(input, extract);
  } catch (error) {
    pack.destroy();
    if (error instanceof C8sError) throw error;
    throw new C8sError("TAR_INVALID", `the tar stream could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  pack.finalize();
  await packed;
  return Buffer.concat(chunks);
}
