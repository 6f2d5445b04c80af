/** `c8s hook create|ls|rm`: a team's webhook configurations (team owners). The secret is printed once, at create. */
import { z } from "zod";
import { Hooks } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage =
  "c8s hook create --provider github|gitlab --repo URL [--repo-secret NAME] [--json] | c8s hook ls [--json] | c8s hook rm ID…";

export const hookCommand: CliCommand = {
  name: "hook",
  summary: "A repository's webhook for your team: create (prints the URL and secret once), ls, rm",
  usage,
  async run(args: string[], io: CliIo) {
    const [sub, ...rest] = args;
    const { flags, positionals } = parseFlags(
      rest,
      {
        json: { type: "boolean" },
        provider: { type: "string" },
        repo: { type: "string" },
        "repo-secret": { type: "string" },
      },
      z.object({
        json: z.boolean().optional(),
        provider: z.enum(["github", "gitlab"]).optional(),
        repo: z.string().min(1).optional(),
        "repo-secret": z.string().min(1).optional(),
      }),
      usage,
    );
    const options = await sdkOptions(io);
    const hooks = Hooks.connect(options);
    switch (sub) {
      case "create": {
        if (flags.provider === undefined || flags.repo === undefined || positionals.length > 0)
          throw new UsageError("c8s hook create needs --provider and --repo", usage);
        const made = await hooks.create({
          provider: flags.provider,
          repoUrl: flags.repo,
          ...(flags["repo-secret"] === undefined ? {} : { repoSecret: flags["repo-secret"] }),
        });
        if (flags.json) io.stdout.write(json(made));
        else {
          const base = (options.url ?? "").replace(/\/+$/, "");
          const field = made.provider === "github" ? "Secret" : "Secret token";
          io.stdout.write(
            `${made.id}\n  Payload URL: ${base}${made.deliveryPath}\n  Content type: application/json\n  ${field}: ${made.secret}\n` +
              "  (the secret is shown only now: paste it into the repository's webhook settings)\n",
          );
        }
        return 0;
      }
      case "ls":
      case "list": {
        const list = await hooks.list();
        io.stdout.write(
          flags.json
            ? json(list)
            : table(
                ["ID", "PROVIDER", "REPOSITORY", "CLONES WITH", "LAST DELIVERY"],
                list.map((h) => [h.id, h.provider, h.repoUrl, h.repoSecret ?? "-", h.lastDeliveryAt ?? "never"]),
              ),
        );
        return 0;
      }
      case "rm":
      case "delete": {
        if (positionals.length === 0) throw new UsageError("c8s hook rm ID…", usage);
        for (const id of positionals) {
          await hooks.remove(id);
          io.stdout.write(`${id}\n`);
        }
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? "a subcommand is required" : `unknown subcommand 'hook ${sub}'`,
          usage,
        );
    }
  },
};
