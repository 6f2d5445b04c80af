import { type ErrorCode, httpStatusForCode } from "./codes.ts";

export interface C8sErrorOptions {
  /** Structured, JSON-safe context: which sandbox, which field, which path. */
  details?: Record<string, unknown>;
  /** What the user should do about it. Shown by the CLI and returned by the API. */
  hint?: string;
  cause?: unknown;
}

/**
 * The root of every error c8s raises on purpose. Adapters translate backend errors
 * (errno, Docker, Kubernetes ApiException, SQL) into a C8sError at their edge.
 */
export class C8sError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: C8sErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "C8sError";
    this.code = code;
    this.details = options.details ?? {};
    this.hint = options.hint;
  }

  get httpStatus(): number {
    return httpStatusForCode(this.code);
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; details: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      details: this.details,
    };
  }
}

export function isC8sError(error: unknown): error is C8sError {
  return error instanceof C8sError;
}

/** Wraps anything thrown into a C8sError, keeping C8sErrors as they are. */
export function toC8sError(error: unknown, fallback: ErrorCode = "INTERNAL"): C8sError {
  if (error instanceof C8sError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new C8sError(fallback, message, { cause: error });
}
