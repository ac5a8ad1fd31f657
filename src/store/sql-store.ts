import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

import { applyEvent } from '../workflow/index.js';
import type { OrderState, WorkflowRole } from '../workflow/index.js';
import { resolveBackoff } from './backoff.js';
import { StoreError } from './errors.js';
import { containsPattern, orderSearchText } from './search-text.js';
import { decodeCursor, encodeCursor, type CursorListing } from './sql/cursor.js';
import {
  claimItem,
  discardParkedItem,
  markItemDelivered,
  markItemFailed,
  OPEN_STATES_SQL,
  OUTBOX_QUEUE,
  retryParkedItem,
  WEBHOOK_QUEUE,
  type QueueTable,
} from './sql/delivery-queue.js';
import {
  MESSAGE_COLUMNS,
  toDeliveryAttempt,
  toMessageDetail,
  toMessageRecord,
  toOrderRecord,
  toOutboxItem,
  toTransitionRecord,
  toWebhookDelivery,
  type AttemptRow,
  type MessageRow,
  type OrderRow,
  type OutboxRow,
  type TransitionRow,
  type WebhookRow,
} from './sql/rows.js';
import type { SqlRunner, SqlValue } from './sql/sql-runner.js';
import { storedJson } from './sql/stored-values.js';
import { listPublications, markPublications, recordPublications, settlePublication } from './sql/publications.js';
import { alertStates, listOperatorActions, recordOperatorAction, setAlertState, webhookDepth } from './sql/operations.js';
import { partnerActivity, partnerLanes, setPartnerPaused } from './sql/partner-lanes.js';
import { claimIdempotencyKey, completeIdempotencyKey, pruneIdempotencyKeys, releaseIdempotencyKey } from './sql/idempotency-keys.js';
import type {
  AckRecord,
  AlertStateRecord,
  OperatorActionQuery,
  OperatorActionRecord,
  WebhookDepth,
  BackoffPolicy,
  DeliveredOutcome,
  DeliveryAttempt,
  DeliveryFailure,
  EnqueuedOutbound,
  FailureOutcome,
  IdempotencyClaim,
  InboundDecider,
  InboundDecision,
  InboundMessage,
  InboundOutcome,
  MessageDetail,
  MessageQuery,
  MessageRecord,
  MessageStatus,
  OrderEventInput,
  OrderEventOutcome,
  OrderKey,
  OrderQuery,
  PartnerActivity,
  PartnerLaneRecord,
  StudyOwner,
  OrderRecord,
  OrderTransitionRecord,
  OutboundInput,
  OutboxClaim,
  OutboxDepth,
  OutboxItem,
  OutboxQuery,
  Page,
  PruneResult,
  PublicationRecord,
  PublicationStatus,
  StoredResponse,
  Store,
  StoreEngine,
  StoreOptions,
  StoreTransaction,
  WebhookAttemptResult,
  WebhookClaim,
  WebhookDelivery,
  WebhookFailure,
  WebhookInput,
  WebhookQuery,
} from './store.js';

const DAY_MS = 86_400_000;
const MAX_PAGE = 1000;
const RESPONSE_EXCERPT = 2000;

const INBOUND_STATUS: Record<AckRecord['code'], MessageStatus> = { AA: 'accepted', AR: 'rejected', AE: 'error' };

/** Builds `WHERE a = ? AND b >= ? ...` from optional criteria. */
class Where {
  private readonly clauses: string[] = [];
  readonly params: SqlValue[] = [];

  add(clause: string, value: SqlValue | undefined): this {
    if (value !== undefined) {
      this.clauses.push(clause);
      this.params.push(value);
    }
    return this;
  }

  /** A copy, to extend for the page query while the count keeps the bare filter. */
  clone(): Where {
    const copy = new Where();
    copy.clauses.push(...this.clauses);
    copy.params.push(...this.params);
    return copy;
  }

