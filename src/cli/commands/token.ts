/**
 * `c8s token create|ls|revoke`: API tokens. A team owner manages its own team's (a role no
 * higher than its own); an admin any team's. A new token is printed once — store it then.
 */
import { z } from "zod";
import { Tokens, type TokenRole } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage =
  "c8s token create NAME [--team T] [--role admin|owner|member|viewer] [--scope S]… [--expires 30d] [--json] | c8s token ls [--json] | c8s token revoke ID…";

const flagSchema = z.object({
  json: z.boolean().optional(),
  team: z.string().min(1).optional(),
  role: z.enum(["admin", "owner", "member", "viewer"]).optional(),
  scope: z.array(z.string().min(1)).optional(),
  expires: z
    .string()
    .regex(/^\d{1,6}[smhd]$/, "a duration such as 30d, 12h, 45m or 3600s")
    .optional(),
});

export const tokenCommand: CliCommand = {
  name: "token",
  summary: "API tokens of a team: create (shown once), ls, revoke",
  usage,
  async run(args: string[], io: CliIo) {
    const [sub, ...rest] = args;
    const { flags, positionals } = parseFlags(
      rest,
      {
        json: { type: "boolean" },
        team: { type: "string" },
        role: { type: "string" },
        scope: { type: "string", multiple: true },
        expires: { type: "string" },
      },
      flagSchema,
      usage,
    );
    const api = Tokens.connect(await sdkOptions(io));
    switch (sub) {
      case "create": {
        const [name, extra] = positionals;
        if (name === undefined || extra !== undefined) throw new UsageError("c8s token create NAME", usage);
        const made = await api.create({
          name,
          ...(flags.team === undefined ? {} : { team: flags.team }),
          ...(flags.role === undefined ? {} : { role: flags.role as TokenRole }),
          ...(flags.scope === undefined ? {} : { scopes: flags.scope }),
          ...(flags.expires === undefined ? {} : { expiresIn: flags.expires }),
        });
        // Only the token on stdout (`TOKEN=$(c8s token create …)`); --json for its record too. Shown once.
        io.stdout.write(flags.json ? json(made) : `${made.token}\n`);
        return 0;
      }
      case "ls":
      case "list": {
        const tokens = await api.list();
        io.stdout.write(
          flags.json
            ? json(tokens)
            : table(
                ["ID", "NAME", "TEAM", "ROLE", "EXPIRES", "LAST USED", "REVOKED"],
                tokens.map((t) => [
                  t.id,
                  t.name,
                  t.team,
                  t.role,
                  t.expiresAt ?? "-",
                  t.lastUsedAt ?? "-",
                  t.revokedAt ?? "-",
                ]),
              ),
        );
        return 0;
      }
      case "revoke":
      case "rm": {
        if (positionals.length === 0) throw new UsageError("c8s token revoke ID…", usage);
        for (const id of positionals) {
          await api.revoke(id);
          io.stdout.write(`${id}\n`);
        }
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? "a subcommand is required" : `unknown subcommand 'token ${sub}'`,
          usage,
        );
    }
  },
};
