import type { OrderEvent, OrderState, TransitionResult, WorkflowRole } from '../workflow/index.js';

/** Original-mode acknowledgement codes (MSA-1). */
export type AckCode = 'AA' | 'AE' | 'AR';

/** Flow a message belongs to; `ack` for acknowledgements, `report` for the CDA-R2-in-HL7v2 messages. */
export type FlowId = 'flux1' | 'flux2' | 'flux3' | 'flux4' | 'ack' | 'report' | 'unknown';

/** Whether the message came from a partner (`inbound`) or is sent to one (`outbound`). */
export type Direction = 'inbound' | 'outbound';

/**
 * Journal status of a message.
 * - inbound: `accepted` (answered AA), `rejected` (AR), `error` (AE);
 * - outbound: `queued` (waiting in the outbox), `in_flight` (claimed by a sender), `retrying` (failed,
 *   next attempt scheduled), `delivered` (AA received), `parked` (stopped, needs an operator),
 *   `discarded` (dropped by an operator).
 */
export type MessageStatus = 'accepted' | 'rejected' | 'error' | 'queued' | 'in_flight' | 'retrying' | 'delivered' | 'parked' | 'discarded';

/**
 * A validation finding as produced by the profile validator. Declared structurally here so that the
 * store does not depend on the validator; it is stored as JSON and returned as is.
 */
export interface StoredFinding {
  readonly severity: string;
  readonly rule: string;
  readonly location?: string;
  readonly message: string;
}

/** Parsed header facts about a message, provided by the caller (the store never parses HL7). */
export interface MessageSummary {
  /** MSH-9.1^MSH-9.2, e.g. `ORM^O01`. */
  readonly messageType: string;
  readonly flow: FlowId;
  /** MSH-10; absent when the message could not be parsed far enough. */
  readonly controlId?: string;
  /** MSH-3 (namespace id, or the whole HD as text). */
  readonly sendingApplication?: string;
  /** MSH-4. */
  readonly sendingFacility?: string;
  /** MSH-5. */
  readonly receivingApplication?: string;
  /** MSH-6. */
  readonly receivingFacility?: string;
  /** ORC-2.1 / OBR-2.1. */
  readonly placerOrderNumber?: string;
  /** ORC-2.3 (OID of the assigning authority). */
  readonly placerAssigningAuthority?: string;
  /** PID-3 identifier chosen by the caller (e.g. the INS or the local IPP). */
  readonly patientId?: string;
}

/** An acknowledgement as bytes on the wire plus its MSA-1 code. */
export interface AckRecord {
  readonly raw: Uint8Array;
  readonly code: AckCode;
  /** MSH-10 of the ACK itself. */
  readonly controlId?: string;
}

/** A message received from a partner, as handed to {@link Store.recordInbound}. */
export interface InboundMessage {
  readonly partner: string;
  readonly raw: Uint8Array;
  readonly summary: MessageSummary;
  readonly findings?: readonly StoredFinding[];
  /** Defaults to the store clock. */
  readonly receivedAt?: Date;
  /**
   * Digest of what a re-delivery does not change (computed by the caller, e.g. the message without
   * MSH-7): a message that reuses an accepted MSH-10 is a re-delivery when its bytes or this digest
   * equal the original's, and a different message under a reused control id otherwise.
   */
  readonly contentDigest?: string;
}

/** What the caller decided for an inbound message; the store commits it before the ACK is sent. */
export interface InboundDecision {
  readonly ack: AckRecord;
  /** Replaces the message's findings in the journal when the decision found more (e.g. a reused MSH-10). */
  readonly findings?: readonly StoredFinding[];
}

/**
 * Identity of an order: ORC-2.1 and ORC-2.3, within the partner the order is exchanged with (two
 * facilities using the same placer numbers under the same authority never share an order).
 */
export interface OrderKey {
  readonly placerNumber: string;
  /** OID of the assigning authority; empty string when the message had none. */
  readonly assigningAuthority: string;
  /**
   * Name of the partner the order belongs to (`''` for an order recorded without one). Absent in a
   * look-up: the order of any partner, and `TLR_ERR_STORE_AMBIGUOUS_ORDER` when several partners have
   * one under that placer number and authority. Stored orders always carry it.
   */
  readonly partner?: string;
}

