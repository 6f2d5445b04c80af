/**
 * Every `c8s` command, in the order `c8s help` lists them.
 * To add a command: create `commands/<name>.ts` exporting a `CliCommand` (see io.ts),
 * import it here and add it to this list. Nothing else needs to change.
 */
import type { CliCommand } from "./io.ts";
import { serveCommand } from "./commands/serve.ts";
import { sandboxCommand } from "./commands/sandbox.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { lintCommand } from "./commands/lint.ts";
import { schemaCommand } from "./commands/schema.ts";
import { runCommand } from "./commands/run.ts";
import { versionCommand } from "./commands/version.ts";
import { runsCommand } from "./commands/runs.ts";
import { logsCommand } from "./commands/logs.ts";
import { secretCommand } from "./commands/secret.ts";
import { hookCommand } from "./commands/hook.ts";
import { sessionCommand } from "./commands/session.ts";
import { teamCommand } from "./commands/team.ts";
import { tokenCommand } from "./commands/token.ts";
import { auditCommand } from "./commands/audit.ts";
import { k8sCommand } from "./commands/k8s.ts";
import { imageCommand } from "./commands/image.ts";
import { templateCommand } from "./commands/template.ts";
import { execOnceCommand } from "./commands/exec-once.ts";

export const commands: CliCommand[] = [
  serveCommand,
  sandboxCommand,
  execOnceCommand,
  templateCommand,
  doctorCommand,
  lintCommand,
  schemaCommand,
  versionCommand,
  runCommand,
  runsCommand,
  logsCommand,
  secretCommand,
  hookCommand,
  sessionCommand,
  teamCommand,
  tokenCommand,
  auditCommand,
  k8sCommand,
  imageCommand,
];

export function findCommand(name: string): CliCommand | undefined {
  return commands.find((c) => c.name === name);
}
