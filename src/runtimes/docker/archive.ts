/** Pure pieces of the archive endpoints: the path-stat header, Go file modes, tar headers. */
import type { Readable } from "node:stream";
import type { FileType } from "../types.ts";

/** `X-Docker-Container-Path-Stat`: Go's os.FileMode bits. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;

export function fileTypeFromGoMode(mode: number): FileType {
  if (mode >= GO_MODE_DIR) return "directory";
  if (Math.floor(mode / GO_MODE_SYMLINK) % 2 === 1) return "symlink";
  return Math.floor(mode / 2 ** 19) % 2 ** 12 === 0 ? "file" : "other";
}

export function parsePathStatHeader(value: string): PathStat {
  const raw = JSON.parse(Buffer.from(value, "base64").toString("utf8")) as Partial<PathStat>;
  return {
    name: String(raw.name ?? ""),
    size: Number(raw.size ?? 0),
    mode: Number(raw.mode ?? 0),
    mtime: String(raw.mtime ?? new Date(0).toISOString()),
    linkTarget: String(raw.linkTarget ?? ""),
  };
}

export function tarTypeToFileType(type: string | undefined): FileType {
  if (type === "file" || type === undefined || type === "contiguous-file") return "file";
  if (type === "directory") return "directory";
  if (type === "symlink") return "symlink";
  return "other";
}

/** The header fields tar-stream hands out (its own type is not exported). */
export interface TarHeader {
  name: string;
  type?: string | null | undefined;
  size?: number | undefined;
  mode?: number | undefined;
  mtime?: Date | undefined;
  linkname?: string | null | undefined;
}

export async function collectBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
