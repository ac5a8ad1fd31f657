import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { newUuidOid } from '../../documents/cda/identifiers.js';
import { readDocumentMessage, sameDocumentId } from '../../documents/transport/index.js';
import type { DocumentId } from '../../documents/transport/index.js';
import type { OrderKey, OutboxClaim, PublicationRecord, Store, StoreTransaction } from '../../store/index.js';
import { formatOrderKey } from '../../store/index.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayEvent } from '../events.js';
import { LeasingWorker } from '../leasing-worker.js';
import type { ActionContext } from '../outbound-actions.js';
import type { GatewayPlugin, PluginContext } from '../plugin.js';
import type { DmpJob } from './dmp-job.js';
import { decodeDmpJob, encodeDmpJob } from './dmp-job.js';
import type { DmpAnswer, DmpEntry, DmpTransport } from './dmp-transport.js';
import type { OnwardDmpConfig } from './onward-config.js';
import type { AcceptedReport } from './onward-request.js';
import { dmpSkipReason } from './onward-request.js';
import { publicationEvent } from './receipt-inbound.js';
import { publicationsCounter } from './report-publications.js';
import type { PublicationOutcomeLabel } from './report-publications.js';

/** Poll interval of the DMP lane (the worker is also woken after each report it queues). */
const DMP_POLL_MS = 200;

/** Builds the transport once the plug-in starts (the XDS.b client; tests may give their own). */
export type DmpTransportFactory = (dmp: OnwardDmpConfig, config: GatewayConfig, logger: Logger) => Promise<DmpTransport>;

/**
 * The direct onward route to the DMP (XDS.b, for sites without an integration platform): every report
 * the RIS accepts from the platform (T02, T10, T04) becomes, in the same transaction, a publication
 * job in the durable outbox under the DMP's partner name and the order's lane, with its `dmp` row in
 * `report_publications`. A worker on the outbox's leases sends each job when its turn comes:
 * - T02 → ITI-41 Provide and Register Document Set-b;
 * - T10 → ITI-41 with an RPLC association to the entry of the replaced version (its entryUUID kept
 *   when the DMP accepted it), or of the last version before it the DMP has; none: a new entry;
 * - T04 → ITI-57 Update Document Set deleting that entry; none: `skipped` (nothing to delete).
 *
 * The answer settles the row: `accepted` (with the entry), `refused` with the DMP's error code and text
 * (a business answer: the job is done, the lane goes on), or a transient failure retried with the
 * outbox's backoff (`outbox.*`), the order's later jobs waiting behind it; after `outbox.maxAttempts`
 * the job is parked (`parked`) until an operator retries it. A patient without a qualified INS, or a
 * document not of normal confidentiality, is never queued: `skipped` with the reason.
 */
export class DmpRoutePlugin implements GatewayPlugin {
  readonly name = 'onward-dmp';
  readonly dmp: OnwardDmpConfig;
  readonly #config: GatewayConfig;
  readonly #transportFactory: DmpTransportFactory;
  #store: Store | undefined;
  #actions: ActionContext | undefined;
  #transport: DmpTransport | undefined;
  #worker: LeasingWorker<OutboxClaim> | undefined;
  #logger: Logger | undefined;
  #count: (destination: string, outcome: PublicationOutcomeLabel) => void = () => undefined;

  constructor(config: GatewayConfig, transportFactory: DmpTransportFactory) {
    const dmp = config.onward?.dmp;
    if (!dmp) throw new Error('The DMP route needs onward.dmp in the configuration');
    this.#config = config;
    this.dmp = dmp;
    this.#transportFactory = transportFactory;
  }

