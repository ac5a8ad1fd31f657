import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import Database from 'better-sqlite3';

import { StoreError } from './errors.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import { acquireLockFile } from './sqlite-lock.js';

/**
 * Backup and restore of a SQLite store.
 *
 * Why a separate read-only connection, and not a request to the running gateway: the gateway's lock
 * file (`<db>.lock`, see `sqlite-lock.ts`) is a pid file that keeps a second *gateway* off the file,
 * because two gateways would lease and send the same outbox items. It is not an operating-system lock
 * and does not stop another process from reading. A reader that writes nothing cannot take a lease,
 * and under WAL it neither blocks the gateway's writer nor sees its open transaction. So the backup
 * opens its own read-only connection, starts one read transaction (one snapshot: every transaction
 * committed before it, none after) and copies that snapshot with SQLite's online backup API. It
 * works the same whether the gateway runs or not, needs no API key, and adds no endpoint that streams
 * the whole database. Its condition: run it on the gateway's host as a user who may read the
 * database and write its `-shm` file (the gateway's own user).
 *
 * Why one read transaction around the backup: the backup API alone takes a new read lock at every
 * step and, when another process committed in between, starts over; under steady traffic a backup in
 * small steps may never end. Holding the snapshot makes every step read the same state, so the copy
 * ends and is consistent. The cost: while it runs, the WAL cannot be checkpointed past the snapshot
 * and grows by what the gateway writes meanwhile.
 */

/** What a file holds, when it is a cisis-tlr SQLite database. */
export interface SqliteDatabaseFacts {
  readonly path: string;
  readonly bytes: number;
  /** Applied schema versions, ascending. */
  readonly schemaVersions: readonly number[];
  /** Highest schema version this release knows. */
  readonly knownSchemaVersion: number;
  /** Rows of the message journal (both directions). */
  readonly messages: number;
  readonly orders: number;
}

/** Result of {@link backupSqliteDatabase}. */
export interface SqliteBackupResult extends SqliteDatabaseFacts {
  readonly source: string;
  readonly ms: number;
}

/** Result of {@link restoreSqliteDatabase}. */
export interface SqliteRestoreResult extends SqliteDatabaseFacts {
  readonly from: string;
  /** Where the database that was there before went (`--force`), if there was one. */
  readonly previous?: string;
}

const BUSY_TIMEOUT_MS = 5000;
/** Pages copied per step (4 MiB with 4 KiB pages); the event loop runs between steps. */
const PAGES_PER_STEP = 1024;
/** Tables of schema version 1 that any cisis-tlr database has. */
const CORE_TABLES = ['schema_migrations', 'messages', 'orders', 'order_transitions', 'outbox'] as const;

const knownVersions = new Set(SQLITE_MIGRATIONS.map((m) => m.version));
const knownSchemaVersion = Math.max(...knownVersions);

/**
 * Copies a consistent snapshot of the SQLite database at `source` to `out`, while a gateway may be
 * writing to it. The copy is written beside `out` under a temporary name, checked (integrity, a
 * cisis-tlr schema this release knows, the same journal row count as the snapshot), switched to a
 * rollback journal so that it is one self-contained file, synced, and only then renamed to `out`:
 * a file named `out` is always a complete backup.
 */
