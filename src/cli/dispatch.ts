/**
 * The `c8s` dispatcher: picks the command from the registry, hands it
 * the process's streams and environment, prints failures as `error[CODE]: message` + `hint:`
 * and exits with the code documented in exit-codes.ts.
 */
import type { CliIo } from "./io.ts";
import { describeError, formatError, UsageError } from "./errors.ts";
import { EXIT } from "./exit-codes.ts";
import { helpText } from "./commands/help.ts";
import { findCommand } from "./registry.ts";

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(helpText(args[0]));
    return EXIT.ok;
  }
  if (name === "--version" || name === "-v") return findCommand("version")?.run([], io) ?? EXIT.ok;
  try {
    const command = findCommand(name);
    if (!command) throw new UsageError(`unknown command '${name}'`, "c8s <command> [flags]; `c8s help` lists them");
    if (args.includes("--help") || args.includes("-h")) {
      const dashdash = args.indexOf("--");
      const helpIndex = Math.max(args.indexOf("--help"), args.indexOf("-h"));
      if (dashdash === -1 || helpIndex < dashdash) {
        io.stdout.write(helpText(name));
        return EXIT.ok;
      }
    }
    return await command.run(args, io);
  } catch (error) {
    const printable = describeError(error);
    io.stderr.write(formatError(printable));
    return printable.exitCode;
  }
}
