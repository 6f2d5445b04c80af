/** `c8s sandbox events [ID] [-f]`: lifecycle events, optionally followed live. */
import { z } from "zod";
import { Sandbox } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import type { CliCommand, CliIo } from "../io.ts";

const usage = "c8s sandbox events [ID] [--follow|-f] [--after SEQ] [--json]";

export const sandboxEventsCommand: CliCommand = {
  name: "events",
  summary: "Print lifecycle events (all sandboxes, or one); --follow streams new ones",
  usage,
  async run(args: string[], io: CliIo) {
    const { flags, positionals } = parseFlags(
      args,
      { follow: { type: "boolean", short: "f" }, after: { type: "string" }, json: { type: "boolean" } },
      z.object({
        follow: z.boolean().optional(),
        after: z.coerce.number().int().nonnegative().optional(),
        json: z.boolean().optional(),
      }),
      usage,
    );
    if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`, usage);
    const abort = new AbortController();
    const off = io.onSignal("SIGINT", () => abort.abort());
    try {
      for await (const event of Sandbox.events({
        ...(await sdkOptions(io)),
        sandboxId: positionals[0],
        after: flags.after,
        follow: flags.follow ?? false,
        signal: abort.signal,
      })) {
        if (flags.json) io.stdout.write(`${JSON.stringify(event)}\n`);
        else
          io.stdout.write(
            `${event.seq}\t${event.at}\t${event.sandboxId}\t${event.type}\t${JSON.stringify(event.data)}\n`,
          );
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      off();
    }
    return 0;
  },
};
