/** `c8s sandbox cp SRC DST`: host ↔ sandbox, one side written `ID:/path`; directories travel as tar. */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { posix } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { z } from "zod";
import { NotFoundError, Sandbox, type FileEntry } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json, parseCpLocation } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

/** tar-stream is loaded only when a directory is copied (every `c8s sandbox …` imports this module). */
const hostTar = () => import("../../runtimes/files/host-tar.ts");

const usage = "c8s sandbox cp [--json] SRC DST   (one of them ID:/path; e.g. ./dir sbx_1:/work or sbx_1:out.txt .)";

async function statHost(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function statRemote(sandbox: Sandbox, path: string): Promise<FileEntry | undefined> {
  try {
    return await sandbox.files.stat(path);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

async function collect(stream: Readable): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}

export const sandboxCpCommand: CliCommand = {
  name: "cp",
  summary: "Copy files or directories between the host and a sandbox",
  usage,
  async run(args: string[], io: CliIo) {
    const { flags, positionals } = parseFlags(
      args,
      { json: { type: "boolean" } },
      z.object({ json: z.boolean().optional() }),
      usage,
    );
    if (positionals.length !== 2) throw new UsageError("cp needs exactly a source and a destination", usage);
    const src = parseCpLocation(positionals[0] ?? "");
    const dst = parseCpLocation(positionals[1] ?? "");
    const options = await sdkOptions(io);
    let report: { direction: "upload" | "download"; from: string; to: string; kind: "file" | "directory" };

    if ("host" in src && "sandboxId" in dst) {
      const hostPath = resolve(io.cwd, src.host);
      const st = await statHost(hostPath);
      if (!st)
        throw new NotFoundError(`${src.host}: no such file or directory on this host`, { code: "FILE_NOT_FOUND" });
      const sandbox = await Sandbox.connect(dst.sandboxId, options);
      const existing = await statRemote(sandbox, dst.path);
      const target = existing?.type === "directory" ? posix.join(dst.path, basename(hostPath)) : dst.path;
      if (st.isDirectory()) {
        await sandbox.files.uploadTar(target, await collect((await hostTar()).packDirectory(hostPath)));
      } else {
        await sandbox.files.write(target, await readFile(hostPath), { mode: st.mode & 0o777 });
      }
      report = {
        direction: "upload",
        from: hostPath,
        to: `${dst.sandboxId}:${target}`,
        kind: st.isDirectory() ? "directory" : "file",
      };
    } else if ("sandboxId" in src && "host" in dst) {
      const sandbox = await Sandbox.connect(src.sandboxId, options);
      const entry = await sandbox.files.stat(src.path);
      const hostPath = resolve(io.cwd, dst.host);
      const local = await statHost(hostPath);
      const name = posix.basename(entry.path || src.path);
      const target =
        local?.isDirectory() && name !== "" && name !== "." && name !== "/" ? join(hostPath, name) : hostPath;
      if (entry.type === "directory") {
        const tar = await sandbox.files.downloadTarStream(src.path);
        await (await hostTar()).extractTar(Readable.fromWeb(tar as NodeReadableStream<Uint8Array>), target);
      } else {
        const data = await sandbox.files.read(src.path, { format: "bytes" });
        await mkdir(resolve(target, ".."), { recursive: true });
        await writeFile(target, data, { mode: entry.mode & 0o777 });
      }
      report = {
        direction: "download",
        from: `${src.sandboxId}:${src.path}`,
        to: target,
        kind: entry.type === "directory" ? "directory" : "file",
      };
    } else {
      throw new UsageError("exactly one of SRC and DST must be a sandbox path (ID:/path)", usage);
    }
    if (flags.json) io.stdout.write(json(report));
    return 0;
  },
};
