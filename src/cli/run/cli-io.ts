/** What the pipeline CLI commands need from their caller: streams, cwd, env, a cancel signal. */
export interface PipelineCommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  /** Input for `c8s run --debug`'s shell (absent: no shell is opened). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stderr: NodeJS.WritableStream;
  cwd: string;
  /** The process environment, passed down by the entry point. */
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
  /** Registers a process signal handler (Ctrl-C); returns its remover. */
  onSignal?(signal: NodeJS.Signals, handler: () => void): () => void;
}