/** An order copy as stored on one side of the exchange. */
export interface OrderRecord {
  readonly id: number;
  readonly role: WorkflowRole;
  readonly key: OrderKey;
  readonly state: OrderState;
  readonly partner: string | null;
  readonly patientId: string | null;
  /** Flow 3 outcome once known. */
  readonly decision: 'accepted' | 'refused' | null;
  /** Latest business data the caller chose to keep (e.g. professionals of flow 1, protocols of flow 3). */
  readonly data: Record<string, unknown> | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One accepted event of an order's life, with the message that caused it. */
export interface OrderTransitionRecord {
  readonly id: number;
  readonly orderId: number;
  readonly from: OrderState;
  readonly to: OrderState;
  readonly event: OrderEvent['type'];
  readonly messageId: number | null;
  readonly warning: string | null;
  readonly at: Date;
}

/** Input of {@link StoreTransaction.applyOrderEvent}. */
export interface OrderEventInput {
  readonly role: WorkflowRole;
  readonly key: OrderKey;
  readonly event: OrderEvent;
  /** Journal id of the message that carries the event (none for RIS-internal events). */
  readonly messageId?: number;
  /** Partner the order is exchanged with, when `key` does not name it; recorded when the order is created. */
  readonly partner?: string;
  /** Recorded when the order is created. */
  readonly patientId?: string;
  /** Merged (shallow) into the order's stored data when the event is accepted. */
  readonly data?: Record<string, unknown>;
  /** DICOM StudyInstanceUIDs the event brings (flow 4), recorded with the order when it is accepted. */
  readonly studyInstanceUids?: readonly string[];
}

/** An order a StudyInstanceUID was recorded with ({@link StoreTransaction.ordersOfStudies}). */
export interface StudyOwner {
  readonly studyInstanceUid: string;
  readonly key: OrderKey;
}

/** Outcome of {@link StoreTransaction.applyOrderEvent}: the workflow verdict and the order after it. */
export interface OrderEventOutcome {
  readonly transition: TransitionResult;
  /** The order after the event; `null` when it does not exist (rejected event on an unknown order). */
  readonly order: OrderRecord | null;
}

/** A message to send to a partner, journaled and queued in one step. */
export interface OutboundInput {
  readonly partner: string;
  readonly raw: Uint8Array;
  readonly summary: MessageSummary;
  /**
   * Ordering lane: messages with the same partner and order key are delivered strictly in the order they
   * were enqueued; `null` means the message may overtake and be overtaken. Use {@link formatOrderKey}.
   */
  readonly orderKey: string | null;
  readonly findings?: readonly StoredFinding[];
}

/** Ids created by an enqueue. */
export interface EnqueuedOutbound {
  readonly outboxId: number;
  readonly messageId: number;
}

/** A webhook delivery request. */
export interface WebhookInput {
  readonly eventType: string;
  readonly payload: unknown;
  readonly targetUrl: string;
  /** Ordering lane per target URL, same meaning as {@link OutboundInput.orderKey}. */
  readonly orderKey?: string | null;
}

/** Where a report version goes onward from the RIS: the patient's DMP, or one MSSanté mailbox. */
export type PublicationDestination = 'dmp' | 'mssante';

/**
 * Delivery status of a report version towards one destination:
 * - `held`: the message to the PFI would not validate; kept with its findings, never sent;
 * - `skipped`: the destination is configured but cannot be asked for (e.g. no qualified INS for the DMP);
 * - `pending`: queued in the outbox to the PFI; `sent`: the PFI acknowledged it (AA);
 * - `parked`: the PFI refused the message (AE) or attempts ran out, until an operator acts;
 * - `accepted` / `refused`: the business receipt (ZAM) of the destination, with its error code and text.
 */
export type PublicationStatus = 'held' | 'skipped' | 'pending' | 'sent' | 'parked' | 'accepted' | 'refused';

/** What identifies one destination of one message to the PFI, on input and on the stored row. */
interface PublicationTarget {
  /** {@link formatOrderKey} of the order. */
  readonly orderKey: string;
  readonly documentId: { readonly root: string; readonly extension?: string };
  readonly version: number;
  readonly requestKind: 'initial' | 'replace' | 'delete';
  /** MSH-10 of the message to the PFI (what its business receipts name in OBX-4). */
  readonly controlId: string;
  /** Journal id of the queued message; `null` when it was held. */
  readonly messageId: number | null;
  readonly destination: PublicationDestination;
  readonly status: PublicationStatus;
}

/** One destination of one message to the PFI, as {@link StoreTransaction.recordPublications} writes it. */
export interface PublicationInput extends PublicationTarget {
  /** The MSSanté mailbox; empty for the DMP. */
  readonly address?: string;
  readonly errorText?: string;
  readonly findings?: readonly StoredFinding[];
}

/** A stored publication row. */
export interface PublicationRecord extends PublicationTarget {
  readonly id: number;
  readonly address: string;
  readonly errorCode: string | null;
  readonly errorText: string | null;
  readonly findings: readonly StoredFinding[];
  /** Direct DMP route: the registry entry (entryUUID) and the document's uniqueId once the DMP accepted the version. */
  readonly entryUuid: string | null;
  readonly uniqueId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The outcome a business receipt (ZAM) reports for one destination, for {@link StoreTransaction.settlePublication}. */
export interface PublicationOutcome {
  readonly controlId: string;
  readonly destination: PublicationDestination;
  /** The MSSanté mailbox (Z02); ignored for the DMP. */
  readonly address?: string;
  readonly accepted: boolean;
  readonly errorCode?: string;
  readonly errorText?: string;
  /** Direct DMP route: the registry entry and uniqueId of the accepted version (kept for its replacement or deletion). */
  readonly entryUuid?: string;
  readonly uniqueId?: string;
}

/** The stored state of one operational alert (see the gateway's alert monitor). */
export interface AlertStateRecord {
  /** The alert's name, e.g. `outbox_depth`. */
  readonly name: string;
  readonly active: boolean;
  /** The measured value and the threshold when the state last changed. */
  readonly value: number;
  readonly threshold: number;
  /** When the state last changed (raised or cleared). */
  readonly since: Date;
  /** Episodes raised so far (increased at each raise). */
  readonly episode: number;
  readonly detail: string | null;
}

/** Input of {@link StoreTransaction.setAlertState}. */
export interface AlertStateInput {
  readonly name: string;
  readonly active: boolean;
  readonly value: number;
  readonly threshold: number;
  readonly detail?: string;
}

/** An operator action on a message (resend, re-run, retry, discard), as the audit log keeps it. */
export interface OperatorActionInput {
  /** Who: the name of the API key that asked. */
  readonly actor: string;
  /** What, e.g. `resend`, `reprocess`, `retry`, `discard`. */
  readonly action: string;
  readonly messageId?: number | null;
  /** The message the action created (a resent copy, a re-run inbound message). */
  readonly resultMessageId?: number | null;
  /** The order the message belongs to ({@link formatOrderKey}), so that the order's timeline shows it. */
  readonly orderKey?: string | null;
  readonly detail?: Record<string, unknown>;
}

export interface OperatorActionRecord {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly messageId: number | null;
  readonly resultMessageId: number | null;
  readonly orderKey: string | null;
  readonly detail: Record<string, unknown> | null;
}

/** Filter of {@link Store.listOperatorActions}; criteria combine with AND. */
export interface OperatorActionQuery {
  readonly messageId?: number;
  readonly orderKey?: string;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

/** The operator's hold on a partner's outbound lane ({@link StoreTransaction.setPartnerPaused}). */
export interface PartnerLaneRecord {
  readonly partner: string;
  readonly paused: boolean;
  readonly changedAt: Date;
  /** The actor that last paused or resumed the lane. */
  readonly changedBy: string | null;
}

/** The last message exchanged with a partner, either way ({@link Store.partnerActivity}). */
export interface PartnerActivity {
  readonly partner: string;
  readonly lastMessageAt: Date | null;
  readonly lastInboundAt: Date | null;
}

/** Webhook queue figures, for alerts. */
export interface WebhookDepth {
  readonly pending: number;
  /** Open items whose last attempt failed (pending again with attempts, or parked). */
  readonly failing: number;
  readonly parked: number;
}

/** Operations that take part in one database transaction. */
export interface StoreTransaction {
  /**
   * Reads an order and, on PostgreSQL, takes a transaction-scoped advisory lock on its key, so that two
   * messages about the same order are processed one after the other even on different instances
   * (and outbound messages of that order get increasing outbox ids). On SQLite the immediate
   * transaction already serialises writers.
   */
  lockOrder(role: WorkflowRole, key: OrderKey): Promise<OrderRecord | null>;
  /**
   * Locks the order, runs the workflow ({@link applyEvent}) and, when the event is accepted, writes the
   * new state and one `order_transitions` row naming the causing message. A rejected event changes
   * nothing; the journal keeps the message with its AR.
   */
  applyOrderEvent(input: OrderEventInput): Promise<OrderEventOutcome>;
  /**
   * The orders of this role each StudyInstanceUID was recorded with ({@link OrderEventInput.studyInstanceUids}),
   * one row per (UID, order): the look-up of TLR-WF-012 (a study belongs to one order).
   */
  ordersOfStudies(role: WorkflowRole, studyInstanceUids: readonly string[]): Promise<readonly StudyOwner[]>;
  /**
   * Merges (shallow) data into an existing order without a state change or a transition: what is attached
   * to an order (companion documents) rather than what happens to it. Returns the order after it, or
   * `null` when there is no such order. Lock the order first ({@link lockOrder}).
   */
  mergeOrderData(role: WorkflowRole, key: OrderKey, data: Record<string, unknown>): Promise<OrderRecord | null>;
  /** Journals an outbound message and queues it, atomically with the state change that caused it. */
  enqueueOutbound(input: OutboundInput): Promise<EnqueuedOutbound>;
  /** Queues a webhook delivery in the same transaction. */
  enqueueWebhook(input: WebhookInput): Promise<number>;
  /** Records the destinations of a message to the PFI, in the transaction that queued (or held) it. */
  recordPublications(inputs: readonly PublicationInput[]): Promise<void>;
  /**
   * Records what a business receipt says of one destination: `accepted` or `refused` with its code and
   * text (a later receipt overrides an earlier one). `null` when no such destination of such a message
   * exists (an unknown report, or a mailbox it was not sent to): the caller refuses the receipt.
   */
  settlePublication(outcome: PublicationOutcome): Promise<PublicationRecord | null>;
  /**
   * Sets an alert's state by compare-and-set: changes it (and counts an episode on a raise) only when it
   * differs from the stored one, and returns the new state; `null` when it was already so (another instance
   * sharing the database, or an earlier round, changed it first). What the change raises is queued in the
   * same transaction, so each episode is announced once.
   */
  setAlertState(input: AlertStateInput): Promise<AlertStateRecord | null>;
  /** Appends an operator action to the audit log, in the transaction of what it did. */
  recordOperatorAction(input: OperatorActionInput): Promise<number>;
  /**
   * Pauses or resumes a partner's outbound lane: while paused, {@link Store.claimNext} hands out none of
   * its messages (on every instance sharing the database); they wait, in order, and nothing is lost.
   */
  setPartnerPaused(partner: string, paused: boolean, actor: string): Promise<PartnerLaneRecord>;
}

/** Result of {@link Store.recordInbound}. */
export type InboundOutcome<D extends InboundDecision> =
  | {
      readonly duplicate: false;
      readonly messageId: number;
      readonly decision: D;
    }
  | {
      readonly duplicate: true;
      /** Id of the original message. */
      readonly messageId: number;
      /** The ACK stored with the original message, to be sent again unchanged. */
      readonly ack: AckRecord;
      /** Whether the re-delivered bytes equal the original ones (a sender reusing MSH-10 otherwise). */
      readonly contentMatches: boolean;
    };

/** Callback of {@link Store.recordInbound}: applies the workflow inside the transaction and builds the ACK. */
export type InboundDecider<D extends InboundDecision> = (context: {
  readonly messageId: number;
  readonly message: InboundMessage;
  readonly tx: StoreTransaction;
  /**
   * Set when the sender reused the (MSH-3, MSH-4, MSH-10) of an accepted message for different
   * content: not a re-delivery. The message is journaled apart from the original, which stays the
   * one the control id names; the caller is expected to refuse it (AR 205, duplicate key identifier).
   */
  readonly reusedControlId?: { readonly originalMessageId: number };
}) => D | Promise<D>;

/** Filter of {@link Store.listMessages}; every criterion is optional and they combine with AND. */
export interface MessageQuery {
  readonly placerOrderNumber?: string;
  readonly patientId?: string;
  readonly messageType?: string;
  readonly flow?: FlowId;
  readonly status?: MessageStatus;
  readonly direction?: Direction;
  readonly partner?: string;
  readonly controlId?: string;
  /** Inclusive lower bound on the creation time (received or queued). */
  readonly from?: Date;
  /** Exclusive upper bound on the creation time. */
  readonly to?: Date;
  /** Default 50, at most 1000. */
  readonly limit?: number;
  /** Rows to skip; kept for old callers, costs a scan of the skipped rows. Prefer {@link cursor}. */
  readonly offset?: number;
  /** {@link Page.next} of the previous page: the page after it, whatever was inserted since. */
  readonly cursor?: string;
  /** Whether to count the matches ({@link Page.total}); default true. */
  readonly count?: boolean;
}

/**
 * A page of results, newest first. `next` is an opaque cursor to the following page (`null` on the
 * last one): it names the last row returned, so rows inserted meanwhile (newer, hence before it) never
 * shift the following pages: a walk sees every row that existed when it began, once.
 */
export interface Page<T> {
  /** Count of all matches of the filter (not only this page); absent when `count: false` was asked. */
  readonly total?: number;
  readonly items: readonly T[];
  readonly next: string | null;
}

/** Journal entry without its bytes (listings). */
export interface MessageRecord {
  readonly id: number;
  readonly direction: Direction;
  readonly partner: string;
  readonly summary: MessageSummary;
  readonly status: MessageStatus;
  readonly findings: readonly StoredFinding[];
  readonly createdAt: Date;
  readonly receivedAt: Date | null;
  readonly sentAt: Date | null;
  readonly ackedAt: Date | null;
  readonly ackCode: AckCode | null;
  readonly lastError: string | null;
  /** Times the partner re-delivered this (already accepted) inbound message. */
  readonly redeliveries: number;
  /** Set when retention removed the bytes. */
  readonly contentPrunedAt: Date | null;
}

/** Journal entry with the message and ACK bytes. */
export interface MessageDetail extends MessageRecord {
  /** `null` once retention pruned the content. */
  readonly raw: Uint8Array | null;
  readonly ack: AckRecord | null;
}

/** State of an outbox or webhook delivery item. */
export type DeliveryState = 'pending' | 'in_flight' | 'delivered' | 'parked' | 'discarded';

/** A message claimed for delivery by one worker until `leaseUntil`. */
export interface OutboxClaim {
  readonly id: number;
  readonly messageId: number;
  readonly partner: string;
  readonly orderKey: string | null;
  readonly controlId: string | null;
  readonly raw: Uint8Array;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly leaseUntil: Date;
  /**
   * Fencing token of this lease: a number increased at every claim of the item. Hand it back to
   * {@link Store.markDelivered} / {@link Store.markFailed}; a completion whose token is no longer the
   * item's (the lease expired and another worker claimed it) changes nothing.
   */
  readonly leaseToken: number;
}

/** A failed delivery attempt, as reported by the sender. */
export interface DeliveryFailure {
  /** Short technical reason (`timeout`, `connection reset`, `AR 207 ...`); no patient data. */
  readonly reason: string;
  /**
   * `true` for timeouts, disconnections and AR (the guide: "may be sent again later"): scheduled again
   * with exponential backoff. `false` for AE (the message itself is wrong): parked for an operator.
   */
  readonly retryable: boolean;
  /** The negative ACK when there was one. */
  readonly ack?: AckRecord;
  /** ERR segment details (codes, locations, texts) kept with a parked message. */
  readonly errorDetails?: unknown;
  /** The retry policy of this item's partner, over the store's ({@link StoreOptions.backoff}). */
  readonly backoff?: Partial<BackoffPolicy>;
}

/** Where a failed item went; `lease_lost` when the lease token is stale and nothing was changed. */
export type FailureOutcome =
  | { readonly state: 'pending'; readonly attempts: number; readonly nextAttemptAt: Date }
  | { readonly state: 'parked'; readonly attempts: number; readonly reason: string }
  | { readonly state: 'lease_lost'; readonly attempts: number; readonly heldBy: string | null };

/**
 * Result of a delivery confirmation: `delivered` (done now), `already_delivered` (the same lease
 * confirmed twice: nothing changed) or `lease_lost` (another worker claimed the item since this lease
 * was granted: nothing changed; that worker completes it).
 */
export type DeliveredOutcome = 'delivered' | 'already_delivered' | 'lease_lost';

/** Outbox item as shown to operators. */
export interface OutboxItem {
  readonly id: number;
  readonly messageId: number;
  readonly partner: string;
  readonly orderKey: string | null;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lockedBy: string | null;
  readonly lockedUntil: Date | null;
  readonly lastError: string | null;
  readonly errorDetails: unknown;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

/** Outbox depth of one partner, for metrics. */
export interface OutboxDepth {
  readonly partner: string;
  readonly pending: number;
  readonly inFlight: number;
  readonly parked: number;
  readonly oldestPendingAt: Date | null;
}

/** A webhook claimed for delivery. */
export interface WebhookClaim {
  readonly id: number;
  readonly eventType: string;
  readonly payload: unknown;
  readonly targetUrl: string;
  readonly attempt: number;
  readonly leaseUntil: Date;
  /** See {@link OutboxClaim.leaseToken}. */
  readonly leaseToken: number;
}

/** Result of one webhook HTTP attempt. */
export interface WebhookAttemptResult {
  /** HTTP status; absent when no response was received. */
  readonly httpStatus?: number;
  /** Response body excerpt (the store keeps at most 2000 characters). */
  readonly response?: string;
}

/** Webhook failure: {@link DeliveryFailure} semantics plus the HTTP facts. */
export interface WebhookFailure extends WebhookAttemptResult {
  readonly reason: string;
  readonly retryable: boolean;
}

/** Webhook delivery as shown in the delivery log. */
export interface WebhookDelivery {
  readonly id: number;
  readonly eventType: string;
  readonly targetUrl: string;
  readonly orderKey: string | null;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastStatus: number | null;
  readonly lastResponse: string | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
  /** `null` once retention pruned it. */
  readonly payload: unknown;
}

/** One attempt of the delivery log (outbox messages and webhooks alike). */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly at: Date;
  /** Attempts end `delivered`, `retry` or `parked`; operator actions are logged as `operator_retry` / `operator_discard`. */
  readonly outcome: 'delivered' | 'retry' | 'parked' | 'operator_retry' | 'operator_discard';
  readonly detail: string | null;
  readonly httpStatus: number | null;
}

/** Filter of {@link Store.listWebhookDeliveries}. */
export interface WebhookQuery {
  readonly state?: DeliveryState;
  readonly eventType?: string;
  readonly targetUrl?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly limit?: number;
  readonly offset?: number;
  readonly cursor?: string;
  readonly count?: boolean;
}

/** Filter of {@link Store.listOrders}; criteria combine with AND, each one served by an index except `text`. */
export interface OrderQuery {
  readonly role?: WorkflowRole;
  readonly state?: OrderState;
  readonly patientId?: string;
  readonly partner?: string;
  /** ORC-2.1; alone (the authority unknown), it finds the order of every authority using that number. */
  readonly placerNumber?: string;
  readonly assigningAuthority?: string;
  /** Inclusive lower bound on the time the order was first recorded. */
  readonly from?: Date;
  /** Exclusive upper bound on the time the order was first recorded. */
  readonly to?: Date;
  /**
   * Contains-search, case and accent insensitive, over the order's search terms: placer number,
   * patient id and what {@link StoreOptions.orderSearchTerms} adds (the gateway: the patient's name).
   * A scan of the narrow search index, not an index lookup: about 10-100 ms per 100,000 orders.
   */
  readonly text?: string;
  readonly limit?: number;
  /** See {@link MessageQuery.offset}. */
  readonly offset?: number;
  readonly cursor?: string;
  readonly count?: boolean;
}

/** Filter of {@link Store.listOutbox}. */
export interface OutboxQuery {
  readonly partner?: string;
  readonly state?: DeliveryState;
  /** The outbox item of one journaled message. */
  readonly messageId?: number;
  readonly limit?: number;
  readonly offset?: number;
  readonly cursor?: string;
  readonly count?: boolean;
}

/** Counts returned by {@link Store.pruneContent}. */
export interface PruneResult {
  readonly messages: number;
  readonly webhooks: number;
  readonly batches: number;
}

/** Exponential backoff of failed deliveries: `min(maxMs, baseMs * factor^(attempt-1))`, minus jitter. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly factor: number;
  readonly maxMs: number;
  /** Fraction in [0, 1] of the delay that is randomised away, to spread retries of many items. */
  readonly jitter: number;
  /** Park an item after this many failed attempts; `Infinity` retries for ever. */
  readonly maxAttempts: number;
}

/**
 * Group commit of inbound messages: how long a message may wait for others to share its commit, and
 * how many share one at most.
 */
export interface GroupCommitOptions {
  /** Longest wait, from the first message of a group, for more messages to join it (default 2 ms). */
  readonly maxWaitMs: number;
  /** Most messages committed together (default 64); 1 gives every message its own commit. */
  readonly maxMessages: number;
}

/** Engine-independent options of {@link openStore}. */
export interface StoreOptions {
  /** Backoff of outbox and webhook retries; defaults: 1 s, ×2, 5 min, 20 % jitter, no attempt limit. */
  readonly backoff?: Partial<BackoffPolicy>;
  /** Clock in epoch milliseconds; tests inject a fake one to step over leases and backoffs. */
  readonly now?: () => number;
  /** Random source in [0, 1) used for jitter. */
  readonly random?: () => number;
  /** SQLite: busy timeout in ms when another process holds the write lock (default 5000). */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL: schema holding the tables (created when missing); default `public`. */
  readonly schema?: string;
  /** PostgreSQL: pool size (default 10). */
  readonly poolSize?: number;
  /**
   * SQLite: take the database for this process alone, with a lock file `<database>.lock` holding the
   * pid. Another live process holding it makes `open` fail with `TLR_ERR_STORE_LOCKED`; the file of a
   * dead process is taken over. The gateway asks for it: two processes sending from one outbox would
   * steal each other's leases. Ignored on PostgreSQL, where instances share a database by design.
   */
  readonly exclusive?: boolean;
  /**
   * Extra words an order is found by in `listOrders({ text })`, from its stored data (the store does
   * not know the shape of that data): the gateway adds the patient's name. Placer number and patient
   * id are always searchable.
   */
  readonly orderSearchTerms?: (order: OrderRecord) => readonly (string | null | undefined)[];
  /**
   * Group commit of {@link Store.recordInbound}: messages arriving together (on any connection) are
   * committed in one transaction, one savepoint each, and each call resolves only after that commit.
   * Default `{ maxWaitMs: 2, maxMessages: 64 }`; `false` gives every message its own transaction.
   */
  readonly groupCommit?: GroupCommitOptions | false;
  /** Told the number of messages of every commit group as it starts (the gateway's metric). */
  readonly onCommitGroup?: (messages: number) => void;
}

/** An HTTP response kept for an idempotency key, replayed to a retry of the same request. */
export interface StoredResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** What {@link Store.claimIdempotencyKey} found. */
export type IdempotencyClaim =
  | { readonly state: 'new' }
  /** Another request with this key has not finished yet. */
  | { readonly state: 'in_progress'; readonly sameRequest: boolean }
  | { readonly state: 'done'; readonly sameRequest: boolean; readonly response: StoredResponse };

/** Engine name, for logs and metrics. */
export type StoreEngine = 'sqlite' | 'postgres';

/**
 * Durable storage of the gateway: message journal, orders and their transitions, outbox per partner,
 * webhook outbox, retention. Two engines implement it: {@link SqliteStore} and {@link PostgresStore}.
 */
export interface Store {
  readonly engine: StoreEngine;

