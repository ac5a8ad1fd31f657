import Database from 'better-sqlite3';

import type { WorkflowRole } from '../workflow/index.js';
import { CommitGroups, DEFAULT_GROUP_COMMIT, runGroupTransaction, type GroupTransactionEngine } from './commit-group.js';
import { StoreError } from './errors.js';
import type { Migration } from './migrations/migration.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import { SqlStore } from './sql-store.js';
import { acquireLockFile, type HeldLock } from './sqlite-lock.js';
import type { SqlRunner, SqlValue } from './sql/sql-runner.js';
import { storedParams } from './sql/stored-values.js';
import type { OrderKey, StoreOptions } from './store.js';

type Connection = Database.Database;

/** better-sqlite3 binds Buffers, not arbitrary Uint8Array views. */
function bind(params: readonly SqlValue[]): unknown[] {
  return storedParams(params).map((p) =>
    p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p,
  );
}

/** Synchronous driver behind the async runner interface; statements are prepared once. */
class SqliteRunner implements SqlRunner {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Connection) {}

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    try {
      return Promise.resolve(this.statement(sql).all(...bind(params)) as R[]);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    try {
      return Promise.resolve(this.statement(sql).run(...bind(params)).changes);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/**
 * FIFO async mutex. better-sqlite3 runs one transaction per connection; since our transactions may
 * await the caller (the inbound decision callback), every use of the write connection is queued here
 * so that no other statement ever runs inside someone else's open transaction.
 */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * SQLite engine: one file, for a single gateway instance (several processes on the same file work,
 * serialised by SQLite's write lock, but PostgreSQL is the choice for several instances).
 *
 * Two connections: a writer, used through an async FIFO mutex with `BEGIN IMMEDIATE` transactions
 * (the write lock is taken up front, so two writers never deadlock upgrading a read lock), and a
 * read-only connection for queries, which under WAL never blocks on, nor sees, an open write
 * transaction.
 */
export class SqliteStore extends SqlStore {
  readonly engine = 'sqlite' as const;
  private readonly writeMutex = new Mutex();
  private readonly writer: SqliteRunner;
  private readonly readRunner: SqliteRunner;
  private closed = false;
  /** Inbound units committed together; undefined when group commit is off. */
  private readonly groups: CommitGroups | undefined;

  private constructor(
    private readonly writeDb: Connection,
    private readonly readDb: Connection,
    private readonly lock: HeldLock | undefined,
    options: StoreOptions,
  ) {
    super(options);
    this.writer = new SqliteRunner(writeDb);
    this.readRunner = new SqliteRunner(readDb);
    const grouping = options.groupCommit === undefined ? DEFAULT_GROUP_COMMIT : options.groupCommit;
    if (grouping !== false && grouping.maxMessages > 1) {
      const engine: GroupTransactionEngine = {
        begin: 'BEGIN IMMEDIATE',
        control: (statements) => {
          this.writeDb.exec(statements.join('; '));
          return Promise.resolve();
        },
        inTransaction: () => this.writeDb.inTransaction,
        rollback: () => {
          this.writeDb.exec('ROLLBACK');
          return Promise.resolve();
        },
      };
      this.groups = new CommitGroups(
        grouping,
        (units) =>
          this.writeMutex.run(() => {
            this.assertOpen();
            return runGroupTransaction(engine, this.writer, units);
          }),

        1,
        options.onCommitGroup,
      );
    }
  }

  /** Opens (creating if needed) the database file and applies pending migrations. */
  static async open(path: string, options: StoreOptions = {}): Promise<SqliteStore> {
    if (path === '' || path === ':memory:') {
      throw new StoreError('TLR_ERR_STORE_URL_UNSUPPORTED', 'the SQLite store needs a file (WAL mode and a separate reader connection)');
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    const lock = options.exclusive === true ? acquireLockFile(path) : undefined;
    let writeDb: Connection;
    try {
      writeDb = new Database(path, { timeout: busyTimeoutMs });
    } catch (error) {
      lock?.release();
      throw error;
    }
    try {
      // auto_vacuum can only be chosen before the first table exists; INCREMENTAL lets retention give
      // pages back to the file system with `PRAGMA incremental_vacuum` without a full VACUUM.
      writeDb.pragma('auto_vacuum = INCREMENTAL');
      writeDb.pragma('journal_mode = WAL');
      // FULL, not NORMAL: with WAL, NORMAL may lose the last transactions on power loss (they are
      // consistent but not durable). An AA tells the sender it may forget the message, so a commit must
      // survive power loss before the ACK is written: FULL syncs the WAL at every commit.
      writeDb.pragma('synchronous = FULL');
      writeDb.pragma('foreign_keys = ON');
      writeDb.pragma(`busy_timeout = ${busyTimeoutMs}`);
      migrate(writeDb, SQLITE_MIGRATIONS, options.now ?? Date.now);
    } catch (error) {
      writeDb.close();
      lock?.release();
      throw error;
    }
    const readDb = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    readDb.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const store = new SqliteStore(writeDb, readDb, lock, options);
    try {
      await store.fillOrderSearchText();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  protected get reader(): SqlRunner {
    this.assertOpen();
    return this.readRunner;
  }

  protected withTransaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    return this.writeMutex.run(async () => {
      this.assertOpen();
      this.writeDb.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.writer);
        this.writeDb.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.writeDb.inTransaction) this.writeDb.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /**
   * One `BEGIN IMMEDIATE … COMMIT` for the inbound messages queued together: one WAL fsync for the
   * group instead of one per message, and the event loop blocked once by it.
   */
  protected override withGroupedTransaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    return this.groups === undefined ? this.withTransaction(work) : this.groups.submit(work);
  }

  /** Opened `exclusive`, this process is the only one alive on the file; otherwise nobody can tell. */
  protected aliveAmong(_runner: SqlRunner, _workerIds: readonly string[]): Promise<ReadonlySet<string> | 'unknown'> {
    return Promise.resolve(this.lock === undefined ? 'unknown' : new Set<string>());
  }

  /** The lock file (when `exclusive`) is the proof of life on SQLite. */
  protected holdWorkers(_workerIds: readonly string[]): Promise<void> {
    return Promise.resolve();
  }

  /** Writers are already serialised by the immediate transaction. */
  protected lockOrderKey(_runner: SqlRunner, _role: WorkflowRole, _key: OrderKey): Promise<void> {
    return Promise.resolve();
  }

  protected reclaimSpace(): Promise<void> {
    return this.writeMutex.run(() => {
      this.assertOpen();
      this.writeDb.pragma('incremental_vacuum');
      // The file only shrinks once the WAL is checkpointed into it.
      this.writeDb.pragma('wal_checkpoint(TRUNCATE)');
      return Promise.resolve();
    });
  }

  /** Size facts of the database file, for retention checks and metrics. */
  pageStats(): { pageCount: number; freelistCount: number; pageSize: number } {
    this.assertOpen();
    return {
      pageCount: Number(this.readDb.pragma('page_count', { simple: true })),
      freelistCount: Number(this.readDb.pragma('freelist_count', { simple: true })),
      pageSize: Number(this.readDb.pragma('page_size', { simple: true })),
    };
  }

  async close(): Promise<void> {
    if (!this.closed) await this.forgetWorkers().catch(() => undefined);
    await this.writeMutex.run(() => {
      if (!this.closed) {
        this.closed = true;
        this.readDb.close();
        this.writeDb.close();
        this.lock?.release();
      }
      return Promise.resolve();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('TLR_ERR_STORE_CLOSED', 'the store is closed');
  }
}

/** Applies missing migrations in one immediate transaction (another process opening the file waits). */
function migrate(db: Connection, migrations: readonly Migration[], now: () => number): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
    );
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new StoreError('TLR_ERR_STORE_SCHEMA_TOO_NEW', `database has schema versions ${unknown.join(', ')} unknown to this release`);
    }
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      try {
        db.exec(migration.sql);
      } catch (cause) {
        throw new StoreError('TLR_ERR_STORE_MIGRATION_FAILED', `migration ${migration.version} (${migration.name}) failed`, { cause });
      }
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
