/**
 * A Runtime that times what passes through it (create, exec until its result, destroy) and
 * otherwise is the runtime it wraps: the pipelines benchmark hands it to the scheduler to see
 * where a step's time goes.
 */
import type { Runtime } from "../src/runtimes/types.ts";

export interface RuntimeTimings {
  create: number[];
  exec: number[];
  destroy: number[];
}

export function timedRuntime(inner: Runtime): { runtime: Runtime; timings: RuntimeTimings } {
  const timings: RuntimeTimings = { create: [], exec: [], destroy: [] };
  const since = (start: number) => performance.now() - start;
  const overrides: Partial<Runtime> = {
    create: async (...args) => {
      const start = performance.now();
      const handle = await inner.create(...args);
      timings.create.push(since(start));
      return handle;
    },
    exec: async (...args) => {
      const start = performance.now();
      const proc = await inner.exec(...args);
      void proc.result.then(() => timings.exec.push(since(start))).catch(() => undefined);
      return proc;
    },
    destroy: async (...args) => {
      const start = performance.now();
      await inner.destroy(...args);
      timings.destroy.push(since(start));
    },
  };
  // Everything else is the inner runtime's own, called on it.
  const runtime = new Proxy(inner, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof Runtime];
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { runtime, timings };
}
