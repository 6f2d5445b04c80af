/** @c8s/sdk — create sandboxes, run commands, move files, open terminals on a c8s server. */
export { Sandbox, type SandboxListOptions } from "./sandbox.ts";
export {
  Runs,
  type RunInfo,
  type RunStep,
  type SubmitRunOptions,
  type LogChunk,
  type FollowLogOptions,
} from "./runs.ts";
export { Secrets, type SecretInfo, type SecretPolicy } from "./runs-secrets.ts";
export {
  Templates,
  runOnce,
  type TemplateInfo,
  type TemplateOptions,
  type RunOnceOptions,
  type RunOnceResult,
} from "./templates.ts";
export { Hooks, type HookInfo, type CreatedHook, type CreateHookOptions } from "./hooks.ts";
export {
  Session,
  SessionFiles,
  type SessionInfo,
  type SessionDetails,
  type SessionFileInfo,
  type SessionExecResult,
  type CreateSessionOptions,
  type SessionExecOptions,
} from "./sessions.ts";
export { Audit, type AuditEntry, type AuditFilter } from "./audit.ts";
export { Commands, CommandHandle, toArgv, type CommandOptions, type RunOptions } from "./commands.ts";
export { Files, type FileData } from "./files.ts";
export { Pty, PtyHandle, DEFAULT_SHELL, type PtyCreateOptions, type PtySize } from "./pty.ts";
export { parseServerSentEvents, type EventsOptions } from "./events.ts";
export {
  resolveConnection,
  connectionFromEnv,
  DEFAULT_URL,
  type ConnectionOptions,
  type ResolvedConnection,
} from "./options.ts";
export {
  C8sSdkError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  InvalidArgumentError,
  RateLimitError,
  QuotaExceededError,
  FileVersionConflictError,
  TimeoutError,
  SandboxError,
  ConnectionError,
  CommandExitError,
  errorFromApi,
  type C8sSdkErrorOptions,
} from "./errors.ts";
export type {
  SandboxInfo,
  SandboxPurpose,
  SandboxState,
  SandboxCreateOptions,
  ExecInfo,
  FileEntry,
  FileType,
  SandboxEvent,
  CommandResult,
  OutputChunk,
  OutputStream,
  ExitInfo,
} from "./types.ts";
export {
  Tokens,
  type TeamDetails,
  type TeamInfo,
  type TeamQuotasInput,
  type TokenInfo,
  type TokenRole,
  type CreateTokenOptions,
} from "./teams-tokens.ts";
