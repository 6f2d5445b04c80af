/** `c8s version`: the CLI's version and, when a server is reachable, the server's. */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { Sandbox } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { parseFlags } from "../flags.ts";
import { json } from "../format.ts";
import type { CliCommand } from "../io.ts";

const usage = "c8s version [--json]";

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export const versionCommand: CliCommand = {
  name: "version",
  summary: "Print the c8s version (and the server's, if one is configured)",
  usage,
  async run(args, io) {
    const { flags } = parseFlags(
      args,
      { json: { type: "boolean" } },
      z.object({ json: z.boolean().optional() }),
      usage,
    );
    let server: Record<string, unknown> | undefined;
    try {
      server = await Sandbox.serverInfo({ ...(await sdkOptions(io)), requestTimeoutMs: 3000 });
    } catch {
      server = undefined;
    }
    const out = { cli: cliVersion(), node: process.version, server: server ?? null };
    if (flags.json) io.stdout.write(json(out));
    else {
      io.stdout.write(`c8s ${out.cli} (node ${out.node})\n`);
      if (server) io.stdout.write(`server ${String(server["version"])} (runtime ${String(server["runtime"])})\n`);
    }
    return 0;
  },
};