  /** Highest applied schema migration. */
  schemaVersion(): Promise<number>;

  /**
   * Commit, then acknowledge. In ONE transaction: detects a re-delivery by (MSH-3, MSH-4, MSH-10) among
   * accepted messages with the same bytes or the same {@link InboundMessage.contentDigest} and returns
   * the original ACK without calling `decide` (a different message under that control id is journaled
   * and handed to `decide` with `reusedControlId`); otherwise journals the
   * message, calls `decide` (which applies the workflow through `tx` and returns the ACK), stores the
   * ACK and commits. The caller writes the ACK on the wire only after this promise resolves, so an `AA`
   * never leaves for a message that is not durably stored with its consequences. If `decide` throws,
   * the transaction is rolled back and nothing is stored: the caller sends no ACK (or a transient AR)
   * and the sender retries.
   *
   * Only `AA` messages take part in re-delivery detection: after `AR` ("may be sent again later") or
   * `AE` a message with the same MSH-10 is processed again, and every attempt stays in the journal.
   */
  recordInbound<D extends InboundDecision>(message: InboundMessage, decide: InboundDecider<D>): Promise<InboundOutcome<D>>;

  /** Runs `work` in one transaction (immediate on SQLite), committing when it resolves. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  /** Convenience: {@link StoreTransaction.enqueueOutbound} in its own transaction. */
  enqueueOutbound(input: OutboundInput): Promise<EnqueuedOutbound>;

