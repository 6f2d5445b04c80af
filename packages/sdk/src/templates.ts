/** Sandbox templates of the caller's team (create-sandbox presets with an optional warm pool), and one-shot runs. */
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";
import type { Json, SandboxCreateOptions } from "./types.ts";

/** A template as the server reports it (`GET /v1/templates/:name`). */
export type TemplateInfo = Json<"get_v1_templates_by_name", 200>;
/** A one-shot's result (`POST /v1/execute`): at most 1 MiB of each stream, then `truncated`. */
export type RunOnceResult = Json<"post_v1_execute", 200>;

export interface TemplateOptions extends Omit<SandboxCreateOptions, "labels" | "template"> {
  /** Warm pool: `min` sandboxes kept started, up to `max` under demand (default: no pool). */
  pool?: { min: number; max?: number };
}

export interface RunOnceOptions extends ConnectionOptions {
  /** A template of your team (a warm-pool claim when one is ready). */
  template?: string;
  /** Or a plain sandbox spec. */
  sandbox?: Omit<SandboxCreateOptions, "template">;
  stdin?: string | Uint8Array;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** Pure: the create-sandbox body of SDK options (`envs` → `env`). */
export function sandboxBody(options: SandboxCreateOptions & { pool?: unknown }): Record<string, unknown> {
  const { envs, ...rest } = options;
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...rest, env: envs })) if (value !== undefined) body[key] = value;
  return body;
}

export class Templates {
  private constructor(private readonly api: ApiClient) {}

  static connect(options: ConnectionOptions = {}): Templates {
    return new Templates(new ApiClient(connectionFromEnv(options)));
  }

  /** Creates the template `name`, or replaces the one of that name (`POST /v1/templates`). */
  set(name: string, options: TemplateOptions = {}): Promise<TemplateInfo> {
    return this.api.json<TemplateInfo>("POST", "/v1/templates", { json: { name, ...sandboxBody(options) } });
  }

  get(name: string): Promise<TemplateInfo> {
    return this.api.json<TemplateInfo>("GET", `/v1/templates/${encodeURIComponent(name)}`);
  }

  async list(): Promise<TemplateInfo[]> {
    return (await this.api.json<{ templates: TemplateInfo[] }>("GET", "/v1/templates")).templates;
  }

  async remove(name: string): Promise<void> {
    await this.api.request("DELETE", `/v1/templates/${encodeURIComponent(name)}`);
  }
}

/** `POST /v1/execute`: create, run `command` once, destroy — in one request. */
export async function runOnce(command: readonly string[], options: RunOnceOptions = {}): Promise<RunOnceResult> {
  const api = new ApiClient(connectionFromEnv(options));
  const body: Record<string, unknown> = { command: [...command] };
  if (options.template !== undefined) body["template"] = options.template;
  if (options.sandbox !== undefined) body["sandbox"] = sandboxBody(options.sandbox);
  if (typeof options.stdin === "string") body["stdin"] = options.stdin;
  else if (options.stdin !== undefined) body["stdinBase64"] = Buffer.from(options.stdin).toString("base64");
  if (options.env !== undefined) body["env"] = options.env;
  if (options.cwd !== undefined) body["cwd"] = options.cwd;
  if (options.timeoutMs !== undefined) body["timeoutMs"] = options.timeoutMs;
  return api.json<RunOnceResult>("POST", "/v1/execute", { json: body, timeoutMs: 0 });
}
