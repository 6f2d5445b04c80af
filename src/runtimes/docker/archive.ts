/** Pure pieces of the archive endpoints: the path-stat header, Go file modes, tar headers. */
import type { Readable } from "node:stream";
import { C8sError } from "../../errors/index.ts";
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

/** Decodes the header; a value that is not base64 JSON of an object is INTERNAL (the engine misbehaved). */
export function parsePathStatHeader(value: string): PathStat {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new C8sError("INTERNAL", "The Docker Engine sent a malformed path stat header.", {
      details: { header: value.slice(0, 200) },
    });
  }
  // Fields of the wrong type fall back (String()/Number() of an object can throw or say "[object Object]").
  const raw = parsed as Partial<Record<keyof PathStat, unknown>>;
  const text = (v: unknown, fallback: string): string => (typeof v === "string" ? v : fallback);
  const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  return {
    name: text(raw.name, ""),
    size: count(raw.size),
    mode: count(raw.mode),
    mtime: text(raw.mtime, new Date(0).toISOString()),
    linkTarget: text(raw.linkTarget, ""),
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
