/** `c8s sandbox <sub>`: create, ls, get, exec, cp, shell, rm, events. */
import { z } from "zod";
import { Sandbox, type SandboxInfo } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { parseBytes, parseDuration, parseFlags, parsePairs } from "../flags.ts";
import { json, relativeTime, table } from "../format.ts";
import type { CliCommand, CliIo } from "../io.ts";
import { sandboxCpCommand } from "./sandbox-cp.ts";
import { sandboxEventsCommand } from "./sandbox-events.ts";
import { sandboxExecCommand } from "./sandbox-exec.ts";
import { sandboxShellCommand } from "./sandbox-shell.ts";

const duration = (flag: string) =>
  z
    .string()
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined)
        ctx.addIssue({ code: "custom", message: `expected a duration like 30s, 10m, 2h (got '${v}')`, path: [] });
      return ms ?? 0;
    })
    .optional()
    .describe(flag);

const createUsage =
  "c8s sandbox create [--image I] [--env K=V]… [--label K=V]… [--ttl 2h] [--idle-timeout 30m] [--network none|host] [--memory 512M] [--pids N] [--cpu MILLIS] [--disk 1G] [--workdir DIR] [--json]";

const createCommand: CliCommand = {
  name: "create",
  summary: "Create a sandbox and print its id",
  usage: createUsage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(
      args,
      {
        image: { type: "string" },
        env: { type: "string", multiple: true, short: "e" },
        label: { type: "string", multiple: true, short: "l" },
        ttl: { type: "string" },
        "idle-timeout": { type: "string" },
        network: { type: "string" },
        memory: { type: "string" },
        pids: { type: "string" },
        cpu: { type: "string" },
        disk: { type: "string" },
        workdir: { type: "string" },
        json: { type: "boolean" },
      },
      z.object({
        image: z.string().optional(),
        env: z.array(z.string()).optional(),
        label: z.array(z.string()).optional(),
        ttl: duration("ttl"),
        "idle-timeout": duration("idle-timeout"),
        network: z.enum(["none", "host"]).optional(),
        memory: z
          .string()
          .refine((v) => parseBytes(v) !== undefined, "expected a size like 512M or 1G")
          .transform((v) => parseBytes(v) ?? 0)
          .optional(),
        pids: z.coerce.number().int().positive().optional(),
        cpu: z.coerce.number().int().positive().optional(),
        disk: z
          .string()
          .refine((v) => parseBytes(v) !== undefined, "expected a size like 512M or 1G")
          .transform((v) => parseBytes(v) ?? 0)
          .optional(),
        workdir: z.string().optional(),
        json: z.boolean().optional(),
      }),
      createUsage,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, createUsage);
    const limits =
      flags.memory !== undefined || flags.pids !== undefined || flags.cpu !== undefined || flags.disk !== undefined
        ? { memoryBytes: flags.memory, pids: flags.pids, cpuMillis: flags.cpu, diskBytes: flags.disk }
        : undefined;
    const sandbox = await Sandbox.create({
      ...(await sdkOptions(io)),
      image: flags.image,
      envs: parsePairs(flags.env, "env", createUsage),
      labels: parsePairs(flags.label, "label", createUsage),
      ttlMs: flags.ttl,
      idleTimeoutMs: flags["idle-timeout"],
      network: flags.network,
      limits: limits && JSON.parse(JSON.stringify(limits)),
      workdir: flags.workdir,
    });
    io.stdout.write(flags.json ? json(sandbox.info) : `${sandbox.sandboxId}\n`);
    return 0;
  },
};

const lsUsage =
  "c8s sandbox ls [--state running|terminated|…] [--label K=V]… [--run RUN] [--purpose sandbox|step|service] [--limit N] [--all] [--json]";

const lsCommand: CliCommand = {
  name: "ls",
  summary: "List sandboxes (running ones unless --all or --state)",
  usage: lsUsage,
  async run(args, io) {
    const { flags } = parseFlags(
      args,
      {
        state: { type: "string" },
        label: { type: "string", multiple: true, short: "l" },
        run: { type: "string" },
        purpose: { type: "string" },
        limit: { type: "string" },
        all: { type: "boolean", short: "a" },
        json: { type: "boolean" },
      },
      z.object({
        state: z.enum(["creating", "running", "stopping", "terminated"]).optional(),
        label: z.array(z.string()).optional(),
        run: z.string().min(1).optional(),
        purpose: z.enum(["sandbox", "step", "service", "session", "agent"]).optional(),
        limit: z.coerce.number().int().positive().optional(),
        all: z.boolean().optional(),
        json: z.boolean().optional(),
      }),
      lsUsage,
    );
    const sandboxes = await Sandbox.list({
      ...(await sdkOptions(io)),
      // A run's sandboxes have mostly ended: --run lists them all unless --state says otherwise.
      state: flags.state ?? (flags.all || flags.run !== undefined ? undefined : "running"),
      ...(flags.run === undefined ? {} : { run: flags.run }),
      ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }),
      labels: parsePairs(flags.label, "label", lsUsage),
      limit: flags.limit,
    });
    if (flags.json) {
      io.stdout.write(json({ sandboxes }));
      return 0;
    }
    const now = Date.now();
    io.stdout.write(
      table(
        ["ID", "STATE", "PURPOSE", "RUNTIME", "CREATED", "EXPIRES", "LABELS"],
        sandboxes.map((s) => [
          s.id,
          s.state === "terminated" && s.terminationReason ? `terminated (${s.terminationReason})` : s.state,
          s.runId === null ? s.purpose : `${s.purpose} ${s.runId}/${s.step ?? "?"}`,
          s.runtime,
          relativeTime(s.createdAt, now),
          relativeTime(s.expiresAt, now),
          Object.entries(s.labels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(","),
        ]),
      ),
    );
    return 0;
  },
};