  toString(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

function pageBounds(limit: number | undefined, offset: number | undefined): [number, number] {
  const l = Math.min(MAX_PAGE, Math.max(1, Math.trunc(limit ?? 50)));
  return [l, Math.max(0, Math.trunc(offset ?? 0))];
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Paging part of every listing query. */
interface PageRequest {
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
  readonly cursor?: string | undefined;
  readonly count?: boolean | undefined;
}

/** Rows of the order search backfill per transaction. */
const SEARCH_BACKFILL_BATCH = 500;

/**
 * Engine-independent implementation of {@link Store} on top of a {@link SqlRunner}. The engines only
 * supply transactions (`withTransaction`), a runner for reads outside transactions (`reader`) and the
 * order lock.
 */
/** The accepted message that holds a control id in the re-delivery detector. */
interface OriginalInbound {
  readonly id: number;
  readonly ack_raw: Uint8Array | null;
  readonly ack_code: AckRecord['code'] | null;
  readonly ack_control_id: string | null;
  readonly raw_sha256: string;
  readonly content_sha256: string | null;
}

export abstract class SqlStore implements Store {
  abstract readonly engine: StoreEngine;
  protected readonly now: () => number;
  protected readonly random: () => number;
  protected readonly backoff: BackoffPolicy;

  private readonly orderSearchTerms: NonNullable<StoreOptions['orderSearchTerms']> | undefined;
  /** Worker ids registered by this process ({@link registerWorkers}). */
  private readonly ownWorkers = new Set<string>();

  protected constructor(options: StoreOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = resolveBackoff(options.backoff);
    this.orderSearchTerms = options.orderSearchTerms;
  }

  /**
   * Which of `workerIds` belong to a live process: PostgreSQL answers from the workers' advisory
   * locks; SQLite knows when it holds the database alone (`exclusive`: nobody else is alive) and
   * answers `unknown` otherwise.
   */
  protected abstract aliveAmong(runner: SqlRunner, workerIds: readonly string[]): Promise<ReadonlySet<string> | 'unknown'>;
  /** Proves this process alive under `workerIds` for as long as it runs (PostgreSQL); no-op on SQLite. */
  protected abstract holdWorkers(workerIds: readonly string[]): Promise<void>;

  /** Runs `work` in one write transaction; commits when it resolves, rolls back when it throws. */
  protected abstract withTransaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in a write transaction that it may share with other units queued at the same time
   * (group commit, see `commit-group.ts`): in a savepoint of its own, resolved only after the shared
   * commit. Engines without group commit run it alone.
   */
  protected withGroupedTransaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    return this.withTransaction(work);
  }
  /** Runner for reads outside any transaction; never sees uncommitted data. */
  protected abstract get reader(): SqlRunner;
  /** Serialises work on one order across connections (no-op where writers are already serialised). */
  protected abstract lockOrderKey(runner: SqlRunner, role: WorkflowRole, key: OrderKey): Promise<void>;
  abstract close(): Promise<void>;

  async schemaVersion(): Promise<number> {
    const rows = await this.reader.all<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    return Number(rows[0]?.version ?? 0);
  }

  // ---------------------------------------------------------------- transactions

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.withTransaction((runner) => work(this.transactionOn(runner)));
  }

  private transactionOn(runner: SqlRunner): StoreTransaction {
    return {
      lockOrder: async (role, key) => {
        await this.lockOrderKey(runner, role, key);
        return this.selectOrder(runner, role, key);
      },
      applyOrderEvent: (input) => this.applyOrderEventOn(runner, input),
      mergeOrderData: (role, key, data) => this.mergeOrderDataOn(runner, role, key, data),
      ordersOfStudies: (role, uids) => this.ordersOfStudiesOn(runner, role, uids),
      enqueueOutbound: (input) => this.enqueueOutboundOn(runner, input),
      enqueueWebhook: (input) => this.enqueueWebhookOn(runner, input),
      recordPublications: (inputs) => recordPublications(runner, inputs, this.now()),
      settlePublication: (outcome) => settlePublication(runner, outcome, this.now()),
      setAlertState: (input) => setAlertState(runner, input, this.now()),
      recordOperatorAction: (input) => recordOperatorAction(runner, input, this.now()),
      setPartnerPaused: (partner, paused, actor) => setPartnerPaused(runner, partner, paused, actor, this.now()),
    };
  }

  // ---------------------------------------------------------------- inbound journal

  recordInbound<D extends InboundDecision>(message: InboundMessage, decide: InboundDecider<D>): Promise<InboundOutcome<D>> {
    return this.withGroupedTransaction(async (runner) => {
      const now = this.now();
      const s = message.summary;
      const sendingApplication = s.sendingApplication ?? '';
      const sendingFacility = s.sendingFacility ?? '';
      const controlId = s.controlId === undefined || s.controlId === '' ? null : s.controlId;
      const digest = sha256(message.raw);
      const journal = (dedupControlId: string | null) =>
        runner.all<{ id: number }>(
          `INSERT INTO messages (direction, partner, message_type, flow, control_id, sending_application, sending_facility,
           receiving_application, receiving_facility, placer_order_number, placer_assigning_authority, patient_id,
           dedup_control_id, raw, raw_sha256, content_sha256, findings, status, created_at, received_at)
         VALUES ('inbound', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?, ?)
         ON CONFLICT (sending_application, sending_facility, dedup_control_id) WHERE dedup_control_id IS NOT NULL DO NOTHING
         RETURNING id`,
          [
            message.partner,
            s.messageType,
            s.flow,
            controlId,
            sendingApplication,
            sendingFacility,
            s.receivingApplication ?? null,
            s.receivingFacility ?? null,
            s.placerOrderNumber ?? null,
            s.placerAssigningAuthority ?? null,
            s.patientId ?? null,
            dedupControlId,
            message.raw,
            digest,
            message.contentDigest ?? null,
            storedJson(message.findings ?? []),
            now,
            message.receivedAt?.getTime() ?? now,
          ],
        );
      // The partial unique index (sending_application, sending_facility, dedup_control_id) is the
      // re-delivery detector. ON CONFLICT DO NOTHING makes a concurrent duplicate on PostgreSQL wait for
      // the first transaction, then either see its committed row (duplicate) or insert (first one failed).
      let messageId = (await journal(controlId))[0]?.id;
      let reusedControlId: { originalMessageId: number } | undefined;
      if (messageId === undefined) {
        const original = await this.original(runner, sendingApplication, sendingFacility, controlId ?? '');
        if (original.raw_sha256 === digest || (message.contentDigest !== undefined && original.content_sha256 === message.contentDigest)) {
          return this.redelivery(runner, original, digest, now);
        }
        // Same control id, other content: journaled on its own row, outside the detector.
        messageId = (await journal(null))[0]!.id;
        reusedControlId = { originalMessageId: original.id };
      }
      const decision = await decide({
        messageId,
        message,
        tx: this.transactionOn(runner),
        ...(reusedControlId ? { reusedControlId } : {}),
      });
      const { ack } = decision;
      // Only accepted messages stay in the re-delivery detector: after AR or AE the sender may send the
      // same MSH-10 again and it must be processed again.
      await runner.run(
        `UPDATE messages SET ack_raw = ?, ack_code = ?, ack_control_id = ?, acked_at = ?, status = ?,
           dedup_control_id = CASE WHEN ? = 'AA' THEN dedup_control_id ELSE NULL END,
           findings = COALESCE(?, findings)
         WHERE id = ?`,
        [
          ack.raw,
          ack.code,
          ack.controlId ?? null,
          this.now(),
          INBOUND_STATUS[ack.code],
          ack.code,
          decision.findings ? storedJson(decision.findings) : null,
          messageId,
        ],
      );
      return { duplicate: false as const, messageId, decision };
    });
  }

  private async original(
    runner: SqlRunner,
    sendingApplication: string,
    sendingFacility: string,
    controlId: string,
  ): Promise<OriginalInbound> {
    const rows = await runner.all<OriginalInbound>(
      `SELECT id, ack_raw, ack_code, ack_control_id, raw_sha256, content_sha256 FROM messages
       WHERE sending_application = ? AND sending_facility = ? AND dedup_control_id = ?`,
      [sendingApplication, sendingFacility, controlId],
    );
    const original = rows[0];
    if (original === undefined || original.ack_raw === null || original.ack_code === null) {
      throw new StoreError('TLR_ERR_STORE_INVALID_STATE', `re-delivered message ${controlId} has no stored acknowledgement`);
    }
    return original;
  }

  private async redelivery(runner: SqlRunner, original: OriginalInbound, digest: string, now: number): Promise<InboundOutcome<never>> {
    await runner.run('UPDATE messages SET redeliveries = redeliveries + 1, last_redelivered_at = ? WHERE id = ?', [now, original.id]);
    const raw = new Uint8Array(original.ack_raw!);
    const code = original.ack_code!;
    const ack: AckRecord = original.ack_control_id === null ? { raw, code } : { raw, code, controlId: original.ack_control_id };
    return { duplicate: true, messageId: original.id, ack, contentMatches: original.raw_sha256 === digest };
  }

  async getMessage(id: number): Promise<MessageDetail | null> {
    const rows = await this.reader.all<MessageRow>(`SELECT ${MESSAGE_COLUMNS}, raw, ack_raw FROM messages WHERE id = ?`, [id]);
    return rows[0] === undefined ? null : toMessageDetail(rows[0]);
  }

  async listMessages(query: MessageQuery = {}): Promise<Page<MessageRecord>> {
    const where = new Where()
      .add('placer_order_number = ?', query.placerOrderNumber)
      .add('patient_id = ?', query.patientId)
      .add('message_type = ?', query.messageType)
      .add('flow = ?', query.flow)
      .add('status = ?', query.status)
      .add('direction = ?', query.direction)
      .add('partner = ?', query.partner)
      .add('control_id = ?', query.controlId)
      .add('created_at >= ?', query.from?.getTime())
      .add('created_at < ?', query.to?.getTime());
    return this.page('messages', 'messages', MESSAGE_COLUMNS, where, 'newest', query, toMessageRecord);
  }

  /**
   * One page of a listing by id (newest first, or oldest first for the outbox), with keyset
   * pagination: the cursor adds `id < last` (`id > last`), so a page is one index range at any depth
   * and rows inserted meanwhile never shift the following pages. One row more than asked tells whether
   * there is a next page. The count is a second query over the bare filter, skipped with `count: false`.
   */
  private async page<R extends { id: number }, T>(
    listing: CursorListing,
    table: string,
    columns: string,
    where: Where,
    order: 'newest' | 'oldest',
    request: PageRequest,
    map: (row: R) => T,
  ): Promise<Page<T>> {
    const [limit, offset] = pageBounds(request.limit, request.offset);
    const paged = where.clone();
    if (request.cursor !== undefined) paged.add(order === 'newest' ? 'id < ?' : 'id > ?', decodeCursor(listing, request.cursor));
    const rows = await this.reader.all<R>(
      `SELECT ${columns} FROM ${table} ${paged} ORDER BY id ${order === 'newest' ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`,
      [...paged.params, limit + 1, offset],
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const next = rows.length > limit && last !== undefined ? encodeCursor(listing, Number(last.id)) : null;
    if (request.count === false) return { items: items.map(map), next };
    const total = await this.reader.all<{ total: number }>(`SELECT COUNT(*) AS total FROM ${table} ${where}`, where.params);
    return { total: Number(total[0]?.total ?? 0), items: items.map(map), next };
  }

  // ---------------------------------------------------------------- orders

  /**
   * The order of `key`: of `key.partner` when it names one — or, when that partner has none, an order
   * recorded without a partner (`''`: by an earlier release or a caller that named none), which that
   * partner then adopts ({@link applyOrderEventOn}); else of any partner (`TLR_ERR_STORE_AMBIGUOUS_ORDER`
   * when several have an order under that placer number and authority).
   */
  private async selectOrder(runner: SqlRunner, role: WorkflowRole, key: OrderKey): Promise<OrderRecord | null> {
    const params = [role, key.placerNumber, key.assigningAuthority];
    let byPartner = '';
    if (key.partner !== undefined && key.partner !== '') {
      byPartner = " AND partner IN (?, '') ORDER BY CASE WHEN partner = '' THEN 1 ELSE 0 END";
      params.push(key.partner);
    } else if (key.partner === '') {
      byPartner = " AND partner = ''";
    }
    const rows = await runner.all<OrderRow>(
      `SELECT * FROM orders WHERE role = ? AND placer_number = ? AND assigning_authority = ?${byPartner} LIMIT 2`,
      params,
    );
    if (rows.length > 1 && key.partner === undefined) {
      throw new StoreError(
        'TLR_ERR_STORE_AMBIGUOUS_ORDER',
        `several partners have an order ${key.placerNumber} (${key.assigningAuthority}); name the partner`,
      );
    }
    return rows[0] === undefined ? null : toOrderRecord(rows[0]);
  }

  private async applyOrderEventOn(runner: SqlRunner, given: OrderEventInput): Promise<OrderEventOutcome> {
    const partner = given.key.partner ?? given.partner;
    const input: OrderEventInput = partner === undefined ? given : { ...given, key: { ...given.key, partner } };
    await this.lockOrderKey(runner, input.role, input.key);
    const current = await this.selectOrder(runner, input.role, input.key);
    const from: OrderState = current?.state ?? 'NONE';
    const transition = applyEvent(from, input.event, input.role);
    if (!transition.accept) return { transition, order: current };

    const now = this.now();
    const decision =
      input.event.type === 'decision' && transition.changed ? (input.event.accepted ? 'accepted' : 'refused') : (current?.decision ?? null);
    const data = input.data === undefined ? (current?.data ?? null) : { ...(current?.data ?? {}), ...input.data };
    const dataJson = data === null ? null : storedJson(data);
    const searchText = this.searchTextOf({
      id: current?.id ?? 0,
      role: input.role,
      key: input.key,
      state: transition.next,
      partner: current?.partner ?? input.partner ?? null,
      patientId: current?.patientId ?? input.patientId ?? null,
      decision,
      data,
      createdAt: current?.createdAt ?? new Date(now),
      updatedAt: new Date(now),
    });
    // The order row comes back from the write itself (RETURNING *), and on PostgreSQL the transition is
    // inserted by the same statement (a data-modifying WITH): one round trip for both.
    const transitionValues = [from, transition.next, input.event.type, input.messageId ?? null, transition.warning ?? null, now];
    const withTransition = runner.dialect === 'postgres';
    const written = (write: string, params: SqlValue[]): Promise<OrderRow[]> =>
      withTransition
        ? runner.all<OrderRow>(
            `WITH o AS (${write} RETURNING *), t AS (INSERT INTO order_transitions (order_id, from_state, to_state, event, message_id, ` +
              'warning, at) VALUES ((SELECT id FROM o), ?, ?, ?, ?, ?, ?)) SELECT * FROM o',
            [...params, ...transitionValues],
          )
        : runner.all<OrderRow>(`${write} RETURNING *`, params);
    // An order recorded without a partner is adopted by the first partner whose event it accepts.
    const adopt = current !== null && current.key.partner === '' && partner !== undefined && partner !== '';
    const rows =
      current === null
        ? await written(
            'INSERT INTO orders (role, placer_number, assigning_authority, state, partner, patient_id, decision, data, search_text, ' +
              'created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [
              input.role,
              input.key.placerNumber,
              input.key.assigningAuthority,
              transition.next,
              partner ?? '',
              input.patientId ?? null,
              decision,
              dataJson,
              searchText,
              now,
              now,
            ],
          )
        : await written(
            `UPDATE orders SET state = ?, decision = ?, data = ?, search_text = ?, updated_at = ?${adopt ? ', partner = ?' : ''} ` +
              'WHERE id = ?',
            [transition.next, decision, dataJson, searchText, now, ...(adopt ? [partner] : []), current.id],
          );
    const order = toOrderRecord(rows[0]!);
    if (!withTransition) {
      await runner.run(
        'INSERT INTO order_transitions (order_id, from_state, to_state, event, message_id, warning, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [order.id, ...transitionValues],
      );
    }
    for (const uid of new Set(input.studyInstanceUids ?? [])) {
      await runner.run('INSERT INTO order_studies (role, study_instance_uid, order_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
        input.role,
        uid,
        order.id,
      ]);
    }
    return { transition, order };
  }

