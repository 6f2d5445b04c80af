/**
 * The SDK's error tree: every error it throws is a `C8sSdkError` with the API's stable
 * `code`, an HTTP `status` when one applies, and a `hint` that says what to do.
 * API error codes become typed errors in exactly one place: `errorFromApi`.
 */

export interface C8sSdkErrorOptions {
  code?: string;
  status?: number;
  hint?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
  /** A 429's `Retry-After`, in seconds. */
  retryAfterSeconds?: number;
}

export class C8sSdkError extends Error {
  /** The API's stable error code (e.g. `SANDBOX_NOT_FOUND`), or an SDK code such as `CONNECTION_FAILED`. */
  readonly code: string;
  /** HTTP status of the failed request, when the error came from one. */
  readonly status: number | undefined;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: C8sSdkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "C8sSdkError";
    this.code = options.code ?? "INTERNAL";
    this.status = options.status;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }
}

/** The token is missing, wrong or revoked (401). */
export class AuthenticationError extends C8sSdkError {
  override name = "AuthenticationError";
}

/** The token is valid but lacks the scope for this call (403). */
export class PermissionDeniedError extends C8sSdkError {
  override name = "PermissionDeniedError";
}

/** A sandbox, exec, file or other resource does not exist (404). */
export class NotFoundError extends C8sSdkError {
  override name = "NotFoundError";
}

/** The request was rejected as malformed: bad field, path outside the sandbox, bad tar (400/405/413/414/415/426/431). */
export class InvalidArgumentError extends C8sSdkError {
  override name = "InvalidArgumentError";
}

/** Too many requests or too many sandboxes (429). */
export class RateLimitError extends C8sSdkError {
  override name = "RateLimitError";
  /** How long the server asks to wait before retrying (its `Retry-After` header), when it says. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: C8sSdkErrorOptions = {}) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A team quota is used up (429 `QUOTA_EXCEEDED`): `details` = `{quota, limit, current, requested}`. */
export class QuotaExceededError extends RateLimitError {
  override name = "QuotaExceededError";
}

/** A session file changed since the version the write named (412 `FILE_VERSION_CONFLICT`): read it again, then retry. */
export class FileVersionConflictError extends C8sSdkError {
  override name = "FileVersionConflictError";
}

/** A command or request ran out of time. */
export class TimeoutError extends C8sSdkError {
  override name = "TimeoutError";
}

/** The sandbox is not in a state to serve the call, could not start, or the runtime failed (409/5xx). */
export class SandboxError extends C8sSdkError {
  override name = "SandboxError";
}

/** The server could not be reached at all. */
export class ConnectionError extends C8sSdkError {
  override name = "ConnectionError";
}

export interface CommandExitInfo {
  execId: string;
  exitCode: number | null;
  signal: string | null;
  reason: string;
  stdout: string;
  stderr: string;
}

/** A command finished with a non-zero exit code (or a signal) and the caller did not allow it. */
export class CommandExitError extends C8sSdkError {
  override name = "CommandExitError";
  readonly execId: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly reason: string;
  readonly stdout: string;
  readonly stderr: string;

