import type { OrderEvent, OrderEventType } from './order-event.js';
import type { OrderState } from './order-state.js';

/** HL7 table 0357 codes used for workflow rejections (README §5.3, ack.md §5.1). */
export type WorkflowErrorCode = '204' | '205' | '207';

/** A cell of the transition table: what happens when an event meets a state. */
export type TransitionRule<E extends OrderEvent = OrderEvent> =
  | {
      readonly kind: 'accept';
      /** Next state, fixed or computed from the event (flow 3 decision, report deletion). */
      readonly next: OrderState | ((event: E, state: OrderState) => OrderState);
      /** Reported as an ERR with severity `W` on the `AA` (README §5.3 "AA + ERR W"). */
      readonly warning?: string;
      /** Conformance-checklist rule id (section WF) this cell implements, when there is one. */
      readonly rule?: string;
    }
  | {
      readonly kind: 'reject';
      readonly errorCode: WorkflowErrorCode;
      /** Human-readable reason, meant for ERR-8 (User Message). */
      readonly message: string;
      readonly rule?: string;
    };

/** One row per event type, one cell per state: every combination is spelled out. */
export type TransitionTable = {
  readonly [K in OrderEventType]: Readonly<Record<OrderState, TransitionRule<Extract<OrderEvent, { type: K }>>>>;
};

type NextState<E extends OrderEvent> = OrderState | ((event: E, state: OrderState) => OrderState);

const to = <E extends OrderEvent>(next: NextState<E>, rule?: string): TransitionRule<E> =>
  rule === undefined ? { kind: 'accept', next } : { kind: 'accept', next, rule };
const stay = <E extends OrderEvent>(state: OrderState, warning: string, rule?: string): TransitionRule<E> =>
  rule === undefined ? { kind: 'accept', next: state, warning } : { kind: 'accept', next: state, warning, rule };
const reject = <E extends OrderEvent>(errorCode: WorkflowErrorCode, message: string, rule?: string): TransitionRule<E> =>
  rule === undefined ? { kind: 'reject', errorCode, message } : { kind: 'reject', errorCode, message, rule };

const UNKNOWN_ORDER = 'unknown placer order number';

/**
 * The order workflow as data, README §5.2 (transitions) and §5.3 (messages that make no sense in the
 * current state). Re-delivery of an already processed message (same MSH-3, MSH-4, MSH-10, rule
 * TLR-WF-001) never reaches this table: the message journal answers it with the original ACK.
 *
 * This table is the only statement of the order-state rules: the gateway applies it through the
 * store, and the offline validator derives its TLR-WF findings from it (`checks/workflow-rules.ts`).
 *
 * Choices where the guide is silent, made so that a worklist never shows more progress than is real:
 * - `cancellation` in `EXAM_DONE` is allowed: the guide forbids cancelling only once the post-exam
 *   complement (flow 4) process has started.
 * - `postExamInfo` in `REPORTED`/`PUBLISHED` is accepted (one request may yield several exams, each
 *   with its own report) and moves the order back to `COMPLEMENTED`: a report is awaited again. The
 *   cell names TLR-WF-010, whose letter (ACCEPTED or COMPLEMENTED only) it relaxes: the `AA` carries
 *   the rule as a warning.
 * - `report` before any flow 4, or on a cancelled/refused order, is rejected with `207`.
 * - `report` in `PUBLISHED` (report of a further exam) and `reportReplaced` in `PUBLISHED` go back to
 *   `REPORTED`: the new version still has to be published (the RIS must publish it unchanged).
 * - `reportDeleted` goes back to `COMPLEMENTED` when no report remains in force, so the order shows
 *   as waiting for a report again; otherwise the state is kept.
 */
