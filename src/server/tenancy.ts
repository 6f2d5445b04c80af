/**
 * The tenant boundary for routes about one resource: before the handler runs, the auth hook
 * asks here whether `params.id` is the caller's team's. Another team's resource throws the
 * very error a missing one does (same code, message and body), so ids do not leak.
 */
import { C8sError } from "../errors/index.ts";
import type { SandboxEngineApi } from "../engine/types.ts";
import { runNotFound } from "../pipelines/service/run-service.ts";
import { sessionNotFound } from "../sessions/session-service.ts";
import type { Store } from "../store/types.ts";
import type { RouteDoc } from "./route-registry.ts";
import { parseInput } from "./validate.ts";

export function tokenNotFound(id: string): C8sError {
  return new C8sError("NOT_FOUND", `no active token with id '${id}'`, {
    details: { id },
    hint: "List tokens with GET /v1/tokens (c8s token ls).",
  });
}

export function createOwnershipCheck(engine: SandboxEngineApi, store: Store) {
  return async function checkOwned(route: RouteDoc, rawParams: unknown, teamId: string): Promise<void> {
    // Parsed as the handler would (400 for a malformed id) before any lookup.
    const params = (route.params ? parseInput(route.params, rawParams, "params") : rawParams) as { id?: unknown };
    const id = typeof params.id === "string" ? params.id : "";
    switch (route.owns) {
      case "sandbox":
        await engine.get(id, { teamId });
        return;
      case "run": {
        const run = await store.runs.get(id);
        if (run === null || run.teamId !== teamId) throw runNotFound(id);
        return;
      }
      case "token": {
        const token = await store.tokens.get(id);
        if (token === null || token.teamId !== teamId || token.revokedAt !== null) throw tokenNotFound(id);
        return;
      }
      case "session":
        if ((await store.sessions.get(id, teamId)) === null) throw sessionNotFound(id);
        return;
      case undefined:
        return;
    }
  };
}
