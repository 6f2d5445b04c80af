/** `sandbox.files`: read, write, list, stat, mkdir, remove, and tar in/out of directories. */
import { NotFoundError } from "./errors.ts";
import type { ApiClient } from "./http.ts";
import type { FileEntry } from "./types.ts";

export type FileData = string | Uint8Array | ArrayBuffer;

export class Files {
  constructor(
    private readonly api: ApiClient,
    readonly sandboxId: string,
  ) {}

  private path(suffix = ""): string {
    return `/v1/sandboxes/${encodeURIComponent(this.sandboxId)}/files${suffix}`;
  }

  /** Reads a file as UTF-8 text (default) or bytes. */
  read(path: string, options?: { format?: "text" }): Promise<string>;
  read(path: string, options: { format: "bytes" }): Promise<Uint8Array>;
  async read(path: string, options: { format?: "text" | "bytes" } = {}): Promise<string | Uint8Array> {
    const bytes = await this.api.bytes("GET", this.path(), { query: { path }, timeoutMs: 0 });
    return options.format === "bytes" ? bytes : new TextDecoder().decode(bytes);
  }

  /** Writes (creating or replacing) a file; parent directories must exist (see makeDir). */
  async write(path: string, data: FileData, options: { mode?: number } = {}): Promise<void> {
    const body = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
    const mode = options.mode === undefined ? undefined : options.mode.toString(8).padStart(4, "0");
    await this.api.request("PUT", this.path(), { query: { path, mode }, body, timeoutMs: 0 });
  }

  async list(path = "."): Promise<FileEntry[]> {
    const res = await this.api.json<{ entries: FileEntry[] }>("GET", this.path("/list"), { query: { path } });
    return res.entries;
  }

  async stat(path: string): Promise<FileEntry> {
    return this.api.json<FileEntry>("GET", this.path("/stat"), { query: { path } });
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.stat(path);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /** Creates a directory, with its parents unless `recursive: false`. */
  async makeDir(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    await this.api.request("POST", this.path("/mkdir"), { json: { path, recursive: options.recursive ?? true } });
  }

  async remove(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    await this.api.request("DELETE", this.path(), {
      query: { path, recursive: options.recursive ? "true" : undefined },
    });
  }

  /** Extracts a tar archive into a directory (created if missing). Entries escaping it are rejected. */
  async uploadTar(path: string, tar: Uint8Array | ReadableStream<Uint8Array>): Promise<void> {
    await this.api.request("PUT", this.path("/tar"), {
      query: { path },
      body: tar,
      contentType: "application/x-tar",
      timeoutMs: 0,
    });
  }

  /** A tar archive of a directory's contents, whole. */
  async downloadTar(path: string): Promise<Uint8Array> {
    return this.api.bytes("GET", this.path("/tar"), { query: { path }, timeoutMs: 0 });
  }

  /** A tar archive of a directory's contents, as a stream (for large trees). */
  async downloadTarStream(path: string): Promise<ReadableStream<Uint8Array>> {
    const res = await this.api.request("GET", this.path("/tar"), { query: { path }, timeoutMs: 0 });
    if (!res.body) return new ReadableStream({ start: (c) => c.close() });
    return res.body;
  }
}
