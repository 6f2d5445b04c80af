/** `c8s team create|ls`: teams of the installation (an admin token). */
import { z } from "zod";
import { Tokens } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage = "c8s team create NAME [--json] | c8s team ls [--json]";

export const teamCommand: CliCommand = {
  name: "team",
  summary: "Teams (installation admins): create, ls",
  usage,
  async run(args: string[], io: CliIo) {
    const [sub, ...rest] = args;
    const { flags, positionals } = parseFlags(
      rest,
      { json: { type: "boolean" } },
      z.object({ json: z.boolean().optional() }),
      usage,
    );
    const api = Tokens.connect(await sdkOptions(io));
    switch (sub) {
      case "create": {
        const [name, extra] = positionals;
        if (name === undefined || extra !== undefined) throw new UsageError("c8s team create NAME", usage);
        const team = await api.createTeam(name);
        io.stdout.write(flags.json ? json(team) : `${team.name}\n`);
        return 0;
      }
      case "ls":
      case "list": {
        const teams = await api.listTeams();
        io.stdout.write(
          flags.json
            ? json(teams)
            : table(
                ["NAME", "CREATED"],
                teams.map((t) => [t.name, t.createdAt]),
              ),
        );
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
