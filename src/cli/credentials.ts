/**
 * Where the CLI finds its server: `C8S_URL`/`C8S_TOKEN`, else `$C8S_HOME/credentials.json`
 * (`{url, token}`, written by `c8s serve`, default home `~/.c8s`).
 */
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { C8sError } from "../errors/index.ts";

const credentialsSchema = z.object({ url: z.string().url(), token: z.string().min(1) });
export type Credentials = z.infer<typeof credentialsSchema>;

export function c8sHome(env: Record<string, string | undefined>): string {
  return env["C8S_HOME"] || join(homedir(), ".c8s");
}

export function credentialsPath(env: Record<string, string | undefined>): string {
  return join(c8sHome(env), "credentials.json");
}

export async function readCredentials(path: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success) {
    throw new C8sError("CONFIG_INVALID", `${path} is not valid credentials JSON ({url, token})`, {
      hint: `Delete it and restart \`c8s serve\`, or set C8S_URL and C8S_TOKEN.`,
    });
  }
  return parsed.data;
}

/** Written atomically, readable by the owner only: it holds a bearer token. */
export async function writeCredentials(path: string, credentials: Credentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** The connection the CLI's SDK client uses. */
export async function resolveCliConnection(
  env: Record<string, string | undefined>,
): Promise<{ url: string; token: string | undefined }> {
  const path = credentialsPath(env);
  const fromFile = await readCredentials(path);
  const envUrl = env["C8S_URL"] || undefined;
  const envToken = env["C8S_TOKEN"] || undefined;
  const url = envUrl ?? fromFile?.url;
  if (url === undefined) {
    throw new C8sError(
      "SERVER_NOT_CONFIGURED",
      `no c8s server configured: C8S_URL is unset and ${path} does not exist`,
      {
        hint: "Start one with `c8s serve` on this machine, or set C8S_URL and C8S_TOKEN.",
      },
    );
  }
  // The file's token belongs to the file's server: never send it to another URL.
  const sameServer = fromFile !== undefined && sameOrigin(fromFile.url, url);
  return { url, token: envToken ?? (sameServer ? fromFile.token : undefined) };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
