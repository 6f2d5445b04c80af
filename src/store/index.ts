/** The store: one schema on embedded PGlite or PostgreSQL. No driver type is exported. */
export type * from "./types.ts";
export { DEFAULT_TEAM } from "./types.ts";
export type * from "./runs-types.ts";
export type * from "./sessions-types.ts";
export type { AuditEntry, AuditFilter, AuditRepository } from "./audit-repository.ts";
export type { ReplicaRecord, ReplicaRepository, SettingsRepository } from "./replica-repository.ts";
export type { TemplateRecord, TemplateRepository, TemplateSpec } from "./template-repository.ts";
export { openStore, type OpenStoreOptions } from "./open-store.ts";
export { MIGRATIONS, type Migration } from "./migrations.ts";
export { pendingMigrations } from "./migrate.ts";
