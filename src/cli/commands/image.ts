/**
 * `c8s image add NAME PATH | ls | rm NAME`: the local runtime's registered root filesystems, in
 * `<C8S_HOME>/images.json` on this machine (no server call: registering a host directory is
 * the installation admin's act, done where the server runs). API callers then name images only.
 */
import { join } from "node:path";
import { z } from "zod";
import { configFromEnv } from "../../config/config.ts";
import { readImageRegistry, registerImage, unregisterImage } from "../../runtimes/local/images.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand } from "../io.ts";

const usage = "c8s image add NAME PATH | c8s image ls [--json] | c8s image rm NAME";

export const imageCommand: CliCommand = {
  name: "image",
  summary: "Local root filesystems sandboxes may name as `image` (registered here, never a path from the API)",
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    const { flags, positionals } = parseFlags(
      rest,
      { json: { type: "boolean" } },
      z.object({ json: z.boolean().optional() }),
      usage,
    );
    const file = join(configFromEnv(io.env).home, "images.json");
    switch (sub) {
      case "add": {
        const [name, path, extra] = positionals;
        if (name === undefined || path === undefined || extra !== undefined)
          throw new UsageError("c8s image add NAME PATH", usage);
        const real = await registerImage(file, name, path);
        io.stdout.write(flags.json ? json({ name, path: real }) : `${name}\t${real}\n`);
        return 0;
      }
      case "ls":
      case "list": {
        const registry = await readImageRegistry(file);
        const rows = Object.entries(registry).sort(([a], [b]) => a.localeCompare(b));
        io.stdout.write(
          flags.json
            ? json(rows.map(([name, path]) => ({ name, path })))
            : table(
                ["NAME", "ROOT FILESYSTEM"],
                rows.map(([name, path]) => [name, path]),
              ),
        );
        return 0;
      }
      case "rm":
      case "remove": {
        if (positionals.length === 0) throw new UsageError("c8s image rm NAME…", usage);
        for (const name of positionals) {
          if (!(await unregisterImage(file, name))) {
            io.stderr.write(`no image named '${name}'\n`);
            return 1;
          }
          io.stdout.write(`${name}\n`);
        }
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? "a subcommand is required" : `unknown subcommand 'image ${sub}'`,
          usage,
        );
    }
  },
};
