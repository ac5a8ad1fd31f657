import { StoreError } from '../errors.js';
import { backoffDelay } from '../backoff.js';
import type { BackoffPolicy, DeliveredOutcome, DeliveryAttempt, FailureOutcome } from '../store.js';
import type { SqlRunner, SqlValue } from './sql-runner.js';

/**
 * The two durable delivery queues (partner outbox and webhooks) share one mechanism; this describes
 * the table of each. `lane` is the column whose value, together with `order_key`, forms an ordering lane.
 */
export interface QueueTable {
  readonly table: 'outbox' | 'webhooks';
  readonly lane: 'partner' | 'target_url';
  readonly kind: 'outbox' | 'webhook';
}

export const OUTBOX_QUEUE: QueueTable = { table: 'outbox', lane: 'partner', kind: 'outbox' };
export const WEBHOOK_QUEUE: QueueTable = { table: 'webhooks', lane: 'target_url', kind: 'webhook' };

/** States in which an item still holds its place in its lane. */
export const OPEN_STATES_SQL = "('pending', 'in_flight', 'parked')";

/**
 * Picks the oldest deliverable item and leases it to `workerId`.
 *
 * Deliverable: due (pending with `next_attempt_at <= now`, or in flight with an expired lease, i.e. its
 * worker died) and no earlier item of the same lane and order key is still open. Hence a retrying or
 * parked message holds back the later messages of ITS order only; other orders of the same partner
 * keep flowing (patient safety: a cancellation can never overtake the order it cancels).
 *
 * On PostgreSQL `FOR UPDATE SKIP LOCKED` lets concurrent workers of several instances each take a
 * different row without waiting; the NOT EXISTS guard reads the earlier rows whatever their lock, so
 * a worker never takes message n+1 of an order while message n is being claimed by another one.
 * On SQLite the caller runs this inside an immediate transaction, which serialises claimers.
 *
 * Every claim increases the item's `lease_token` (a fencing number that is never reset, not even by an
 * operator retry): the completions of a worker carry the token of its claim, and one whose token is no
 * longer the item's — its lease expired or was released and another worker claimed the item — is
 * refused, so an item is never completed twice.
 */
export async function claimItem(
  runner: SqlRunner,
  queue: QueueTable,
  laneValue: string | null,
  workerId: string,
  leaseMs: number,
  now: number,
): Promise<{ id: number; attempts: number; leaseUntil: number; leaseToken: number } | null> {
  const { table, lane } = queue;
  const params: SqlValue[] = [];
  let laneFilter = '';
  if (laneValue !== null) {
    laneFilter = `c.${lane} = ? AND `;
    params.push(laneValue);
  }
  params.push(now, now);
  const lock = runner.dialect === 'postgres' ? ' FOR UPDATE OF c SKIP LOCKED' : '';
  // An operator's pause holds a partner's whole lane (read here, so every instance sharing the database obeys it).
  const notPaused =
    table === 'outbox' ? ' AND NOT EXISTS (SELECT 1 FROM partner_lanes l WHERE l.partner = c.partner AND l.paused = 1)' : '';
  const candidates = await runner.all<{ id: number }>(
    `SELECT c.id FROM ${table} c
     WHERE ${laneFilter}((c.state = 'pending' AND c.next_attempt_at <= ?) OR (c.state = 'in_flight' AND c.locked_until <= ?))
       AND (c.order_key IS NULL OR NOT EXISTS (
         SELECT 1 FROM ${table} p
         WHERE p.${lane} = c.${lane} AND p.order_key = c.order_key AND p.id < c.id AND p.state IN ${OPEN_STATES_SQL}))${notPaused}
     ORDER BY c.id LIMIT 1${lock}`,
    params,
  );
  const candidate = candidates[0];
  if (candidate === undefined) return null;
  const leaseUntil = now + leaseMs;
  const leased = await runner.all<{ attempts: number; lease_token: number }>(
    `UPDATE ${table} SET state = 'in_flight', locked_by = ?, locked_until = ?, attempts = attempts + 1, lease_token = lease_token + 1
     WHERE id = ? RETURNING attempts, lease_token`,
    [workerId, leaseUntil, candidate.id],
  );
  const row = leased[0]!;
  return { id: candidate.id, attempts: row.attempts, leaseUntil, leaseToken: Number(row.lease_token) };
}

interface LoadedItem {
  state: string;
  attempts: number;
  lease_token: number;
  locked_by: string | null;
}

async function loadItem(runner: SqlRunner, queue: QueueTable, id: number): Promise<LoadedItem> {
  const lock = runner.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await runner.all<LoadedItem>(`SELECT state, attempts, lease_token, locked_by FROM ${queue.table} WHERE id = ?${lock}`, [id]);
  const row = rows[0];
  if (row === undefined) throw new StoreError('TLR_ERR_STORE_NOT_FOUND', `${queue.kind} item ${id} does not exist`);
  return row;
}

/** Whether a completion carrying `leaseToken` comes from a lease that was superseded since. */
const superseded = (item: LoadedItem, leaseToken: number | undefined): boolean =>
  leaseToken !== undefined && Number(item.lease_token) !== leaseToken;

