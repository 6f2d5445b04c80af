/**
 * The sandbox API's boundary around c8s's own workloads. A pipeline step's or service's
 * sandbox holds the run's secrets in its environment: every token may list and read its
 * record (`GET /v1/sandboxes?run=`), but only an admin token may enter or change it (exec,
 * PTY, files, destroy) — e.g. `c8s runs debug` on a kept step. Runs after the auth hook's
 * team check, so another team's workload sandbox is a plain 404 before this rule is reached.
 */
import type { FastifyRequest } from "fastify";
import { C8sError } from "../errors/index.ts";
import type { SandboxEngineApi } from "../engine/types.ts";

const SANDBOX_PATH = /^\/v1\/sandboxes\/([^/?]+)(\/[^?]*)?(?:\?.*)?$/;

/** Whether a request touches a sandbox beyond reading its own record. */
export function sandboxTouched(method: string, url: string): string | null {
  const match = SANDBOX_PATH.exec(url);
  if (match === null) return null;
  const [, id, rest] = match;
  if (rest === undefined || rest === "" || rest === "/") return method === "GET" ? null : decodeURIComponent(id ?? "");
  return decodeURIComponent(id ?? "");
}

export function createWorkloadGuard(engine: SandboxEngineApi) {
  return async (request: FastifyRequest): Promise<void> => {
    const id = sandboxTouched(request.method, request.url);
    if (id === null || request.auth == null || request.auth.role === "admin") return;
    const record = await engine.get(id).catch(() => null);
    if (record === null || record.purpose === "sandbox") return; // the route answers 404 itself
    throw new C8sError(
      "PERMISSION_DENIED",
      `sandbox ${id} is a pipeline ${record.purpose}'s (run ${record.runId ?? "?"}); only an admin token may enter or change it`,
      {
        details: { sandboxId: id, purpose: record.purpose, runId: record.runId, required: "admin" },
        hint: "Use an admin token (e.g. `c8s runs debug` with the admin credentials), or cancel the run instead.",
      },
    );
  };
}
