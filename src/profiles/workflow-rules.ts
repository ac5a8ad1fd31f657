import { createHash } from 'node:crypto';
import type { Message, MessageHeader } from '../hl7/index.js';
import { formatLocation } from '../hl7/index.js';
import type { RuleDefinition } from './rules/rule.js';
import { FindingCollector, defineRule, locationOf, valueOf } from './rules/rule.js';
import type { Finding, FlowProfile } from './types.js';

/**
 * Stateful workflow rules (conformance-checklist.md §12, README.md §5.3), as a pure function over
 * what the receiver knows of the order history. The caller (the gateway) looks the history up and
 * passes a view; nothing here reads storage. An `error` maps to MSA-1 = AR (the message is correct,
 * the order state refuses it); `ackForValidation` does that from the 0357 codes 204/205/207.
 */

/** Order states of README.md §5.1 (same names as the workflow layer). */
export type OrderState = 'NONE' | 'REQUESTED' | 'CANCELLED' | 'ACCEPTED' | 'REJECTED' | 'EXAM_DONE' | 'COMPLEMENTED' | 'REPORTED' | 'PUBLISHED';

/** The receiver's knowledge of the order a message refers to. */
export interface OrderHistoryView {
  /** State of the order identified by the message's placer number (ORC-2.1 + ORC-2.3); `NONE` when unknown. */
  state: OrderState;
  /** Placer numbers known to this side, as {@link placerNumberKey} keys. */
  knownPlacerNumbers: ReadonlySet<string>;
  /**
   * Messages already processed from the same senders: {@link messageKey} → {@link messageFingerprint}.
   * Same key and fingerprint: a re-delivery (TLR-WF-001); same key, other content: a reused control id (TLR-MSH-016).
   */
  processedMessages?: ReadonlyMap<string, string>;
  /** Patient identifiers sent with the order in flow 1, as {@link patientIdentifierKey} keys (TLR-WF-011). */
  patientIdentifiers?: ReadonlySet<string>;
  /** StudyInstanceUIDs already received → placer-number key of their order (TLR-WF-012). */
  studyInstanceUids?: ReadonlyMap<string, string>;
}

/** Order key: ORC-2.1 and ORC-2.3 (entity identifier and assigning authority). */
export function placerNumberKey(entityIdentifier: string, universalId: string): string {
  return `${entityIdentifier}^${universalId}`;
}

/** The placer-number key of a message (its first ORC). */
export function placerNumberOf(message: Message): string | undefined {
  const orc = message.segment('ORC');
  if (!orc) return undefined;
  return placerNumberKey(valueOf(orc, '2.1'), valueOf(orc, '2.3'));
}

/** Re-delivery key: sender application, sender facility and control id (MSH-3, MSH-4, MSH-10). */
export function messageKey(header: MessageHeader): string {
  return [header.raw.sendingApplication, header.raw.sendingFacility, header.controlId].join('|');
}

/** Content fingerprint of a message (SHA-256 of its ER7 text), to tell a re-delivery from a reused control id. */
export function messageFingerprint(message: Message): string {
  return createHash('sha256').update(message.toString()).digest('hex');
}

/** Patient identifier key: CX.1 and the assigning authority (CX.4.1 namespace, CX.4.2 universal id). */
export function patientIdentifierKey(id: string, namespaceId: string, universalId: string): string {
  return `${id}^${namespaceId}&${universalId}`;
}

const rule = (id: string, severity: 'error' | 'warning', condition: RuleDefinition['condition'], profiles: FlowProfile[], summary: string): RuleDefinition =>
  defineRule({ id, severity, condition, profiles, scope: 'message', summary, evaluate: () => undefined });

export const MSH_016 = rule('TLR-MSH-016', 'warning', '205', ['flux1', 'flux2', 'flux3', 'flux4'], 'MSH-10 not already used by the same sender (MSH-3 + MSH-4) for a different message.');
export const WF_001 = rule('TLR-WF-001', 'warning', '0', ['flux1', 'flux2', 'flux3', 'flux4'], 'Re-delivery: same (MSH-3, MSH-4, MSH-10) already processed → do not reprocess, answer with the same ACK.');
export const WF_002 = rule('TLR-WF-002', 'error', '205', ['flux1'], 'The placer number is not already known.');
export const WF_003 = rule('TLR-WF-003', 'error', '204', ['flux2'], 'The placer number refers to a known order.');
export const WF_004 = rule('TLR-WF-004', 'error', '207', ['flux2'], 'The order has not reached COMPLEMENTED (no flow 4 received).');
export const WF_005 = rule('TLR-WF-005', 'warning', '207', ['flux2'], 'The order is already CANCELLED or REJECTED (no-op, answer AA).');
export const WF_006 = rule('TLR-WF-006', 'error', '204', ['flux3'], 'The placer number refers to an order sent by this RIS.');
export const WF_007 = rule('TLR-WF-007', 'warning', '207', ['flux3'], 'The order is CANCELLED (crossing messages): keep it cancelled, answer AA with an ERR W.');
export const WF_008 = rule('TLR-WF-008', 'error', '207', ['flux3'], 'The order has not already received a flow-3 decision.');
export const WF_009 = rule('TLR-WF-009', 'error', '204', ['flux4'], 'The placer number refers to a known order.');
export const WF_010 = rule('TLR-WF-010', 'error', '207', ['flux4'], 'The order state is ACCEPTED or COMPLEMENTED.');
export const WF_011 = rule('TLR-WF-011', 'warning', '204', ['flux2', 'flux3', 'flux4'], 'At least one PID-3 identifier (CX.1 + CX.4) equals one sent with the order in flow 1.');
export const WF_012 = rule('TLR-WF-012', 'warning', '205', ['flux4'], 'The StudyInstanceUID was not already received for a different order.');

