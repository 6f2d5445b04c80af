/**
 * `c8s secret set|ls|rm|rotate-key`: pipeline secrets on the server (admin token). Values are
 * never printed. `rotate-key` re-seals everything with the server's current secrets key.
 */
import { z } from "zod";
import { Secrets, type SecretInfo, type SecretPolicy } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage =
  "c8s secret set NAME [VALUE] [--event E]… [--branch GLOB]… [--repo GLOB]… [--allow-forks] (VALUE from stdin when omitted)" +
  " | c8s secret ls [--json] | c8s secret rm NAME | c8s secret rotate-key [--json] (admins; docs/security.md, 'The secrets key')";

/** The policy flags of `secret set` → the API's policy (absent when none is given: the default policy). */
function policyFrom(flags: { event?: string[]; branch?: string[]; repo?: string[]; "allow-forks"?: boolean }) {
  const policy = {
    ...(flags.event?.length ? { events: flags.event as SecretPolicy["events"] } : {}),
    ...(flags.branch?.length ? { branches: flags.branch } : {}),
    ...(flags.repo?.length ? { repos: flags.repo } : {}),
    ...(flags["allow-forks"] ? { forks: true } : {}),
  };
  return Object.keys(policy).length === 0 ? undefined : policy;
}

function describePolicy(policy: SecretInfo["policy"]): string {
  if (policy === null) return "any run but fork PRs";
  const parts = [
    policy.events ? `events ${policy.events.join(",")}` : "",
    policy.branches ? `branches ${policy.branches.join(",")}` : "",
    policy.repos ? `repos ${policy.repos.join(",")}` : "",
    policy.forks ? "forks allowed" : "",
  ].filter(Boolean);
  return parts.length === 0 ? "any run but fork PRs" : parts.join("; ");
}

async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  // One trailing newline (from `echo` or a file) is not part of the value.
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

export const secretCommand: CliCommand = {
  name: "secret",
  summary: "Pipeline secrets on the server: set, ls, rm, rotate-key (names only are ever listed)",
  usage,
  async run(args: string[], io: CliIo) {
    const [sub, ...rest] = args;
    const { flags, positionals } = parseFlags(
      rest,
      {
        json: { type: "boolean" },
        event: { type: "string", multiple: true },
        branch: { type: "string", multiple: true },
        repo: { type: "string", multiple: true },
        "allow-forks": { type: "boolean" },
      },
      z.object({
        json: z.boolean().optional(),
        event: z.array(z.enum(["push", "pull_request", "tag", "manual", "schedule"])).optional(),
        branch: z.array(z.string().min(1)).optional(),
        repo: z.array(z.string().min(1)).optional(),
        "allow-forks": z.boolean().optional(),
      }),
      usage,
    );
    const secrets = Secrets.connect(await sdkOptions(io));
    switch (sub) {
      case "set": {
        const [name, value, extra] = positionals;
        if (name === undefined || extra !== undefined) throw new UsageError("c8s secret set NAME [VALUE]", usage);
        // Prefer stdin: a value on the command line ends up in shell history and `ps`.
        const info = await secrets.set(name, value ?? (await readStdin(io)), policyFrom(flags));
        io.stdout.write(flags.json ? json(info) : `${info.name}\n`);
        return 0;
      }
      case "ls":
      case "list": {
        const list = await secrets.list();
        io.stdout.write(
          flags.json
            ? json(list)
            : table(
                ["NAME", "UPDATED", "USED BY"],
                list.map((s) => [s.name, s.updatedAt, describePolicy(s.policy)]),
              ),
        );
        return 0;
      }
      case "rm":
      case "delete": {
        if (positionals.length === 0) throw new UsageError("c8s secret rm NAME…", usage);
        for (const name of positionals) {
          await secrets.remove(name);
          io.stdout.write(`${name}\n`);
        }
        return 0;
      }
      case "rotate-key": {
        if (positionals.length > 0) throw new UsageError("c8s secret rotate-key takes no arguments", usage);
        const done = await secrets.rotateKey();
        io.stdout.write(
          flags.json
            ? json(done)
            : `re-sealed ${done.secrets} secrets, ${done.credentials} repository credentials and ${done.hooks} hook secrets with the current key\n`,
        );
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? "a subcommand is required" : `unknown subcommand 'secret ${sub}'`,
          usage,
        );
    }
  },
};
