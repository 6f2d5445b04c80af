/** Runs, steps and webhook deliveries over any SqlClient (PGlite or PostgreSQL alike). */
import {
  buildInsert,
  buildSet,
  type ColumnMap,
  iso,
  isoOrNull,
  json,
  jsonParam,
  numOrNull,
  placeholders,
} from "./rows.ts";
import type {
  RunFilter,
  RunPatch,
  RunRecord,
  RunRepository,
  RunState,
  RunStepRecord,
  RunStepState,
  WebhookDelivery,
} from "./runs-types.ts";
import type { SqlClient, SqlParam } from "./sql-client.ts";

const text = (v: string | null): SqlParam => v;
const ts = (v: string | null): SqlParam => v;
const num = (v: number | null): SqlParam => v;
const bool = (v: boolean): SqlParam => v;

export const RUN_COLUMNS: ColumnMap = {
  pipeline: { column: "pipeline", param: text },
  teamId: { column: "team_id", param: text },
  state: { column: "state", param: text },
  reason: { column: "reason", param: text },
  priority: { column: "priority", param: num },
  repoUrl: { column: "repo_url", param: text },
  repoCredential: { column: "repo_credential", param: text },
  repoSecret: { column: "repo_secret", param: text },
  ref: { column: "ref", param: text },
  commit: { column: "commit_id", param: text },
  branch: { column: "branch", param: text },
  event: { column: "event", param: text },
  pipelinePath: { column: "pipeline_path", param: text },
  pipelineYaml: { column: "pipeline_yaml", param: text },
  trigger: { column: "trigger", cast: "::jsonb", param: jsonParam },
  rerunOf: { column: "rerun_of", param: text },
  reuse: { column: "reuse", cast: "::jsonb", param: jsonParam },
  cancelPrevious: { column: "cancel_previous", param: bool },
  artifacts: { column: "artifacts", cast: "::jsonb", param: jsonParam },
  createdAt: { column: "created_at", cast: "::timestamptz", param: ts },
  startedAt: { column: "started_at", cast: "::timestamptz", param: ts },
  finishedAt: { column: "finished_at", cast: "::timestamptz", param: ts },
};

export function runFromRow(row: Record<string, unknown>): RunRecord {
  return {
    id: String(row["id"]),
    pipeline: String(row["pipeline"]),
    teamId: String(row["team_id"] ?? "default"),
    state: row["state"] as RunState,
    reason: (row["reason"] as string | null) ?? null,
    priority: Number(row["priority"] ?? 0),
    repoUrl: String(row["repo_url"]),
    repoCredential: (row["repo_credential"] as string | null) ?? null,
    repoSecret: (row["repo_secret"] as string | null) ?? null,
    ref: String(row["ref"]),
    commit: (row["commit_id"] as string | null) ?? null,
    branch: (row["branch"] as string | null) ?? null,
    event: String(row["event"]),
    pipelinePath: (row["pipeline_path"] as string | null) ?? null,
    pipelineYaml: (row["pipeline_yaml"] as string | null) ?? null,
    trigger: json(row["trigger"], { kind: "api", by: "" }),
    rerunOf: (row["rerun_of"] as string | null) ?? null,
    reuse: json(row["reuse"], []),
    cancelPrevious: row["cancel_previous"] === true,
    artifacts: json(row["artifacts"], []),
    createdAt: iso(row["created_at"]),
    startedAt: isoOrNull(row["started_at"]),
    finishedAt: isoOrNull(row["finished_at"]),
  };
}

export function stepFromRow(row: Record<string, unknown>): RunStepRecord {
  return {
    runId: String(row["run_id"]),
    name: String(row["name"]),
    position: Number(row["position"]),
    state: row["state"] as RunStepState,
    reason: (row["reason"] as string | null) ?? null,
    attempts: Number(row["attempts"] ?? 0),
    exitCode: numOrNull(row["exit_code"]),
    startedAt: isoOrNull(row["started_at"]),
    finishedAt: isoOrNull(row["finished_at"]),
    durationMs: numOrNull(row["duration_ms"]),
  };
}

