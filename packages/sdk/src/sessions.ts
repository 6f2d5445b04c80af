/**
 * Sessions (`/v1/sessions`): a workspace whose files live in the server's store, with a
 * sandbox attached on demand. `files.write` returns once the file is durable; `exec` runs a
 * command in the session's sandbox (a fresh one, files restored, if the last one died) and
 * returns after the command's file changes are stored.
 */
import type { Json } from "./types.ts";
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";

export type SessionInfo = Json<"get_v1_sessions", 200>["sessions"][number];
export type SessionDetails = Json<"get_v1_sessions_by_id", 200>;
export type SessionFileInfo = Json<"get_v1_sessions_by_id_files", 200>["files"][number];
export type SessionExecResult = Json<"post_v1_sessions_by_id_exec", 200>;

export interface CreateSessionOptions {
  name?: string;
  image?: string;
  env?: Record<string, string>;
  limits?: { memoryBytes?: number; pids?: number; cpuMillis?: number };
  idleTimeoutMs?: number;
  maxLifetimeMs?: number;
  /** Paths not synced back (`dir/` = a directory at any depth). */
  ignore?: string[];
}

export interface SessionExecOptions {
  stdin?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** A workspace path in a URL: each segment encoded, the slashes kept. */
const filePath = (path: string): string => path.split("/").map(encodeURIComponent).join("/");

export class SessionFiles {
  constructor(
    private readonly api: ApiClient,
    private readonly id: string,
  ) {}

  private url(path: string): string {
    return `/v1/sessions/${encodeURIComponent(this.id)}/files/${filePath(path)}`;
  }

  /** Durable when it resolves. `ifVersion`: the version you read (FileVersionConflictError if it changed); 0: create only. */
  write(
    path: string,
    data: string | Uint8Array,
    options: { ifVersion?: number; mode?: number } = {},
  ): Promise<SessionFileInfo> {
    const headers: Record<string, string> = {};
    if (options.ifVersion === 0) headers["if-none-match"] = "*";
    else if (options.ifVersion !== undefined) headers["if-match"] = `"${options.ifVersion}"`;
    return this.api.json<SessionFileInfo>("PUT", this.url(path), {
      body: typeof data === "string" ? new TextEncoder().encode(data) : data,
      headers,
      ...(options.mode === undefined ? {} : { query: { mode: options.mode } }),
    });
  }

  /** The file's bytes and version. */
  async read(path: string): Promise<{ data: Uint8Array; version: number }> {
    const res = await this.api.request("GET", this.url(path));
    const version = Number((res.headers.get("etag") ?? "").replace(/"/g, ""));
    return { data: new Uint8Array(await res.arrayBuffer()), version };
  }

  async readText(path: string): Promise<string> {
    return new TextDecoder().decode((await this.read(path)).data);
  }

  async list(dir?: string): Promise<SessionFileInfo[]> {
    const query = dir === undefined ? {} : { dir };
    return (
      await this.api.json<{ files: SessionFileInfo[] }>("GET", `/v1/sessions/${encodeURIComponent(this.id)}/files`, {
        query,
      })
    ).files;
  }

  async remove(path: string, options: { ifVersion?: number } = {}): Promise<void> {
    const headers: Record<string, string> =
      options.ifVersion === undefined ? {} : { "if-match": `"${options.ifVersion}"` };
    await this.api.request("DELETE", this.url(path), { headers });
  }
}

export class Session {
  readonly files: SessionFiles;

  private constructor(
    private readonly api: ApiClient,
    readonly id: string,
  ) {
    this.files = new SessionFiles(api, id);
  }

  static async create(options: CreateSessionOptions = {}, connection: ConnectionOptions = {}): Promise<Session> {
    const api = new ApiClient(connectionFromEnv(connection));
    const info = await api.json<SessionInfo>("POST", "/v1/sessions", { json: { ...options } });
    return new Session(api, info.id);
  }

  /** An existing session (no request is made). */
  static connect(id: string, connection: ConnectionOptions = {}): Session {
    return new Session(new ApiClient(connectionFromEnv(connection)), id);
  }

  static async list(connection: ConnectionOptions = {}): Promise<SessionInfo[]> {
    const api = new ApiClient(connectionFromEnv(connection));
    return (await api.json<{ sessions: SessionInfo[] }>("GET", "/v1/sessions")).sessions;
  }

  info(): Promise<SessionDetails> {
    return this.api.json<SessionDetails>("GET", `/v1/sessions/${encodeURIComponent(this.id)}`);
  }

  /** Runs `command` (argv) and waits; its file changes are stored when this resolves (see `.sync`). */
  exec(command: string[], options: SessionExecOptions = {}): Promise<SessionExecResult> {
    return this.api.json<SessionExecResult>("POST", `/v1/sessions/${encodeURIComponent(this.id)}/exec`, {
      json: { command, ...options },
      timeoutMs: 0,
    });
  }

  /** Stops its sandbox and deletes the session with its files. */
  async remove(): Promise<void> {
    await this.api.request("DELETE", `/v1/sessions/${encodeURIComponent(this.id)}`);
  }
}
