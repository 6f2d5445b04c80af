/**
 * The runtime conformance suite: one exported function every runtime's test file calls, so
 * local, docker and kubernetes keep the same semantics. A runtime may skip a case only by
 * naming it with a reason; unknown names in `skip` fail the suite (no silent typos).
 *
 *   runtimeConformance({ name: "local", makeRuntime: () => Promise.resolve(createLocalRuntime(...)) });
 */
import { after, before, describe, it } from "node:test";
import type { Runtime, SandboxHandle, SandboxSpec } from "../types.ts";
import type { ConformanceCase, ConformanceContext } from "./context.ts";
import { execCases } from "./exec-cases.ts";
import { filesCases } from "./files-cases.ts";
import { defaultSpec, type SpecOverrides } from "./helpers.ts";
import { lifecycleCases } from "./lifecycle-cases.ts";
import { limitsCases } from "./limits-cases.ts";
import { streamCases } from "./stream-cases.ts";
import { workloadCases } from "./workload-cases.ts";

export { CONFORMANCE_OWNER, collect, defaultSpec, finish, run, sh, type RunOutput } from "./helpers.ts";
export type { ConformanceCase, ConformanceContext } from "./context.ts";

export interface ConformanceSkip {
  reason: string;
  tests: string[];
}

export interface ConformanceOptions {
  name: string;
  makeRuntime: () => Promise<Runtime>;
  /** Builds a spec for this runtime (e.g. sets `image`); receives the case's overrides. */
  makeSpec?: (overrides: SpecOverrides) => SandboxSpec;
  skip?: ConformanceSkip[];
  killFromOutside?: ConformanceContext["killFromOutside"];
  leftovers?: ConformanceContext["leftovers"];
  simulatedNetwork?: string;
}

export const conformanceCases: readonly ConformanceCase[] = [
  ...execCases,
  ...filesCases,
  ...streamCases,
  ...lifecycleCases,
  ...limitsCases,
  ...workloadCases,
];

export function conformanceCaseNames(): string[] {
  return conformanceCases.map((c) => c.name);
}

export function runtimeConformance(options: ConformanceOptions): void {
  const skipReasons = new Map<string, string>();
  const known = new Set(conformanceCaseNames());
  for (const skip of options.skip ?? []) {
    if (skip.reason.trim() === "") throw new Error("runtimeConformance: every skip needs a reason");
    for (const name of skip.tests) {
      if (!known.has(name)) throw new Error(`runtimeConformance: skip names unknown case '${name}'`);
      skipReasons.set(name, skip.reason);
    }
  }
  const makeSpec = (overrides: SpecOverrides = {}): SandboxSpec =>
    options.makeSpec ? options.makeSpec(overrides) : defaultSpec(overrides);

  void describe(`runtime conformance: ${options.name}`, () => {
    let runtime: Runtime | undefined;
    let ctx: ConformanceContext | undefined;
    const created: SandboxHandle[] = [];

    before(async () => {
      const rt = await options.makeRuntime();
      runtime = rt;
      const create = async (overrides: SpecOverrides = {}): Promise<{ handle: SandboxHandle; spec: SandboxSpec }> => {
        const spec = makeSpec(overrides);
        const handle = await rt.create(spec);
        created.push(handle);
        return { handle, spec };
      };
      const { handle, spec } = await create({ env: { A: "sandbox", B: "sandbox" } });
      ctx = {
        runtime: rt,
        shared: handle,
        sharedSpec: spec,
        makeSpec,
        create,
        reopen: options.makeRuntime,
        killFromOutside: options.killFromOutside,
        leftovers: options.leftovers,
        simulatedNetwork: options.simulatedNetwork,
      };
    });

    after(async () => {
      if (!runtime) return;
      for (const handle of created) await runtime.destroy(handle).catch(() => undefined);
      await runtime.close();
    });

    for (const c of conformanceCases) {
      const reason = skipReasons.get(c.name);
      if (reason !== undefined) {
        void it(c.name, { skip: reason }, () => undefined);
        continue;
      }
      void it(c.name, async (t) => {
        if (!ctx) throw new Error("conformance set-up failed: no runtime");
        await c.run(ctx, t);
      });
    }
  });
}