  private async mergeOrderDataOn(
    runner: SqlRunner,
    role: WorkflowRole,
    key: OrderKey,
    data: Record<string, unknown>,
  ): Promise<OrderRecord | null> {
    await this.lockOrderKey(runner, role, key);
    const current = await this.selectOrder(runner, role, key);
    if (current === null) return null;
    const merged = { ...(current.data ?? {}), ...data };
    const now = this.now();
    const searchText = this.searchTextOf({ ...current, data: merged, updatedAt: new Date(now) });
    await runner.run('UPDATE orders SET data = ?, search_text = ?, updated_at = ? WHERE id = ?', [
      storedJson(merged),
      searchText,
      now,
      current.id,
    ]);
    return this.selectOrder(runner, role, current.key);
  }

  private async ordersOfStudiesOn(runner: SqlRunner, role: WorkflowRole, uids: readonly string[]): Promise<readonly StudyOwner[]> {
    const distinct = [...new Set(uids)].filter((u) => u !== '');
    if (distinct.length === 0) return [];
    const rows = await runner.all<{ study_instance_uid: string; placer_number: string; assigning_authority: string; partner: string }>(
      `SELECT s.study_instance_uid, o.placer_number, o.assigning_authority, o.partner
       FROM order_studies s JOIN orders o ON o.id = s.order_id
       WHERE s.role = ? AND s.study_instance_uid IN (${distinct.map(() => '?').join(', ')}) ORDER BY s.study_instance_uid, o.id`,
      [role, ...distinct],
    );
    return rows.map((r) => ({
      studyInstanceUid: r.study_instance_uid,
      key: { placerNumber: r.placer_number, assigningAuthority: r.assigning_authority, partner: r.partner },
    }));
  }

