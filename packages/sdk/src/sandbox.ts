/** `Sandbox`: the SDK's entry point — create, connect, list; then commands, files, pty, kill. */
import { Commands } from "./commands.ts";
import { streamEvents, type EventsOptions } from "./events.ts";
import { Files } from "./files.ts";
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";
import { Pty } from "./pty.ts";
import { runOnce, type RunOnceOptions, type RunOnceResult } from "./templates.ts";
import type { SandboxCreateOptions, SandboxEvent, SandboxInfo, SandboxPurpose, SandboxState } from "./types.ts";

export interface SandboxListOptions extends ConnectionOptions {
  state?: SandboxState;
  /** Label filter: every pair must match. */
  labels?: Record<string, string>;
  /** Only sandboxes of these purposes (`step`, `service`, …). */
  purpose?: SandboxPurpose | SandboxPurpose[];
  /** Only the sandboxes of this pipeline run. */
  run?: string;
  limit?: number;
}

export class Sandbox {
  readonly commands: Commands;
  readonly files: Files;
  readonly pty: Pty;

  private constructor(
    private readonly api: ApiClient,
    readonly sandboxId: string,
    private latest: SandboxInfo,
  ) {
    this.commands = new Commands(api, sandboxId);
    this.files = new Files(api, sandboxId);
    this.pty = new Pty(this.commands);
  }

  /** What the server reported last (from create/connect/getInfo). */
  get info(): SandboxInfo {
    return this.latest;
  }

  static async create(options: SandboxCreateOptions & ConnectionOptions = {}): Promise<Sandbox> {
    const api = new ApiClient(connectionFromEnv(options));
    const body: Record<string, unknown> = {};
    if (options.image !== undefined) body["image"] = options.image;
    if (options.envs !== undefined) body["env"] = options.envs;
    if (options.labels !== undefined) body["labels"] = options.labels;
    if (options.ttlMs !== undefined) body["ttlMs"] = options.ttlMs;
    if (options.idleTimeoutMs !== undefined) body["idleTimeoutMs"] = options.idleTimeoutMs;
    if (options.network !== undefined) body["network"] = options.network;
    if (options.limits !== undefined) body["limits"] = options.limits;
    if (options.workdir !== undefined) body["workdir"] = options.workdir;
    if (options.template !== undefined) body["template"] = options.template;
    const info = await api.json<SandboxInfo>("POST", "/v1/sandboxes", { json: body, timeoutMs: 0 });
    return new Sandbox(api, info.id, info);
  }

  /**
   * One command in a sandbox made for it (from `options.template` — a warm-pool claim when one is
   * ready — or `options.sandbox`), destroyed before this resolves: `POST /v1/execute`.
   */
  static runOnce(command: readonly string[], options: RunOnceOptions = {}): Promise<RunOnceResult> {
    return runOnce(command, options);
  }

  /** Connects to an existing sandbox (fails with NotFoundError if it does not exist). */
  static async connect(sandboxId: string, options: ConnectionOptions = {}): Promise<Sandbox> {
    const api = new ApiClient(connectionFromEnv(options));
    const info = await api.json<SandboxInfo>("GET", `/v1/sandboxes/${encodeURIComponent(sandboxId)}`);
    return new Sandbox(api, info.id, info);
  }

  static async list(options: SandboxListOptions = {}): Promise<SandboxInfo[]> {
    const api = new ApiClient(connectionFromEnv(options));
    const label = options.labels ? Object.entries(options.labels).map(([k, v]) => `${k}=${v}`) : undefined;
    const res = await api.json<{ sandboxes: SandboxInfo[] }>("GET", "/v1/sandboxes", {
      query: {
        state: options.state,
        limit: options.limit,
        label,
        purpose: Array.isArray(options.purpose) ? options.purpose.join(",") : options.purpose,
        run: options.run,
      },
    });
    return res.sandboxes;
  }

  /** Destroys a sandbox by id; resolves false if it did not exist. */
  static async kill(sandboxId: string, options: ConnectionOptions = {}): Promise<boolean> {
    const api = new ApiClient(connectionFromEnv(options));
    return killById(api, sandboxId);
  }

  /** Lifecycle events across sandboxes (or one, with `sandboxId`). */
  static events(options: EventsOptions & ConnectionOptions = {}): AsyncGenerator<SandboxEvent> {
    return streamEvents(new ApiClient(connectionFromEnv(options)), options);
  }

  /** Server version, runtime and capabilities. */
  static async serverInfo(options: ConnectionOptions = {}): Promise<Record<string, unknown>> {
    return new ApiClient(connectionFromEnv(options)).json<Record<string, unknown>>("GET", "/v1/info");
  }

  async getInfo(): Promise<SandboxInfo> {
    this.latest = await this.api.json<SandboxInfo>("GET", `/v1/sandboxes/${encodeURIComponent(this.sandboxId)}`);
    return this.latest;
  }

  async isRunning(): Promise<boolean> {
    return (await this.getInfo()).state === "running";
  }

  /** Destroys the sandbox and everything running in it. Resolves false if it was already gone. */
  async kill(): Promise<boolean> {
    return killById(this.api, this.sandboxId);
  }

  events(options: Omit<EventsOptions, "sandboxId"> = {}): AsyncGenerator<SandboxEvent> {
    return streamEvents(this.api, { ...options, sandboxId: this.sandboxId });
  }
}

async function killById(api: ApiClient, sandboxId: string): Promise<boolean> {
  try {
    await api.json("DELETE", `/v1/sandboxes/${encodeURIComponent(sandboxId)}`, { timeoutMs: 0 });
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}
