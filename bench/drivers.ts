/**
 * One way to create, exec in and destroy sandboxes for a section, whichever path it goes:
 * through a real `c8s serve` over HTTP (what users get), or straight through a `Runtime`
 * when `c8s serve` cannot run that runtime yet. Every section says which path it measured.
 */
import type { Runtime, SandboxHandle, SandboxSpec } from "../src/runtimes/types.ts";
import { Api, type BenchServer, startServer } from "./harness.ts";

export interface SandboxDriver {
  /** Which path this is, for the report. */
  path: string;
  create(): Promise<string>;
  /** Runs a command to its end; rejects unless it exits 0. */
  exec(id: string, command: string[]): Promise<void>;
  destroy(id: string): Promise<void>;
  close(): Promise<void>;
}

export function serverDriver(server: BenchServer, path: string): SandboxDriver {
  const api = new Api(server.url, server.token);
  return {
    path,
    create: async () => (await api.createSandbox()).id,
    async exec(id, command) {
      const result = await api.exec(id, command);
      if (result.exitCode !== 0) throw new Error(`${command.join(" ")} exited ${result.exitCode} in ${id}`);
    },
    destroy: async (id) => {
      await api.destroy(id);
    },
    close: () => server.stop(),
  };
}

function drain(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on("data", () => undefined);
    stream.once("end", resolve);
    stream.once("error", reject);
  });
}

export function runtimeDriver(runtime: Runtime, makeSpec: () => SandboxSpec, path: string): SandboxDriver {
  const handles = new Map<string, SandboxHandle>();
  const handle = (id: string): SandboxHandle => {
    const found = handles.get(id);
    if (!found) throw new Error(`no sandbox ${id} in this driver`);
    return found;
  };
  return {
    path,
    async create() {
      const created = await runtime.create(makeSpec());
      handles.set(created.id, created);
      return created.id;
    },
    async exec(id, command) {
      const proc = await runtime.exec(handle(id), { command });
      await proc.closeStdin();
      const [, , result] = await Promise.all([drain(proc.stdout), drain(proc.stderr), proc.result]);
      if (result.exitCode !== 0) throw new Error(`${command.join(" ")} exited ${result.exitCode} (${result.reason})`);
    },
    async destroy(id) {
      await runtime.destroy(handle(id));
      handles.delete(id);
    },
    async close() {
      for (const h of handles.values()) await runtime.destroy(h).catch(() => undefined);
      handles.clear();
      await runtime.close();
    },
  };
}

/**
 * `c8s serve` with `env` (e.g. C8S_RUNTIME=docker), checked with one create+exec+destroy;
 * when it does not start or that fails, `fallback()` (the runtime API) and the reason.
 */
export async function openDriver(options: {
  runtime: string;
  env: Record<string, string>;
  fallback: () => Promise<SandboxDriver>;
}): Promise<{ driver: SandboxDriver; fallbackReason: string | undefined }> {
  let server: BenchServer | undefined;
  try {
    server = await startServer({ C8S_RUNTIME: options.runtime, ...options.env });
    const driver = serverDriver(server, `c8s serve (C8S_RUNTIME=${options.runtime}) over HTTP`);
    const id = await driver.create();
    await driver.exec(id, ["true"]);
    await driver.destroy(id);
    return { driver, fallbackReason: undefined };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    const reason = firstLine(error instanceof Error ? error.message : String(error));
    return { driver: await options.fallback(), fallbackReason: reason };
  }
}

function firstLine(text: string): string {
  const match = /"message":"([^"]+)"/.exec(text) ?? /error: (.+)/.exec(text);
  const line = (match?.[1] ?? text).split("\n")[0] ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