  getOrder(role: WorkflowRole, key: OrderKey): Promise<OrderRecord | null> {
    return this.selectOrder(this.reader, role, key);
  }

  async listOrders(query: OrderQuery = {}): Promise<Page<OrderRecord>> {
    const text = query.text?.trim();
    const where = new Where()
      .add('role = ?', query.role)
      .add('placer_number = ?', query.placerNumber)
      .add('assigning_authority = ?', query.assigningAuthority)
      .add('state = ?', query.state)
      .add('patient_id = ?', query.patientId)
      .add('partner = ?', query.partner)
      .add('created_at >= ?', query.from?.getTime())
      .add('created_at < ?', query.to?.getTime())
      .add("search_text LIKE ? ESCAPE '\\'", text === undefined || text === '' ? undefined : containsPattern(text));
    return this.page('orders', 'orders', '*', where, 'newest', query, toOrderRecord);
  }

  /** The folded search column of an order: placer number, patient id, and the caller's terms. */
  private searchTextOf(order: OrderRecord): string {
    return orderSearchText([order.key.placerNumber, order.patientId, ...(this.orderSearchTerms?.(order) ?? [])]);
  }

  /**
   * Fills the search column of orders written before it existed (schema version 2) or by an older
   * release, in short batches. Run at open; idempotent, so instances starting together may all run it.
   */
  protected async fillOrderSearchText(): Promise<number> {
    let filled = 0;
    for (;;) {
      const changed = await this.withTransaction(async (runner) => {
        const rows = await runner.all<OrderRow>('SELECT * FROM orders WHERE search_text IS NULL ORDER BY id LIMIT ?', [
          SEARCH_BACKFILL_BATCH,
        ]);
        for (const row of rows) {
          await runner.run('UPDATE orders SET search_text = ? WHERE id = ?', [this.searchTextOf(toOrderRecord(row)), row.id]);
        }
        return rows.length;
      });
      filled += changed;
      if (changed < SEARCH_BACKFILL_BATCH) return filled;
    }
  }

