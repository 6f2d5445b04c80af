/** What every CLI command receives: streams, cwd, the environment (passed down by main.ts) and a cancel signal. */
import type { PipelineCommandIo } from "./run/cli-io.ts";

export interface CliIo extends PipelineCommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  /** Registers a handler for a process signal; returns the function that removes it. */
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
}

/**
 * One `c8s <name>` command. `run` resolves to the process exit code and throws C8sError /
 * C8sSdkError for failures (main.ts prints them as `error[CODE]: …` + `hint: …`).
 */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/**
 * A line of the command table (registry.ts): what `c8s help` and `c8s completion` need, without
 * loading the command's module; `load` imports it only when the command runs.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  /** Subcommand names (for completion); a unit test checks them against the command's usage. */
  subcommands?: readonly string[];
  load(): Promise<CliCommand>;
}
