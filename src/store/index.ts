export type * from './store.js';
export { formatOrderKey } from './store.js';
export { DEFAULT_GROUP_COMMIT } from './commit-group.js';
export { StoreError, storeFailureKind, type StoreErrorCode, type StoreFailureKind } from './errors.js';
export { DEFAULT_BACKOFF, backoffDelay, resolveBackoff } from './backoff.js';
export { SqliteStore } from './sqlite-store.js';
export { PostgresStore } from './postgres-store.js';
export { openStore, sqlitePathOf } from './open-store.js';
export {
  backupSqliteDatabase,
  inspectSqliteDatabase,
  restoreSqliteDatabase,
  type SqliteBackupResult,
  type SqliteDatabaseFacts,
  type SqliteRestoreResult,
} from './sqlite-backup.js';
export type { Migration } from './migrations/migration.js';
export { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
export { POSTGRES_MIGRATIONS } from './migrations/postgres.js';
