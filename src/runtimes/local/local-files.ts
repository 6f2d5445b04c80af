/**
 * SandboxFiles for the local runtime. Every operation runs inside the sandbox as the sandbox
 * user (`supervisor fs …` started through the supervisor), never as host-side fs calls on the
 * workspace: a root process following paths in a directory untrusted code controls would be
 * open to symlink races. The shared policy normalizes first; the helper re-checks after
 * resolving symlinks.
 */
import type { Readable } from "node:stream";
import { C8sError, isErrorCode } from "../../errors/index.ts";
import { allowedRoots, normalizeSandboxPath } from "../files/path-policy.ts";
import { streamCommandOutput } from "../files/command-output.ts";
import { withSpooled } from "../files/spool.ts";
import { isoOrEpoch } from "../files/times.ts";
import type { ExecProcess, FileEntry, FileType, SandboxFiles, SandboxHandle } from "../types.ts";
import { SANDBOX_SUPERVISOR_PATH } from "./bwrap-args.ts";

export interface FilesBackend {
  /** The sandbox's workdir as its processes see it. */
  workdir(handle: SandboxHandle): string;
  /** Path of the supervisor binary as the sandbox sees it. */
  helperPath(handle: SandboxHandle): string;
  exec(handle: SandboxHandle, argv: string[]): Promise<ExecProcess>;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

function helperError(stderr: string, path: string, exitCode: number | null): C8sError {
  const match = /^C8S:([A-Z_]+):(.*)$/m.exec(stderr);
  if (match && isErrorCode(match[1])) {
    const code = match[1];
    const hints: Partial<Record<string, string>> = {
      FILE_NOT_FOUND: "Check the path; list the parent directory to see what exists.",
      PATH_OUTSIDE_SANDBOX:
        "Use a path inside the workdir or /tmp that does not resolve through a symlink leaving them.",
      NOT_A_DIRECTORY: "Use the path of a directory.",
      IS_A_DIRECTORY: "Use the path of a file, or the list/tar operations for directories.",
    };
    return new C8sError(code, (match[2] ?? "").trim(), { details: { path }, hint: hints[code] });
  }
  return new C8sError(
    "INTERNAL",
    `File operation on '${path}' failed (exit ${exitCode}): ${stderr.trim() || "no message"}`,
    {
      details: { path },
    },
  );
}

export function createLocalFiles(backend: FilesBackend): SandboxFiles {
  const roots = (h: SandboxHandle): string => allowedRoots(backend.workdir(h)).join(":");
  const norm = (h: SandboxHandle, path: string): string => normalizeSandboxPath(backend.workdir(h), path);

  async function helper(
    h: SandboxHandle,
    op: string,
    path: string,
    arg = "",
    stdin?: Uint8Array | Readable,
  ): Promise<Buffer> {
    const proc = await backend.exec(h, [backend.helperPath(h), "fs", op, roots(h), path, arg]);
    const out = collect(proc.stdout);
    const err = collect(proc.stderr);
    if (stdin instanceof Uint8Array) {
      if (stdin.length > 0) await proc.writeStdin(stdin);
    } else if (stdin !== undefined) {
      // writeStdin resolves once the frame is written: the file is read as fast as the sandbox takes it.
      for await (const chunk of stdin as AsyncIterable<Buffer>) await proc.writeStdin(chunk);
    }
    await proc.closeStdin();
    const [stdout, stderr, result] = await Promise.all([out, err, proc.result]);
    if (result.exitCode !== 0) throw helperError(stderr.toString(), path, result.exitCode);
    return stdout;
  }

  /** A helper op whose stdout is the download (see files/command-output.ts). */
  async function streamFromHelper(h: SandboxHandle, op: string, target: string): Promise<Readable> {
    const proc = await backend.exec(h, [backend.helperPath(h), "fs", op, roots(h), target, ""]);
    await proc.closeStdin();
    const stderr = collect(proc.stderr);
    return streamCommandOutput({
      stdout: proc.stdout,
      outcome: proc.result.then(async (result) =>
        result.exitCode === 0 ? null : helperError((await stderr).toString(), target, result.exitCode),
      ),
      abort: () => void proc.kill("SIGKILL").catch(() => undefined),
    });
  }

  function parseEntries(buf: Buffer): FileEntry[] {
    const fields = buf.toString("utf8").split("\0");
    const entries: FileEntry[] = [];
    for (let i = 0; i + 7 <= fields.length; i += 7) {
      const [path, name, type, size, mode, mtime, link] = fields.slice(i, i + 7) as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const entry: FileEntry = {
        path,
        name,
        type: type as FileType,
        size: Number(size),
        mode: Number.parseInt(mode, 8),
        modifiedAt: isoOrEpoch(Number(mtime)),
      };
      if (type === "symlink") entry.linkTarget = link;
      entries.push(entry);
    }
    return entries;
  }

  return {
    read: async (h, path) => helper(h, "read", norm(h, path)),
    async write(h, path, data, options) {
      await helper(h, "write", norm(h, path), options?.mode === undefined ? "" : options.mode.toString(8), data);
    },
    list: async (h, path) => parseEntries(await helper(h, "list", norm(h, path))),
    async stat(h, path) {
      const [entry] = parseEntries(await helper(h, "stat", norm(h, path)));
      if (!entry) throw new C8sError("INTERNAL", `stat of '${path}' returned nothing`);
      return entry;
    },
    async mkdir(h, path, options) {
      await helper(h, "mkdir", norm(h, path), options?.recursive ? "recursive" : "");
    },
    async remove(h, path, options) {
      await helper(h, "remove", norm(h, path), options?.recursive ? "recursive" : "");
    },
    async readStream(h, path) {
      const target = norm(h, path);
      return streamFromHelper(h, "read", target);
    },
    async writeStream(h, path, data, options) {
      const target = norm(h, path);
      const mode = options?.mode === undefined ? "" : options.mode.toString(8);
      const limit = options?.maxBytes === undefined ? {} : { maxBytes: options.maxBytes };
      await withSpooled(data, limit, (spooled) => helper(h, "write", target, mode, spooled.open()));
    },
    async tarOut(h, path) {
      const target = norm(h, path);
      await helper(h, "checkdir", target); // errors (outside, missing, not a dir) reject here, not mid-stream
      return streamFromHelper(h, "tarout", target);
    },
    async tarIn(h, path, tar) {
      const target = norm(h, path);
      await withSpooled(tar, { tar: true }, async (archive) => {
        try {
          await helper(h, "tarin", target, "", archive.open());
        } catch (error) {
          if (error instanceof C8sError && error.code === "INTERNAL") {
            throw new C8sError("TAR_INVALID", `Extracting the archive into '${target}' failed: ${error.message}`, {
              details: { path: target },
              cause: error,
            });
          }
          throw error;
        }
      });
    },
  };
}

export { SANDBOX_SUPERVISOR_PATH };
