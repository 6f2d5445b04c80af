/**
 * The `c8s` dispatcher: picks the command from the registry (loading only that command's module), hands it
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
    io.stdout.write(await helpText(args[0]));
    return EXIT.ok;
  }
  try {
    if (name === "--version" || name === "-v")
      return (await (await findCommand("version")?.load())?.run([], io)) ?? EXIT.ok;
    const entry = findCommand(name);
    if (!entry) throw new UsageError(`unknown command '${name}'`, "c8s <command> [flags]; `c8s help` lists them");
    if (args.includes("--help") || args.includes("-h")) {
      const dashdash = args.indexOf("--");
      const helpIndex = Math.max(args.indexOf("--help"), args.indexOf("-h"));
      if (dashdash === -1 || helpIndex < dashdash) {
        io.stdout.write(await helpText(name));
        return EXIT.ok;
      }
    }
    const command = await entry.load();
    return await command.run(args, io);
  } catch (error) {
    const printable = describeError(error);
    io.stderr.write(formatError(printable));
    return printable.exitCode;
  }
}
