/**
 * A minimal pino-compatible logger (JSON lines on a stream) for when the caller brings none,
 * so the runtime, the engine and Fastify share one logger without a direct pino dependency.
 */
import type { FastifyBaseLogger } from "fastify";

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LogLevel = keyof typeof LEVELS;

export function createJsonLogger(
  level: LogLevel,
  out: { write(line: string): unknown } = process.stderr,
  bindings: Record<string, unknown> = {},
): FastifyBaseLogger {
  const threshold = LEVELS[level];
  const emit =
    (name: Exclude<LogLevel, "silent">) =>
    (objOrMsg?: unknown, msg?: unknown): void => {
      if (LEVELS[name] < threshold) return;
      const fields: Record<string, unknown> =
        typeof objOrMsg === "object" && objOrMsg !== null ? { ...(objOrMsg as object) } : {};
      const message = typeof objOrMsg === "string" ? objOrMsg : typeof msg === "string" ? msg : undefined;
      const err = fields["err"];
      if (err instanceof Error) fields["err"] = { type: err.name, message: err.message, stack: err.stack };
      out.write(
        `${JSON.stringify({ level: LEVELS[name], time: Date.now(), ...bindings, ...fields, ...(message ? { msg: message } : {}) })}\n`,
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
    child: (childBindings: Record<string, unknown>) => createJsonLogger(level, out, { ...bindings, ...childBindings }),
  };
  return logger as unknown as FastifyBaseLogger;
}