  getMessage(id: number): Promise<MessageDetail | null>;
  listMessages(query?: MessageQuery): Promise<Page<MessageRecord>>;

  getOrder(role: WorkflowRole, key: OrderKey): Promise<OrderRecord | null>;
  listOrders(query?: OrderQuery): Promise<Page<OrderRecord>>;
  orderTransitions(orderId: number): Promise<readonly OrderTransitionRecord[]>;

  /**
   * Claims the oldest deliverable message of a partner for `leaseMs`. A message is deliverable when it is
   * due (pending and its next attempt time has come, or in flight with an expired lease) and no earlier
   * message of the same partner and order key is still undelivered (pending, in flight or parked), and
   * the partner's lane is not paused.
   */
  claimNext(partner: string, workerId: string, leaseMs: number): Promise<OutboxClaim | null>;
  /**
   * Records the AA of the partner: the item is done. With `leaseToken` (what workers pass), a lease
   * taken over by another worker since is refused (`lease_lost`) and nothing changes; without it
   * (tools, tests) the confirmation is unconditional.
   */
  markDelivered(id: number, ack: AckRecord, leaseToken?: number): Promise<DeliveredOutcome>;
  /** Schedules a retry with backoff, or parks the item (non-retryable, or attempts exhausted); fenced like {@link markDelivered}. */
  markFailed(id: number, failure: DeliveryFailure, leaseToken?: number): Promise<FailureOutcome>;
  /** Operator action: puts a parked item back at the head of its lane, attempts counted from zero. */
  retryParked(id: number): Promise<void>;
  /**
   * Hands back every outbox and webhook item leased to `workerIds` (made due at once), so that what a
   * dead worker left in flight is resent immediately instead of after the lease (the receiver
   * deduplicates by MSH-10). On PostgreSQL a worker id registered by a live process
   * ({@link registerWorkers}) is skipped: its leases are never taken from it.
   * @returns the number of items released
   */
  releaseLeases(workerIds: readonly string[]): Promise<number>;
  /**
   * Registers the worker ids of this process until {@link close}. On PostgreSQL each id is held by a
   * session advisory lock on a connection of its own: that lock is how other instances know the
   * process is alive (the server drops it when the process or its connection dies). Fails with
   * `TLR_ERR_STORE_WORKER_IN_USE` when a live process holds one of the ids.
   */
  registerWorkers(workerIds: readonly string[]): Promise<void>;
  /**
   * Releases the leases of registered workers whose process is dead (PostgreSQL: its lock is free;
   * SQLite opened `exclusive`: every worker but this process's), then forgets them. Leases of ids that
   * were never registered (older releases) are left to expire.
   * @returns the number of items released
   */
  releaseOrphanedLeases(): Promise<number>;
  /** Operator action: drops a parked item so that later messages of its order can go. */
  discardParked(id: number, reason: string): Promise<void>;
  getOutboxItem(id: number): Promise<OutboxItem | null>;
  /** Outbox items, oldest first (the delivery order); `next` pages forward. */
  listOutbox(query?: OutboxQuery): Promise<Page<OutboxItem>>;
  outboxDepth(): Promise<readonly OutboxDepth[]>;
  /**
   * The partners with an outbox item due now (pending and due, or in flight with an expired lease): one
   * query for a gateway with many partners, instead of one poll per lane.
   */
  duePartners(): Promise<readonly string[]>;
  /** Lanes an operator paused or resumed ({@link StoreTransaction.setPartnerPaused}), by partner. */
  partnerLanes(): Promise<readonly PartnerLaneRecord[]>;
  /** The last message journaled with each partner (index look-ups, one per partner). */
  partnerActivity(partners: readonly string[]): Promise<readonly PartnerActivity[]>;
  /**
   * Gives the orders recorded without a partner (`''`: before schema version 8, or by a caller that named
   * none) to `partner`; the gateway does it at start when it has one partner. Returns how many.
   */
  adoptOrdersWithoutPartner(partner: string): Promise<number>;
  /** Delivery attempts of an outbox item, oldest first. */
  outboxAttempts(id: number): Promise<readonly DeliveryAttempt[]>;

