/**
 * SandboxFiles for the Docker runtime, through the archive endpoints (HEAD/GET/PUT
 * /containers/{id}/archive), with the shared path policy and tar-slip guard. Removing needs
 * `rm`/`rmdir` in the image (the Engine API has no delete), run as an exec.
 *
 * Symlinks: the engine resolves paths inside the container's root, which keeps them off the
 * host but not inside the workspace/tmp policy. So every component below an allowed root is
 * stat'ed (HEAD reports a symlink's fully resolved target) and checked with `isAllowedPath`.
 */
import { posix } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type Docker from "dockerode";
import { extract, pack } from "tar-stream";
import { C8sError } from "../../errors/index.ts";
import {
  allowedRoots,
  isAllowedPath,
  isoOrEpoch,
  isWithin,
  normalizeSandboxPath,
  symlinkEscape,
  withSpooled,
} from "../files/index.ts";
import type { FileEntry, SandboxFiles, SandboxHandle } from "../types.ts";
import { translateDockerError } from "./errors.ts";
import {
  collectBuffer,
  fileTypeFromGoMode,
  parsePathStatHeader,
  tarTypeToFileType,
  type PathStat,
  type TarHeader,
} from "./archive.ts";
import { firstFileOf } from "./archive-stream.ts";
import { dockerRef } from "./handle.ts";

export { fileTypeFromGoMode, parsePathStatHeader } from "./archive.ts";

export interface DockerFilesDeps {
  docker: Docker;
  dockerHost: string;
  /** Runs a command in the sandbox; resolves with its exit code and stderr. */
  runCommand: (handle: SandboxHandle, command: string[]) => Promise<{ exitCode: number | null; stderr: string }>;
}

