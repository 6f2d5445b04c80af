/** Flag parsing for every command: `node:util` parseArgs for the shape, zod for the values. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { UsageError } from "./errors.ts";

export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed<T> {
  flags: T;
  positionals: string[];
  /** Everything after `--`, untouched. */
  rest: string[];
}

export function parseFlags<S extends z.ZodType>(
  args: string[],
  spec: FlagSpec,
  schema: S,
  usage: string,
): Parsed<z.infer<S>> {
  const dashdash = args.indexOf("--");
  const head = dashdash === -1 ? args : args.slice(0, dashdash);
  const rest = dashdash === -1 ? [] : args.slice(dashdash + 1);
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: head, options: spec, allowPositionals: true, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ""), usage);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "(flags)";
    throw new UsageError(`--${field}: ${issue?.message ?? "invalid value"}`, usage);
  }
  return { flags: parsed.data as z.infer<S>, positionals, rest };
}

/** `K=V` pairs (repeatable flag) → record. */
export function parsePairs(
  values: string[] | undefined,
  flag: string,
  usage: string,
): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of values) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--${flag} expects KEY=VALUE, got '${pair}'`, usage);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1500`, `1500ms`, `30s`, `10m`, `2h` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (durationUnits[match[2] ?? "ms"] ?? 1));
}

/** A duration flag's schema: `30s`, `10m`, … → milliseconds; anything else a usage error naming the form. */
export const durationFlag = z
  .string()
  .refine((v) => parseDuration(v) !== undefined, "expected a duration like 30s or 10m")
  .transform((v) => parseDuration(v) ?? 0);

const byteUnits: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512M`, `1Gi`, `1048576` → bytes. */
export function parseBytes(text: string): number | undefined {
  const match = /^(\d+)\s*([kKmMgG]?)(?:i?[bB]?)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (byteUnits[(match[2] ?? "").toLowerCase()] ?? 1);
}