function idArgs(usage: string) {
  return (args: string[]): { ids: string[]; json: boolean } => {
    const { flags, positionals } = parseFlags(
      args,
      { json: { type: "boolean" } },
      z.object({ json: z.boolean().optional() }),
      usage,
    );
    if (positionals.length === 0) throw new UsageError("missing sandbox id", usage);
    return { ids: positionals, json: flags.json ?? false };
  };
}

function describeSandbox(s: SandboxInfo): string {
  const rows: Array<[string, unknown]> = [
    ["id", s.id],
    ["state", s.state],
    ["runtime", s.runtime],
    ["image", s.image ?? "(host root, read-only)"],
    ["workdir", s.workdir],
    ["network", s.network],
    ["limits", JSON.stringify(s.limits ?? {})],
    ["labels", JSON.stringify(s.labels ?? {})],
    ["created", s.createdAt],
    ["last activity", s.lastActivityAt],
    ["expires", s.expiresAt ?? "-"],
  ];
  if (s.endedAt)
    rows.push(["ended", s.endedAt], ["reason", s.terminationReason], ["message", s.terminationMessage ?? "-"]);
  return rows.map(([k, v]) => `${`${k}:`.padEnd(15)}${String(v)}`).join("\n") + "\n";
}

const getUsage = "c8s sandbox get ID [--json]";
const getCommand: CliCommand = {
  name: "get",
  summary: "Show one sandbox",
  usage: getUsage,
  async run(args, io) {
    const { ids, json: asJson } = idArgs(getUsage)(args);
    const sandbox = await Sandbox.connect(ids[0] ?? "", await sdkOptions(io));
    io.stdout.write(asJson ? json(sandbox.info) : describeSandbox(sandbox.info));
    return 0;
  },
};

const rmUsage = "c8s sandbox rm ID… [--json]";
const rmCommand: CliCommand = {
  name: "rm",
  summary: "Destroy sandboxes (and everything running in them)",
  usage: rmUsage,
  async run(args, io) {
    const { ids, json: asJson } = idArgs(rmUsage)(args);
    const options = await sdkOptions(io);
    const results: Array<{ id: string; removed: boolean }> = [];
    for (const id of ids) results.push({ id, removed: await Sandbox.kill(id, options) });
    if (asJson) io.stdout.write(json({ results }));
    else for (const r of results) io.stdout.write(r.removed ? `${r.id}\n` : `${r.id}: not found\n`);
    return results.every((r) => r.removed) ? 0 : 5;
  },
};

const subcommands: CliCommand[] = [
  createCommand,
  lsCommand,
  getCommand,
  sandboxExecCommand,
  sandboxCpCommand,
  sandboxShellCommand,
  rmCommand,
  sandboxEventsCommand,
];

function sandboxHelp(): string {
  const width = Math.max(...subcommands.map((c) => c.name.length));
  return (
    "usage: c8s sandbox <subcommand> …\n\n" +
    subcommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n      ${c.usage}`).join("\n") +
    "\n"
  );
}

export const sandboxCommand: CliCommand = {
  name: "sandbox",
  summary: "Manage sandboxes: create, ls, get, exec, cp, shell, rm, events",
  usage: "c8s sandbox create|ls|get|exec|cp|shell|rm|events …  (c8s sandbox help)",
  async run(args: string[], io: CliIo) {
    const [name, ...rest] = args;
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      io.stdout.write(sandboxHelp());
      return name === undefined ? 2 : 0;
    }
    const sub = subcommands.find(
      (c) => c.name === name || (name === "list" && c.name === "ls") || (name === "delete" && c.name === "rm"),
    );
    if (!sub) throw new UsageError(`unknown subcommand 'sandbox ${name}'`, this.usage);
    return sub.run(rest, io);
  },
};
