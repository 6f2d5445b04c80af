/** `c8s completion bash|zsh|fish`: prints a completion script generated from the command table. */
import { COMPLETION_SHELLS, completionScript, type CompletionCommand, type CompletionShell } from "../completion.ts";
import { UsageError } from "../errors.ts";
import type { CliCommand } from "../io.ts";

const usage = "c8s completion bash|zsh|fish   (e.g. source <(c8s completion bash); see docs/cli.md)";

/** The command, given the table it completes (registry.ts passes itself in, so nothing imports in a cycle). */
export function completionCommand(table: readonly CompletionCommand[]): CliCommand {
  return {
    name: "completion",
    summary: "Print a shell completion script: c8s completion bash|zsh|fish",
    usage,
    async run(args, io) {
      const [shell, ...extra] = args;
      if (shell === undefined) throw new UsageError("missing shell (bash, zsh or fish)", usage);
      if (!(COMPLETION_SHELLS as readonly string[]).includes(shell))
        throw new UsageError(`unknown shell '${shell}' (expected bash, zsh or fish)`, usage);
      if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`, usage);
      io.stdout.write(completionScript(shell as CompletionShell, table));
      return 0;
    },
  };
}