  async orderTransitions(orderId: number): Promise<readonly OrderTransitionRecord[]> {
    const rows = await this.reader.all<TransitionRow>('SELECT * FROM order_transitions WHERE order_id = ? ORDER BY id', [orderId]);
    return rows.map(toTransitionRecord);
  }

  // ---------------------------------------------------------------- partner outbox

  private async enqueueOutboundOn(runner: SqlRunner, input: OutboundInput): Promise<EnqueuedOutbound> {
    const now = this.now();
    const s = input.summary;
    const messages = await runner.all<{ id: number }>(
      `INSERT INTO messages (direction, partner, message_type, flow, control_id, sending_application, sending_facility,
         receiving_application, receiving_facility, placer_order_number, placer_assigning_authority, patient_id,
         raw, raw_sha256, findings, status, created_at)
       VALUES ('outbound', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?) RETURNING id`,
      [
        input.partner,
        s.messageType,
        s.flow,
        s.controlId ?? null,
        s.sendingApplication ?? '',
        s.sendingFacility ?? '',
        s.receivingApplication ?? null,
        s.receivingFacility ?? null,
        s.placerOrderNumber ?? null,
        s.placerAssigningAuthority ?? null,
        s.patientId ?? null,
        input.raw,
        sha256(input.raw),
        storedJson(input.findings ?? []),
        now,
      ],
    );
    const messageId = messages[0]!.id;
    const outbox = await runner.all<{ id: number }>(
      `INSERT INTO outbox (message_id, partner, order_key, state, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, 'pending', 0, ?, ?) RETURNING id`,
      [messageId, input.partner, input.orderKey, now, now],
    );
    return { outboxId: outbox[0]!.id, messageId };
  }

  enqueueOutbound(input: OutboundInput): Promise<EnqueuedOutbound> {
    return this.withTransaction((runner) => this.enqueueOutboundOn(runner, input));
  }

  async claimNext(partner: string, workerId: string, leaseMs: number): Promise<OutboxClaim | null> {
    // A read first, outside any transaction: a gateway with hundreds of partners polls each lane, and an
    // idle lane must not take the write lock (SQLite) or a transaction (PostgreSQL) to find nothing.
    const now = this.now();
    const due = await this.reader.all<{ one: number }>(
      `SELECT 1 AS one FROM outbox WHERE partner = ? AND state IN ('pending', 'in_flight')
         AND ((state = 'pending' AND next_attempt_at <= ?) OR (state = 'in_flight' AND locked_until <= ?)) LIMIT 1`,
      [partner, now, now],
    );
    if (due.length === 0) return null;
    return this.withTransaction(async (runner) => {
      const now = this.now();
      const claimed = await claimItem(runner, OUTBOX_QUEUE, partner, workerId, leaseMs, now);
      if (claimed === null) return null;
      const rows = await runner.all<{ message_id: number; order_key: string | null; control_id: string | null; raw: Uint8Array | null }>(
        `SELECT o.message_id, o.order_key, m.control_id, m.raw FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.id = ?`,
        [claimed.id],
      );
      const row = rows[0]!;
      await runner.run(`UPDATE messages SET status = 'in_flight', sent_at = ? WHERE id = ?`, [now, row.message_id]);
      return {
        id: claimed.id,
        messageId: row.message_id,
        partner,
        orderKey: row.order_key,
        controlId: row.control_id,
        raw: new Uint8Array(row.raw ?? new Uint8Array()),
        attempt: claimed.attempts,
        leaseUntil: new Date(claimed.leaseUntil),
        leaseToken: claimed.leaseToken,
      };
    });
  }

