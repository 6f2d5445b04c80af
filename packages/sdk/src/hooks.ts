/**
 * A team's webhook configurations (`/v1/hooks`, team owners): one repository's delivery
 * address each. A delivery to it starts a run in the team, cloning with `repoSecret` if given.
 * The signing secret is returned by `create` only — store it in the provider's webhook settings.
 */
import type { Json } from "./types.ts";
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";

/** A hook as listed (`GET /v1/hooks`); never its secret. */
export type HookInfo = Json<"get_v1_hooks", 200>["hooks"][number];
/** A hook just created: with its signing secret, shown this once. */
export type CreatedHook = Json<"post_v1_hooks", 201>;

export interface CreateHookOptions {
  provider: "github" | "gitlab";
  /** The repository's clone URL; deliveries about another repository are refused. */
  repoUrl: string;
  /** A secret of the team the clone authenticates with (needs `secrets:use`). */
  repoSecret?: string;
}

export class Hooks {
  private constructor(private readonly api: ApiClient) {}

  static connect(options: ConnectionOptions = {}): Hooks {
    return new Hooks(new ApiClient(connectionFromEnv(options)));
  }

  create(options: CreateHookOptions): Promise<CreatedHook> {
    return this.api.json<CreatedHook>("POST", "/v1/hooks", { json: { ...options } });
  }

  async list(): Promise<HookInfo[]> {
    return (await this.api.json<{ hooks: HookInfo[] }>("GET", "/v1/hooks")).hooks;
  }

  get(id: string): Promise<HookInfo> {
    return this.api.json<HookInfo>("GET", `/v1/hooks/${encodeURIComponent(id)}`);
  }

  async remove(id: string): Promise<void> {
    await this.api.request("DELETE", `/v1/hooks/${encodeURIComponent(id)}`);
  }
}
