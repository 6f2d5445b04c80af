/**
 * Creating a sandbox from a template: the request's fields over the template's, checked with the
 * caller's privileges (planSandbox), then a warm-pool claim when the request asks for nothing a
 * started sandbox cannot take on (only labels and lifetimes), else a cold create of the merged
 * spec. A claim runs under the engine's create lock — the same one that counts `maxSandboxes`
 * and team quotas — and moves the pooled record with a compare-and-set on `running`, so two
 * claims never get the same sandbox and a sandbox that died in the pool is skipped.
 */
import { C8sError } from "../errors/index.ts";
import type { SandboxTeam } from "../runtimes/types.ts";
import { DEFAULT_TEAM, type EngineStore, type SandboxRecord } from "../store/types.ts";
import type { TemplateRecord, TemplateSpec } from "../store/template-repository.ts";
import type { Caller } from "./ceilings.ts";
import type { KeyedLock } from "./keyed-lock.ts";
import type { WarmPools } from "./pool.ts";
import type { SandboxPlan } from "./sandbox-plan.ts";
import type { CreateSandboxInput } from "./types.ts";

/** Where the engine finds templates (the store's `TemplateRepository` fits). */
export interface TemplateSource {
  get(teamId: string, name: string): Promise<TemplateRecord | null>;
  listPooled(): Promise<TemplateRecord[]>;
}

/** The label a sandbox made from a template carries. */
export const TEMPLATE_LABEL = "c8s.template";

/** Request fields a pooled (already started) sandbox can still take on at claim. */
const CLAIMABLE_FIELDS = new Set(["template", "labels", "ttlMs", "idleTimeoutMs"]);

export interface ClaimHost {
  templates: TemplateSource | undefined;
  pools: WarmPools;
  lock: KeyedLock;
  createSlot: string;
  store: EngineStore;
  now(): number;
  plan(input: CreateSandboxInput, caller: Caller | undefined): SandboxPlan;
  /** `maxSandboxes` and the team quotas for one more sandbox of `plan`; call under the create lock. */
  checkCapacity(plan: SandboxPlan): Promise<SandboxTeam>;
  admit(plan: SandboxPlan): Promise<SandboxRecord>;
  claimed(record: SandboxRecord, template: TemplateRecord): void;
}

/** Pure: a template's spec under a request's fields (env and limits merged key by key). */
export function applyTemplate(spec: TemplateSpec, request: Omit<CreateSandboxInput, "template">): CreateSandboxInput {
  const merged: CreateSandboxInput = { ...spec, ...request };
  if (spec.env !== undefined || request.env !== undefined) merged.env = { ...spec.env, ...request.env };
  if (spec.limits !== undefined || request.limits !== undefined) merged.limits = { ...spec.limits, ...request.limits };
  return merged;
}

/** Pure: whether a request can be served by a pooled sandbox of its template. */
export function claimable(request: CreateSandboxInput): boolean {
  return Object.keys(request).every((key) => CLAIMABLE_FIELDS.has(key));
}

export async function createFromTemplate(
  host: ClaimHost,
  input: CreateSandboxInput & { template: string },
  caller: Caller | undefined,
): Promise<SandboxRecord> {
  const teamId = caller?.teamId ?? DEFAULT_TEAM;
  const template = host.templates === undefined ? null : await host.templates.get(teamId, input.template);
  if (template === null)
    throw new C8sError("TEMPLATE_NOT_FOUND", `no template '${input.template}'`, {
      details: { template: input.template },
      hint: "List your team's templates with `c8s template ls` (GET /v1/templates).",
    });
  const { template: name, ...request } = input;
  const plan = host.plan(
    applyTemplate(template.spec, { ...request, labels: { ...request.labels, [TEMPLATE_LABEL]: name } }),
    caller,
  );
  plan.record.spec = { ...plan.record.spec, template: name };
  if (!claimable(input) || !host.pools.has(template.id)) return host.admit(plan);
  const claimed = await claim(host, template, plan);
  host.pools.record(template.id, claimed !== null);
  return claimed ?? host.admit(plan);
}

async function claim(host: ClaimHost, template: TemplateRecord, plan: SandboxPlan): Promise<SandboxRecord | null> {
  const record = await host.lock.run(host.createSlot, async () => {
    await host.checkCapacity(plan);
    for (;;) {
      const id = host.pools.take(template.id);
      if (id === undefined) return null;
      const nowIso = new Date(host.now()).toISOString();
      const { teamId, labels, spec, idleTimeoutMs } = plan.record;
      const ttlMs = Date.parse(plan.record.expiresAt ?? nowIso) - Date.parse(plan.record.createdAt);
      const moved = await host.lock.run(id, () =>
        host.store.sandboxes.transition(id, "running", {
          state: "running",
          teamId,
          labels,
          spec: { ...spec },
          expiresAt: new Date(host.now() + ttlMs).toISOString(),
          idleTimeoutMs,
          lastActivityAt: nowIso,
        }),
      );
      if (moved !== null) return moved; // else it ended in the pool: try the next one
    }
  });
  if (record !== null) host.claimed(record, template);
  return record;
}
