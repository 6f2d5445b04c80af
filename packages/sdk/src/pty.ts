/** `sandbox.pty`: an interactive terminal in the sandbox over the same resumable exec stream. */
import type { CommandHandle, Commands } from "./commands.ts";
import type { CommandResult } from "./types.ts";

export interface PtySize {
  rows: number;
  cols: number;
}

export interface PtyCreateOptions extends PtySize {
  onData: (data: Uint8Array) => void;
  /** Default: bash if the sandbox has it, else sh, as a login-ish interactive shell. */
  cmd?: string | readonly string[];
  envs?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

export const DEFAULT_SHELL: readonly string[] = [
  "/bin/sh",
  "-c",
  "if [ -x /bin/bash ]; then exec /bin/bash -i; else exec /bin/sh -i; fi",
];

export class PtyHandle {
  constructor(private readonly handle: CommandHandle) {}

  get execId(): string {
    return this.handle.execId;
  }

  sendInput(data: string | Uint8Array): Promise<void> {
    return this.handle.sendStdin(data);
  }

  resize(size: PtySize): Promise<void> {
    return this.handle.queue({ type: "resize", rows: size.rows, cols: size.cols });
  }

  /** Resolves when the shell ends (any exit code). */
  wait(): Promise<CommandResult> {
    return this.handle.wait();
  }

  kill(signal = "SIGKILL"): Promise<boolean> {
    return this.handle.kill(signal);
  }

  disconnect(): void {
    this.handle.disconnect();
  }
}

export class Pty {
  constructor(private readonly commands: Commands) {}

  async create(options: PtyCreateOptions): Promise<PtyHandle> {
    const cmd = options.cmd ?? DEFAULT_SHELL;
    const argv = typeof cmd === "string" ? ["/bin/sh", "-c", cmd] : [...cmd];
    const envs = { TERM: "xterm-256color", ...options.envs };
    const handle = await this.commands.start(
      argv,
      {
        envs,
        cwd: options.cwd,
        timeoutMs: options.timeoutMs,
        stdin: true,
        allowNonZeroExit: true,
        onOutput: (chunk) => options.onData(chunk.data),
      },
      { rows: options.rows, cols: options.cols },
    );
    return new PtyHandle(handle);
  }
}
