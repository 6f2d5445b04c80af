/**
 * Every `c8s` command, in the order `c8s help` lists them. The table holds names, summaries and
 * subcommand names only; a command's module (and whatever it imports: the SDK, the store, the
 * server) is loaded when that command runs, so `c8s version`, `c8s help` and `c8s completion`
 * start without them. To add a command: create `commands/<name>.ts` exporting a `CliCommand`
 * (see io.ts) and add a line here; test/unit/cli/registry.test.ts checks that the summary and
 * subcommands here match the module.
 */
import type { CommandEntry } from "./io.ts";

export const commands: CommandEntry[] = [
  {
    name: "serve",
    summary: "Start the c8s server (embedded store, local sandboxes by default)",
    load: async () => (await import("./commands/serve.ts")).serveCommand,
  },
  {
    name: "sandbox",
    summary: "Manage sandboxes: create, ls, get, exec, cp, shell, rm, events",
    subcommands: ["create", "ls", "get", "exec", "cp", "shell", "rm", "events"],
    load: async () => (await import("./commands/sandbox.ts")).sandboxCommand,
  },
  {
    name: "exec",
    summary: "Run one command in a fresh sandbox that is destroyed after (--once; from a template's warm pool)",
    load: async () => (await import("./commands/exec-once.ts")).execOnceCommand,
  },
  {
    name: "template",
    summary: "Your team's sandbox templates and warm pools: create, ls, rm",
    subcommands: ["create", "ls", "rm"],
    load: async () => (await import("./commands/template.ts")).templateCommand,
  },
  {
    name: "doctor",
    summary: "Check which isolation features this host supports and how to fix missing ones",
    load: async () => (await import("./commands/doctor.ts")).doctorCommand,
  },
  {
    name: "lint",
    summary: "Check .c8s.yaml pipeline files; problems point at file:line:column",
    load: async () => (await import("./commands/lint.ts")).lintCommand,
  },
  {
    name: "schema",
    summary: "Print the JSON Schema of .c8s.yaml pipeline files",
    load: async () => (await import("./commands/schema.ts")).schemaCommand,
  },
  {
    name: "version",
    summary: "Print the c8s version (and the server's, if one is configured)",
    load: async () => (await import("./commands/version.ts")).versionCommand,
  },
  {
    name: "run",
    summary: "Run a .c8s.yaml pipeline on this machine, each step in a sandbox",
    load: async () => (await import("./commands/run.ts")).runCommand,
  },
  {
    name: "runs",
    summary: "Pipeline runs on the server: submit, ls, get, cancel, rerun, artifact, debug",
    subcommands: ["submit", "ls", "get", "cancel", "rerun", "artifact", "debug"],
    load: async () => (await import("./commands/runs.ts")).runsCommand,
  },
  {
    name: "logs",
    summary: "Print a pipeline run's step logs; -f follows them live",
    load: async () => (await import("./commands/logs.ts")).logsCommand,
  },
  {
    name: "secret",
    summary: "Pipeline secrets on the server: set, ls, rm, rotate-key (names only are ever listed)",
    subcommands: ["set", "ls", "rm", "rotate-key"],
    load: async () => (await import("./commands/secret.ts")).secretCommand,
  },
  {
    name: "hook",
    summary: "A repository's webhook for your team: create (prints the URL and secret once), ls, rm",
    subcommands: ["create", "ls", "rm"],
    load: async () => (await import("./commands/hook.ts")).hookCommand,
  },
  {
    name: "session",
    summary: "Workspaces whose files live in the server: create, ls, rm, exec, cp",
    subcommands: ["create", "ls", "rm", "exec", "cp"],
    load: async () => (await import("./commands/session.ts")).sessionCommand,
  },
  {
    name: "team",
    summary: "Teams and their quotas (installation admins): create, update, show, ls",
    subcommands: ["create", "update", "show", "ls"],
    load: async () => (await import("./commands/team.ts")).teamCommand,
  },
  {
    name: "token",
    summary: "API tokens of a team: create (shown once), ls, revoke",
    subcommands: ["create", "ls", "revoke"],
    load: async () => (await import("./commands/token.ts")).tokenCommand,
  },
  {
    name: "audit",
    summary: "The audit log: who did what to which resource, and when (owners: their team's; admins: all)",
    load: async () => (await import("./commands/audit.ts")).auditCommand,
  },
  {
    name: "k8s",
    summary: "Kubernetes deployment tools: verify",
    subcommands: ["verify"],
    load: async () => (await import("./commands/k8s.ts")).k8sCommand,
  },
  {
    name: "image",
    summary: "Local root filesystems sandboxes may name as `image` (registered here, never a path from the API)",
    subcommands: ["add", "ls", "rm"],
    load: async () => (await import("./commands/image.ts")).imageCommand,
  },
  {
    name: "completion",
    summary: "Print a shell completion script: c8s completion bash|zsh|fish",
    subcommands: ["bash", "zsh", "fish"],
    load: async () => (await import("./commands/completion.ts")).completionCommand(commands),
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return commands.find((c) => c.name === name);
}
