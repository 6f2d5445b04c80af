/**
 * Teams and tokens on a c8s server: an installation admin creates teams and tokens in any;
 * a team owner creates, lists and revokes its own team's tokens (a role no higher than its own).
 */
import type { Json } from "./types.ts";
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";

/** A team (`GET /v1/teams`): its own `quotas` (null: the default) and the `effectiveQuotas` that apply. */
export type TeamInfo = Json<"get_v1_teams", 200>["teams"][number];
/** A team with what it uses now (`GET /v1/teams/:id`). */
export type TeamDetails = Json<"get_v1_teams_by_id", 200>;
/**
 * Quotas to set: active sandboxes, their memory (bytes) and CPU (millis, 1000 = a core)
 * summed, concurrent runs. null returns one to the installation's default; left out: unchanged.
 */
export type TeamQuotasInput = Partial<Record<keyof TeamInfo["quotas"], number | null>>;
/** A token's record (`GET /v1/tokens`); never its value. */
export type TokenInfo = Json<"get_v1_tokens", 200>["tokens"][number];
export type TokenRole = TokenInfo["role"];

export interface CreateTokenOptions {
  name: string;
  /** Default: the caller's team. */
  team?: string;
  /** Default `member`. */
  role?: TokenRole;
  /** Narrower scopes than the role's, e.g. `["runs:read"]`. */
  scopes?: string[];
  /** A duration: `30d`, `12h`, `45m`, `3600s`. Default: never expires. */
  expiresIn?: string;
}

export class Tokens {
  private constructor(private readonly api: ApiClient) {}

  static connect(options: ConnectionOptions = {}): Tokens {
    return new Tokens(new ApiClient(connectionFromEnv(options)));
  }

  /** The token value is in this result only; it is stored hashed. */
  create(options: CreateTokenOptions): Promise<TokenInfo & { token: string }> {
    return this.api.json("POST", "/v1/tokens", { json: options });
  }

  async list(): Promise<TokenInfo[]> {
    return (await this.api.json<{ tokens: TokenInfo[] }>("GET", "/v1/tokens")).tokens;
  }

  async revoke(id: string): Promise<void> {
    await this.api.request("DELETE", `/v1/tokens/${encodeURIComponent(id)}`);
  }

  createTeam(name: string, quotas?: TeamQuotasInput): Promise<TeamInfo> {
    return this.api.json<TeamInfo>("POST", "/v1/teams", { json: { name, ...(quotas ? { quotas } : {}) } });
  }

  getTeam(id: string): Promise<TeamDetails> {
    return this.api.json<TeamDetails>("GET", `/v1/teams/${encodeURIComponent(id)}`);
  }

  updateTeam(id: string, quotas: TeamQuotasInput): Promise<TeamInfo> {
    return this.api.json<TeamInfo>("PATCH", `/v1/teams/${encodeURIComponent(id)}`, { json: { quotas } });
  }

  async listTeams(): Promise<TeamInfo[]> {
    return (await this.api.json<{ teams: TeamInfo[] }>("GET", "/v1/teams")).teams;
  }
}