  constructor(info: CommandExitInfo) {
    const how =
      info.exitCode === null ? `was ended by ${info.signal ?? info.reason}` : `exited with code ${info.exitCode}`;
    super(`command ${how}`, {
      code: "COMMAND_EXIT",
      hint: "Read .stderr for what went wrong, or pass allowNonZeroExit: true to get the result instead.",
      details: { execId: info.execId, exitCode: info.exitCode, signal: info.signal, reason: info.reason },
    });
    this.execId = info.execId;
    this.exitCode = info.exitCode;
    this.signal = info.signal;
    this.reason = info.reason;
    this.stdout = info.stdout;
    this.stderr = info.stderr;
  }
}

type ErrorClass = new (message: string, options: C8sSdkErrorOptions) => C8sSdkError;

const classByCode: Record<string, ErrorClass> = {
  UNAUTHENTICATED: AuthenticationError,
  WEBHOOK_SIGNATURE_INVALID: AuthenticationError,
  PERMISSION_DENIED: PermissionDeniedError,
  NOT_FOUND: NotFoundError,
  SANDBOX_NOT_FOUND: NotFoundError,
  EXEC_NOT_FOUND: NotFoundError,
  FILE_NOT_FOUND: NotFoundError,
  IMAGE_NOT_FOUND: NotFoundError,
  RUN_NOT_FOUND: NotFoundError,
  STEP_NOT_FOUND: NotFoundError,
  ARTIFACT_NOT_FOUND: NotFoundError,
  ARTIFACT_EXPIRED: NotFoundError,
  SECRET_NOT_FOUND: NotFoundError,
  TEMPLATE_NOT_FOUND: NotFoundError,
  HOOK_NOT_FOUND: NotFoundError,
  SESSION_NOT_FOUND: NotFoundError,
  FILE_VERSION_CONFLICT: FileVersionConflictError,
  SESSION_QUOTA_EXCEEDED: InvalidArgumentError,
  TEAM_NOT_FOUND: NotFoundError,
  INVALID_ARGUMENT: InvalidArgumentError,
  VALIDATION_FAILED: InvalidArgumentError,
  PAYLOAD_TOO_LARGE: InvalidArgumentError,
  METHOD_NOT_ALLOWED: InvalidArgumentError,
  URI_TOO_LONG: InvalidArgumentError,
  UNSUPPORTED_MEDIA_TYPE: InvalidArgumentError,
  HEADERS_TOO_LARGE: InvalidArgumentError,
  UPGRADE_REQUIRED: InvalidArgumentError,
  REQUEST_TIMEOUT: TimeoutError,
  COMMAND_NOT_FOUND: InvalidArgumentError,
  PATH_OUTSIDE_SANDBOX: InvalidArgumentError,
  FILE_TOO_LARGE: InvalidArgumentError,
  NOT_A_DIRECTORY: InvalidArgumentError,
  IS_A_DIRECTORY: InvalidArgumentError,
  TAR_INVALID: InvalidArgumentError,
  PIPELINE_INVALID: InvalidArgumentError,
  LIMIT_EXCEEDED: InvalidArgumentError,
  REPO_URL_FORBIDDEN: InvalidArgumentError,
  WEBHOOK_REPO_MISMATCH: InvalidArgumentError,
  ARTIFACT_REFUSED: InvalidArgumentError,
  RATE_LIMITED: RateLimitError,
  QUOTA_EXCEEDED: QuotaExceededError,
  SANDBOX_LIMIT_REACHED: RateLimitError,
  EXEC_TIMEOUT: TimeoutError,
  SANDBOX_NOT_RUNNING: SandboxError,
  SANDBOX_START_FAILED: SandboxError,
  EXEC_FAILED: SandboxError,
  RUNTIME_UNAVAILABLE: SandboxError,
  ISOLATION_UNAVAILABLE: SandboxError,
  IMAGE_PULL_FAILED: SandboxError,
};

function classByStatus(status: number | undefined): ErrorClass {
  switch (status) {
    case 400:
    case 405:
    case 413:
    case 414:
    case 415:
    case 422:
    case 426:
    case 431:
      return InvalidArgumentError;
    case 401:
      return AuthenticationError;
    case 412:
      return FileVersionConflictError;
    case 403:
      return PermissionDeniedError;
    case 404:
    case 410:
      return NotFoundError;
    case 408:
    case 504:
      return TimeoutError;
    case 429:
      return RateLimitError;
    case 409:
    case 500:
    case 502:
    case 503:
      return SandboxError;
    default:
      return C8sSdkError;
  }
}

const defaultHints: Record<string, string> = {
  AuthenticationError: "Check the token: pass { token } or set C8S_TOKEN (c8s serve prints the admin token once).",
  RateLimitError: "Wait and retry, or destroy sandboxes you no longer need.",
  QuotaExceededError:
    "Destroy sandboxes or wait for runs your team no longer needs, or ask an admin to raise the team's quota.",
  NotFoundError: "Check the id or path; a sandbox that ended is gone.",
};

/**
 * THE mapping from an API error (HTTP status + `{error: {code, message, hint, details}}` body,
 * or a WebSocket `{type: "error", code, message, hint}` frame) to a typed SDK error.
 * The code decides; the status decides only when the code is unknown. `retryAfter` is the
 * response's `Retry-After` header (seconds; an HTTP date is read too).
 */
export function errorFromApi(status: number | undefined, body: unknown, retryAfter?: string | null): C8sSdkError {
  const payload = extractErrorPayload(body);
  const code = payload.code ?? (status === undefined ? "INTERNAL" : `HTTP_${status}`);
  const cls = (payload.code !== undefined ? classByCode[payload.code] : undefined) ?? classByStatus(status);
  const message = payload.message ?? (status === undefined ? "request failed" : `request failed with HTTP ${status}`);
  const seconds = retryAfterSeconds(retryAfter);
  const options: C8sSdkErrorOptions = {
    code,
    status,
    details: payload.details ?? {},
    ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }),
  };
  const error = new cls(message, options);
  const hint = payload.hint ?? defaultHints[error.name];
  return hint === undefined ? error : new cls(message, { ...options, hint });
}

/** `Retry-After`: delta seconds, or an HTTP date (as seconds from now, at least 1). */
export function retryAfterSeconds(header: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - nowMs) / 1000));
}

interface ErrorPayload {
  code?: string;
  message?: string;
  hint?: string;
  details?: Record<string, unknown>;
}

function extractErrorPayload(body: unknown): ErrorPayload {
  if (typeof body !== "object" || body === null) return {};
  const record = body as Record<string, unknown>;
  const inner = typeof record["error"] === "object" && record["error"] !== null ? record["error"] : record;
  const e = inner as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  const details =
    typeof e["details"] === "object" && e["details"] !== null ? (e["details"] as Record<string, unknown>) : undefined;
  return { code: str(e["code"]), message: str(e["message"]), hint: str(e["hint"]), details };
}
