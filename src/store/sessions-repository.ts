/**
 * Sessions and their workspace files over any SqlClient. Bytes travel as base64 parameters
 * (`decode`/`encode`), so the SqlClient surface stays text-only. A file change locks the
 * session's row first: writes to one session are serialised, which makes the If-Match check
 * and the quota check exact.
 */
import { C8sError } from "../errors/index.ts";
import { iso, isoOrNull, json, jsonParam } from "./rows.ts";
import type { SqlClient } from "./sql-client.ts";
import type {
  SessionChanges,
  SessionFile,
  SessionFileLimits,
  SessionFileMeta,
  SessionRecord,
  SessionRepository,
  SessionSpec,
  SessionUsage,
} from "./sessions-types.ts";

const META = "path, kind, mode, size, sha256, version, link_target, mtime";

function sessionFromRow(row: Record<string, unknown>): SessionRecord {
  return {
    id: String(row["id"]),
    teamId: String(row["team_id"]),
    name: row["name"] === null ? null : String(row["name"]),
    spec: json<SessionSpec>(row["spec"], {}),
    idleTimeoutMs: Number(row["idle_timeout_ms"]),
    maxLifetimeMs: Number(row["max_lifetime_ms"]),
    state: row["state"] === "deleted" ? "deleted" : "active",
    sandboxId: row["sandbox_id"] === null ? null : String(row["sandbox_id"]),
    createdBy: row["created_by"] === null ? null : String(row["created_by"]),
    createdAt: iso(row["created_at"]),
    lastActivityAt: iso(row["last_activity_at"]),
    endedAt: isoOrNull(row["ended_at"]),
  };
}

function metaFromRow(row: Record<string, unknown>): SessionFileMeta {
  return {
    path: String(row["path"]),
    kind: row["kind"] === "symlink" ? "symlink" : "file",
    mode: Number(row["mode"]),
    size: Number(row["size"]),
    sha256: String(row["sha256"]),
    version: Number(row["version"]),
    linkTarget: row["link_target"] === null ? null : String(row["link_target"]),
    mtime: iso(row["mtime"]),
  };
}

function fileFromRow(row: Record<string, unknown>): SessionFile {
  return { ...metaFromRow(row), content: Buffer.from(String(row["content_b64"] ?? ""), "base64") };
}

function versionConflict(path: string, expected: number, actual: number): C8sError {
  return new C8sError(
    "FILE_VERSION_CONFLICT",
    `'${path}' is at version ${actual}, not ${expected === 0 ? "absent" : expected} as the write expected`,
    {
      details: { path, expected, actual },
      hint: "Someone else saved it meanwhile: read it again (its ETag is the version) and retry with that If-Match.",
    },
  );
}

/** `AND team_id = $n` when a team is given. */
function teamClause(teamId: string | undefined, params: (string | number | null)[]): string {
  if (teamId === undefined) return "";
  params.push(teamId);
  return ` AND team_id = $${params.length}`;
}