  async start(context: PluginContext): Promise<void> {
    const { store } = context.actions;
    this.#store = store;
    this.#actions = context.actions;
    const logger = context.logger.child({ component: 'onward-dmp' });
    this.#logger = logger;
    const counter = publicationsCounter(context.metrics.registry);
    this.#count = (destination, outcome) => counter.inc({ destination, outcome });
    this.#transport = await this.#transportFactory(this.dmp, this.#config, logger);
    this.#worker = new LeasingWorker<OutboxClaim>({
      queue: 'outbox',
      name: 'DMP publication worker',
      idPrefix: 'dmp',
      workerId: randomUUID(),
      attemptTimeoutMs: this.dmp.timeoutMs,
      pollMs: DMP_POLL_MS,
      metrics: context.metrics,
      logger,
      lease: (workerId, leaseMs) => store.claimNext(this.dmp.name, workerId, leaseMs),
      process: (claim) => this.#publish(claim),
    });
    await store.registerWorkers([this.#worker.workerId]);
    this.#worker.start();
    logger.info({ endpoint: this.dmp.endpoint }, 'onward route to the DMP started');
  }

  /**
   * Called by the documents plug-in in the transaction that accepted a report: queues the publication
   * (or records why it is skipped). Returns the events to raise with the report's.
   */
  async reportAccepted(tx: StoreTransaction, key: OrderKey, accepted: AcceptedReport): Promise<GatewayEvent[]> {
    const orderKey = formatOrderKey(key);
    const controlId = randomUUID();
    const base = {
      orderKey,
      documentId: accepted.report.documentId,
      version: accepted.report.version,
      requestKind: accepted.kind,
      controlId,
      destination: 'dmp' as const,
    };
    const skipped = dmpSkipReason(accepted);
    if (skipped) {
      await tx.recordPublications([{ ...base, messageId: null, status: 'skipped', errorText: skipped }]);
      this.#count('dmp', 'skipped');
      return [];
    }
    const job: DmpJob = {
      v: 1,
      kind: accepted.kind,
      message: Buffer.from(accepted.raw).toString('base64'),
      documentId: accepted.report.documentId,
      version: accepted.report.version,
      ...(accepted.kind === 'replace' && accepted.received.replacedDocumentId
        ? { replacedDocumentId: accepted.received.replacedDocumentId }
        : {}),
      submissionSetUniqueId: newUuidOid(),
    };
    const queued = await tx.enqueueOutbound({
      partner: this.dmp.name,
      raw: encodeDmpJob(job),
      summary: {
        messageType: accepted.kind === 'delete' ? 'ITI-57' : 'ITI-41',
        flow: 'report',
        controlId,
        sendingApplication: this.#config.identity.application,
        sendingFacility: this.#config.identity.facility,
        receivingApplication: 'DMP',
        placerOrderNumber: key.placerNumber,
        placerAssigningAuthority: key.assigningAuthority,
      },
      orderKey,
    });
    await tx.recordPublications([{ ...base, messageId: queued.messageId, status: 'pending' }]);
    this.#count('dmp', 'queued');
    setImmediate(() => this.#worker?.wake());
    return [];
  }

  /** One attempt of one job: resolve the entry it names, send, settle the row, complete the outbox item. */
  async #publish(claim: OutboxClaim): Promise<void> {
    const store = this.#store!;
    const logger = this.#logger!;
    const controlId = claim.controlId ?? '';
    const rows = claim.orderKey ? await store.listPublications(claim.orderKey) : [];
    const row = rows.find((r) => r.controlId === controlId && r.destination === 'dmp');
    // Settled by an attempt whose completion did not reach the outbox (a crash in between): complete it.
    if (row && (row.status === 'accepted' || row.status === 'refused' || row.status === 'skipped')) {
      await this.#complete(claim, Buffer.from(row.status));
      return;
    }
    let job: DmpJob;
    try {
      job = decodeDmpJob(claim.raw);
    } catch (e) {
      await this.#failed(claim, {
        outcome: 'refused',
        code: 'TLR_ERR_DMP_JOB',
        text: `The queued job cannot be read: ${(e as Error).message}`,
      });
      return;
    }
    const received = readDocumentMessage(Buffer.from(job.message, 'base64')).value;
    const cda = received?.document?.bytes;
    if (!received || !cda) {
      await this.#settle(claim, row, { outcome: 'refused', code: 'TLR_ERR_DMP_JOB', text: 'The queued report message carries no CDA' });
      return;
    }
    const targetRow = await this.#liveEntry(rows, job.kind === 'delete' ? job.documentId : job.replacedDocumentId);
    if (job.kind === 'delete' && !targetRow) {
      await this.#skip(claim, `no version of this report was accepted by the DMP: there is no entry to delete`);
      return;
    }
    const target: DmpEntry | undefined = targetRow ? { uniqueId: targetRow.uniqueId!, entryUuid: targetRow.entryUuid } : undefined;
    const started = Date.now();
    const answer = await this.#send({
      kind: job.kind,
      received,
      cda,
      submissionSetUniqueId: job.submissionSetUniqueId,
      attempt: claim.attempt,
      ...(target ? { target } : {}),
    });
    logger.info(
      { outboxId: claim.id, controlId, request: job.kind, outcome: answer.outcome, code: answer.code, durationMs: Date.now() - started },
      'DMP answered',
    );
    if (targetRow && answer.targetEntryUuid && targetRow.entryUuid !== answer.targetEntryUuid) {
      await store.transaction((tx) =>
        tx.settlePublication({
          controlId: targetRow.controlId,
          destination: 'dmp',
          accepted: true,
          entryUuid: answer.targetEntryUuid!,
          uniqueId: targetRow.uniqueId!,
        }),
      );
    }
    if (answer.outcome === 'transient') {
      await this.#failed(claim, answer);
      return;
    }
    await this.#settle(claim, row, answer);
  }

  /**
   * The DMP entry a replacement or a deletion of the version `id` acts on: that version's, when the DMP
   * accepted it; otherwise the entry of the version it replaced, and so on back (a refused or skipped
   * replacement left the earlier entry in the DMP, Approved). `undefined` when no version of the chain
   * is in the DMP (never accepted, or deleted). The jobs of the chain are earlier in the same lane, so
   * they are all settled by now.
   */
  async #liveEntry(rows: readonly PublicationRecord[], id: DocumentId | undefined): Promise<PublicationRecord | undefined> {
    const dmpRows = rows.filter((r) => r.destination === 'dmp');
    const deleted = (r: PublicationRecord) =>
      dmpRows.some(
        (d) => d.requestKind === 'delete' && d.status === 'accepted' && d.id > r.id && sameDocumentId(d.documentId, r.documentId),
      );
    for (let hops = 0; id && hops < 100; hops++) {
      const own = dmpRows.filter((r) => r.requestKind !== 'delete' && sameDocumentId(r.documentId, id));
      const accepted = own.find((r) => r.status === 'accepted' && r.uniqueId !== null);
      if (accepted) return deleted(accepted) ? undefined : accepted;
      const last = own.at(-1);
      if (last?.requestKind !== 'replace' || last.messageId === null) return undefined;
      const raw = (await this.#store!.getMessage(last.messageId))?.raw;
      if (!raw) return undefined;
      try {
        id = decodeDmpJob(raw).replacedDocumentId;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  async #send(request: Parameters<DmpTransport['send']>[0]): Promise<DmpAnswer> {
    try {
      return await this.#transport!.send(request);
    } catch (e) {
      return { outcome: 'transient', code: (e as { code?: string }).code ?? 'error', text: (e as Error).message };
    }
  }

  /** The DMP's verdict (accepted or refused) on the row, with its event, then the outbox item done. */
  async #settle(claim: OutboxClaim, row: PublicationRecord | undefined, answer: DmpAnswer): Promise<void> {
    const accepted = answer.outcome === 'accepted';
    const entry = answer.entry;
    const settled = await this.#store!.transaction(async (tx) => {
      const p = await tx.settlePublication({
        controlId: claim.controlId ?? '',
        destination: 'dmp',
        accepted,
        ...(answer.code !== undefined ? { errorCode: answer.code } : {}),
        ...(answer.text !== undefined ? { errorText: answer.text } : {}),
        ...(accepted && entry ? { uniqueId: entry.uniqueId, ...(entry.entryUuid ? { entryUuid: entry.entryUuid } : {}) } : {}),
      });
      if (!p) return undefined;
      const event = publicationEvent(p, claim.messageId);
      await this.#actions!.enqueueEvent(tx, event);
      return { p, event };
    });
    if (!settled && row) this.#logger?.warn({ controlId: claim.controlId }, 'DMP answer for a publication that is no longer pending');
    await this.#complete(claim, Buffer.from(`${answer.outcome}${answer.code ? ` ${answer.code}` : ''}`));
    if (settled) {
      this.#count('dmp', settled.p.status as PublicationOutcomeLabel);
      this.#actions!.emitted([settled.event]);
    }
  }

  /** Nothing to send (a deletion of a version the DMP never had): the row says why, the item is done. */
  async #skip(claim: OutboxClaim, reason: string): Promise<void> {
    await this.#store!.markPublications(claim.controlId ?? '', ['pending', 'parked'], 'skipped', reason);
    this.#count('dmp', 'skipped');
    await this.#complete(claim, Buffer.from('skipped'));
  }

  /**
   * The outbox item is done: the DMP answered (its verdict is on the publication row) or there was
   * nothing to send. `markDelivered` takes the answer as the item's acknowledgement.
   */
  async #complete(claim: OutboxClaim, raw: Uint8Array): Promise<void> {
    const outcome = await this.#store!.markDelivered(claim.id, { raw, code: 'AA', controlId: claim.controlId ?? '' }, claim.leaseToken);
    if (outcome === 'lease_lost') this.#worker?.leaseLost({ outboxId: claim.id, controlId: claim.controlId, attempt: claim.attempt });
  }

  /** A transient failure (or an unreadable job): retried with backoff, parked once attempts run out. */
  async #failed(claim: OutboxClaim, answer: DmpAnswer): Promise<void> {
    const store = this.#store!;
    const reason = `${answer.code ?? 'error'}${answer.text ? ` ${answer.text}` : ''}`;
    const outcome = await store.markFailed(claim.id, { reason, retryable: answer.outcome === 'transient' }, claim.leaseToken);
    if (outcome.state === 'lease_lost') {
      this.#worker?.leaseLost({ outboxId: claim.id, controlId: claim.controlId, attempt: claim.attempt, heldBy: outcome.heldBy });
      return;
    }
    if (outcome.state === 'pending') {
      this.#logger?.warn(
        { outboxId: claim.id, controlId: claim.controlId, attempt: claim.attempt, reason, next: outcome.nextAttemptAt },
        'DMP publication failed, will retry',
      );
      return;
    }
    const moved = await store.markPublications(claim.controlId ?? '', ['pending'], 'parked', outcome.reason);
    for (const p of moved) this.#count(p.destination, 'parked');
    const events = moved.map((p) => publicationEvent(p, claim.messageId));
    if (events.length === 0) return;
    await store.transaction(async (tx) => {
      for (const e of events) await this.#actions!.enqueueEvent(tx, e);
    });
    this.#actions!.emitted(events);
  }

  async stop(): Promise<void> {
    await this.#worker?.stop();
    await this.#transport?.close().catch(() => undefined);
  }
}