export const TRANSITION_TABLE: TransitionTable = {
  order: {
    NONE: to('REQUESTED'),
    REQUESTED: reject('205', 'placer order number already used by an existing order', 'TLR-WF-002'),
    CANCELLED: reject('205', 'placer order number already used by an existing order', 'TLR-WF-002'),
    ACCEPTED: reject('205', 'placer order number already used by an existing order', 'TLR-WF-002'),
    REJECTED: reject('205', 'placer order number already used by an existing order', 'TLR-WF-002'),
    EXAM_DONE: reject('205', 'placer order number already used by an existing order', 'TLR-WF-002'),
    COMPLEMENTED: reject('205', 'placer order number already used by an existing order', 'TLR-WF-002'),
    REPORTED: reject('205', 'placer order number already used by an existing order', 'TLR-WF-002'),
    PUBLISHED: reject('205', 'placer order number already used by an existing order', 'TLR-WF-002'),
  },
  cancellation: {
    NONE: reject('204', `cancellation of an ${UNKNOWN_ORDER}`, 'TLR-WF-003'),
    REQUESTED: to('CANCELLED', 'TLR-WF-004'),
    CANCELLED: stay('CANCELLED', 'order already cancelled; nothing changed', 'TLR-WF-005'),
    ACCEPTED: to('CANCELLED', 'TLR-WF-004'),
    REJECTED: stay('REJECTED', 'order already refused by the platform; nothing changed', 'TLR-WF-005'),
    EXAM_DONE: to('CANCELLED', 'TLR-WF-004'),
    COMPLEMENTED: reject('207', 'cancellation not allowed after post-exam information', 'TLR-WF-004'),
    REPORTED: reject('207', 'cancellation not allowed after post-exam information', 'TLR-WF-004'),
    PUBLISHED: reject('207', 'cancellation not allowed after post-exam information', 'TLR-WF-004'),
  },
  decision: {
    NONE: reject('204', `decision for an ${UNKNOWN_ORDER}`, 'TLR-WF-006'),
    REQUESTED: to((event) => (event.accepted ? 'ACCEPTED' : 'REJECTED'), 'TLR-WF-008'),
    CANCELLED: stay('CANCELLED', 'decision crossed a cancellation: the order stays cancelled', 'TLR-WF-007'),
    ACCEPTED: reject('207', 'the order already has a decision; changing it is out of scope', 'TLR-WF-008'),
    REJECTED: reject('207', 'the order already has a decision; changing it is out of scope', 'TLR-WF-008'),
    EXAM_DONE: reject('207', 'the order already has a decision; changing it is out of scope', 'TLR-WF-008'),
    COMPLEMENTED: reject('207', 'the order already has a decision; changing it is out of scope', 'TLR-WF-008'),
    REPORTED: reject('207', 'the order already has a decision; changing it is out of scope', 'TLR-WF-008'),
    PUBLISHED: reject('207', 'the order already has a decision; changing it is out of scope', 'TLR-WF-008'),
  },
  examPerformed: {
    NONE: reject('204', `exam performed for an ${UNKNOWN_ORDER}`),
    REQUESTED: reject('207', 'exam performed before the order was accepted'),
    CANCELLED: reject('207', 'exam performed for a cancelled order'),
    ACCEPTED: to('EXAM_DONE'),
    REJECTED: reject('207', 'exam performed for a refused order'),
    EXAM_DONE: to('EXAM_DONE'),
    COMPLEMENTED: to('COMPLEMENTED'),
    REPORTED: to('REPORTED'),
    PUBLISHED: to('PUBLISHED'),
  },
  postExamInfo: {
    NONE: reject('204', `post-exam information for an ${UNKNOWN_ORDER}`, 'TLR-WF-009'),
    REQUESTED: reject('207', 'post-exam information before the order was accepted', 'TLR-WF-010'),
    CANCELLED: reject('207', 'post-exam information for a cancelled order', 'TLR-WF-010'),
    ACCEPTED: to('COMPLEMENTED', 'TLR-WF-010'),
    REJECTED: reject('207', 'post-exam information for a refused order', 'TLR-WF-010'),
    EXAM_DONE: to('COMPLEMENTED', 'TLR-WF-010'),
    COMPLEMENTED: to('COMPLEMENTED', 'TLR-WF-010'),
    REPORTED: stay('COMPLEMENTED', 'post-exam information after a report: a further report is awaited', 'TLR-WF-010'),
    PUBLISHED: stay('COMPLEMENTED', 'post-exam information after a report: a further report is awaited', 'TLR-WF-010'),
  },
  report: {
    NONE: reject('204', `report for an ${UNKNOWN_ORDER}`),
    REQUESTED: reject('207', 'report before post-exam information'),
    CANCELLED: reject('207', 'report for a cancelled order'),
    ACCEPTED: reject('207', 'report before post-exam information'),
    REJECTED: reject('207', 'report for a refused order'),
    EXAM_DONE: reject('207', 'report before post-exam information'),
    COMPLEMENTED: to('REPORTED'),
    REPORTED: to('REPORTED'),
    PUBLISHED: to('REPORTED'),
  },
  reportReplaced: {
    NONE: reject('204', `report replacement for an ${UNKNOWN_ORDER}`),
    REQUESTED: reject('207', 'replacement of a report that was never sent'),
    CANCELLED: reject('207', 'replacement of a report that was never sent'),
    ACCEPTED: reject('207', 'replacement of a report that was never sent'),
    REJECTED: reject('207', 'replacement of a report that was never sent'),
    EXAM_DONE: reject('207', 'replacement of a report that was never sent'),
    COMPLEMENTED: reject('207', 'replacement of a report that was never sent'),
    REPORTED: to('REPORTED'),
    PUBLISHED: to('REPORTED'),
  },
  reportDeleted: {
    NONE: reject('204', `report deletion for an ${UNKNOWN_ORDER}`),
    REQUESTED: reject('207', 'deletion of a report that was never sent'),
    CANCELLED: reject('207', 'deletion of a report that was never sent'),
    ACCEPTED: reject('207', 'deletion of a report that was never sent'),
    REJECTED: reject('207', 'deletion of a report that was never sent'),
    EXAM_DONE: reject('207', 'deletion of a report that was never sent'),
    COMPLEMENTED: reject('207', 'deletion of a report that was never sent'),
    REPORTED: to((event) => (event.remainingReports > 0 ? 'REPORTED' : 'COMPLEMENTED')),
    PUBLISHED: to((event) => (event.remainingReports > 0 ? 'PUBLISHED' : 'COMPLEMENTED')),
  },
  published: {
    NONE: reject('204', `publication for an ${UNKNOWN_ORDER}`),
    REQUESTED: reject('207', 'publication without a report'),
    CANCELLED: reject('207', 'publication without a report'),
    ACCEPTED: reject('207', 'publication without a report'),
    REJECTED: reject('207', 'publication without a report'),
    EXAM_DONE: reject('207', 'publication without a report'),
    COMPLEMENTED: reject('207', 'publication without a report'),
    REPORTED: to('PUBLISHED'),
    PUBLISHED: stay('PUBLISHED', 'report already published; nothing changed'),
  },
};
