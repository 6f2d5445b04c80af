/** The engine's constructor options and how they resolve against the server configuration. */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { C8sError } from "../errors/index.ts";
import type { Runtime } from "../runtimes/types.ts";
import type { EngineStore } from "../store/types.ts";
import type { SandboxCeilings } from "./ceilings.ts";
import type { Clock, Logger } from "./clock.ts";
import { type EngineDefaults, type EnginePolicy, SCHEMA_POLICY } from "./sandbox-plan.ts";
import type { TeamQuotaSource } from "./team-quotas.ts";
import type { TemplateSource } from "./claim.ts";

/** The part of the server's configuration the engine reads (`C8sConfig` fits it; the engine sits below config). */
export interface EngineConfig {
  defaults: EngineDefaults;
  maxSandboxes: number;
  home: string;
  maxima: SandboxCeilings;
  hostNetwork: "admins" | "never";
}

export interface SandboxEngineOptions {
  runtime: Runtime;
  store: EngineStore;
  /**
   * Server configuration: `defaults`, `maxSandboxes`, and `home` (from which the owner label is
   * derived when `owner` is not given). Explicit fields below win over it.
   */
  config?: EngineConfig;
  /** This c8s instance's owner label; reconciliation only touches what it owns. */
  owner?: string;
  defaults?: EngineDefaults;
  /**
   * Ceilings on every request and who may have the host's network (from `config` when not
   * given; without either, only the request schemas' bounds apply and host network is for admins).
   */
  policy?: EnginePolicy;
  /** Most sandboxes of this owner that may be active at once. */
  maxSandboxes?: number;
  /** A team's quotas (checked with `maxSandboxes`, see team-quotas.ts); absent: no team quotas. */
  teamQuotas?: TeamQuotaSource;
  /** Where templates are read (`Store.templates` fits); absent: creating from a template is TEMPLATE_NOT_FOUND. */
  templates?: TemplateSource;
  /** Most warm-pool sandboxes over every template at once (default 16; docs/pools.md). */
  maxPooled?: number;
  /** Time source (default: the system clock). Tests pass a manual clock. */
  clock?: Clock;
  /** pino-compatible (Fastify's logger fits). Default: silent. */
  logger?: Logger;
  /** Per-exec output ring buffer (default 8 MiB). */
  execBufferBytes?: number;
  /** `run()` keeps at most this much of each stream (default 4 MiB); beyond it `truncated`. */
  runOutputBytes?: number;
  /** How long a finished exec's output stays attachable (default 5 min). */
  finishedExecRetentionMs?: number;
}

/** A stable owner label for a c8s home: the same home reconciles its own leftovers. */
export function ownerForHome(home: string): string {
  return `c8s-${createHash("sha256").update(resolve(home)).digest("hex").slice(0, 12)}`;
}

export function resolveOptions(options: SandboxEngineOptions): {
  owner: string;
  defaults: EngineDefaults;
  maxSandboxes: number;
  policy: EnginePolicy;
} {
  const policy =
    options.policy ??
    (options.config === undefined
      ? SCHEMA_POLICY
      : { maxima: options.config.maxima, hostNetwork: options.config.hostNetwork });
  const defaults = options.defaults ?? options.config?.defaults;
  const owner = options.owner ?? (options.config === undefined ? undefined : ownerForHome(options.config.home));
  const maxSandboxes = options.maxSandboxes ?? options.config?.maxSandboxes;
  if (defaults === undefined || owner === undefined || maxSandboxes === undefined)
    throw new C8sError(
      "CONFIG_INVALID",
      "the sandbox engine needs `config` or `owner`, `defaults` and `maxSandboxes`",
      {
        hint: "Pass the parsed server configuration as `config`.",
      },
    );
  return { owner, defaults, maxSandboxes, policy };
}
