/**
 * A minimal pino-compatible logger for when the caller brings none, so the runtime, the engine
 * and Fastify share one logger without a direct pino dependency. Two formats: `json` (one JSON
 * object a line, pino's shape: for log collectors, and the default off a terminal) and `pretty`
 * (`12:00:01.234 INFO  message key=value …`: what `c8s serve` prints on a terminal).
 */
import type { FastifyBaseLogger } from "fastify";

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LogLevel = keyof typeof LEVELS;
export const LOG_FORMATS = ["pretty", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

type Name = Exclude<LogLevel, "silent">;
interface Sink {
  write(line: string): unknown;
}
export interface LoggerOptions {
  format?: LogFormat;
  /** Where lines go; default stderr. */
  out?: Sink;
  /** ANSI colours for the level in `pretty` (callers pass "stderr is a terminal and NO_COLOR is unset"). */
  color?: boolean;
}

const COLORS: Record<Name, string> = {
  trace: "90",
  debug: "36",
  info: "32",
  warn: "33",
  error: "31",
  fatal: "35",
};

function errorFields(fields: Record<string, unknown>): void {
  const err = fields["err"];
  if (err instanceof Error) fields["err"] = { type: err.name, message: err.message, stack: err.stack };
}

function jsonLine(name: Name, fields: Record<string, unknown>, message: string | undefined): string {
  return `${JSON.stringify({ level: LEVELS[name], time: Date.now(), ...fields, ...(message ? { msg: message } : {}) })}\n`;
}

function prettyValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined)
    return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return "[unserializable]";
  }
}

function prettyLine(name: Name, fields: Record<string, unknown>, message: string | undefined, color: boolean): string {
  const time = new Date().toISOString().slice(11, 23);
  const label = name.toUpperCase().padEnd(5);
  const parts = [time, color ? `\u001b[${COLORS[name]}m${label}\u001b[0m` : label];
  if (message) parts.push(message);
  let stack = "";
  for (const [key, value] of Object.entries(fields)) {
    if (key === "err" && typeof value === "object" && value !== null && "message" in value) {
      const err = value as { type?: unknown; message?: unknown; stack?: unknown };
      parts.push(`err=${prettyValue(`${String(err.type ?? "Error")}: ${String(err.message)}`)}`);
      if (typeof err.stack === "string" && LEVELS[name] >= LEVELS.error)
        stack = `\n${err.stack.split("\n").slice(1).join("\n")}`;
      continue;
    }
    parts.push(`${key}=${prettyValue(value)}`);
  }
  return `${parts.join(" ")}${stack}\n`;
}

export function createLogger(
  level: LogLevel,
  options: LoggerOptions = {},
  bindings: Record<string, unknown> = {},
): FastifyBaseLogger {
  const threshold = LEVELS[level];
  const out = options.out ?? process.stderr;
  const format = options.format ?? "json";
  const emit =
    (name: Name) =>
    (objOrMsg?: unknown, msg?: unknown): void => {
      if (LEVELS[name] < threshold) return;
      const fields: Record<string, unknown> = {
        ...bindings,
        ...(typeof objOrMsg === "object" && objOrMsg !== null ? (objOrMsg as object) : {}),
      };
      const message = typeof objOrMsg === "string" ? objOrMsg : typeof msg === "string" ? msg : undefined;
      errorFields(fields);
      out.write(
        format === "json" ? jsonLine(name, fields, message) : prettyLine(name, fields, message, options.color === true),
      );
    };
  const logger = {
    level,
    trace: emit("trace"),
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    fatal: emit("fatal"),
    silent: () => undefined,
    child: (childBindings: Record<string, unknown>) => createLogger(level, options, { ...bindings, ...childBindings }),
  };
  return logger as unknown as FastifyBaseLogger;
}

/** JSON lines on `out` (pino's shape). */
export function createJsonLogger(
  level: LogLevel,
  out: Sink = process.stderr,
  bindings: Record<string, unknown> = {},
): FastifyBaseLogger {
  return createLogger(level, { format: "json", out }, bindings);
}