export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(r: SessionRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO sessions (id, team_id, name, spec, idle_timeout_ms, max_lifetime_ms, state, sandbox_id, created_by, created_at, last_activity_at, ended_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10::timestamptz, $11::timestamptz, $12::timestamptz)`,
      [
        r.id,
        r.teamId,
        r.name,
        jsonParam(r.spec),
        r.idleTimeoutMs,
        r.maxLifetimeMs,
        r.state,
        r.sandboxId,
        r.createdBy,
        r.createdAt,
        r.lastActivityAt,
        r.endedAt,
      ],
    );
  }

  async get(id: string, teamId?: string): Promise<SessionRecord | null> {
    const params: (string | number | null)[] = [id];
    const team = teamClause(teamId, params);
    const { rows } = await this.db.query(`SELECT * FROM sessions WHERE id = $1 AND state = 'active'${team}`, params);
    return rows[0] === undefined ? null : sessionFromRow(rows[0]);
  }

  async list(teamId: string | undefined): Promise<SessionRecord[]> {
    const params: (string | number | null)[] = [];
    const team = teamClause(teamId, params);
    const { rows } = await this.db.query(
      `SELECT * FROM sessions WHERE state = 'active'${team} ORDER BY created_at DESC, id DESC`,
      params,
    );
    return rows.map(sessionFromRow);
  }

  async markDeleted(id: string, at: string, teamId?: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const params: (string | number | null)[] = [id, at];
      const team = teamClause(teamId, params);
      const { rowCount } = await tx.query(
        `UPDATE sessions SET state = 'deleted', ended_at = $2::timestamptz, sandbox_id = NULL
         WHERE id = $1 AND state = 'active'${team}`,
        params,
      );
      if (rowCount === 0) return false;
      await tx.query("DELETE FROM session_files WHERE session_id = $1", [id]);
      return true;
    });
  }

  async setSandbox(id: string, sandboxId: string | null, expect?: string | null): Promise<boolean> {
    if (expect === undefined) {
      const { rowCount } = await this.db.query("UPDATE sessions SET sandbox_id = $2 WHERE id = $1", [id, sandboxId]);
      return rowCount > 0;
    }
    const { rowCount } = await this.db.query(
      "UPDATE sessions SET sandbox_id = $2 WHERE id = $1 AND sandbox_id IS NOT DISTINCT FROM $3",
      [id, sandboxId, expect],
    );
    return rowCount > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.query(
      "UPDATE sessions SET last_activity_at = GREATEST(last_activity_at, $2::timestamptz) WHERE id = $1",
      [id, at],
    );
  }

  async usage(id: string): Promise<SessionUsage> {
    return usageOf(this.db, id);
  }

  async getFile(id: string, path: string): Promise<SessionFile | null> {
    const { rows } = await this.db.query(
      `SELECT ${META}, encode(content, 'base64') AS content_b64 FROM session_files WHERE session_id = $1 AND path = $2`,
      [id, path],
    );
    return rows[0] === undefined ? null : fileFromRow(rows[0]);
  }

  async listFiles(id: string, dir = ""): Promise<SessionFileMeta[]> {
    const { rows } =
      dir === ""
        ? await this.db.query(`SELECT ${META} FROM session_files WHERE session_id = $1 ORDER BY path`, [id])
        : await this.db.query(
            `SELECT ${META} FROM session_files WHERE session_id = $1 AND starts_with(path, $2) ORDER BY path`,
            [id, `${dir}/`],
          );
    return rows.map(metaFromRow);
  }

  async allFiles(id: string): Promise<SessionFile[]> {
    const { rows } = await this.db.query(
      `SELECT ${META}, encode(content, 'base64') AS content_b64 FROM session_files WHERE session_id = $1 ORDER BY path`,
      [id],
    );
    return rows.map(fileFromRow);
  }

  async applyChanges(id: string, changes: SessionChanges, limits: SessionFileLimits): Promise<SessionFileMeta[]> {
    return this.db.transaction(async (tx) => {
      const locked = await tx.query("SELECT id FROM sessions WHERE id = $1 AND state = 'active' FOR UPDATE", [id]);
      if (locked.rows.length === 0)
        throw new C8sError("SESSION_NOT_FOUND", `session ${id} does not exist`, { details: { session: id } });
      const touched = [...changes.writes.map((w) => w.path), ...changes.deletes.map((d) => d.path)];
      const current = new Map<string, { version: number; size: number }>();
      if (touched.length > 0) {
        const { rows } = await tx.query(
          "SELECT path, version, size FROM session_files WHERE session_id = $1 AND path IN (SELECT jsonb_array_elements_text($2::jsonb))",
          [id, JSON.stringify(touched)],
        );
        for (const row of rows)
          current.set(String(row["path"]), { version: Number(row["version"]), size: Number(row["size"]) });
      }
      for (const change of [...changes.writes, ...changes.deletes]) {
        if (change.ifVersion === undefined) continue;
        const actual = current.get(change.path)?.version ?? 0;
        if (actual !== change.ifVersion) throw versionConflict(change.path, change.ifVersion, actual);
      }
      const before = await usageOf(tx, id);
      let files = before.files;
      let bytes = before.bytes;
      for (const d of changes.deletes) {
        const old = current.get(d.path);
        if (old === undefined) continue;
        files -= 1;
        bytes -= old.size;
        current.delete(d.path);
      }
      for (const w of changes.writes) {
        const old = current.get(w.path);
        files += old === undefined ? 1 : 0;
        bytes += w.content.length - (old?.size ?? 0);
        current.set(w.path, { version: old?.version ?? 0, size: w.content.length });
      }
      const over = files > limits.maxFiles ? "files" : bytes > limits.maxBytes ? "bytes" : null;
      if (over !== null && (files > before.files || bytes > before.bytes))
        throw new C8sError(
          "SESSION_QUOTA_EXCEEDED",
          over === "files"
            ? `the session would hold ${files} files, over its limit of ${limits.maxFiles}`
            : `the session would hold ${bytes} bytes, over its limit of ${limits.maxBytes}`,
          {
            details: { limit: over, files, bytes, maxFiles: limits.maxFiles, maxBytes: limits.maxBytes },
            hint: "Delete files you no longer need, or add the paths to the session's ignore list.",
          },
        );
      for (const d of changes.deletes)
        await tx.query("DELETE FROM session_files WHERE session_id = $1 AND path = $2", [id, d.path]);
      const written: SessionFileMeta[] = [];
      for (const w of changes.writes) {
        const { rows } = await tx.query(
          `INSERT INTO session_files (session_id, path, kind, mode, size, sha256, version, content, link_target, mtime)
           VALUES ($1, $2, $3, $4, $5, $6, 1, decode($7, 'base64'), $8, $9::timestamptz)
           ON CONFLICT (session_id, path) DO UPDATE SET kind = EXCLUDED.kind, mode = EXCLUDED.mode, size = EXCLUDED.size,
             sha256 = EXCLUDED.sha256, version = session_files.version + 1, content = EXCLUDED.content,
             link_target = EXCLUDED.link_target, mtime = EXCLUDED.mtime
           RETURNING ${META}`,
          [id, w.path, w.kind, w.mode, w.content.length, w.sha256, w.content.toString("base64"), w.linkTarget, w.mtime],
        );
        if (rows[0] !== undefined) written.push(metaFromRow(rows[0]));
      }
      return written;
    });
  }
}

async function usageOf(db: SqlClient, id: string): Promise<SessionUsage> {
  const { rows } = await db.query(
    "SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM session_files WHERE session_id = $1",
    [id],
  );
  return { files: Number(rows[0]?.["files"] ?? 0), bytes: Number(rows[0]?.["bytes"] ?? 0) };
}
