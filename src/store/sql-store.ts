/** The one Store implementation, over any SqlClient. */
import { SqlAuditRepository } from "./audit-repository.ts";
import { SqlEventRepository } from "./event-repository.ts";
import { SqlExecRepository } from "./exec-repository.ts";
import { SqlHookRepository } from "./hooks-repository.ts";
import { runMigrations } from "./migrate.ts";
import { SqlReplicaRepository, SqlSettingsRepository } from "./replica-repository.ts";
import { SqlRunRepository } from "./runs-repository.ts";
import { SqlSandboxRepository } from "./sandbox-repository.ts";
import type { SqlClient } from "./sql-client.ts";
import { SqlSessionRepository } from "./sessions-repository.ts";
import { SqlSecretRepository } from "./secrets-repository.ts";
import { SqlTemplateRepository } from "./template-repository.ts";
import { SqlTeamRepository, SqlTokenRepository } from "./token-repository.ts";
import type { Store } from "./types.ts";

export class SqlStore implements Store {
  readonly sandboxes: SqlSandboxRepository;
  readonly execs: SqlExecRepository;
  readonly events: SqlEventRepository;
  readonly teams: SqlTeamRepository;
  readonly tokens: SqlTokenRepository;
  readonly runs: SqlRunRepository;
  readonly secrets: SqlSecretRepository;
  readonly audit: SqlAuditRepository;
  readonly templates: SqlTemplateRepository;
  readonly hooks: SqlHookRepository;
  readonly sessions: SqlSessionRepository;
  readonly replicas: SqlReplicaRepository;
  readonly settings: SqlSettingsRepository;
  private closed = false;

  constructor(
    readonly kind: "pglite" | "postgres",
    private readonly db: SqlClient,
  ) {
    this.sandboxes = new SqlSandboxRepository(db);
    this.execs = new SqlExecRepository(db);
    this.events = new SqlEventRepository(db);
    this.teams = new SqlTeamRepository(db);
    this.tokens = new SqlTokenRepository(db);
    this.runs = new SqlRunRepository(db);
    this.secrets = new SqlSecretRepository(db);
    this.audit = new SqlAuditRepository(db);
    this.templates = new SqlTemplateRepository(db);
    this.hooks = new SqlHookRepository(db);
    this.sessions = new SqlSessionRepository(db);
    this.replicas = new SqlReplicaRepository(db);
    this.settings = new SqlSettingsRepository(db);
  }

  async migrate(): Promise<void> {
    await runMigrations(this.db);
  }

  async ping(): Promise<void> {
    await this.db.query("SELECT 1");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }
}
