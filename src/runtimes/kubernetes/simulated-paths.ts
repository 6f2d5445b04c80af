/**
 * KWOK test clusters only: simulated pods share the node's filesystem, so each sandbox's
 * workdir lives under a per-sandbox root on the node (see `simulatedWorkdirRoot`). These pure
 * helpers keep that invisible to callers: paths under the workdir the spec asked for (e.g.
 * `/workspace/x`) are moved to the node's directory on the way in and back on the way out.
 */
import type { FileEntry, SandboxFiles, SandboxHandle } from "../types.ts";

/** `from` is the workdir the sandbox was asked for, `to` where it is on the simulated node. */
export interface WorkdirMapping {
  from: string;
  to: string;
}

function movePrefix(path: string, from: string, to: string): string {
  if (path === from) return to;
  if (path.startsWith(`${from}/`)) return `${to}${path.slice(from.length)}`;
  return path;
}

export function toNodePath(mapping: WorkdirMapping | undefined, path: string): string {
  return mapping === undefined ? path : movePrefix(path, mapping.from, mapping.to);
}

export function toSandboxPath(mapping: WorkdirMapping | undefined, path: string): string {
  return mapping === undefined ? path : movePrefix(path, mapping.to, mapping.from);
}

/** The same file API with every path moved through the sandbox's mapping. */
export function mapFilePaths(
  files: SandboxFiles,
  mappingOf: (handle: SandboxHandle) => WorkdirMapping | undefined,
): SandboxFiles {
  const inward = (handle: SandboxHandle, path: string) => toNodePath(mappingOf(handle), path);
  const outward = (handle: SandboxHandle, entry: FileEntry): FileEntry => ({
    ...entry,
    path: toSandboxPath(mappingOf(handle), entry.path),
  });
  // Every method is async: a mapping that throws (a destroyed sandbox) must reject, not throw.
  return {
    read: async (handle, path) => files.read(handle, inward(handle, path)),
    write: async (handle, path, data, options) => files.write(handle, inward(handle, path), data, options),
    list: async (handle, path) =>
      (await files.list(handle, inward(handle, path))).map((entry) => outward(handle, entry)),
    stat: async (handle, path) => outward(handle, await files.stat(handle, inward(handle, path))),
    mkdir: async (handle, path, options) => files.mkdir(handle, inward(handle, path), options),
    remove: async (handle, path, options) => files.remove(handle, inward(handle, path), options),
    readStream: async (handle, path) => files.readStream(handle, inward(handle, path)),
    writeStream: async (handle, path, data, options) => files.writeStream(handle, inward(handle, path), data, options),
    tarOut: async (handle, path) => files.tarOut(handle, inward(handle, path)),
    tarIn: async (handle, path, tar) => files.tarIn(handle, inward(handle, path), tar),
  };
}
