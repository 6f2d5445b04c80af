/** Pipeline secrets on a c8s server (admin token): set, list names, remove. Values are never read back. */
import type { Json } from "./types.ts";
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";

/** A secret's name and times (`GET /v1/secrets`); never its value. */
export type SecretInfo = Json<"get_v1_secrets", 200>["secrets"][number];
/** Which runs may use a secret: events, branch and repository globs, and whether fork pull requests may (default not). */
export type SecretPolicy = NonNullable<SecretInfo["policy"]>;

export class Secrets {
  private constructor(private readonly api: ApiClient) {}

  static connect(options: ConnectionOptions = {}): Secrets {
    return new Secrets(new ApiClient(connectionFromEnv(options)));
  }

  set(name: string, value: string, policy?: SecretPolicy): Promise<SecretInfo> {
    return this.api.json<SecretInfo>("POST", "/v1/secrets", {
      json: { name, value, ...(policy === undefined ? {} : { policy }) },
    });
  }

  async list(): Promise<SecretInfo[]> {
    return (await this.api.json<{ secrets: SecretInfo[] }>("GET", "/v1/secrets")).secrets;
  }

  async remove(name: string): Promise<void> {
    await this.api.request("DELETE", `/v1/secrets/${encodeURIComponent(name)}`);
  }

  /**
   * Re-seals every secret and repository credential with the server's current secrets key
   * (installation admins; the key rotation of docs/security.md, "The secrets key"). Returns the counts.
   */
  rotateKey(): Promise<Json<"post_v1_secrets_key_rotate", 200>> {
    return this.api.json<Json<"post_v1_secrets_key_rotate", 200>>("POST", "/v1/secrets-key/rotate");
  }
}
