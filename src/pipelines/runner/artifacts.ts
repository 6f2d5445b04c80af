/**
 * Collects a step's declared artifacts from its sandbox after it succeeded, through the
 * engine's file API bound to the step's sandbox (so it works the same on every runtime).
 * A file is stored as itself, a directory as a tar, a glob as every file it matches. With a
 * secret guard (`artifact-secrets.ts`) text is stored masked and an artifact that shows a
 * secret where it cannot be masked (binary, tar, its path) is refused: listed, not stored.
 */
import type { Readable } from "node:stream";
import type { FileEntry } from "../../runtimes/types.ts";
import { C8sError } from "../../errors/index.ts";
import type { ArtifactStore, StoredArtifact } from "./artifact-store.ts";
import type { ArtifactSecretGuard } from "./artifact-secrets.ts";
import { matchesGlob } from "../spec/glob.ts";

/** One sandbox's files, as the engine serves them. */
export interface ArtifactSource {
  list(path: string): Promise<FileEntry[]>;
  /** The file as a stream (read as it is stored: an artifact is never held whole in memory). */
  read(path: string): Promise<Readable>;
  tarOut(path: string): Promise<Readable>;
}

export interface CollectedArtifacts {
  stored: (StoredArtifact & { path: string })[];
  /** Patterns that matched nothing, or were refused (absolute, `..`). */
  missing: string[];
  /** Artifacts not stored because they show a secret: path (masked), the secret's name, why. */
  refused: RefusedArtifact[];
}

export interface RefusedArtifact {
  path: string;
  secret: string;
  reason: string;
}

const MAX_WALK = 10_000;
const hasGlob = (s: string) => /[*?]/.test(s);

function relativeJoin(base: string, name: string): string {
  return base === "" || base === "." ? name : `${base}/${name}`;
}

async function walk(files: ArtifactSource, workdir: string, base: string): Promise<string[]> {
  const out: string[] = [];
  const queue = [base];
  while (queue.length > 0 && out.length < MAX_WALK) {
    const dir = queue.shift() ?? "";
    let entries;
    try {
      entries = await files.list(`${workdir}/${dir}`.replace(/\/+$/, ""));
    } catch {
      continue;
    }
    for (const entry of entries) {
      const rel = relativeJoin(dir, entry.name);
      if (entry.type === "directory") queue.push(rel);
      else if (entry.type === "file") out.push(rel);
    }
  }
  return out;
}

async function isDirectory(files: ArtifactSource, path: string): Promise<boolean> {
  return files.list(path).then(
    () => true,
    () => false,
  );
}

export async function collectArtifacts(options: {
  files: ArtifactSource;
  workdir: string;
  patterns: readonly string[];
  store: ArtifactStore;
  keyPrefix: string;
  /** The run's secrets: text masked, binary/tar/paths showing one refused. None: stored as is. */
  guard?: ArtifactSecretGuard | undefined;
}): Promise<CollectedArtifacts> {
  const { files, workdir, store, keyPrefix, guard } = options;
  const result: CollectedArtifacts = { stored: [], missing: [], refused: [] };
  const put = async (path: string, data: Readable, suffix = "") => {
    const shown = `${path}${suffix}`;
    if (guard === undefined) {
      const stored = await store.put(`${keyPrefix}/${shown}`, data);
      result.stored.push({ ...stored, path: shown });
      return;
    }
    const inPath = guard.pathSecret(shown);
    if (inPath !== undefined) {
      data.destroy();
      const masked = guard.maskPath(shown);
      result.refused.push({
        path: masked,
        secret: inPath,
        reason: `artifact path '${masked}' contains secret ${inPath}`,
      });
      return;
    }
    try {
      const stored = await store.put(`${keyPrefix}/${shown}`, data, guard.filter(shown, suffix ? "tar" : "file"));
      result.stored.push({ ...stored, path: shown });
    } catch (error) {
      if (!(error instanceof C8sError) || error.code !== "ARTIFACT_REFUSED") throw error;
      const secret = String(error.details["secret"] ?? "");
      result.refused.push({ path: shown, secret, reason: error.message });
    }
  };
  for (const raw of options.patterns) {
    const pattern = raw.replace(/^\.\//, "").replace(/\/+$/, "");
    if (pattern.startsWith("/") || pattern.split("/").includes("..")) {
      result.missing.push(raw);
      continue;
    }
    if (!hasGlob(pattern)) {
      // Read first (most artifacts are files); a directory is stored as a tar.
      const path = `${workdir}/${pattern}`;
      const file = await files.read(path).then(
        (data) => ({ data }),
        (error: unknown) => ({ error }),
      );
      if ("data" in file) await put(pattern, file.data);
      else {
        const tar = await files.tarOut(path).catch(() => null);
        if (tar !== null && (await isDirectory(files, path))) await put(pattern, tar, ".tar");
        else {
          tar?.destroy();
          result.missing.push(raw);
        }
      }
      continue;
    }
    const segments = pattern.split("/");
    const firstGlob = segments.findIndex(hasGlob);
    const base = segments.slice(0, firstGlob).join("/");
    const matches = (await walk(files, workdir, base)).filter((p) => matchesGlob(p, pattern));
    if (matches.length === 0) result.missing.push(raw);
    for (const path of matches) await put(path, await files.read(`${workdir}/${path}`));
  }
  return result;
}
