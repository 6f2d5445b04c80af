/**
 * Sync-back as a pure diff: what the sandbox's workdir holds now against the baseline (what
 * c8s last put there or read from there), as one change set for the store. Only paths that
 * changed in the sandbox are written, with the version the baseline saw as their If-Match, so
 * a save through the API that landed meanwhile is never overwritten by a stale copy.
 */
import type { SessionChanges, SessionFileMeta } from "../store/index.ts";
import { isIgnored } from "./paths.ts";
import type { SeenEntry } from "./workspace-tar.ts";

/** What c8s believes the sandbox holds: per path, its hash, mode, kind and the store's version. */
export type Baseline = Map<string, Pick<SessionFileMeta, "sha256" | "mode" | "kind" | "version">>;

export function baselineOf(files: readonly SessionFileMeta[]): Baseline {
  return new Map(files.map((f) => [f.path, { sha256: f.sha256, mode: f.mode, kind: f.kind, version: f.version }]));
}

export function diffWorkspace(
  baseline: Baseline,
  seen: ReadonlyMap<string, SeenEntry>,
  ignore: readonly string[],
  /** Paths present but not synced (too large, an outside link): the store keeps what it has. */
  untouched: ReadonlySet<string> = new Set(),
): SessionChanges {
  const changes: SessionChanges = { writes: [], deletes: [] };
  for (const entry of seen.values()) {
    const before = baseline.get(entry.path);
    if (
      before !== undefined &&
      before.sha256 === entry.sha256 &&
      before.mode === entry.mode &&
      before.kind === entry.kind
    )
      continue;
    changes.writes.push({ ...entry, ifVersion: before?.version ?? 0 });
  }
  for (const [path, before] of baseline) {
    if (seen.has(path) || untouched.has(path) || isIgnored(path, ignore)) continue;
    changes.deletes.push({ path, ifVersion: before.version });
  }
  return changes;
}