/** Every workflow rule (for documentation and listings). */
export const WORKFLOW_RULES: readonly RuleDefinition[] = [MSH_016, WF_001, WF_002, WF_003, WF_004, WF_005, WF_006, WF_007, WF_008, WF_009, WF_010, WF_011, WF_012];

const AFTER_COMPLEMENT: readonly OrderState[] = ['COMPLEMENTED', 'REPORTED', 'PUBLISHED'];
const DECIDED: readonly OrderState[] = ['ACCEPTED', 'REJECTED', 'EXAM_DONE', 'COMPLEMENTED', 'REPORTED', 'PUBLISHED'];
/** EXAM_DONE is the RIS-internal state between acceptance and flow 4 (README.md §5.2). */
const COMPLEMENT_ALLOWED: readonly OrderState[] = ['ACCEPTED', 'EXAM_DONE', 'COMPLEMENTED'];

/**
 * Judges a message (already validated, of profile `profile`) in the light of the order history.
 * A re-delivery (TLR-WF-001) returns only that finding: the message must not be processed again.
 */
export function evaluateWorkflow(message: Message, profile: FlowProfile, view: OrderHistoryView): Finding[] {
  const out = new FindingCollector();
  const msh = message.msh;
  const header = message.header;
  const fingerprint = view.processedMessages?.get(messageKey(header));
  if (fingerprint !== undefined) {
    if (fingerprint === messageFingerprint(message)) {
      out.add(WF_001, locationOf(message, msh, '10'), `Message ${header.controlId} from ${header.sendingApplication}/${header.sendingFacility} was already processed: do not process it again, answer with the original ACK`);
      return out.findings;
    }
    out.add(MSH_016, locationOf(message, msh, '10'), `Control id ${header.controlId} was already used by ${header.sendingApplication}/${header.sendingFacility} for a different message: MSH-10 must be unique per sender`);
  }

  const orc = message.segment('ORC');
  const key = placerNumberOf(message);
  const where = orc ? locationOf(message, orc, '2') : 'ORC';
  const known = key !== undefined && (view.knownPlacerNumbers.has(key) || view.state !== 'NONE');
  const state = known ? view.state : 'NONE';
  const order = key ?? '(no ORC-2)';

  switch (profile) {
    case 'flux1':
      if (known) out.add(WF_002, where, `Order ${order} already exists (state ${state}): a new request cannot reuse its placer number, and modifying a request is out of scope of the volet`);
      break;
    case 'flux2':
      if (!known) out.add(WF_003, where, `Cancellation of unknown order ${order}: no request with this placer number was received`);
      else if (AFTER_COMPLEMENT.includes(state)) out.add(WF_004, where, `Cancellation not allowed after post-exam information: order ${order} is ${state}`);
      else if (state === 'CANCELLED' || state === 'REJECTED') out.add(WF_005, where, `Order ${order} is already ${state}: the cancellation changes nothing`);
      break;
    case 'flux3':
      if (!known) out.add(WF_006, where, `Response for unknown order ${order}: this RIS sent no request with this placer number`);
      else if (state === 'CANCELLED') out.add(WF_007, where, `Order ${order} was cancelled while the response was on its way: it stays cancelled`);
      else if (DECIDED.includes(state)) out.add(WF_008, where, `Order ${order} already has a decision (state ${state}): changing or repeating a decision is out of scope of the volet`);
      break;
    case 'flux4':
      if (!known) out.add(WF_009, where, `Post-exam information for unknown order ${order}: no request with this placer number was received`);
      else if (!COMPLEMENT_ALLOWED.includes(state)) out.add(WF_010, where, `Post-exam information for order ${order} in state ${state}: exams are performed only after the request was accepted`);
      break;
  }

  if (profile !== 'flux1' && view.patientIdentifiers && view.patientIdentifiers.size > 0) {
    const pid = message.segment('PID');
    const ids = pid ? pid.repetitions(3).map((r) => patientIdentifierKey(r.get(1).trim(), r.get(4, 1).trim(), r.get(4, 2).trim())) : [];
    if (!ids.some((id) => view.patientIdentifiers!.has(id))) {
      out.add(WF_011, pid ? locationOf(message, pid, '3') : 'PID', `None of the patient identifiers of PID-3 is one sent with order ${order} in flow 1: check that the message designates the same patient`);
    }
  }

  if (profile === 'flux4' && view.studyInstanceUids && key !== undefined) {
    for (const ipc of message.all('IPC')) {
      const uid = valueOf(ipc, '3.1');
      const other = view.studyInstanceUids.get(uid);
      if (uid !== '' && other !== undefined && other !== key) {
        out.add(WF_012, formatLocation({ segment: 'IPC', occurrence: message.occurrenceOf(ipc), field: 3, component: 1 }), `StudyInstanceUID ${uid} was already received for order ${other}`);
      }
    }
  }
  return out.findings;
}
