/**
 * The one table of c8s error codes. Every error c8s raises carries one of these codes;
 * the HTTP API maps them to statuses in `httpStatusForCode` and the SDK maps them back
 * to typed errors. Codes are stable: add new ones, never rename.
 */
export const ERROR_CODES = {
  // request / input
  INVALID_ARGUMENT: 400,
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  /** The path exists but not with this method (the response's `Allow` header lists the ones it has). */
  METHOD_NOT_ALLOWED: 405,
  /** The client sent its request too slowly (the server's request timeout). */
  REQUEST_TIMEOUT: 408,
  /** The request target (path and query) is longer than the server reads. */
  URI_TOO_LONG: 414,
  /** A body in a content type the route does not read (JSON routes read application/json). */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A WebSocket endpoint was called without the WebSocket upgrade. */
  UPGRADE_REQUIRED: 426,
  /** The request's header section is larger than the server reads. */
  HEADERS_TOO_LARGE: 431,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  /** A team named in a request (token create, admin filter) does not exist. */
  TEAM_NOT_FOUND: 404,
  CONFLICT: 409,
  // sandboxes
  SANDBOX_NOT_FOUND: 404,
  SANDBOX_NOT_RUNNING: 409,
  SANDBOX_LIMIT_REACHED: 429,
  /** A team's quota (sandboxes, memory, CPU of its active sandboxes) would be exceeded. */
  QUOTA_EXCEEDED: 429,
  /** A request asked for more than an installation-wide ceiling (memory, pids, CPU, disk, TTL, timeouts). */
  LIMIT_EXCEEDED: 422,
  SANDBOX_START_FAILED: 500,
  EXEC_NOT_FOUND: 404,
  /** An attach asked for output the exec's buffer no longer holds (or the exec is gone from memory). */
  EXEC_OUTPUT_EXPIRED: 410,
  EXEC_TIMEOUT: 408,
  EXEC_FAILED: 500,
  COMMAND_NOT_FOUND: 400,
  // files
  FILE_NOT_FOUND: 404,
  PATH_OUTSIDE_SANDBOX: 400,
  FILE_TOO_LARGE: 413,
  NOT_A_DIRECTORY: 400,
  IS_A_DIRECTORY: 400,
  TAR_INVALID: 400,
  // sessions
  SESSION_NOT_FOUND: 404,
  /** A session file write whose If-Match (the version it read) is not the file's version now. */
  FILE_VERSION_CONFLICT: 412,
  /** A session's file count or total bytes would pass its limit. */
  SESSION_QUOTA_EXCEEDED: 413,
  // runtimes / host
  RUNTIME_UNAVAILABLE: 503,
  ISOLATION_UNAVAILABLE: 503,
  IMAGE_NOT_FOUND: 404,
  IMAGE_PULL_FAILED: 502,
  // pipelines
  PIPELINE_INVALID: 400,
  RUN_NOT_FOUND: 404,
  STEP_NOT_FOUND: 404,
  ARTIFACT_NOT_FOUND: 404,
  /** The artifact retention (C8S_ARTIFACT_RETENTION_DAYS) deleted it. */
  ARTIFACT_EXPIRED: 410,
  /** An artifact shows a secret where it cannot be masked (a binary file, a directory's tar, its path): not stored. */
  ARTIFACT_REFUSED: 422,
  SECRET_NOT_FOUND: 404,
  /** No template of that name in the caller's team (another team's is not found either). */
  TEMPLATE_NOT_FOUND: 404,
  WEBHOOK_SIGNATURE_INVALID: 401,
  /** A team hook (`/v1/hooks`) that does not exist, or is another team's. */
  HOOK_NOT_FOUND: 404,
  /** A delivery to a team hook about another repository than the hook's. */
  WEBHOOK_REPO_MISMATCH: 422,
  /** A repository URL the server's clone policy refuses (a local path, file://, http://, a private host). */
  REPO_URL_FORBIDDEN: 422,
  // store / internal
  STORE_ERROR: 500,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
  /** Start-up: the secrets key configured here is not the one this database's secrets are sealed with. */
  SECRETS_KEY_MISMATCH: 500,
  /** Start-up: another live c8s server already uses this home on this host. */
  REPLICA_CONFLICT: 500,
  /** The server is shutting down and takes no new requests; retry against another one or later. */
  SERVER_SHUTTING_DOWN: 503,
  // clients (CLI/SDK): no server address known
  SERVER_NOT_CONFIGURED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusForCode(code: ErrorCode): number {
  return ERROR_CODES[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}
