/** `c8s help [command]`: the command list from the registry (no command module loaded), or one command's usage. */
import { EXIT_CODE_HELP } from "../exit-codes.ts";
import { commands, findCommand } from "../registry.ts";

export async function helpText(name?: string): Promise<string> {
  const entry = name === undefined ? undefined : findCommand(name);
  if (entry) {
    const command = await entry.load();
    return `${command.summary}\n\nusage: ${command.usage}\n`;
  }
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `c8s — run untrusted code in isolated sandboxes

usage: c8s <command> [flags]     (c8s help <command> for its flags)

commands:
${lines.join("\n")}
  ${"help".padEnd(width)}  Show this help

The CLI finds the server and token in C8S_URL / C8S_TOKEN, else in
$C8S_HOME/credentials.json (default ~/.c8s), which \`c8s serve\` writes.
Shell completion: source <(c8s completion bash)   (or zsh, fish; see docs/cli.md)

${EXIT_CODE_HELP}
`;
}