  private async setOutboundMessage(
    runner: SqlRunner,
    outboxId: number,
    status: MessageStatus,
    ack: AckRecord | undefined,
    lastError: string | null,
  ): Promise<void> {
    const now = this.now();
    if (ack === undefined) {
      await runner.run('UPDATE messages SET status = ?, last_error = ? WHERE id = (SELECT message_id FROM outbox WHERE id = ?)', [
        status,
        lastError,
        outboxId,
      ]);
      return;
    }
    await runner.run(
      `UPDATE messages SET status = ?, last_error = ?, ack_raw = ?, ack_code = ?, ack_control_id = ?, acked_at = ?
       WHERE id = (SELECT message_id FROM outbox WHERE id = ?)`,
      [status, lastError, ack.raw, ack.code, ack.controlId ?? null, now, outboxId],
    );
  }

  markDelivered(id: number, ack: AckRecord, leaseToken?: number): Promise<DeliveredOutcome> {
    if (ack.code !== 'AA') {
      return Promise.reject(new StoreError('TLR_ERR_STORE_INVALID_ARGUMENT', `markDelivered needs an AA, got ${ack.code}: use markFailed`));
    }
    return this.withTransaction(async (runner) => {
      const outcome = await markItemDelivered(runner, OUTBOX_QUEUE, id, this.now(), 'AA', null, leaseToken);
      if (outcome === 'delivered') await this.setOutboundMessage(runner, id, 'delivered', ack, null);
      return outcome;
    });
  }

  markFailed(id: number, failure: DeliveryFailure, leaseToken?: number): Promise<FailureOutcome> {
    return this.withTransaction(async (runner) => {
      const policy = failure.backoff === undefined ? this.backoff : resolveBackoff({ ...this.backoff, ...failure.backoff });
      const outcome = await markItemFailed(runner, OUTBOX_QUEUE, id, failure, policy, this.random, this.now(), leaseToken);
      if (outcome.state === 'lease_lost') return outcome;
      if (outcome.state === 'parked' && failure.errorDetails !== undefined) {
        await runner.run('UPDATE outbox SET error_details = ? WHERE id = ?', [storedJson(failure.errorDetails), id]);
      }
      await this.setOutboundMessage(
        runner,
        id,
        outcome.state === 'parked' ? 'parked' : 'retrying',
        failure.ack,
        outcome.state === 'parked' ? outcome.reason : failure.reason,
      );
      return outcome;
    });
  }

  retryParked(id: number): Promise<void> {
    return this.withTransaction(async (runner) => {
      await retryParkedItem(runner, OUTBOX_QUEUE, id, this.now());
      await this.setOutboundMessage(runner, id, 'queued', undefined, null);
    });
  }

  releaseLeases(workerIds: readonly string[]): Promise<number> {
    if (workerIds.length === 0) return Promise.resolve(0);
    return this.withTransaction(async (runner) => {
      const alive = await this.aliveAmong(runner, workerIds);
      return this.releaseOn(runner, alive === 'unknown' ? workerIds : workerIds.filter((id) => !alive.has(id)));
    });
  }

  private async releaseOn(runner: SqlRunner, workerIds: readonly string[]): Promise<number> {
    if (workerIds.length === 0) return 0;
    const now = this.now();
    const marks = workerIds.map(() => '?').join(', ');
    let released = 0;
    for (const table of [OUTBOX_QUEUE.table, WEBHOOK_QUEUE.table]) {
      const rows = await runner.all<{ id: number }>(
        `UPDATE ${table} SET state = 'pending', next_attempt_at = ?, locked_by = NULL, locked_until = NULL
         WHERE state = 'in_flight' AND locked_by IN (${marks}) RETURNING id`,
        [now, ...workerIds],
      );
      released += rows.length;
    }
    return released;
  }

  async registerWorkers(workerIds: readonly string[]): Promise<void> {
    const fresh = workerIds.filter((id) => !this.ownWorkers.has(id));
    if (fresh.length === 0) return;
    // The proof of life first, then the row: a row whose lock is free is a dead worker's.
    await this.holdWorkers(fresh);
    await this.withTransaction(async (runner) => {
      for (const id of fresh) {
        await runner.run(
          `INSERT INTO store_workers (worker_id, host, pid, registered_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, registered_at = excluded.registered_at`,
          [id, hostname(), process.pid, this.now()],
        );
      }
    });
    for (const id of fresh) this.ownWorkers.add(id);
  }

  releaseOrphanedLeases(): Promise<number> {
    return this.withTransaction(async (runner) => {
      const others = (await runner.all<{ worker_id: string }>('SELECT worker_id FROM store_workers'))
        .map((r) => r.worker_id)
        .filter((id) => !this.ownWorkers.has(id));
      if (others.length === 0) return 0;
      const alive = await this.aliveAmong(runner, others);
      if (alive === 'unknown') return 0;
      const dead = others.filter((id) => !alive.has(id));
      const released = await this.releaseOn(runner, dead);
      if (dead.length > 0) await runner.run(`DELETE FROM store_workers WHERE worker_id IN (${dead.map(() => '?').join(', ')})`, dead);
      return released;
    });
  }

