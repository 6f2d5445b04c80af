/** `c8s team create|update|show|ls`: teams of the installation and their quotas (an admin token). */
import { z } from "zod";
import { type TeamInfo, type TeamQuotasInput, Tokens } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseBytes, parseFlags } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const QUOTA_FLAGS = "[--max-sandboxes N] [--max-memory 8Gi] [--max-cpu 4] [--max-runs N] [--max-stored 10Gi]";
const usage = [
  `c8s team create NAME ${QUOTA_FLAGS} [--json]`,
  `c8s team update NAME ${QUOTA_FLAGS} [--json]   (a value of 'default' returns a quota to the installation's)`,
  "c8s team show NAME [--json]",
  "c8s team ls [--json]",
].join("\n       ");

/** `default` → null (the installation's default); otherwise what `parse` makes of it. */
const quotaFlag = (what: string, parse: (text: string) => number | undefined) =>
  z
    .string()
    .transform((text, ctx) => {
      if (text === "default") return null;
      const value = parse(text);
      if (value === undefined || !Number.isInteger(value) || value <= 0) {
        ctx.addIssue({ code: "custom", message: `expected ${what} or 'default', got '${text}'` });
        return z.NEVER;
      }
      return value;
    })
    .optional();

/** `4` cores, `0.5`, `500m` → CPU millis. */
export function parseCpu(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text.trim());
  if (!match) return undefined;
  return match[2] === "m" ? Number(match[1]) : Math.round(Number(match[1]) * 1000);
}

const count = (text: string) => (/^\d+$/.test(text) ? Number(text) : undefined);

const flagSchema = z.object({
  json: z.boolean().optional(),
  "max-sandboxes": quotaFlag("a count", count),
  "max-memory": quotaFlag("a size like 8Gi or 512M", parseBytes),
  "max-cpu": quotaFlag("cores like 4, 0.5 or 500m", parseCpu),
  "max-runs": quotaFlag("a count", count),
  "max-stored": quotaFlag("a size like 10Gi or 500M", parseBytes),
});

function quotasOf(flags: z.infer<typeof flagSchema>): TeamQuotasInput {
  const quotas: TeamQuotasInput = {};
  if (flags["max-sandboxes"] !== undefined) quotas.maxSandboxes = flags["max-sandboxes"];
  if (flags["max-memory"] !== undefined) quotas.maxMemoryBytes = flags["max-memory"];
  if (flags["max-cpu"] !== undefined) quotas.maxCpuMillis = flags["max-cpu"];
  if (flags["max-runs"] !== undefined) quotas.maxRuns = flags["max-runs"];
  if (flags["max-stored"] !== undefined) quotas.maxStoredBytes = flags["max-stored"];
  return quotas;
}

/** One quota for a table: the value in force, `(default)` when it is the installation's. */
function shown(team: TeamInfo, name: keyof TeamInfo["quotas"], format: (n: number) => string): string {
  const value = team.effectiveQuotas[name];
  const text = value === null ? "-" : format(value);
  return team.quotas[name] === null && value !== null ? `${text} (default)` : text;
}

const gib = (bytes: number) =>
  bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3}Gi` : bytes % 1024 ** 2 === 0 ? `${bytes / 1024 ** 2}Mi` : `${bytes}`;
const cores = (millis: number) => (millis % 1000 === 0 ? `${millis / 1000}` : `${millis}m`);

function quotaRow(team: TeamInfo): string[] {
  return [
    team.name,
    shown(team, "maxSandboxes", String),
    shown(team, "maxMemoryBytes", gib),
    shown(team, "maxCpuMillis", cores),
    shown(team, "maxRuns", String),
    shown(team, "maxStoredBytes", gib),
    team.createdAt,
  ];
}

const HEADER = ["NAME", "SANDBOXES", "MEMORY", "CPU", "RUNS", "STORED", "CREATED"];

export const teamCommand: CliCommand = {
  name: "team",
  summary: "Teams and their quotas (installation admins): create, update, show, ls",
  usage,
  async run(args: string[], io: CliIo) {
    const [sub, ...rest] = args;
    const { flags, positionals } = parseFlags(
      rest,
      {
        json: { type: "boolean" },
        "max-sandboxes": { type: "string" },
        "max-memory": { type: "string" },
        "max-cpu": { type: "string" },
        "max-runs": { type: "string" },
        "max-stored": { type: "string" },
      },
      flagSchema,
      usage,
    );
    const quotas = quotasOf(flags);
    const named = (what: string): string => {
      const [name, extra] = positionals;
      if (name === undefined || extra !== undefined) throw new UsageError(`c8s team ${what} NAME`, usage);
      return name;
    };
    const noQuotas = (what: string) => {
      if (Object.keys(quotas).length > 0) throw new UsageError(`c8s team ${what} takes no quota flags`, usage);
    };
    const api = Tokens.connect(await sdkOptions(io));
    switch (sub) {
      case "create": {
        const team = await api.createTeam(named("create"), Object.keys(quotas).length > 0 ? quotas : undefined);
        io.stdout.write(flags.json ? json(team) : `${team.name}\n`);
        return 0;
      }
      case "update": {
        const name = named("update");
        if (Object.keys(quotas).length === 0) throw new UsageError("c8s team update NAME needs a quota flag", usage);
        const team = await api.updateTeam(name, quotas);
        io.stdout.write(flags.json ? json(team) : table(HEADER, [quotaRow(team)]));
        return 0;
      }
      case "show": {
        noQuotas("show");
        const team = await api.getTeam(named("show"));
        if (flags.json) io.stdout.write(json(team));
        else {
          const u = team.usage;
          io.stdout.write(
            table(
              [...HEADER, "IN USE"],
              [
                [
                  ...quotaRow(team),
                  `${u.sandboxes} sandboxes, ${gib(u.memoryBytes)}, ${cores(u.cpuMillis)} CPU, ${u.runs} runs, ${gib(u.storedBytes)} stored`,
                ],
              ],
            ),
          );
        }
        return 0;
      }
      case "ls":
      case "list": {
        noQuotas("ls");
        const teams = await api.listTeams();
        io.stdout.write(flags.json ? json(teams) : table(HEADER, teams.map(quotaRow)));
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? "a subcommand is required" : `unknown subcommand 'team ${sub}'`,
          usage,
        );
    }
  },
};
