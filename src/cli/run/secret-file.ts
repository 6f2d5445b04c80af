/** `--secret-file`: dotenv-style `NAME=VALUE` lines; `#` comments; optional '…' or "…" quotes. */
import { C8sError } from "../../errors/index.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseSecretFile(text: string, file = "secret file"): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const body = line.startsWith("export ") ? line.slice(7).trimStart() : line;
    const eq = body.indexOf("=");
    const name = eq === -1 ? "" : body.slice(0, eq).trim();
    if (!NAME.test(name))
      throw new C8sError("INVALID_ARGUMENT", `${file}:${index + 1}: expected NAME=VALUE`, {
        hint: "Write one secret per line as NAME=VALUE; names are environment variable names.",
      });
    let value = body.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    }
    out[name] = value;
  });
  return out;
}

/** `NAME=VALUE` from a --secret flag. */
export function parseSecretFlag(pair: string): [string, string] {
  const eq = pair.indexOf("=");
  const name = eq === -1 ? "" : pair.slice(0, eq);
  if (!NAME.test(name))
    throw new C8sError("INVALID_ARGUMENT", `--secret expects NAME=VALUE, got '${name || pair.slice(0, 20)}…'`, {
      hint: "Pass --secret API_TOKEN=value (the value is masked in every log).",
    });
  return [name, pair.slice(eq + 1)];
}