const QUEUE_ORDER = "priority DESC, created_at, id";

export class SqlRunRepository implements RunRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(record: RunRecord): Promise<void> {
    const insert = buildInsert({ ...record }, RUN_COLUMNS);
    await this.db.query(`INSERT INTO runs ${insert.sql}`, insert.params);
  }

  async get(id: string): Promise<RunRecord | null> {
    const { rows } = await this.db.query("SELECT * FROM runs WHERE id = $1", [id]);
    return rows[0] === undefined ? null : runFromRow(rows[0]);
  }

  async list(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (filter.state !== undefined) {
      const states = Array.isArray(filter.state) ? filter.state : [filter.state];
      params.push(...states);
      where.push(`state IN (${placeholders(states.length, params.length - states.length + 1)})`);
    }
    for (const [field, column] of [
      ["pipeline", "pipeline"],
      ["repoUrl", "repo_url"],
      ["branch", "branch"],
      ["teamId", "team_id"],
    ] as const) {
      const value = filter[field];
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    params.push(filter.limit ?? 100);
    const { rows } = await this.db.query(
      `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(runFromRow);
  }

  async queued(limit = 1000): Promise<RunRecord[]> {
    const { rows } = await this.db.query(`SELECT * FROM runs WHERE state = 'queued' ORDER BY ${QUEUE_ORDER} LIMIT $1`, [
      limit,
    ]);
    return rows.map(runFromRow);
  }

  async update(id: string, patch: RunPatch): Promise<RunRecord | null> {
    const set = buildSet({ ...patch }, RUN_COLUMNS, 2);
    if (set.params.length === 0) return this.get(id);
    const { rows } = await this.db.query(`UPDATE runs SET ${set.sql} WHERE id = $1 RETURNING *`, [id, ...set.params]);
    return rows[0] === undefined ? null : runFromRow(rows[0]);
  }

  async transition(id: string, from: RunState[], patch: RunPatch & { state: RunState }): Promise<RunRecord | null> {
    const set = buildSet({ ...patch }, RUN_COLUMNS, 2);
    const first = 2 + set.params.length;
    const { rows } = await this.db.query(
      `UPDATE runs SET ${set.sql} WHERE id = $1 AND state IN (${placeholders(from.length, first)}) RETURNING *`,
      [id, ...set.params, ...from],
    );
    return rows[0] === undefined ? null : runFromRow(rows[0]);
  }

  async queuePosition(id: string): Promise<number | null> {
    const { rows } = await this.db.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM runs q, runs r
       WHERE r.id = $1 AND r.state = 'queued' AND q.state = 'queued'
         AND (q.priority > r.priority OR (q.priority = r.priority AND (q.created_at, q.id) <= (r.created_at, r.id)))`,
      [id],
    );
    const n = Number(rows[0]?.n ?? 0);
    return n === 0 ? null : n;
  }

  async claim(id: string, replicaId: string, startedAt: string): Promise<RunRecord | null> {
    const { rows } = await this.db.query(
      `UPDATE runs SET state = 'running', started_at = $3::timestamptz, owner_replica = $2
        WHERE id = $1 AND state = 'queued' RETURNING *`,
      [id, replicaId, startedAt],
    );
    return rows[0] === undefined ? null : runFromRow(rows[0]);
  }

  async interruptOrphaned(reason: string, at: string): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE runs SET state = 'failed', reason = $1, finished_at = $2::timestamptz
        WHERE state = 'running'
          AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.id = runs.owner_replica AND r.expires_at > now())
        RETURNING id`,
      [reason, at],
    );
    return rows.map((r) => String(r.id));
  }

  async ownerReplica(id: string): Promise<string | null> {
    const { rows } = await this.db.query<{ owner_replica: string | null }>(
      "SELECT owner_replica FROM runs WHERE id = $1",
      [id],
    );
    return rows[0]?.owner_replica ?? null;
  }

  async recordLogBytes(id: string, bytes: number): Promise<void> {
    await this.db.query("UPDATE runs SET log_bytes = $2 WHERE id = $1", [id, bytes]);
  }

  async storedBytes(teamId: string): Promise<number> {
    const { rows } = await this.db.query<{ logs: unknown; artifacts: unknown }>(
      `SELECT (SELECT COALESCE(SUM(log_bytes), 0) FROM runs WHERE team_id = $1) AS logs,
              (SELECT COALESCE(SUM((a ->> 'size')::bigint), 0)
                 FROM runs r, jsonb_array_elements(r.artifacts) a
                WHERE r.team_id = $1 AND NOT (a ? 'refused') AND NOT (a ? 'expiredAt')) AS artifacts`,
      [teamId],
    );
    return Number(rows[0]?.logs ?? 0) + Number(rows[0]?.artifacts ?? 0);
  }

  async withArtifactsFinishedBefore(cutoff: string, limit: number): Promise<RunRecord[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM runs
        WHERE finished_at IS NOT NULL AND finished_at < $1::timestamptz
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(artifacts) a
                       WHERE NOT (a ? 'refused') AND NOT (a ? 'expiredAt'))
        ORDER BY finished_at, id LIMIT $2`,
      [cutoff, limit],
    );
    return rows.map(runFromRow);
  }

  async upsertStep(step: RunStepRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO run_steps (run_id, name, position, state, reason, attempts, exit_code, started_at, finished_at, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9::timestamptz, $10)
       ON CONFLICT (run_id, name) DO UPDATE SET position = EXCLUDED.position, state = EXCLUDED.state,
         reason = EXCLUDED.reason, attempts = EXCLUDED.attempts, exit_code = EXCLUDED.exit_code,
         started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms`,
      [
        step.runId,
        step.name,
        step.position,
        step.state,
        step.reason,
        step.attempts,
        step.exitCode,
        step.startedAt,
        step.finishedAt,
        step.durationMs,
      ],
    );
  }

  async steps(runId: string): Promise<RunStepRecord[]> {
    const { rows } = await this.db.query("SELECT * FROM run_steps WHERE run_id = $1 ORDER BY position, name", [runId]);
    return rows.map(stepFromRow);
  }

  async endOpenSteps(runIds: string[], reason: string, at: string): Promise<void> {
    if (runIds.length === 0) return;
    const ids = placeholders(runIds.length, 3);
    await this.db.query(
      `UPDATE run_steps SET state = 'failed', reason = $1, finished_at = $2::timestamptz
       WHERE state = 'running' AND run_id IN (${ids})`,
      [reason, at, ...runIds],
    );
    await this.db.query(
      `UPDATE run_steps SET state = 'skipped', reason = $1 WHERE state = 'queued' AND run_id IN (${placeholders(runIds.length, 2)})`,
      [reason, ...runIds],
    );
  }

  async recordDelivery(delivery: WebhookDelivery): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO webhook_deliveries (provider, payload_key, delivery_id, run_id, received_at)
       VALUES ($1, $2, $3, $4, $5::timestamptz)
       ON CONFLICT (provider, payload_key) DO NOTHING`,
      [delivery.provider, delivery.key, delivery.deliveryId, delivery.runId, delivery.at],
    );
    return rowCount > 0;
  }

  async deliveryRun(provider: string, key: string): Promise<string | null> {
    const { rows } = await this.db.query<{ run_id: string | null }>(
      "SELECT run_id FROM webhook_deliveries WHERE provider = $1 AND payload_key = $2",
      [provider, key],
    );
    return rows[0]?.run_id ?? null;
  }

  async recordDeliveryRun(provider: string, key: string, runId: string): Promise<void> {
    await this.db.query("UPDATE webhook_deliveries SET run_id = $3 WHERE provider = $1 AND payload_key = $2", [
      provider,
      key,
      runId,
    ]);
  }
}
