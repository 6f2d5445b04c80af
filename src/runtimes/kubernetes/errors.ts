/**
 * Translation of Kubernetes API failures into C8sErrors, at the adapter edge. Pure: it reads
 * the HTTP status and the metav1.Status body an `ApiException` (client-node 1.x) carries.
 */
import { C8sError, isC8sError, type ErrorCode } from "../../errors/index.ts";

export interface KubernetesFailure {
  /** HTTP status, when the API server answered. */
  status: number | undefined;
  /** metav1.Status reason, e.g. `NotFound`, `AlreadyExists`, `Forbidden`. */
  reason: string | undefined;
  message: string;
}

/** Reads the status and metav1.Status of anything client-node throws (ApiException, fetch errors). */
export function describeFailure(error: unknown): KubernetesFailure {
  if (typeof error !== "object" || error === null) {
    return { status: undefined, reason: undefined, message: String(error) };
  }
  const record = error as { code?: unknown; body?: unknown; message?: unknown };
  const status = typeof record.code === "number" && record.code >= 100 && record.code < 600 ? record.code : undefined;
  let reason: string | undefined;
  let message = typeof record.message === "string" ? record.message : String(error);
  const body = typeof record.body === "string" ? safeJson(record.body) : record.body;
  if (typeof body === "object" && body !== null) {
    const statusBody = body as { reason?: unknown; message?: unknown };
    if (typeof statusBody.reason === "string") reason = statusBody.reason;
    if (typeof statusBody.message === "string") message = statusBody.message;
  }
  return { status, reason, message };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface TranslateContext {
  /** What c8s was doing, e.g. "create the Job for sandbox sbx_1". */
  action: string;
  sandboxId?: string | undefined;
  /** Code for a 404: SANDBOX_NOT_FOUND for sandbox objects, NOT_FOUND otherwise. */
  notFound?: ErrorCode;
}

/** The C8sError code for a Kubernetes failure. */
export function codeForFailure(failure: KubernetesFailure, notFound: ErrorCode = "NOT_FOUND"): ErrorCode {
  switch (failure.status) {
    case 400:
    case 422:
      return "INVALID_ARGUMENT";
    case 401:
      return "RUNTIME_UNAVAILABLE";
    case 403:
      return failure.message.includes("exceeded quota") ? "SANDBOX_LIMIT_REACHED" : "PERMISSION_DENIED";
    case 404:
      return notFound;
    case 409:
      return "CONFLICT";
    case 429:
      return "RATE_LIMITED";
    case undefined:
      return "RUNTIME_UNAVAILABLE";
    default:
      return failure.status >= 500 ? "RUNTIME_UNAVAILABLE" : "INTERNAL";
  }
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  RUNTIME_UNAVAILABLE:
    "Check that the Kubernetes API server is reachable with the configured kubeconfig or in-cluster account.",
  PERMISSION_DENIED:
    "Apply deploy/kubernetes/rbac.yaml (Role and RoleBinding) so the c8s ServiceAccount may manage Jobs, pods, pods/exec, NetworkPolicies and PVCs in its namespace.",
  SANDBOX_LIMIT_REACHED: "The namespace's ResourceQuota is exhausted: destroy sandboxes or raise the quota.",
  INVALID_ARGUMENT: "The API server rejected the object; see details.message (admission or validation).",
  RATE_LIMITED: "The API server is throttling requests; retry later.",
  CONFLICT: "An object with this name already exists or changed meanwhile; retry, or destroy the old sandbox first.",
};

export function translateKubernetesError(error: unknown, context: TranslateContext): C8sError {
  if (isC8sError(error)) return error;
  const failure = describeFailure(error);
  const code = codeForFailure(failure, context.notFound);
  const hint =
    code === "SANDBOX_NOT_FOUND" ? "The sandbox's Job is gone: it was destroyed or reached its TTL." : HINTS[code];
  return new C8sError(code, `Kubernetes refused to ${context.action}: ${failure.message}`, {
    details: {
      ...(context.sandboxId === undefined ? {} : { sandboxId: context.sandboxId }),
      status: failure.status ?? null,
      reason: failure.reason ?? null,
      message: failure.message,
    },
    ...(hint === undefined ? {} : { hint }),
    cause: error,
  });
}

/** True for an API 404 (already gone). */
export function isNotFound(error: unknown): boolean {
  return describeFailure(error).status === 404;
}

export function isAlreadyExists(error: unknown): boolean {
  return describeFailure(error).status === 409;
}
