/**
 * The pod `exec` subresource's WebSocket protocol (channel.k8s.io), as pure functions:
 * framing, the status channel, the command wrapper that gives an exec its cwd, env and a
 * killable process group. The socket I/O is in exec.ts.
 *
 * Frames: one byte of channel then the payload. 0 stdin, 1 stdout, 2 stderr, 3 status
 * (a metav1.Status in JSON), 4 resize (`{"Width":…,"Height":…}`); v5 adds 255 = close a
 * channel (`[255, 0]` closes stdin), which v4 lacks.
 */
import type { TtySize } from "../types.ts";

export const EXEC_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 } as const;

export function frame(channel: number, payload: Uint8Array | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : Buffer.from(payload);
  return Buffer.concat([Buffer.from([channel]), body]);
}

export function resizeFrame(size: TtySize): Buffer {
  return frame(CHANNEL.resize, JSON.stringify({ Width: size.cols, Height: size.rows }));
}

export function closeStdinFrame(): Buffer {
  return Buffer.from([CHANNEL.close, CHANNEL.stdin]);
}

/** The query string of an exec request: `command` repeated, one per argv element. */
export function execQuery(options: { container: string; command: string[]; stdin: boolean; tty: boolean }): string {
  const params = new URLSearchParams();
  params.set("container", options.container);
  for (const arg of options.command) params.append("command", arg);
  params.set("stdin", String(options.stdin));
  params.set("stdout", "true");
  params.set("stderr", String(!options.tty));
  params.set("tty", String(options.tty));
  return params.toString();
}

export type ExecStatus =
  { kind: "exit"; exitCode: number } | { kind: "error"; message: string; reason: string | undefined };

/**
 * Reads a metav1.Status from channel 3. Success → exit 0. `NonZeroExitCode` carries the
 * code in `details.causes[reason=ExitCode]`. Some nodes (KWOK, older kubelets) report only a
 * message such as `command terminated with non-zero exit code: exit status 3`: parsed too.
 */
export function parseExecStatus(payload: string): ExecStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return messageStatus(payload, undefined);
  }
  // Any JSON may arrive (null, a number, causes that are not a list): read only what has the right shape.
  const status = record(parsed);
  if (status["status"] === "Success") return { kind: "exit", exitCode: 0 };
  const causes = record(status["details"])["causes"];
  const cause = Array.isArray(causes) ? causes.map(record).find((c) => c["reason"] === "ExitCode") : undefined;
  const code = cause?.["message"];
  if (typeof code === "string" && /^\d+$/.test(code)) return { kind: "exit", exitCode: Number(code) };
  const message = typeof status["message"] === "string" ? status["message"] : payload;
  return messageStatus(message, typeof status["reason"] === "string" ? status["reason"] : undefined);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function messageStatus(message: string, reason: string | undefined): ExecStatus {
  const match = /exit (?:status|code):? (\d+)/i.exec(message);
  if (match?.[1] !== undefined) return { kind: "exit", exitCode: Number(match[1]) };
  return { kind: "error", message, reason };
}

/** True when a status error means the executable was not found in the container. */
export function isCommandNotFound(message: string): boolean {
  return /executable file not found|no such file or directory|not found in \$PATH/i.test(message);
}

/** Where the wrapper records the pid of an exec's process group, inside the sandbox. */
export function pidFile(execId: string): string {
  return `/tmp/.c8s-exec/${execId}.pid`;
}

/** Exit status the wrapper uses when the working directory cannot be entered. */
export const CWD_FAILED_EXIT = 126;
/** Exit status the wrapper uses when the command is not found (like a shell). */
export const NOT_FOUND_EXIT = 127;

/**
 * Kubernetes exec has no cwd, env or process-group options, and closing the stream does not
 * kill the command. The wrapper (POSIX sh, present in every c8s image) enters the cwd, sets
 * the env and — without a TTY — starts the command in its own session with `setsid` when the
 * image has it, recording its pid so a timeout or kill can signal the whole tree with
 * `killCommand`. Never a process group it did not create: under KWOK the wrapper shares the
 * node agent's group. With a TTY the command runs in the foreground (`exec`).
 */
export function wrapCommand(options: {
  execId: string;
  command: string[];
  cwd: string;
  env: Record<string, string>;
  tty: boolean;
  /** The terminal's initial size, set with stty before the command starts (no resize race). */
  size?: TtySize | undefined;
}): string[] {
  const pid = pidFile(options.execId);
  const envArgs = [
    ...Object.entries(options.env).map(([key, value]) => `${key}=${value}`),
    `${EXEC_ID_ENV}=${options.execId}`,
  ];
  const enter =
    `mkdir -p /tmp/.c8s-exec 2>/dev/null; ` +
    `cd -- "$1" 2>/dev/null || { echo "c8s: cannot enter $1" >&2; exit ${CWD_FAILED_EXIT}; }; shift; `;
  const script = options.tty
    ? `${enter}echo $$ >'${pid}' 2>/dev/null; ` +
      (options.size === undefined
        ? ""
        : `stty rows ${Math.trunc(options.size.rows)} cols ${Math.trunc(options.size.cols)} 2>/dev/null; `) +
      // Not `exec`: KWOK's pty tunnel drops output written just before the process exits;
      // holding the terminal a moment longer lets it drain. Harmless on a real kubelet.
      `env "$@"; c8s_status=$?; sleep 0.2 2>/dev/null; exit "$c8s_status"`
    : `${enter}exec 3<&0; ` +
      `if command -v setsid >/dev/null 2>&1; then setsid env "$@" 0<&3 3<&- & else env "$@" 0<&3 3<&- & fi; ` +
      `c8s_pid=$!; exec 3<&-; echo "$c8s_pid" >'${pid}' 2>/dev/null; ` +
      `wait "$c8s_pid"; c8s_status=$?; rm -f '${pid}'; exit "$c8s_status"`;
  return ["/bin/sh", "-c", script, "c8s-exec", options.cwd, "--", ...envArgs, ...options.command];
}

/** Every process an exec starts inherits this variable: how a kill finds escaped descendants. */
export const EXEC_ID_ENV = "C8S_EXEC_ID";

/**
 * Signals the process group recorded by `wrapCommand` (or the pid, with a TTY), then every
 * process whose environment carries the exec's id — children that called setsid or
 * double-forked out of the group too. Twice, for processes forked while the first pass ran.
 */
export function killCommand(execId: string, signal: string): string[] {
  const sig = signal.replace(/^SIG/, "");
  const pid = pidFile(execId);
  const marker = `${EXEC_ID_ENV}=${execId}`;
  const sweep =
    `for d in /proc/[0-9]*; do [ "\${d#/proc/}" = "$$" ] && continue; ` +
    `if tr '\\0' '\\n' <"$d/environ" 2>/dev/null | grep -qxF '${marker}'; then kill -${sig} "\${d#/proc/}" 2>/dev/null; fi; done`;
  return [
    "/bin/sh",
    "-c",
    `p=$(cat '${pid}' 2>/dev/null) && { kill -${sig} -"$p" 2>/dev/null || kill -${sig} "$p" 2>/dev/null; }; ` +
      `${sweep}; ${sweep}; exit 0`,
  ];
}

const SIGNALS: Record<number, string> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  6: "SIGABRT",
  9: "SIGKILL",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
};

/** A shell reports death by signal N as 128+N. */
export function signalFromExitCode(code: number): string | null {
  return code > 128 && code <= 128 + 64 ? (SIGNALS[code - 128] ?? `SIG${code - 128}`) : null;
}
