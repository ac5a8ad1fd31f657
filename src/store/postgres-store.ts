import pg from 'pg';

import type { WorkflowRole } from '../workflow/index.js';
import { CommitGroups, DEFAULT_GROUP_COMMIT, runGroupTransaction, type GroupUnit } from './commit-group.js';
import { StoreError } from './errors.js';
import { POSTGRES_MIGRATIONS } from './migrations/postgres.js';
import { SqlStore } from './sql-store.js';
import type { SqlRunner, SqlValue } from './sql/sql-runner.js';
import { storedParams } from './sql/stored-values.js';
import type { OrderKey, StoreOptions } from './store.js';

/** Namespace of our advisory locks ("TLR"), so they never collide with other applications' locks. */
const LOCK_CLASS = 0x544c52;
/** Advisory lock key of schema migrations within {@link LOCK_CLASS}. */
const MIGRATION_LOCK = -1;
/**
 * Namespace of the workers' proof-of-life locks ("TLW"), apart from the order locks so that a worker
 * id never collides with an order key. A collision of two worker ids' hashes only makes a dead worker
 * look alive: its leases then expire instead of being released early (the safe side).
 */
const WORKER_LOCK_CLASS = 0x544c57;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Ids and epoch-millisecond times are BIGINT: read them as numbers (exact below 2^53). */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Rewrites `?` placeholders to `$n` (our SQL never contains `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PgRunner implements SqlRunner {
  readonly dialect = 'postgres' as const;
  private static readonly cache = new Map<string, string>();

  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  private text(sql: string): string {
    let text = PgRunner.cache.get(sql);
    if (text === undefined) {
      text = numbered(sql);
      PgRunner.cache.set(sql, text);
    }
    return text;
  }

  async all<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    const result = await this.client.query(this.text(sql), storedParams(params));
    return result.rows as R[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const result = await this.client.query(this.text(sql), storedParams(params));
    return result.rowCount ?? 0;
  }
}

/**
 * PostgreSQL engine, for one or several gateway instances sharing a database.
 *
 * Concurrency between instances rests on the database only: the unique index of the journal detects
 * re-deliveries (INSERT ... ON CONFLICT DO NOTHING), a transaction-scoped advisory lock per order key
 * serialises messages of one order, and `FOR UPDATE SKIP LOCKED` with a lease lets several senders
 * share an outbox without double sending. Transactions run at READ COMMITTED.
 */
export class PostgresStore extends SqlStore {
  readonly engine = 'postgres' as const;
  private readonly poolRunner: PgRunner;
  /** Connection holding this process's worker locks ({@link registerWorkers}), opened on first use. */
  private liveness: pg.Client | undefined;
  /** Inbound units committed together; undefined when group commit is off. */
  private readonly groups: CommitGroups | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    readonly schema: string,
    options: StoreOptions,
  ) {
    super(options);
    this.poolRunner = new PgRunner(pool);
    const grouping = options.groupCommit === undefined ? DEFAULT_GROUP_COMMIT : options.groupCommit;
    if (grouping !== false && grouping.maxMessages > 1) {
      // Several groups at once, each on a pooled connection (two are left for the outbox workers and
      // the API): a group's statements are sequential on its connection, the server overlaps the groups
      // and shares their WAL flushes, so groups only grow when messages arrive faster than connections
      // free up.
      const concurrency = Math.max(1, (options.poolSize ?? 10) - 2);
      this.groups = new CommitGroups(grouping, (units) => this.runGroup(units), concurrency, options.onCommitGroup);
    }
  }

  /**
   * One transaction for a group of inbound messages, one savepoint each. The control statements go
   * in one round trip each (`BEGIN; SAVEPOINT`, then `RELEASE; SAVEPOINT` between messages, `RELEASE;
   * COMMIT` at the end): a message costs its own statements plus one.
   */
  private async runGroup(units: readonly GroupUnit[]): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await runGroupTransaction(
        {
          begin: 'BEGIN',
          control: async (statements) => {
            await client.query(statements.join('; '));
          },
          inTransaction: () => broken === undefined,
          rollback: async () => {
            await client.query('ROLLBACK').catch((error: unknown) => {
              broken = error instanceof Error ? error : new Error(String(error));
            });
          },
        },
        new PgRunner(client),
        units,
      );
    } finally {
      client.release(broken);
    }
  }

  /**
   * Connects, creates the schema when missing and applies pending migrations under an advisory lock
   * (instances starting together migrate once).
   * @param connectionString `postgres://user@host:port/db`
   */
  static async open(connectionString: string, options: StoreOptions = {}): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) {
      throw new StoreError('TLR_ERR_STORE_SCHEMA_NAME', `invalid schema name ${JSON.stringify(schema)} (lower-case letters, digits, _)`);
    }
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      options: `-c search_path=${schema}`,
      types: TYPES,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await migrate(pool, schema, options.now ?? Date.now);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const store = new PostgresStore(pool, connectionString, schema, options);
    try {
      await store.fillOrderSearchText();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  protected get reader(): SqlRunner {
    return this.poolRunner;
  }

  protected async withTransaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await work(new PgRunner(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      }
    } finally {
      // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken);
    }
  }

  protected override withGroupedTransaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    return this.groups === undefined ? this.withTransaction(work) : this.groups.submit(work);
  }

  protected async lockOrderKey(runner: SqlRunner, role: WorkflowRole, key: OrderKey): Promise<void> {
    await runner.all('SELECT pg_advisory_xact_lock(?, hashtext(?))', [
      LOCK_CLASS,
      `${role}|${key.assigningAuthority}|${key.placerNumber}|${key.partner ?? ''}`,
    ]);
  }

  /**
   * A worker is alive while some session holds its lock. Trying the lock at transaction level from
   * here succeeds exactly when no live session holds it (our own liveness connection included: our
   * ids count as alive); a lock won this way is released at the end of the transaction.
   */
  protected async aliveAmong(runner: SqlRunner, workerIds: readonly string[]): Promise<ReadonlySet<string>> {
    const alive = new Set<string>();
    for (const id of workerIds) {
      const rows = await runner.all<{ free: boolean }>('SELECT pg_try_advisory_xact_lock(?, hashtext(?)) AS free', [WORKER_LOCK_CLASS, id]);
      if (rows[0]?.free !== true) alive.add(id);
    }
    return alive;
  }

  /**
   * Session locks on a connection of their own, outside the pool (a pooled connection is shared and
   * recycled). If the server or the network drops that connection, the locks go with it and this
   * process looks dead to the others, which then release its leases early: its late completions are
   * refused by the lease tokens, and the partner deduplicates the resent message by MSH-10.
   * Session locks need a direct connection (not a transaction-mode pooler such as PgBouncer's).
   */
  protected async holdWorkers(workerIds: readonly string[]): Promise<void> {
    if (this.liveness === undefined) {
      const client = new pg.Client({ connectionString: this.connectionString, types: TYPES });
      client.on('error', () => undefined);
      await client.connect();
      this.liveness = client;
    }
    const taken: string[] = [];
    for (const id of workerIds) {
      const result = await this.liveness.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
        WORKER_LOCK_CLASS,
        id,
      ]);
      if (result.rows[0]?.ok !== true) {
        for (const t of taken) await this.liveness.query('SELECT pg_advisory_unlock($1, hashtext($2))', [WORKER_LOCK_CLASS, t]);
        throw new StoreError('TLR_ERR_STORE_WORKER_IN_USE', `worker id ${id} is held by a live process`);
      }
      taken.push(id);
    }
  }

  /** PostgreSQL's autovacuum reuses the space of nulled values; nothing to ask for. */
  protected reclaimSpace(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.forgetWorkers().catch(() => undefined);
    await this.liveness?.end().catch(() => undefined);
    this.liveness = undefined;
    await this.pool.end();
  }
}

async function migrate(pool: pg.Pool, schema: string, now: () => number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const known = new Set(POSTGRES_MIGRATIONS.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new StoreError('TLR_ERR_STORE_SCHEMA_TOO_NEW', `database has schema versions ${unknown.join(', ')} unknown to this release`);
    }
    for (const migration of [...POSTGRES_MIGRATIONS].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      try {
        await client.query(migration.sql);
      } catch (cause) {
        throw new StoreError('TLR_ERR_STORE_MIGRATION_FAILED', `migration ${migration.version} (${migration.name}) failed`, { cause });
      }
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
