/**
 * Loads the composition root (`src/app.ts`, owned by the server) and normalises what
 * `startC8s(config)` returns, so `c8s serve` depends on a small stable shape.
 */
import type { C8sConfig } from "../config/config.ts";
import { C8sError } from "../errors/index.ts";

export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:7878`. */
  url: string;
  /** The admin token, present only on the first start (it is stored hashed). */
  adminToken: string | undefined;
  close(): Promise<void>;
}

export type StartC8s = (config: C8sConfig) => Promise<RunningServer>;

export async function loadApp(): Promise<StartC8s> {
  const specifier = "../app.ts";
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new C8sError("INTERNAL", `cannot load the server (src/app.ts): ${(error as Error).message}`, {
      hint: "This checkout has no server yet, or it failed to load; see the error above.",
      cause: error,
    });
  }
  const start = mod["startC8s"];
  if (typeof start !== "function") {
    throw new C8sError("INTERNAL", "src/app.ts does not export startC8s(config)", { hint: "Update the checkout." });
  }
  return async (config) => {
    const raw = (await (start as (c: C8sConfig) => Promise<Record<string, unknown>>)(config)) ?? {};
    const url = String(raw["url"] ?? `http://${config.host}:${String(raw["port"] ?? config.port)}`);
    const token = raw["adminToken"] ?? raw["initialAdminToken"] ?? raw["firstAdminToken"];
    const close = (raw["close"] ?? raw["stop"]) as (() => Promise<void>) | undefined;
    return {
      url,
      adminToken: typeof token === "string" ? token : undefined,
      close: async () => {
        if (close) await close.call(raw);
      },
    };
  };
}