/** Appends one line to the delivery log. */
export async function logAttempt(
  runner: SqlRunner,
  queue: QueueTable,
  id: number,
  attempt: number,
  outcome: DeliveryAttempt['outcome'],
  detail: string | null,
  httpStatus: number | null,
  now: number,
): Promise<void> {
  await runner.run(
    'INSERT INTO delivery_attempts (kind, item_id, attempt, at, outcome, detail, http_status) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [queue.kind, id, attempt, now, outcome, detail, httpStatus],
  );
}

/**
 * Marks an item delivered. Idempotent for an item already delivered (a sender confirming twice);
 * accepted from `pending` too, because a worker whose lease expired may still receive the AA after
 * the item was handed back — as long as nobody claimed it since (same `leaseToken`).
 */
export async function markItemDelivered(
  runner: SqlRunner,
  queue: QueueTable,
  id: number,
  now: number,
  detail: string | null,
  httpStatus: number | null,
  leaseToken: number | undefined,
): Promise<DeliveredOutcome> {
  const item = await loadItem(runner, queue, id);
  if (superseded(item, leaseToken)) return 'lease_lost';
  if (item.state === 'delivered') return 'already_delivered';
  if (item.state !== 'in_flight' && item.state !== 'pending') {
    throw new StoreError('TLR_ERR_STORE_INVALID_STATE', `${queue.kind} item ${id} is ${item.state}, not in flight`);
  }
  await runner.run(`UPDATE ${queue.table} SET state = 'delivered', delivered_at = ?, locked_by = NULL, locked_until = NULL WHERE id = ?`, [
    now,
    id,
  ]);
  await logAttempt(runner, queue, id, item.attempts, 'delivered', detail, httpStatus, now);
  return 'delivered';
}

/** Schedules the next attempt with backoff, or parks the item. */
export async function markItemFailed(
  runner: SqlRunner,
  queue: QueueTable,
  id: number,
  failure: { reason: string; retryable: boolean; httpStatus?: number },
  policy: BackoffPolicy,
  random: () => number,
  now: number,
  leaseToken: number | undefined,
): Promise<FailureOutcome> {
  const item = await loadItem(runner, queue, id);
  if (superseded(item, leaseToken)) return { state: 'lease_lost', attempts: item.attempts, heldBy: item.locked_by };
  // A pending item with the caller's token was handed back (lease expired or released) and not claimed
  // since: the failure of that very attempt is still the item's latest news.
  if (item.state !== 'in_flight' && !(item.state === 'pending' && leaseToken !== undefined)) {
    throw new StoreError('TLR_ERR_STORE_INVALID_STATE', `${queue.kind} item ${id} is ${item.state}, not in flight`);
  }
  const httpStatus = failure.httpStatus ?? null;
  if (failure.retryable && item.attempts < policy.maxAttempts) {
    const nextAttemptAt = now + backoffDelay(item.attempts, policy, random);
    await runner.run(
      `UPDATE ${queue.table} SET state = 'pending', next_attempt_at = ?, locked_by = NULL, ` +
        `locked_until = NULL, last_error = ? WHERE id = ?`,
      [nextAttemptAt, failure.reason, id],
    );
    await logAttempt(runner, queue, id, item.attempts, 'retry', failure.reason, httpStatus, now);
    return { state: 'pending', attempts: item.attempts, nextAttemptAt: new Date(nextAttemptAt) };
  }
  const reason = failure.retryable ? `${failure.reason} (gave up after ${item.attempts} attempts)` : failure.reason;
  await runner.run(`UPDATE ${queue.table} SET state = 'parked', locked_by = NULL, locked_until = NULL, last_error = ? WHERE id = ?`, [
    reason,
    id,
  ]);
  await logAttempt(runner, queue, id, item.attempts, 'parked', reason, httpStatus, now);
  return { state: 'parked', attempts: item.attempts, reason };
}

/** Operator action on a parked item: back to the head of its lane with a fresh attempt count. */
export async function retryParkedItem(runner: SqlRunner, queue: QueueTable, id: number, now: number): Promise<void> {
  const item = await loadItem(runner, queue, id);
  if (item.state !== 'parked') throw new StoreError('TLR_ERR_STORE_INVALID_STATE', `${queue.kind} item ${id} is ${item.state}, not parked`);
  await runner.run(`UPDATE ${queue.table} SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?`, [now, id]);
  await logAttempt(runner, queue, id, item.attempts, 'operator_retry', null, null, now);
}

/** Operator action on a parked item: drop it, releasing its lane. */
export async function discardParkedItem(runner: SqlRunner, queue: QueueTable, id: number, reason: string, now: number): Promise<void> {
  const item = await loadItem(runner, queue, id);
  if (item.state !== 'parked') throw new StoreError('TLR_ERR_STORE_INVALID_STATE', `${queue.kind} item ${id} is ${item.state}, not parked`);
  await runner.run(`UPDATE ${queue.table} SET state = 'discarded', last_error = ? WHERE id = ?`, [reason, id]);
  await logAttempt(runner, queue, id, item.attempts, 'operator_discard', reason, null, now);
}
