/**
 * `c8s session create|ls|rm|exec|cp`: workspaces whose files live in the server's store.
 * `exec ID -- CMD…` runs in the session's sandbox and exits with the command's code;
 * `cp` copies one file between the host and a session (`ID:path` names the session side).
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { Session } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage =
  "c8s session create [--name N] [--image I] [--json] | c8s session ls [--json] | c8s session rm ID… | " +
  "c8s session exec ID [--json] -- CMD… | c8s session cp SRC DST (one side ID:path)";

/** `ses_x:src/a.py` → { id, path }; a host path → null. */
function sessionSide(arg: string): { id: string; path: string } | null {
  const match = /^(ses_[a-z0-9]+):(.+)$/.exec(arg);
  return match === null ? null : { id: match[1] ?? "", path: match[2] ?? "" };
}

export const sessionCommand: CliCommand = {
  name: "session",
  summary: "Workspaces whose files live in the server: create, ls, rm, exec, cp",
  usage,
  async run(args: string[], io: CliIo) {
    const [sub, ...rest] = args;
    const {
      flags,
      positionals,
      rest: command,
    } = parseFlags(
      rest,
      { json: { type: "boolean" }, name: { type: "string" }, image: { type: "string" } },
      z.object({
        json: z.boolean().optional(),
        name: z.string().min(1).optional(),
        image: z.string().min(1).optional(),
      }),
      usage,
    );
    const options = await sdkOptions(io);
    switch (sub) {
      case "create": {
        const session = await Session.create(
          {
            ...(flags.name === undefined ? {} : { name: flags.name }),
            ...(flags.image === undefined ? {} : { image: flags.image }),
          },
          options,
        );
        io.stdout.write(flags.json ? json(await session.info()) : `${session.id}\n`);
        return 0;
      }
      case "ls":
      case "list": {
        const list = await Session.list(options);
        io.stdout.write(
          flags.json
            ? json(list)
            : table(
                ["ID", "NAME", "SANDBOX", "LAST ACTIVITY"],
                list.map((s) => [s.id, s.name ?? "-", s.sandboxId ?? "-", s.lastActivityAt]),
              ),
        );
        return 0;
      }
      case "rm":
      case "delete": {
        if (positionals.length === 0) throw new UsageError("c8s session rm ID…", usage);
        for (const id of positionals) {
          await Session.connect(id, options).remove();
          io.stdout.write(`${id}\n`);
        }
        return 0;
      }
      case "exec": {
        const [id] = positionals;
        if (id === undefined || positionals.length > 1 || command.length === 0)
          throw new UsageError("c8s session exec ID -- CMD…", usage);
        const result = await Session.connect(id, options).exec(command);
        if (flags.json) io.stdout.write(json(result));
        else {
          io.stdout.write(result.stdout);
          io.stderr.write(result.stderr);
          if (result.sandbox.replaced !== null)
            io.stderr.write(
              `c8s: the session's sandbox ${result.sandbox.replaced.sandboxId} was ${result.sandbox.replaced.reason}; attached ${result.sandbox.sandboxId} with the files restored\n`,
            );
          if (result.sync.error !== null)
            io.stderr.write(`c8s: the command's file changes were not stored: ${result.sync.error.message}\n`);
        }
        return result.exitCode ?? 1;
      }
      case "cp": {
        const [src, dst] = positionals;
        if (src === undefined || dst === undefined || positionals.length > 2)
          throw new UsageError("c8s session cp SRC DST", usage);
        const from = sessionSide(src);
        const to = sessionSide(dst);
        if ((from === null) === (to === null))
          throw new UsageError("exactly one side of cp is a session path (ses_…:path)", usage);
        if (to !== null) {
          const info = await Session.connect(to.id, options).files.write(to.path, await readFile(resolve(io.cwd, src)));
          if (flags.json) io.stdout.write(json(info));
        } else if (from !== null) {
          const { data } = await Session.connect(from.id, options).files.read(from.path);
          await writeFile(resolve(io.cwd, dst), data);
        }
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? "a subcommand is required" : `unknown subcommand 'session ${sub}'`,
          usage,
        );
    }
  },
};
