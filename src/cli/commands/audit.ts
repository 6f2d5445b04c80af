/**
 * `c8s audit`: the server's audit log — who (token, team) did what to which resource, and
 * when. A team owner sees its own team's entries; an installation admin every team's.
 */
import { z } from "zod";
import { Audit, type AuditEntry, type AuditFilter } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseDuration, parseFlags } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage =
  "c8s audit [--team T] [--action A] [--resource R] [--token ID] [--since 1h|ISO] [--until 1h|ISO] [--limit N] [--oldest] [--json]";

/** `1h`, `30m`, `7d` → that long before `now`; an ISO 8601 time (or date) as it is; as ISO, or undefined. */
export function timeFlag(text: string, now: number): string | undefined {
  if (/^\d+(?:\.\d+)?(?:s|m|h|d)$/.test(text.trim())) {
    const ms = parseDuration(text);
    return ms === undefined ? undefined : new Date(now - ms).toISOString();
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

const time = z
  .string()
  .transform((text, ctx) => {
    const at = timeFlag(text, Date.now());
    if (at === undefined) {
      ctx.addIssue({ code: "custom", message: `expected a duration ago (1h, 30m, 7d) or an ISO time, got '${text}'` });
      return z.NEVER;
    }
    return at;
  })
  .optional();

const flagSchema = z.object({
  team: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  resource: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  since: time,
  until: time,
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  oldest: z.boolean().optional(),
  json: z.boolean().optional(),
});

export function auditTable(entries: AuditEntry[]): string {
  return table(
    ["TIME", "TEAM", "TOKEN", "ACTION", "RESOURCE", "STATUS"],
    entries.map((e) => [
      e.at,
      e.teamId ?? "-",
      e.tokenId ?? "-",
      e.action,
      e.resourceId === null ? e.resource : `${e.resource} ${e.resourceId}`,
      e.status === null ? "-" : String(e.status),
    ]),
  );
}

export const auditCommand: CliCommand = {
  name: "audit",
  summary: "The audit log: who did what to which resource, and when (owners: their team's; admins: all)",
  usage,
  async run(args: string[], io: CliIo) {
    const { flags, positionals } = parseFlags(
      args,
      {
        team: { type: "string" },
        action: { type: "string" },
        resource: { type: "string" },
        token: { type: "string" },
        since: { type: "string" },
        until: { type: "string" },
        limit: { type: "string" },
        oldest: { type: "boolean" },
        json: { type: "boolean" },
      },
      flagSchema,
      usage,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ""}'`, usage);
    const { json: asJson, oldest, ...rest } = flags;
    const filter: AuditFilter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    if (oldest === true) filter.order = "oldest";
    const entries = await Audit.connect(await sdkOptions(io)).list(filter);
    io.stdout.write(asJson ? json(entries) : auditTable(entries));
    return 0;
  },
};
