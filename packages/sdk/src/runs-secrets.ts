/** Pipeline secrets of the token's team (owner to set/remove): set, list names, remove. Values are never read back. */
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";

export interface SecretInfo {
  /** The team it belongs to (a run gets its own team's secrets only). */
  team: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export class Secrets {
  private constructor(private readonly api: ApiClient) {}

  static connect(options: ConnectionOptions = {}): Secrets {
    return new Secrets(new ApiClient(connectionFromEnv(options)));
  }

  set(name: string, value: string): Promise<SecretInfo> {
    return this.api.json<SecretInfo>("POST", "/v1/secrets", { json: { name, value } });
  }

  async list(): Promise<SecretInfo[]> {
    return (await this.api.json<{ secrets: SecretInfo[] }>("GET", "/v1/secrets")).secrets;
  }

  async remove(name: string): Promise<void> {
    await this.api.request("DELETE", `/v1/secrets/${encodeURIComponent(name)}`);
  }
}
