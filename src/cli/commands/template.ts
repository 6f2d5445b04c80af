/** `c8s template create|ls|rm`: your team's sandbox templates and their warm pools (docs/pools.md). */
import { z } from "zod";
import { Templates, type TemplateOptions } from "@c8s/sdk";
import { sdkOptions } from "../client.ts";
import { UsageError } from "../errors.ts";
import { durationFlag, parseBytes, parseFlags, parsePairs } from "../flags.ts";
import { json, table } from "../format.ts";
import type { CliCommand } from "../io.ts";

const usage =
  "c8s template create NAME [--image I] [--env K=V]… [--memory 256M] [--pids N] [--cpu MILLIS] [--disk 1G]" +
  " [--network none|host] [--workdir DIR] [--ttl 1h] [--idle 10m] [--pool-min N] [--pool-max N] [--json]" +
  " | c8s template ls [--json] | c8s template rm NAME…";

const bytes = z
  .string()
  .refine((v) => parseBytes(v) !== undefined, "expected a size like 256M or 1G")
  .transform((v) => parseBytes(v) ?? 0);
const count = z.coerce.number().int().min(0);

const flagSchema = z.object({
  json: z.boolean().optional(),
  image: z.string().optional(),
  env: z.array(z.string()).optional(),
  memory: bytes.optional(),
  pids: count.optional(),
  cpu: count.optional(),
  disk: bytes.optional(),
  network: z.enum(["none", "host"]).optional(),
  workdir: z.string().optional(),
  ttl: durationFlag.optional(),
  idle: durationFlag.optional(),
  "pool-min": count.optional(),
  "pool-max": count.optional(),
});

/** Pure: the flags of `template create` → the SDK's template options. */
export function templateOptionsFrom(flags: z.infer<typeof flagSchema>): TemplateOptions {
  const limits = {
    ...(flags.memory === undefined ? {} : { memoryBytes: flags.memory }),
    ...(flags.pids === undefined ? {} : { pids: flags.pids }),
    ...(flags.cpu === undefined ? {} : { cpuMillis: flags.cpu }),
    ...(flags.disk === undefined ? {} : { diskBytes: flags.disk }),
  };
  const envs = parsePairs(flags.env, "env", usage);
  const min = flags["pool-min"];
  return {
    ...(flags.image === undefined ? {} : { image: flags.image }),
    ...(envs === undefined ? {} : { envs }),
    ...(Object.keys(limits).length === 0 ? {} : { limits }),
    ...(flags.network === undefined ? {} : { network: flags.network }),
    ...(flags.workdir === undefined ? {} : { workdir: flags.workdir }),
    ...(flags.ttl === undefined ? {} : { ttlMs: flags.ttl }),
    ...(flags.idle === undefined ? {} : { idleTimeoutMs: flags.idle }),
    ...(min === undefined && flags["pool-max"] === undefined
      ? {}
      : { pool: { min: min ?? 0, max: flags["pool-max"] ?? min ?? 0 } }),
  };
}

export const templateCommand: CliCommand = {
  name: "template",
  summary: "Your team's sandbox templates and warm pools: create, ls, rm",
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    const { flags, positionals } = parseFlags(
      rest,
      {
        json: { type: "boolean" },
        image: { type: "string" },
        env: { type: "string", multiple: true, short: "e" },
        memory: { type: "string" },
        pids: { type: "string" },
        cpu: { type: "string" },
        disk: { type: "string" },
        network: { type: "string" },
        workdir: { type: "string" },
        ttl: { type: "string" },
        idle: { type: "string" },
        "pool-min": { type: "string" },
        "pool-max": { type: "string" },
      },
      flagSchema,
      usage,
    );
    const templates = Templates.connect(await sdkOptions(io));
    switch (sub) {
      case "create":
      case "set": {
        const [name, extra] = positionals;
        if (name === undefined || extra !== undefined) throw new UsageError("c8s template create NAME [flags]", usage);
        const info = await templates.set(name, templateOptionsFrom(flags));
        io.stdout.write(flags.json ? json(info) : `${info.name}\n`);
        return 0;
      }
      case "ls":
      case "list": {
        const list = await templates.list();
        io.stdout.write(
          flags.json
            ? json(list)
            : table(
                ["NAME", "TEAM", "IMAGE", "POOL", "UPDATED"],
                list.map((t) => [t.name, t.team, t.spec.image ?? "-", `${t.pool.min}..${t.pool.max}`, t.updatedAt]),
              ),
        );
        return 0;
      }
      case "rm":
      case "delete": {
        if (positionals.length === 0) throw new UsageError("c8s template rm NAME…", usage);
        for (const name of positionals) {
          await templates.remove(name);
          io.stdout.write(`${name}\n`);
        }
        return 0;
      }
      default:
        throw new UsageError(
          sub === undefined ? "a subcommand is required" : `unknown subcommand 'template ${sub}'`,
          usage,
        );
    }
  },
};
