/**
 * Replica leases and installation settings over any SqlClient. Lease times are the
 * database's clock (`now()`), so replicas on hosts with skewed clocks agree on who is live.
 */
import { iso } from "./rows.ts";
import type { SqlClient } from "./sql-client.ts";

export interface ReplicaRecord {
  /** Random per server process. */
  id: string;
  /** The engine's owner label (`sandboxes.owner`, the runtime's owner label). */
  owner: string;
  host: string;
  pid: number;
  startedAt: string;
  heartbeatAt: string;
  expiresAt: string;
  /** Whether the lease had not expired when it was read. */
  live: boolean;
}

export interface ReplicaRepository {
  /** Takes a lease of `leaseMs` from now. */
  register(replica: { id: string; owner: string; host: string; pid: number }, leaseMs: number): Promise<void>;
  /** Pushes the lease `leaseMs` forward; false when the row is gone (another replica adopted it). */
  heartbeat(id: string, leaseMs: number): Promise<boolean>;
  /** Drops a lease (graceful shutdown, or a dead predecessor taken over); true when it was there. */
  release(id: string): Promise<boolean>;
  list(): Promise<ReplicaRecord[]>;
  /**
   * Removes up to `limit` expired leases and returns them: whoever removed one adopts its
   * work (two replicas never both get the same one).
   */
  claimExpired(limit: number): Promise<ReplicaRecord[]>;
}

export interface SettingsRepository {
  get(name: string): Promise<string | null>;
  /** Inserts `value` unless the setting exists; returns the value stored afterwards. */
  putIfAbsent(name: string, value: string): Promise<string>;
  put(name: string, value: string): Promise<void>;
}

function replicaFromRow(row: Record<string, unknown>): ReplicaRecord {
  return {
    id: String(row["id"]),
    owner: String(row["owner"]),
    host: String(row["host"]),
    pid: Number(row["pid"]),
    startedAt: iso(row["started_at"]),
    heartbeatAt: iso(row["heartbeat_at"]),
    expiresAt: iso(row["expires_at"]),
    live: row["live"] === true,
  };
}

const LEASE = "now() + ($2::bigint * interval '1 millisecond')";

export class SqlReplicaRepository implements ReplicaRepository {
  constructor(private readonly db: SqlClient) {}

  async register(replica: { id: string; owner: string; host: string; pid: number }, leaseMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO replicas (id, owner, host, pid, expires_at) VALUES ($1, $3, $4, $5, ${LEASE})
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), expires_at = EXCLUDED.expires_at`,
      [replica.id, leaseMs, replica.owner, replica.host, replica.pid],
    );
  }

  async heartbeat(id: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE replicas SET heartbeat_at = now(), expires_at = ${LEASE} WHERE id = $1`,
      [id, leaseMs],
    );
    return rowCount > 0;
  }

  async release(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query("DELETE FROM replicas WHERE id = $1", [id]);
    return rowCount > 0;
  }

  async list(): Promise<ReplicaRecord[]> {
    const { rows } = await this.db.query("SELECT *, expires_at > now() AS live FROM replicas ORDER BY started_at, id");
    return rows.map(replicaFromRow);
  }

  async claimExpired(limit: number): Promise<ReplicaRecord[]> {
    const { rows } = await this.db.query(
      `DELETE FROM replicas WHERE id IN (
         SELECT id FROM replicas WHERE expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ) RETURNING *, false AS live`,
      [limit],
    );
    return rows.map(replicaFromRow);
  }
}

export class SqlSettingsRepository implements SettingsRepository {
  constructor(private readonly db: SqlClient) {}

  async get(name: string): Promise<string | null> {
    const { rows } = await this.db.query<{ value: string }>("SELECT value FROM c8s_settings WHERE name = $1", [name]);
    return rows[0] === undefined ? null : String(rows[0].value);
  }

  async putIfAbsent(name: string, value: string): Promise<string> {
    await this.db.query("INSERT INTO c8s_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
      name,
      value,
    ]);
    return (await this.get(name)) ?? value;
  }

  async put(name: string, value: string): Promise<void> {
    await this.db.query(
      `INSERT INTO c8s_settings (name, value) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [name, value],
    );
  }
}