  /** Forgets this process's workers (clean stop); their leases were completed by the dispatchers' stop. */
  protected async forgetWorkers(): Promise<void> {
    const own = [...this.ownWorkers];
    if (own.length === 0) return;
    this.ownWorkers.clear();
    await this.withTransaction((runner) =>
      runner.run(`DELETE FROM store_workers WHERE worker_id IN (${own.map(() => '?').join(', ')})`, own),
    );
  }

  discardParked(id: number, reason: string): Promise<void> {
    return this.withTransaction(async (runner) => {
      await discardParkedItem(runner, OUTBOX_QUEUE, id, reason, this.now());
      await this.setOutboundMessage(runner, id, 'discarded', undefined, reason);
    });
  }

  async getOutboxItem(id: number): Promise<OutboxItem | null> {
    const rows = await this.reader.all<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]);
    return rows[0] === undefined ? null : toOutboxItem(rows[0]);
  }

  listOutbox(query: OutboxQuery = {}): Promise<Page<OutboxItem>> {
    const where = new Where().add('partner = ?', query.partner).add('state = ?', query.state).add('message_id = ?', query.messageId);
    return this.page('outbox', 'outbox', '*', where, 'oldest', query, toOutboxItem);
  }

  async outboxDepth(): Promise<readonly OutboxDepth[]> {
    const rows = await this.reader.all<{ partner: string; pending: number; in_flight: number; parked: number; oldest: number | null }>(
      `SELECT partner,
         SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS pending,
         SUM(CASE WHEN state = 'in_flight' THEN 1 ELSE 0 END) AS in_flight,
         SUM(CASE WHEN state = 'parked' THEN 1 ELSE 0 END) AS parked,
         MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest
       FROM outbox WHERE state IN ${OPEN_STATES_SQL} GROUP BY partner ORDER BY partner`,
    );
    return rows.map((r) => ({
      partner: r.partner,
      pending: Number(r.pending),
      inFlight: Number(r.in_flight),
      parked: Number(r.parked),
      oldestPendingAt: r.oldest === null ? null : new Date(Number(r.oldest)),
    }));
  }

  async duePartners(): Promise<readonly string[]> {
    const now = this.now();
    const rows = await this.reader.all<{ partner: string }>(
      `SELECT DISTINCT partner FROM outbox WHERE state IN ('pending', 'in_flight')
         AND ((state = 'pending' AND next_attempt_at <= ?) OR (state = 'in_flight' AND locked_until <= ?))`,
      [now, now],
    );
    return rows.map((r) => r.partner);
  }

  partnerLanes(): Promise<readonly PartnerLaneRecord[]> {
    return partnerLanes(this.reader);
  }

  partnerActivity(partners: readonly string[]): Promise<readonly PartnerActivity[]> {
    return partnerActivity(this.reader, partners);
  }

  adoptOrdersWithoutPartner(partner: string): Promise<number> {
    return this.withTransaction((runner) => runner.run("UPDATE orders SET partner = ? WHERE partner = ''", [partner]));
  }

  outboxAttempts(id: number): Promise<readonly DeliveryAttempt[]> {
    return this.attempts(OUTBOX_QUEUE, id);
  }

  private async attempts(queue: QueueTable, id: number): Promise<readonly DeliveryAttempt[]> {
    const rows = await this.reader.all<AttemptRow>(
      'SELECT attempt, at, outcome, detail, http_status FROM delivery_attempts WHERE kind = ? AND item_id = ? ORDER BY id',
      [queue.kind, id],
    );
    return rows.map(toDeliveryAttempt);
  }

  // ---------------------------------------------------------------- webhook outbox

  private async enqueueWebhookOn(runner: SqlRunner, input: WebhookInput): Promise<number> {
    const now = this.now();
    const rows = await runner.all<{ id: number }>(
      `INSERT INTO webhooks (event_type, payload, target_url, order_key, state, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) RETURNING id`,
      [input.eventType, storedJson(input.payload ?? null), input.targetUrl, input.orderKey ?? null, now, now],
    );
    return rows[0]!.id;
  }

  enqueueWebhook(input: WebhookInput): Promise<number> {
    return this.withTransaction((runner) => this.enqueueWebhookOn(runner, input));
  }

  // ---------------------------------------------------------------- onward publications (RIS → PFI)

  markPublications(
    controlId: string,
    from: readonly PublicationStatus[],
    to: PublicationStatus,
    text?: string,
  ): Promise<readonly PublicationRecord[]> {
    return this.withTransaction((runner) => markPublications(runner, controlId, from, to, text, this.now()));
  }

  listPublications(orderKey: string): Promise<readonly PublicationRecord[]> {
    return listPublications(this.reader, orderKey);
  }

  claimNextWebhook(workerId: string, leaseMs: number): Promise<WebhookClaim | null> {
    return this.withTransaction(async (runner) => {
      const claimed = await claimItem(runner, WEBHOOK_QUEUE, null, workerId, leaseMs, this.now());
      if (claimed === null) return null;
      const rows = await runner.all<WebhookRow>('SELECT * FROM webhooks WHERE id = ?', [claimed.id]);
      const row = toWebhookDelivery(rows[0]!);
      return {
        id: row.id,
        eventType: row.eventType,
        payload: row.payload,
        targetUrl: row.targetUrl,
        attempt: claimed.attempts,
        leaseUntil: new Date(claimed.leaseUntil),
        leaseToken: claimed.leaseToken,
      };
    });
  }

  markWebhookDelivered(id: number, result: WebhookAttemptResult, leaseToken?: number): Promise<DeliveredOutcome> {
    return this.withTransaction(async (runner) => {
      const status = result.httpStatus ?? null;
      const outcome = await markItemDelivered(runner, WEBHOOK_QUEUE, id, this.now(), null, status, leaseToken);
      if (outcome === 'delivered') {
        await runner.run('UPDATE webhooks SET last_status = ?, last_response = ?, last_error = NULL WHERE id = ?', [
          status,
          result.response?.slice(0, RESPONSE_EXCERPT) ?? null,
          id,
        ]);
      }
      return outcome;
    });
  }

  markWebhookFailed(id: number, failure: WebhookFailure, leaseToken?: number): Promise<FailureOutcome> {
    return this.withTransaction(async (runner) => {
      const outcome = await markItemFailed(runner, WEBHOOK_QUEUE, id, failure, this.backoff, this.random, this.now(), leaseToken);
      if (outcome.state === 'lease_lost') return outcome;
      await runner.run('UPDATE webhooks SET last_status = ?, last_response = ? WHERE id = ?', [
        failure.httpStatus ?? null,
        failure.response?.slice(0, RESPONSE_EXCERPT) ?? null,
        id,
      ]);
      return outcome;
    });
  }

  retryWebhook(id: number): Promise<void> {
    return this.withTransaction((runner) => retryParkedItem(runner, WEBHOOK_QUEUE, id, this.now()));
  }

  async listWebhookDeliveries(query: WebhookQuery = {}): Promise<Page<WebhookDelivery>> {
    const where = new Where()
      .add('state = ?', query.state)
      .add('event_type = ?', query.eventType)
      .add('target_url = ?', query.targetUrl)
      .add('created_at >= ?', query.from?.getTime())
      .add('created_at < ?', query.to?.getTime());
    return this.page('webhooks', 'webhooks', '*', where, 'newest', query, toWebhookDelivery);
  }

  webhookDepth(): Promise<WebhookDepth> {
    return webhookDepth(this.reader);
  }

  // ---------------------------------------------------------------- alerts and the audit log

  alertStates(): Promise<readonly AlertStateRecord[]> {
    return alertStates(this.reader);
  }

  listOperatorActions(query: OperatorActionQuery = {}): Promise<readonly OperatorActionRecord[]> {
    return listOperatorActions(this.reader, query);
  }

  webhookAttempts(id: number): Promise<readonly DeliveryAttempt[]> {
    return this.attempts(WEBHOOK_QUEUE, id);
  }

  // ---------------------------------------------------------------- retention

  /**
   * Each batch is its own short transaction so that inbound processing, which needs the write lock
   * (SQLite) or row locks (PostgreSQL), is never held up for long by a large purge.
   */
  async pruneContent(olderThanDays: number, options: { batchSize?: number } = {}): Promise<PruneResult> {
    if (!(olderThanDays >= 0)) throw new StoreError('TLR_ERR_STORE_INVALID_ARGUMENT', `olderThanDays must be >= 0, got ${olderThanDays}`);
    const batchSize = Math.max(1, Math.trunc(options.batchSize ?? 500));
    const cutoff = this.now() - olderThanDays * DAY_MS;
    let messages = 0;
    let webhooks = 0;
    let batches = 0;
    for (;;) {
      const changed = await this.withTransaction((runner) =>
        runner.run(
          `UPDATE messages SET raw = NULL, content_pruned_at = ? WHERE id IN (
             SELECT m.id FROM messages m
             WHERE m.raw IS NOT NULL AND m.created_at < ?
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id AND o.state IN ${OPEN_STATES_SQL})
             ORDER BY m.id LIMIT ?)`,
          [this.now(), cutoff, batchSize],
        ),
      );
      batches += 1;
      messages += changed;
      if (changed < batchSize) break;
    }
    for (;;) {
      const changed = await this.withTransaction((runner) =>
        runner.run(
          `UPDATE webhooks SET payload = NULL, content_pruned_at = ? WHERE id IN (
             SELECT id FROM webhooks WHERE payload IS NOT NULL AND created_at < ? AND state IN ('delivered', 'discarded')
             ORDER BY id LIMIT ?)`,
          [this.now(), cutoff, batchSize],
        ),
      );
      batches += 1;
      webhooks += changed;
      if (changed < batchSize) break;
    }
    await this.reclaimSpace();
    return { messages, webhooks, batches };
  }

  /** Gives freed pages back to the file system where the engine needs to be asked (SQLite). */
  protected abstract reclaimSpace(): Promise<void>;

  claimIdempotencyKey(scope: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    return this.withTransaction((runner) => claimIdempotencyKey(runner, scope, key, fingerprint, this.now()));
  }

  completeIdempotencyKey(scope: string, key: string, response: StoredResponse): Promise<void> {
    return this.withTransaction((runner) => completeIdempotencyKey(runner, scope, key, response, this.now()));
  }

  releaseIdempotencyKey(scope: string, key: string): Promise<void> {
    return this.withTransaction((runner) => releaseIdempotencyKey(runner, scope, key));
  }

  pruneIdempotencyKeys(before: Date): Promise<number> {
    return this.withTransaction((runner) => pruneIdempotencyKeys(runner, before.getTime()));
  }
}
