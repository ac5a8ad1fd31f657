import { EVENTS_BY_ROLE, type OrderEvent } from './order-event.js';
import type { OrderState, WorkflowRole } from './order-state.js';
import { TRANSITION_TABLE, type TransitionRule, type WorkflowErrorCode } from './transition-table.js';

/** The event is consistent with the order state: apply it and acknowledge with `AA`. */
export interface AcceptedTransition {
  readonly accept: true;
  readonly from: OrderState;
  readonly next: OrderState;
  /** `false` for idempotent or informational events (e.g. a second cancellation). */
  readonly changed: boolean;
  readonly ack: 'AA';
  /** Present when the `AA` should carry an ERR with severity `W` (README §5.3). */
  readonly warning?: string;
  readonly rule?: string;
}

/** The event makes no sense in the current state: keep the order as is and answer `AR`. */
export interface RejectedTransition {
  readonly accept: false;
  readonly from: OrderState;
  readonly ack: 'AR';
  /** ERR-3 (HL7 table 0357), with ERR-4 = `E`. */
  readonly errorCode: WorkflowErrorCode;
  /** For ERR-8 (User Message); never contains patient data. */
  readonly message: string;
  readonly rule?: string;
}

/** Outcome of {@link applyEvent}. */
export type TransitionResult = AcceptedTransition | RejectedTransition;

/**
 * Applies a domain event to an order state, following {@link TRANSITION_TABLE} (README §5.2–§5.3).
 *
 * Pure: no I/O, no clock. The role restricts the vocabulary: a platform never handles the RIS-internal
 * events `examPerformed` and `published` (answered `AR`/`207`). For locally originated actions (e.g. a
 * RIS about to send flow 4) a rejection means "do not send": the peer would answer the same `AR`.
 *
 * Re-delivery of an already processed message is not handled here but by the message journal, which
 * re-sends the original ACK without reaching the workflow (TLR-WF-001).
 */
export function applyEvent(state: OrderState, event: OrderEvent, role: WorkflowRole): TransitionResult {
  if (!EVENTS_BY_ROLE[role].includes(event.type)) {
    return { accept: false, from: state, ack: 'AR', errorCode: '207', message: `a ${role} does not handle ${event.type} events` };
  }
  const rule = TRANSITION_TABLE[event.type][state] as TransitionRule;
  if (rule.kind === 'reject') {
    return withRule({ accept: false, from: state, ack: 'AR', errorCode: rule.errorCode, message: rule.message }, rule.rule);
  }
  const next = typeof rule.next === 'function' ? rule.next(event, state) : rule.next;
  const accepted: AcceptedTransition = { accept: true, from: state, next, changed: next !== state, ack: 'AA' };
  return withRule(rule.warning === undefined ? accepted : { ...accepted, warning: rule.warning }, rule.rule);
}

function withRule<T extends TransitionResult>(result: T, rule: string | undefined): T {
  return rule === undefined ? result : { ...result, rule };
}
