/**
 * The audit log of a c8s server: who (token, team) did what to which resource, and when.
 * A team owner reads its own team's entries; an installation admin every team's.
 */
import type { operations } from "./api.gen.ts";
import type { Json } from "./types.ts";
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";

/** One entry (`GET /v1/audit`): never a request body or a secret's value. */
export type AuditEntry = Json<"get_v1_audit", 200>["entries"][number];
/**
 * Filters of `GET /v1/audit`: `team` (admins), `action` (a trailing `*` matches a prefix),
 * `resource`, `resourceId`, `token`, `since`/`until` (ISO 8601), `before`/`after` (a `seq`),
 * `order` (`newest` first by default, or `oldest`), `limit` (≤ 1000, default 100).
 */
export type AuditFilter = NonNullable<operations["get_v1_audit"]["parameters"]["query"]>;

export class Audit {
  private constructor(private readonly api: ApiClient) {}

  static connect(options: ConnectionOptions = {}): Audit {
    return new Audit(new ApiClient(connectionFromEnv(options)));
  }

  /** One page of entries. */
  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    return (await this.api.json<{ entries: AuditEntry[] }>("GET", "/v1/audit", { query: filter })).entries;
  }

  /** Every entry the filter matches, page by page (`limit` is the page size), in `order`. */
  async *entries(filter: AuditFilter = {}): AsyncGenerator<AuditEntry> {
    const oldest = filter.order === "oldest";
    let cursor: AuditFilter = {};
    for (;;) {
      const page = await this.list({ ...filter, ...cursor });
      yield* page;
      const last = page.at(-1);
      if (last === undefined || page.length < (filter.limit ?? 100)) return;
      cursor = oldest ? { after: last.seq } : { before: last.seq };
    }
  }
}