export function createDockerFiles(deps: DockerFilesDeps): SandboxFiles {
  const { docker, dockerHost } = deps;

  const translate = (handle: SandboxHandle, action: string) => (error: unknown) => {
    throw translateDockerError(error, { action, dockerHost, sandboxId: handle.id, notFound: "FILE_NOT_FOUND" });
  };

  /** A 404 from an archive endpoint means the path or the container is missing: tell which. */
  async function assertContainer(handle: SandboxHandle): Promise<void> {
    const info = await docker
      .getContainer(dockerRef(handle).containerId)
      .inspect()
      .catch((error: unknown) => {
        throw translateDockerError(error, {
          action: `find sandbox ${handle.id}`,
          dockerHost,
          sandboxId: handle.id,
          notFound: "SANDBOX_NOT_FOUND",
        });
      });
    if (!info.State.Running) {
      throw new C8sError("SANDBOX_NOT_RUNNING", `Sandbox ${handle.id} is not running.`, {
        details: { sandboxId: handle.id },
        hint: "Create a new sandbox.",
      });
    }
  }

  async function statRaw(handle: SandboxHandle, path: string): Promise<PathStat | null> {
    const container = docker.getContainer(dockerRef(handle).containerId);
    try {
      const res = (await container.infoArchive({ path })) as {
        headers?: Record<string, string | string[] | undefined>;
        resume?: () => void;
      };
      res.resume?.();
      const header = res.headers?.["x-docker-container-path-stat"];
      if (typeof header !== "string")
        throw new C8sError("INTERNAL", "The Docker Engine sent no path stat header.", { details: { path } });
      return parsePathStatHeader(header);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        await assertContainer(handle);
        return null;
      }
      return translate(handle, `stat ${path}`)(error);
    }
  }

  /**
   * Normalizes `path` and checks every component below its allowed root for symlinks leaving
   * the allowed roots. Returns the path and, when `follow`, the real path a symlink leads to.
   */
  async function resolve(
    handle: SandboxHandle,
    path: string,
    follow: boolean,
  ): Promise<{ path: string; real: string; stat: PathStat | null }> {
    const { workdir } = dockerRef(handle);
    const normalized = normalizeSandboxPath(workdir, path);
    const root = allowedRoots(workdir).find((r) => isWithin(r, normalized)) ?? workdir;
    const rest = normalized === root ? [] : normalized.slice(root.length + 1).split("/");
    let current = root;
    let stat: PathStat | null = rest.length === 0 ? await statRaw(handle, root) : null;
    for (let i = 0; i < rest.length; i++) {
      current = `${current === "/" ? "" : current}/${rest[i]}`;
      stat = await statRaw(handle, current);
      if (stat === null) return { path: normalized, real: normalized, stat: null };
      const last = i === rest.length - 1;
      if (fileTypeFromGoMode(stat.mode) === "symlink" && (follow || !last)) {
        if (stat.linkTarget === "" || !isAllowedPath(workdir, stat.linkTarget))
          throw symlinkEscape(path, stat.linkTarget || "?", workdir);
        if (last) {
          const target = await statRaw(handle, stat.linkTarget);
          return { path: normalized, real: stat.linkTarget, stat: target };
        }
      }
    }
    return { path: normalized, real: normalized, stat };
  }

  const notFound = (path: string) =>
    new C8sError("FILE_NOT_FOUND", `No such file or directory: '${path}'.`, {
      details: { path },
      hint: "Check the path; list the parent directory to see what exists.",
    });
  const notDir = (path: string) =>
    new C8sError("NOT_A_DIRECTORY", `'${path}' is not a directory.`, { details: { path } });
  const isDir = (path: string) =>
    new C8sError("IS_A_DIRECTORY", `'${path}' is a directory.`, {
      details: { path },
      hint: "Use list or tarOut for directories.",
    });

  async function getTar(handle: SandboxHandle, path: string): Promise<Readable> {
    const container = docker.getContainer(dockerRef(handle).containerId);
    return (await container.getArchive({ path }).catch(translate(handle, `read ${path}`))) as Readable;
  }

  /** Walks a tar stream, calling `onEntry` for each header (bodies are drained unless read). */
  async function eachEntry(
    stream: Readable,
    onEntry: (header: TarHeader, body: Readable) => Promise<void>,
  ): Promise<void> {
    const ex = extract();
    await new Promise<void>((resolvePromise, reject) => {
      ex.on("entry", (header, body, next) => {
        let ended = false;
        let handled = false;
        const proceed = () => {
          if (ended && handled) next();
        };
        body.once("end", () => {
          ended = true;
          proceed();
        });
        // A stream that ends inside an entry fails the entry's body: handled here, or uncaught.
        body.once("error", reject);
        onEntry(header, body as unknown as Readable).then(() => {
          handled = true;
          body.resume();
          proceed();
        }, reject);
      });
      ex.once("finish", () => resolvePromise());
      pipeline(stream, ex).catch(reject);
    });
  }

  async function putTar(handle: SandboxHandle, dir: string, archive: Buffer | Readable): Promise<void> {
    const container = docker.getContainer(dockerRef(handle).containerId);
    await container.putArchive(archive, { path: dir }).catch(translate(handle, `write into ${dir}`));
  }

  async function buildTar(
    entries: Array<{ name: string; type: "file" | "directory"; mode: number; body?: Uint8Array }>,
  ): Promise<Buffer> {
    const p = pack();
    for (const e of entries) {
      const header = { name: e.name, type: e.type, mode: e.mode, mtime: new Date() };
      if (e.type === "file") p.entry(header, Buffer.from(e.body ?? new Uint8Array()));
      else p.entry(header);
    }
    p.finalize();
    return collectBuffer(p as unknown as Readable);
  }

  async function mkdirs(handle: SandboxHandle, real: string, recursive: boolean): Promise<void> {
    const missing: string[] = [];
    let dir = real;
    for (;;) {
      const st = await statRaw(handle, dir);
      if (st !== null) {
        if (fileTypeFromGoMode(st.mode) !== "directory") throw notDir(dir);
        break;
      }
      missing.unshift(posix.basename(dir));
      if (!recursive && missing.length > 1) throw notFound(posix.dirname(real));
      dir = posix.dirname(dir);
    }
    if (missing.length === 0) return;
    const entries = missing.map((_, i) => ({
      name: `${missing.slice(0, i + 1).join("/")}/`,
      type: "directory" as const,
      mode: 0o755,
    }));
    await putTar(handle, dir, await buildTar(entries));
  }

  /** Where a write lands: the real parent directory (which must exist) and the file's name. */
  async function writeTarget(handle: SandboxHandle, path: string): Promise<{ parent: string; name: string }> {
    const r = await resolve(handle, path, true);
    if (r.stat !== null && fileTypeFromGoMode(r.stat.mode) === "directory") throw isDir(r.path);
    const parent = posix.dirname(r.real);
    const parentStat = await resolve(handle, parent, true);
    if (parentStat.stat === null) throw notFound(parent);
    if (fileTypeFromGoMode(parentStat.stat.mode) !== "directory") throw notDir(parent);
    return { parent: parentStat.real, name: posix.basename(r.real) };
  }

  function toEntry(path: string, st: PathStat, linkTarget?: string): FileEntry {
    const type = fileTypeFromGoMode(st.mode);
    return {
      path,
      name: posix.basename(path),
      type,
      size: type === "directory" ? 0 : st.size,
      mode: st.mode % 0o1000,
      modifiedAt: isoOrEpoch(st.mtime),
      ...(linkTarget === undefined ? {} : { linkTarget }),
    };
  }

  async function readLink(handle: SandboxHandle, path: string): Promise<string> {
    let target = "";
    await eachEntry(await getTar(handle, path), async (header) => {
      if (header.type === "symlink" && target === "") target = header.linkname ?? "";
    });
    return target;
  }

  return {
    async read(handle, path) {
      const r = await resolve(handle, path, true);
      if (r.stat === null) throw notFound(r.path);
      if (fileTypeFromGoMode(r.stat.mode) === "directory") throw isDir(r.path);
      let body: Buffer | undefined;
      await eachEntry(await getTar(handle, r.real), async (header, stream) => {
        if (body === undefined && (header.type === "file" || header.type === "contiguous-file"))
          body = await collectBuffer(stream);
      });
      if (body === undefined)
        throw new C8sError("INVALID_ARGUMENT", `'${r.path}' is not a regular file.`, { details: { path: r.path } });
      return body;
    },

    async write(handle, path, data, options) {
      const { parent, name } = await writeTarget(handle, path);
      const archive = await buildTar([{ name, type: "file", mode: options?.mode ?? 0o644, body: data }]);
      await putTar(handle, parent, archive);
    },

    async list(handle, path) {
      const r = await resolve(handle, path, true);
      if (r.stat === null) throw notFound(r.path);
      if (fileTypeFromGoMode(r.stat.mode) !== "directory") throw notDir(r.path);
      const entries: FileEntry[] = [];
      await eachEntry(await getTar(handle, `${r.real}/.`), async (header) => {
        const name = header.name.replace(/^\.\//, "").replace(/\/$/, "");
        if (name === "" || name === "." || name.includes("/")) return;
        const type = tarTypeToFileType(header.type ?? undefined);
        entries.push({
          path: posix.join(r.path, name),
          name,
          type,
          size: type === "file" ? (header.size ?? 0) : 0,
          mode: (header.mode ?? 0) & 0o777,
          modifiedAt: isoOrEpoch(header.mtime),
          ...(type === "symlink" ? { linkTarget: header.linkname ?? "" } : {}),
        });
      });
      return entries;
    },

    async stat(handle, path) {
      const r = await resolve(handle, path, false);
      if (r.stat === null) throw notFound(r.path);
      const link = fileTypeFromGoMode(r.stat.mode) === "symlink" ? await readLink(handle, r.path) : undefined;
      return toEntry(r.path, r.stat, link);
    },

    async mkdir(handle, path, options) {
      const r = await resolve(handle, path, true);
      if (r.stat !== null) {
        if (fileTypeFromGoMode(r.stat.mode) !== "directory") throw notDir(r.path);
        if (options?.recursive) return;
        throw new C8sError("CONFLICT", `'${r.path}' already exists.`, { details: { path: r.path } });
      }
      await mkdirs(handle, r.real, options?.recursive ?? false);
    },

    async remove(handle, path, options) {
      const r = await resolve(handle, path, false);
      if (r.stat === null) throw notFound(r.path);
      if (allowedRoots(dockerRef(handle).workdir).includes(r.path)) {
        throw new C8sError("INVALID_ARGUMENT", `'${r.path}' is a sandbox root and cannot be removed.`, {
          details: { path: r.path },
        });
      }
      const dir = fileTypeFromGoMode(r.stat.mode) === "directory";
      const command = dir
        ? options?.recursive
          ? ["rm", "-rf", "--", r.path]
          : ["rmdir", "--", r.path]
        : ["rm", "-f", "--", r.path];
      const result = await deps.runCommand(handle, command);
      if (result.exitCode !== 0) {
        throw new C8sError(
          dir && !options?.recursive ? "CONFLICT" : "EXEC_FAILED",
          `Could not remove '${r.path}': ${result.stderr.trim() || `exit ${String(result.exitCode)}`}`,
          {
            details: { path: r.path, exitCode: result.exitCode },
            hint:
              dir && !options?.recursive
                ? "The directory is not empty; remove it recursively."
                : "The image needs `rm` and `rmdir` for removals.",
          },
        );
      }
    },

    async tarOut(handle, path) {
      const r = await resolve(handle, path, true);
      if (r.stat === null) throw notFound(r.path);
      if (fileTypeFromGoMode(r.stat.mode) !== "directory") throw notDir(r.path);
      const source = await getTar(handle, `${r.real}/.`);
      // The engine names entries `./x`; the contract says entries relative to the directory.
      const out = pack();
      const result = new PassThrough();
      pipeline(out as unknown as Readable, result).catch((error: unknown) =>
        result.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      eachEntry(source, async (header, body) => {
        const name = header.name.replace(/^\.\//, "");
        if (name === "" || name === "./" || name === ".") return;
        const rewritten = { ...header, name } as Parameters<typeof out.entry>[0];
        await new Promise<void>((done, fail) => {
          const callback = (error?: Error | null) => (error ? fail(error) : done());
          if (header.type === "file" || header.type === "contiguous-file")
            pipeline(body, out.entry(rewritten)).then(() => callback(), callback);
          else out.entry(rewritten, callback);
        });
      }).then(
        () => out.finalize(),
        (error: unknown) => result.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      return result;
    },

    async tarIn(handle, path, tar) {
      await withSpooled(tar, { tar: true }, async (archive) => {
        const r = await resolve(handle, path, true);
        if (r.stat !== null && fileTypeFromGoMode(r.stat.mode) !== "directory") throw notDir(r.path);
        if (r.stat === null) await mkdirs(handle, r.real, true);
        await putTar(handle, r.real, archive.open());
      });
    },

    async readStream(handle, path) {
      const r = await resolve(handle, path, true);
      if (r.stat === null) throw notFound(r.path);
      if (fileTypeFromGoMode(r.stat.mode) === "directory") throw isDir(r.path);
      return firstFileOf(await getTar(handle, r.real), r.path);
    },

    async writeStream(handle, path, data, options) {
      const limit = options?.maxBytes === undefined ? {} : { maxBytes: options.maxBytes };
      await withSpooled(data, limit, async (spooled) => {
        const { parent, name } = await writeTarget(handle, path);
        const archive = pack();
        const header = {
          name,
          type: "file" as const,
          mode: options?.mode ?? 0o644,
          size: spooled.size,
          mtime: new Date(),
        };
        const filled = pipeline(spooled.open(), archive.entry(header)).then(() => archive.finalize());
        filled.catch((error: unknown) => archive.destroy(error instanceof Error ? error : new Error(String(error))));
        await Promise.all([putTar(handle, parent, archive as unknown as Readable), filled]);
      });
    },
  };
}
