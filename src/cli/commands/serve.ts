/**
 * `c8s serve`: starts the server (`startC8s` from src/app.ts), writes `$C8S_HOME/credentials.json`
 * for the CLI/SDK on this machine, prints the URL (and the admin token on first start, once),
 * optionally runs a demo sandbox, and shuts down gracefully on SIGINT/SIGTERM.
 */
import { z } from "zod";
import { configFromEnv, type ConfigInput } from "../../config/config.ts";
import { Sandbox } from "@c8s/sdk";
import { credentialsPath, readCredentials, writeCredentials } from "../credentials.ts";
import { UsageError } from "../errors.ts";
import { parseFlags } from "../flags.ts";
import type { CliCommand, CliIo } from "../io.ts";
import { RUNTIME_NAMES } from "../../runtimes/types.ts";
import { LOG_FORMATS } from "../../server/logger.ts";

const usage =
  "c8s serve [--port N] [--host H] [--runtime local|docker|kubernetes] [--allow-unisolated] [--allow-local-repos] [--demo] [--log-format pretty|json]   (logs: pretty on a terminal, else JSON lines)";

/** The address a client on this machine uses (a wildcard bind is reached through loopback). */
export function clientUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === "0.0.0.0" || u.hostname === "[::]" || u.hostname === "::") u.hostname = "127.0.0.1";
  return u.toString().replace(/\/+$/, "");
}

async function runDemo(io: CliIo, url: string, token: string): Promise<void> {
  const sandbox = await Sandbox.create({ url, token, labels: { demo: "true" } });
  const result = await sandbox.commands.run("echo hello from $(hostname) && id -u && uname -sr", {
    allowNonZeroExit: true,
  });
  io.stdout.write(`demo sandbox ${sandbox.sandboxId}: exit ${result.exitCode}\n${result.stdout}`);
  if (result.stderr) io.stderr.write(result.stderr);
  await sandbox.kill();
}

export const serveCommand: CliCommand = {
  name: "serve",
  summary: "Start the c8s server (embedded store, local sandboxes by default)",
  usage,
  async run(args, io) {
    const { flags, positionals } = parseFlags(
      args,
      {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        runtime: { type: "string" },
        "allow-unisolated": { type: "boolean" },
        "allow-local-repos": { type: "boolean" },
        demo: { type: "boolean" },
        "log-format": { type: "string" },
      },
      z.object({
        port: z.coerce.number().int().min(0).max(65535).optional(),
        host: z.string().min(1).optional(),
        runtime: z.enum(RUNTIME_NAMES).optional(),
        "allow-unisolated": z.boolean().optional(),
        "allow-local-repos": z.boolean().optional(),
        demo: z.boolean().optional(),
        "log-format": z.enum(LOG_FORMATS, { error: "expected pretty or json" }).optional(),
      }),
      usage,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, usage);
    const overrides: Partial<ConfigInput> = {};
    if (flags.port !== undefined) overrides.port = flags.port;
    if (flags.host !== undefined) overrides.host = flags.host;
    if (flags.runtime !== undefined) overrides.runtime = flags.runtime;
    if (flags["allow-unisolated"]) overrides.allowUnisolated = true;
    if (flags["allow-local-repos"]) overrides.allowLocalRepos = true;
    const config = configFromEnv(io.env, overrides);

    // Loaded lazily so other commands do not pay for the server's start-up imports.
    const { startC8s } = await import("../../app.ts");
    const terminal = (io.stderr as { isTTY?: boolean }).isTTY === true;
    const logFormat = flags["log-format"] ?? (terminal ? "pretty" : "json");
    const logColor = logFormat === "pretty" && terminal && !io.env["NO_COLOR"];
    const server = await startC8s(config, { env: io.env, logFormat, logColor });
    const url = clientUrl(server.url);
    const path = credentialsPath({ ...io.env, C8S_HOME: config.home });
    const previous = await readCredentials(path).catch(() => undefined);
    const token = server.adminToken ?? previous?.token;
    if (token !== undefined) await writeCredentials(path, { url, token });

    io.stdout.write(`c8s listening on ${url} (runtime ${config.runtime}, home ${config.home})\n`);
    io.stdout.write(`dashboard: ${url}/ (sign in with a token)\n`);
    if (config.allowLocalRepos)
      io.stderr.write(
        "warning: local repositories allowed: runs may clone this machine's paths, file://, http:// and private hosts (development only)\n",
      );
    if (server.adminToken !== undefined) {
      io.stdout.write(
        `admin token (shown once, saved to ${path}; paste it into the dashboard to sign in):\n  ${server.adminToken}\n` +
          `use it elsewhere with: export C8S_URL=${url} C8S_TOKEN=<token>\n`,
      );
    } else if (token === undefined) {
      io.stderr.write(
        `warning: no admin token is known for this server and ${path} is missing; create a token with the API.\n`,
      );
    }
    if (flags.demo && token !== undefined) {
      await runDemo(io, url, token).catch((error: Error) => io.stderr.write(`demo failed: ${error.message}\n`));
    }

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          io.stderr.write(`${signal} again: exiting now\n`);
          process.exit(130);
        }
        stopping = true;
        io.stderr.write(`${signal}: shutting down (again to force)\n`);
        server.close().then(resolve, (error: Error) => {
          io.stderr.write(`shutdown error: ${error.message}\n`);
          resolve();
        });
      };
      io.onSignal("SIGINT", () => stop("SIGINT"));
      io.onSignal("SIGTERM", () => stop("SIGTERM"));
    });
    return 0;
  },
};
