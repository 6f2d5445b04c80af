/**
 * Translation of Docker Engine API failures (dockerode / docker-modem errors, socket errors)
 * into C8sErrors, at the adapter edge. Pure.
 */
import { C8sError, isC8sError, type ErrorCode } from "../../errors/index.ts";

export interface DockerFailure {
  /** HTTP status when the engine answered. */
  status: number | undefined;
  /** The engine's message (`json.message`) or the socket error's. */
  message: string;
  /** errno code for connection failures (ENOENT, ECONNREFUSED, EACCES). */
  errno: string | undefined;
}

export function describeDockerFailure(error: unknown): DockerFailure {
  if (typeof error !== "object" || error === null)
    return { status: undefined, message: String(error), errno: undefined };
  const e = error as { statusCode?: unknown; json?: unknown; message?: unknown; code?: unknown; reason?: unknown };
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  let message = typeof e.message === "string" ? e.message : String(error);
  const json = e.json as { message?: unknown } | null | undefined;
  if (json && typeof json === "object" && typeof json.message === "string") message = json.message;
  else if (typeof e.json === "string" && e.json.trim() !== "") message = e.json.trim();
  const errno = typeof e.code === "string" ? e.code : undefined;
  return { status, message, errno };
}

const CONNECTION_ERRNOS = new Set([
  "ENOENT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EACCES",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

export function unavailableHint(dockerHost: string): string {
  return (
    `No Docker Engine answers at ${dockerHost}. Start one (for tests: \`bash scripts/docker-test-engine.sh start\` ` +
    'then `eval "$(bash scripts/docker-test-engine.sh env)"`; otherwise start dockerd or Podman\'s socket) and set DOCKER_HOST.'
  );
}

export interface DockerTranslateContext {
  /** What c8s was doing, e.g. "create the container for sandbox sbx_1". */
  action: string;
  dockerHost: string;
  sandboxId?: string | undefined;
  /** Code for a 404; SANDBOX_NOT_FOUND for container operations. */
  notFound?: ErrorCode;
}

export function codeForDockerFailure(failure: DockerFailure, notFound: ErrorCode): ErrorCode {
  if (failure.status === undefined)
    return failure.errno !== undefined && !CONNECTION_ERRNOS.has(failure.errno) ? "INTERNAL" : "RUNTIME_UNAVAILABLE";
  if (failure.status === 404) return notFound;
  if (failure.status === 409)
    return /is not running|is paused|is restarting/.test(failure.message) ? "SANDBOX_NOT_RUNNING" : "CONFLICT";
  if (failure.status === 400) return "INVALID_ARGUMENT";
  if (failure.status === 401 || failure.status === 403) return "PERMISSION_DENIED";
  if (failure.status >= 500) {
    if (/is not running/.test(failure.message)) return "SANDBOX_NOT_RUNNING";
    if (/executable file not found|no such file or directory.*exec|not found in \$PATH/i.test(failure.message))
      return "COMMAND_NOT_FOUND";
    return "RUNTIME_UNAVAILABLE";
  }
  return "INTERNAL";
}

/** Anything dockerode threw, as a C8sError (C8sErrors pass through). */
export function translateDockerError(error: unknown, context: DockerTranslateContext): C8sError {
  if (isC8sError(error)) return error;
  const failure = describeDockerFailure(error);
  const code = codeForDockerFailure(failure, context.notFound ?? "NOT_FOUND");
  const details: Record<string, unknown> = {
    action: context.action,
    engineMessage: failure.message,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.errno === undefined ? {} : { errno: failure.errno }),
    ...(context.sandboxId === undefined ? {} : { sandboxId: context.sandboxId }),
  };
  const hints: Partial<Record<ErrorCode, string>> = {
    RUNTIME_UNAVAILABLE:
      failure.status === undefined
        ? unavailableHint(context.dockerHost)
        : "The Docker Engine failed; see details.engineMessage and the engine's log.",
    SANDBOX_NOT_FOUND: "The sandbox's container no longer exists; create a new sandbox.",
    SANDBOX_NOT_RUNNING: "The sandbox's container has stopped; see its termination reason and create a new sandbox.",
    PERMISSION_DENIED:
      "The Docker socket refused the request; check the socket's permissions or the engine's authorization plugin.",
    INVALID_ARGUMENT: "The Docker Engine rejected the request; see details.engineMessage.",
    CONFLICT: "A Docker object with that name already exists; destroy the old sandbox first.",
    COMMAND_NOT_FOUND: "Check the command's name and that the image contains it.",
  };
  const message =
    failure.status === undefined && code === "RUNTIME_UNAVAILABLE"
      ? `Cannot reach the Docker Engine at ${context.dockerHost} to ${context.action}: ${failure.message}`
      : `Docker could not ${context.action}: ${failure.message}`;
  return new C8sError(code, message, { details, hint: hints[code], cause: error });
}

/** Classifies a failed pull: the image does not exist vs the registry could not be reached. */
export function pullFailure(image: string, error: unknown, dockerHost: string): C8sError {
  if (isC8sError(error) && error.code === "RUNTIME_UNAVAILABLE" && error.details["status"] === undefined) return error;
  const failure = describeDockerFailure(isC8sError(error) ? error.cause : error);
  const message = isC8sError(error) ? error.message : failure.message;
  const missing = /not found|manifest unknown|pull access denied|repository does not exist|no such image/i.test(
    message,
  );
  const local = image.startsWith("localhost/") || image.startsWith("localhost:");
  const build = `Build it locally and name it in full (e.g. \`docker import rootfs.tar ${local ? image : `localhost/${image}`}\`; for tests \`bash scripts/docker-test-engine.sh start\` builds localhost/c8s-busybox:latest).`;
  if (missing || local) {
    return new C8sError(
      "IMAGE_NOT_FOUND",
      `Image '${image}' is not on the engine and could not be pulled: ${message}`,
      {
        details: { image, engineMessage: message },
        hint: build,
        cause: error,
      },
    );
  }
  return new C8sError("IMAGE_PULL_FAILED", `Pulling image '${image}' failed: ${message}`, {
    details: { image, engineMessage: message, dockerHost },
    hint: `No registry is reachable from the engine. ${build}`,
    cause: error,
  });
}

/** The hint for a container that did not start, from the engine's message. Pure. */
export function startFailureHint(engineMessage: string): string {
  if (/setting rlimit type \d+: (operation not permitted|invalid argument)/.test(engineMessage))
    return (
      "The engine asked for file/process limits (ulimits) this host does not allow. Give the engine default " +
      "ulimits under the host's hard limits (dockerd --default-ulimit); on Podman, which drops its containers.conf " +
      "default_ulimits when c8s names fsize, set C8S_DOCKER_ULIMITS=nofile=1024:1024,nproc=4096:4096 (the " +
      "`ulimits` option of createDockerRuntime)."
    );
  return "See details.engineMessage; check the image, the limits and the engine's log.";
}