export async function backupSqliteDatabase(
  source: string,
  out: string,
  options: { overwrite?: boolean } = {},
): Promise<SqliteBackupResult> {
  const started = Date.now();
  const sourcePath = resolve(source);
  const outPath = resolve(out);
  if (sourcePath === outPath) throw new StoreError('TLR_ERR_STORE_INVALID_ARGUMENT', 'the backup file cannot be the database itself');
  if (!existsSync(sourcePath)) throw new StoreError('TLR_ERR_STORE_NOT_FOUND', `no database at ${sourcePath}`);
  if (existsSync(outPath) && options.overwrite !== true) {
    throw new StoreError(
      'TLR_ERR_STORE_FILE_EXISTS',
      `${outPath} exists; choose another file or allow overwriting it (cisis-tlr backup --force)`,
    );
  }
  if (!existsSync(dirname(outPath))) throw new StoreError('TLR_ERR_STORE_NOT_FOUND', `the directory ${dirname(outPath)} does not exist`);

  const partial = join(dirname(outPath), `.${basename(outPath)}.partial-${process.pid}`);
  removeDatabaseFiles(partial);
  const db = new Database(sourcePath, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  let snapshotMessages: number;
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    assertCisisTlrDatabase(db, sourcePath);
    // The snapshot: from the first read inside BEGIN until COMMIT, every read (the backup's included)
    // sees the same committed state.
    db.exec('BEGIN');
    try {
      snapshotMessages = count(db, 'messages');
      await db.backup(partial, { progress: () => PAGES_PER_STEP });
    } finally {
      db.exec('COMMIT');
    }
  } catch (error) {
    removeDatabaseFiles(partial);
    throw wrapNotADatabase(error, sourcePath);
  } finally {
    db.close();
  }

  try {
    const copy = new Database(partial, { fileMustExist: true });
    try {
      // The source is in WAL mode and the copy inherits it; a backup is one file.
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new StoreError('TLR_ERR_STORE_NOT_A_BACKUP', `the copy failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    const facts = inspectSqliteDatabase(partial);
    if (facts.messages !== snapshotMessages) {
      throw new StoreError('TLR_ERR_STORE_NOT_A_BACKUP', `the copy holds ${facts.messages} journal rows, the snapshot ${snapshotMessages}`);
    }
    syncFile(partial);
    removeDatabaseFiles(outPath);
    renameSync(partial, outPath);
    syncDirectory(dirname(outPath));
    return { ...facts, path: outPath, source: sourcePath, ms: Date.now() - started };
  } catch (error) {
    removeDatabaseFiles(partial);
    throw error;
  }
}

/**
 * Puts the backup `from` in place of the database at `target`. Refused when a live process holds the
 * database's lock file (a running gateway: stop it first), when `from` is not a cisis-tlr database,
 * holds a schema version this release does not know, fails its integrity check, or still has a
 * write-ahead log beside it (a live database, not a backup). An existing database is replaced only
 * with `force`, and then kept, renamed `<db>.before-restore-<time>` (with its `-wal`). The next start
 * of the gateway applies the migrations the backup lacks.
 */
export function restoreSqliteDatabase(
  from: string,
  target: string,
  options: { force?: boolean; now?: () => Date } = {},
): SqliteRestoreResult {
  const fromPath = resolve(from);
  const targetPath = resolve(target);
  if (fromPath === targetPath) throw new StoreError('TLR_ERR_STORE_INVALID_ARGUMENT', 'the backup file is the database itself');
  if (!existsSync(fromPath)) throw new StoreError('TLR_ERR_STORE_NOT_FOUND', `no backup at ${fromPath}`);
  if (existsSync(`${fromPath}-wal`) && statSync(`${fromPath}-wal`).size > 0) {
    throw new StoreError(
      'TLR_ERR_STORE_NOT_A_BACKUP',
      `${fromPath} has a write-ahead log beside it: it is a database in use, not a backup (take one with cisis-tlr backup)`,
    );
  }
  const facts = inspectSqliteDatabase(fromPath, { integrity: true });
  if (!existsSync(dirname(targetPath)))
    throw new StoreError('TLR_ERR_STORE_NOT_FOUND', `the directory ${dirname(targetPath)} does not exist`);

  const lock = acquireLockFile(targetPath);
  try {
    let previous: string | undefined;
    if (existsSync(targetPath)) {
      if (options.force !== true) {
        throw new StoreError(
          'TLR_ERR_STORE_FILE_EXISTS',
          `a database exists at ${targetPath}; replacing it must be asked for (cisis-tlr restore --force), ` +
            `which keeps it aside as ${basename(targetPath)}.before-restore-<time>`,
        );
      }
      const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
      previous = `${targetPath}.before-restore-${stamp}`;
      renameSync(targetPath, previous);
      if (existsSync(`${targetPath}-wal`)) renameSync(`${targetPath}-wal`, `${previous}-wal`);
      rmSync(`${targetPath}-shm`, { force: true });
    }
    const incoming = join(dirname(targetPath), `.${basename(targetPath)}.restoring-${process.pid}`);
    try {
      copyFileSync(fromPath, incoming);
      syncFile(incoming);
      renameSync(incoming, targetPath);
      syncDirectory(dirname(targetPath));
    } catch (error) {
      rmSync(incoming, { force: true });
      throw error;
    }
    return { ...facts, path: targetPath, from: fromPath, ...(previous === undefined ? {} : { previous }) };
  } finally {
    lock.release();
  }
}

/**
 * Reads what a file holds without changing it: refused with `TLR_ERR_STORE_NOT_A_BACKUP` when it is
 * not a SQLite database of cisis-tlr, with `TLR_ERR_STORE_SCHEMA_TOO_NEW` when its schema is newer
 * than this release.
 */
export function inspectSqliteDatabase(path: string, options: { integrity?: boolean } = {}): SqliteDatabaseFacts {
  const absolute = resolve(path);
  let db: Database.Database;
  try {
    db = new Database(absolute, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw wrapNotADatabase(error, absolute);
  }
  try {
    assertCisisTlrDatabase(db, absolute);
    if (options.integrity === true) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new StoreError('TLR_ERR_STORE_NOT_A_BACKUP', `${absolute} fails its integrity check: ${String(check)}`);
    }
    const schemaVersions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map(
      (r) => r.version,
    );
    const unknown = schemaVersions.filter((v) => !knownVersions.has(v));
    if (unknown.length > 0) {
      throw new StoreError(
        'TLR_ERR_STORE_SCHEMA_TOO_NEW',
        `${absolute} has schema versions ${unknown.join(', ')} unknown to this release (it knows up to ${knownSchemaVersion}): ` +
          `use the release that wrote it`,
      );
    }
    return {
      path: absolute,
      bytes: statSync(absolute).size,
      schemaVersions,
      knownSchemaVersion,
      messages: count(db, 'messages'),
      orders: count(db, 'orders'),
    };
  } catch (error) {
    throw wrapNotADatabase(error, absolute);
  } finally {
    db.close();
  }
}

function assertCisisTlrDatabase(db: Database.Database, path: string): void {
  const tables = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name),
  );
  const missing = CORE_TABLES.filter((t) => !tables.has(t));
  if (missing.length > 0) {
    throw new StoreError('TLR_ERR_STORE_NOT_A_BACKUP', `${path} is not a cisis-tlr database (no table ${missing.join(', ')})`);
  }
}

function count(db: Database.Database, table: (typeof CORE_TABLES)[number]): number {
  return Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
}

/** A file that is not SQLite at all fails on its first read with SQLITE_NOTADB. */
function wrapNotADatabase(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StoreError('TLR_ERR_STORE_NOT_A_BACKUP', `${path} is not a SQLite database`, { cause: error });
  }
  return error;
}

function removeDatabaseFiles(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(p, { force: true });
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A rename is durable once its directory is synced (POSIX); not possible on every platform. */
function syncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for syncing.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
