/**
 * Per-sandbox state on disk: `<base>/<id>/meta.json` plus the workspace and run dirs. The meta
 * file is what lets `listOwned` find sandboxes (and their cgroups, uid, netns) after the Node
 * process crashed.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import { QuotaMountSchema } from "./disk-quota.ts";

export const SandboxMetaSchema = z.object({
  id: z.string(),
  owner: z.string(),
  dir: z.string(),
  workspaceDir: z.string(),
  runDir: z.string(),
  workdir: z.string(),
  uid: z.number().int().nullable(),
  /** The uid is shared with other sandboxes on the same workspaceSource: never kill by uid. */
  uidShared: z.boolean().default(false),
  pid: z.number().int().nullable(),
  cgroups: z.array(z.string()),
  netns: z.string().nullable(),
  isolated: z.boolean(),
  ownsWorkspace: z.boolean(),
  /** The workspace's disk-quota filesystem, to unmount on destroy or after a crash. */
  disk: QuotaMountSchema.nullable().default(null),
  createdAt: z.string(),
  labels: z.record(z.string(), z.string()),
});
export type SandboxMeta = z.infer<typeof SandboxMetaSchema>;

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function checkSandboxId(id: string): void {
  if (!ID_PATTERN.test(id)) {
    throw new C8sError("INVALID_ARGUMENT", `Sandbox id '${id}' is not usable as a directory name.`, {
      details: { id },
      hint: "Use letters, digits, '_', '.', '-' (at most 128 characters).",
    });
  }
}

/** True when every ancestor of `path` lets other users through (o+x): a per-sandbox uid must reach it. */
export async function traversableByOthers(path: string): Promise<boolean> {
  let current = path;
  for (;;) {
    try {
      const st = await stat(current);
      if ((st.mode & 0o001) === 0) return false;
    } catch {
      // does not exist yet: its parent decides
    }
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * Where sandbox dirs live. When sandboxes run as other uids and `stateDir` is not reachable
 * for them (e.g. under /root), a stable sibling under /var/lib/c8s is used instead.
 */
export async function sandboxBaseDir(stateDir: string, perSandboxUids: boolean): Promise<string> {
  const base = join(stateDir, "sandboxes");
  if (!perSandboxUids || (await traversableByOthers(base))) return base;
  const key = createHash("sha256").update(stateDir).digest("hex").slice(0, 12);
  return join("/var/lib/c8s", `local-${key}`, "sandboxes");
}

export async function writeMeta(meta: SandboxMeta): Promise<void> {
  const file = join(meta.dir, "meta.json");
  await writeFile(`${file}.tmp`, JSON.stringify(meta), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

export async function readMeta(dir: string): Promise<SandboxMeta | null> {
  try {
    const parsed = SandboxMetaSchema.safeParse(JSON.parse(await readFile(join(dir, "meta.json"), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function listMetas(base: string): Promise<SandboxMeta[]> {
  const names = await readdir(base).catch(() => [] as string[]);
  const metas: SandboxMeta[] = [];
  for (const name of names) {
    const meta = await readMeta(join(base, name));
    if (meta) metas.push(meta);
  }
  return metas;
}

export async function ensureBase(base: string): Promise<void> {
  await mkdir(base, { recursive: true, mode: 0o711 });
}

/** The uid every sandbox on one shared workspace runs as (so they can all write it). */
export function sharedWorkspaceUid(realSource: string, base = 3_000_000, span = 1_000_000): number {
  return base + (createHash("sha256").update(realSource).digest().readUInt32BE(0) % span);
}

/** Picks a host uid for a sandbox from [base, base+span) not used by any known sandbox. */
export function pickUid(used: Set<number>, base: number, span: number, random: () => number = Math.random): number {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const uid = base + Math.floor(random() * span);
    if (!used.has(uid)) return uid;
  }
  throw new C8sError("SANDBOX_LIMIT_REACHED", "No free sandbox uid is left.", {
    hint: "Destroy sandboxes or widen the uid range.",
  });
}