  enqueueWebhook(input: WebhookInput): Promise<number>;
  /**
   * Moves the destinations of the message `controlId` that are in one of `from` to `to` (the PFI
   * acknowledged it: `sent`; refused it or attempts ran out: `parked`, with `text`); returns the rows moved.
   */
  markPublications(
    controlId: string,
    from: readonly PublicationStatus[],
    to: PublicationStatus,
    text?: string,
  ): Promise<readonly PublicationRecord[]>;
  /** The publications of an order's reports, oldest first. */
  listPublications(orderKey: string): Promise<readonly PublicationRecord[]>;
  claimNextWebhook(workerId: string, leaseMs: number): Promise<WebhookClaim | null>;
  markWebhookDelivered(id: number, result: WebhookAttemptResult, leaseToken?: number): Promise<DeliveredOutcome>;
  markWebhookFailed(id: number, failure: WebhookFailure, leaseToken?: number): Promise<FailureOutcome>;
  retryWebhook(id: number): Promise<void>;
  listWebhookDeliveries(query?: WebhookQuery): Promise<Page<WebhookDelivery>>;
  /** Pending, failing and parked webhook deliveries. */
  webhookDepth(): Promise<WebhookDepth>;

  /** Every alert's stored state, by name. */
  alertStates(): Promise<readonly AlertStateRecord[]>;
  /** Operator actions of the audit log, oldest first. */
  listOperatorActions(query?: OperatorActionQuery): Promise<readonly OperatorActionRecord[]>;
  webhookAttempts(id: number): Promise<readonly DeliveryAttempt[]>;

  /**
   * Retention: removes message bytes (and delivered webhook payloads) older than `olderThanDays`, in
   * batches of `batchSize` rows each in its own short transaction, keeping all metadata and ACKs.
   * Messages still waiting in the outbox are never pruned.
   */
  pruneContent(olderThanDays: number, options?: { batchSize?: number }): Promise<PruneResult>;

  /**
   * Idempotency keys of API requests (`Idempotency-Key` header): the first request with a key in a
   * scope (an API client) claims it, runs, then stores its response; a retry gets that response.
   */
  claimIdempotencyKey(scope: string, key: string, fingerprint: string): Promise<IdempotencyClaim>;
  completeIdempotencyKey(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claimed key whose request failed without an answer worth replaying (5xx), so a retry runs again. */
  releaseIdempotencyKey(scope: string, key: string): Promise<void>;
  /** Removes keys claimed before `before`; returns how many. */
  pruneIdempotencyKeys(before: Date): Promise<number>;

  close(): Promise<void>;
}

/** Canonical text form of an order key, used as the outbox ordering lane: `authority|placerNumber`. */
export function formatOrderKey(key: OrderKey): string {
  return `${key.assigningAuthority}|${key.placerNumber}`;
}
