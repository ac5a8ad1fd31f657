import { StoreError } from './errors.js';
import type { SqlRunner } from './sql/sql-runner.js';
import type { GroupCommitOptions } from './store.js';

/** Defaults of {@link GroupCommitOptions}. */
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxWaitMs: 2, maxMessages: 64 };

/** Work of one message inside the group's transaction, on the group's runner. */
export type GroupedWork<T> = (runner: SqlRunner) => Promise<T>;

/** A unit of work waiting for its group, with the settling of its caller's promise. */
export interface GroupUnit {
  readonly work: GroupedWork<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** How an engine runs the control statements of a group (`BEGIN`, savepoints, `COMMIT`) and its units. */
export interface GroupTransactionEngine {
  /** Statement that opens the group's transaction (`BEGIN IMMEDIATE` on SQLite, `BEGIN` on PostgreSQL). */
  readonly begin: string;
  /**
   * Runs control statements in order, in as few round trips as the driver allows (one on both
   * engines: they carry no parameters).
   */
  control(statements: readonly string[]): Promise<void>;
  /** Whether the transaction is still open (SQLite rolls back the whole transaction on some errors). */
  inTransaction(): boolean;
  /** Best-effort rollback of the whole transaction after a failure. */
  rollback(): Promise<void>;
}

const SAVEPOINT = 'tlr_unit';

/**
 * Runs `units` in one transaction, each in its own savepoint, and settles each unit only after the
 * outcome of the commit is known:
 * - a unit whose own work throws is rolled back to its savepoint and rejected with its own error (the
 *   others go on): it is answered on its own, as it would be alone;
 * - when the transaction itself fails (`BEGIN`, a savepoint, the `COMMIT`, or an error that ends the
 *   whole transaction) every unit is rejected with `TLR_ERR_STORE_COMMIT_FAILED` (transient: nothing of
 *   the group is stored and the senders send again), the successful ones included — none of them may
 *   be acknowledged AA, since nothing of theirs is durable.
 */
export async function runGroupTransaction(engine: GroupTransactionEngine, runner: SqlRunner, units: readonly GroupUnit[]): Promise<void> {
  const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
  let pending: string[] = [engine.begin];
  try {
    for (const unit of units) {
      pending.push(`SAVEPOINT ${SAVEPOINT}`);
      await engine.control(pending);
      pending = [];
      try {
        outcomes.push({ ok: true, value: await unit.work(runner) });
        pending.push(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      } catch (error) {
        if (!engine.inTransaction()) throw error;
        await engine.control([`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`, `RELEASE SAVEPOINT ${SAVEPOINT}`]);
        outcomes.push({ ok: false, error });
      }
    }
    pending.push('COMMIT');
    await engine.control(pending);
  } catch (cause) {
    if (engine.inTransaction()) await engine.rollback().catch(() => undefined);
    const reason = cause instanceof Error ? cause.message : String(cause);
    const failure = new StoreError(
      'TLR_ERR_STORE_COMMIT_FAILED',
      `the transaction of ${units.length} message(s) committed together failed, nothing of them is stored: ${reason}`,
      { cause },
    );
    for (const unit of units) unit.reject(failure);
    return;
  }
  units.forEach((unit, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) unit.resolve(outcome.value);
    else unit.reject(outcome.error);
  });
}

/**
 * Queue of units of work committed in groups. A group starts when the writer is free and either
 * `maxMessages` units wait, or `maxWaitMs` have passed since its first unit arrived, or a turn of the
 * event loop brought no new unit (so an idle gateway adds no waiting: one turn of the loop). Units
 * run in the order they arrived (FIFO), one group after the other; with several writers the waiting
 * units are shared out, in order, between the free ones.
 *
 * Why turns of the event loop and not a timer: the engines are fast enough that a commit rarely
 * spans two arrivals, and better-sqlite3 blocks the loop during the commit's fsync; the messages that
 * arrived meanwhile are read, parsed and validated in the next turn, each ending in {@link submit}. One
 * more turn lets them all join the next group; a fixed timer would instead delay a lone message.
 */
export class CommitGroups {
  private readonly queue: GroupUnit[] = [];
  private running = 0;
  private scheduled = false;
  private firstAt = 0;
  private seen = 0;

  /**
   * @param run runs one group (see {@link runGroupTransaction}); it settles every unit itself.
   * @param concurrency groups that may run at once (1 on SQLite; PostgreSQL runs groups on several
   *   pooled connections).
   * @param observe told the size of every group as it starts (metrics).
   */
  constructor(
    private readonly options: GroupCommitOptions,
    private readonly run: (units: readonly GroupUnit[]) => Promise<void>,
    private readonly concurrency = 1,
    private readonly observe?: (messages: number) => void,
  ) {}

  submit<T>(work: GroupedWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    this.firstAt = performance.now();
    this.seen = this.queue.length;
    setImmediate(this.check);
  }

  private readonly check = (): void => {
    const n = this.queue.length;
    if (n < this.options.maxMessages && n > this.seen && performance.now() - this.firstAt < this.options.maxWaitMs) {
      this.seen = n;
      setImmediate(this.check);
      return;
    }
    this.scheduled = false;
    // With several writers (PostgreSQL), what waits is spread over the free ones: a group's statements
    // are sequential, so one big group would serialise messages that free connections can run side by
    // side; groups grow only when every writer is busy.
    const free = this.concurrency - this.running;
    const take = Math.min(this.queue.length, this.options.maxMessages * free);
    const parts = Math.min(free, take);
    const size = Math.ceil(take / parts);
    for (let i = 0; i < parts && this.queue.length > 0; i++) this.start(this.queue.splice(0, size));
    this.schedule();
  };

  private start(units: GroupUnit[]): void {
    this.observe?.(units.length);
    this.running++;
    this.run(units)
      .catch((error: unknown) => {
        for (const unit of units) unit.reject(error);
      })
      .finally(() => {
        this.running--;
        this.schedule();
      });
  }
}
