import type { Message } from '../../hl7/index.js';
import { formatLocation } from '../../hl7/index.js';
import type { Finding, FlowProfile, RuleDefinition } from '../../profiles/index.js';
import { FindingCollector, defineRule, locationOf, valueAt } from '../../profiles/index.js';
import { applyEvent, type TransitionResult } from '../apply-event.js';
import type { OrderEvent } from '../order-event.js';
import type { OrderState, WorkflowRole } from '../order-state.js';
import type { OrderHistoryView } from './history-view.js';
import { messageFingerprint, messageKey, patientIdentifierKeysOf, placerNumberOf } from './history-view.js';

/**
 * Stateful workflow rules (conformance-checklist.md §12, README.md §5.3) as findings, for the offline
 * validator and for the gateway alike.
 *
 * Why here and not in `profiles/`: the state rules (TLR-WF-002…010) are the cells of
 * {@link TRANSITION_TABLE}, which the gateway applies through the store. The validator layer sits
 * below `workflow/` and cannot import the table, so it used to keep a second, hand-written copy that
 * drifted from it. This module sits above both: it asks {@link applyEvent} for the verdict and turns
 * it into a finding, so offline and gateway answers come from one table. It is a sub-module of
 * `workflow/` that `workflow/index.ts` does not re-export: the store imports the workflow core and
 * must never reach the validator through it.
 *
 * An `error` maps to MSA-1 = AR (the message is correct, the order state refuses it);
 * `ackForValidation` does that from the 0357 codes 204/205/207.
 */

const rule = (
  id: string,
  severity: 'error' | 'warning',
  condition: RuleDefinition['condition'],
  profiles: FlowProfile[],
  summary: string,
): RuleDefinition => defineRule({ id, severity, condition, profiles, scope: 'message', summary, evaluate: () => undefined });

export const MSH_016 = rule(
  'TLR-MSH-016',
  'warning',
  '205',
  ['flux1', 'flux2', 'flux3', 'flux4'],
  'MSH-10 not already used by the same sender (MSH-3 + MSH-4) for a different message.',
);
export const WF_001 = rule(
  'TLR-WF-001',
  'warning',
  '0',
  ['flux1', 'flux2', 'flux3', 'flux4'],
  'Re-delivery: same (MSH-3, MSH-4, MSH-10) already processed → do not reprocess, answer with the same ACK.',
);
export const WF_002 = rule('TLR-WF-002', 'error', '205', ['flux1'], 'The placer number is not already known.');
export const WF_003 = rule('TLR-WF-003', 'error', '204', ['flux2'], 'The placer number refers to a known order.');
export const WF_004 = rule('TLR-WF-004', 'error', '207', ['flux2'], 'The order has not reached COMPLEMENTED (no flow 4 received).');
export const WF_005 = rule('TLR-WF-005', 'warning', '207', ['flux2'], 'The order is already CANCELLED or REJECTED (no-op, answer AA).');
export const WF_006 = rule('TLR-WF-006', 'error', '204', ['flux3'], 'The placer number refers to an order sent by this RIS.');
export const WF_007 = rule(
  'TLR-WF-007',
  'warning',
  '207',
  ['flux3'],
  'The order is CANCELLED (crossing messages): keep it cancelled, answer AA with an ERR W.',
);
export const WF_008 = rule('TLR-WF-008', 'error', '207', ['flux3'], 'The order has not already received a flow-3 decision.');
export const WF_009 = rule('TLR-WF-009', 'error', '204', ['flux4'], 'The placer number refers to a known order.');
export const WF_010 = rule('TLR-WF-010', 'error', '207', ['flux4'], 'The order state is ACCEPTED or COMPLEMENTED.');
export const WF_011 = rule(
  'TLR-WF-011',
  'warning',
  '204',
  ['flux2', 'flux3', 'flux4'],
  'At least one PID-3 identifier (CX.1 + CX.4) equals one sent with the order in flow 1.',
);
export const WF_012 = rule(
  'TLR-WF-012',
  'warning',
  '205',
  ['flux4'],
  'The StudyInstanceUID was not already received for a different order.',
);

/** Every workflow rule (for documentation and listings). */
export const WORKFLOW_RULES: readonly RuleDefinition[] = [
  MSH_016,
  WF_001,
  WF_002,
  WF_003,
  WF_004,
  WF_005,
  WF_006,
  WF_007,
  WF_008,
  WF_009,
  WF_010,
  WF_011,
  WF_012,
];

const BY_ID = new Map(WORKFLOW_RULES.map((r) => [r.id, r]));

/** The rule answering for a flow's order-state cells when a cell names none. */
const STATE_RULE: Record<FlowProfile, RuleDefinition> = { flux1: WF_002, flux2: WF_004, flux3: WF_008, flux4: WF_010 };

/** The side that receives each flow (README §5.1): its copy of the order is the one that judges the message. */
export const RECEIVER_OF: Readonly<Record<FlowProfile, WorkflowRole>> = {
  flux1: 'platform',
  flux2: 'platform',
  flux3: 'ris',
  flux4: 'platform',
};

/** The workflow event a message of a flow carries (flow 3: ORC-1 `OK` accepts, `OC` refuses). */
export function eventOfFlow(message: Message, profile: FlowProfile): OrderEvent {
  switch (profile) {
    case 'flux1':
      return { type: 'order' };
    case 'flux2':
      return { type: 'cancellation' };
    case 'flux3':
      return { type: 'decision', accepted: message.segment('ORC')?.get(1) === 'OK' };
    case 'flux4':
      return { type: 'postExamInfo' };
  }
}

/**
 * The finding of a workflow verdict, if any: a refusal is an `error` with the cell's 0357 code, an
 * acceptance with a warning is a `warning` (condition `207`, as the gateway writes it on the `AA`).
 * The severity is the verdict's, not the rule's default: TLR-WF-010 is an error in the checklist, but
 * the table accepts post-exam information after a report with a warning (a choice documented there).
 */
export function transitionFinding(
  transition: TransitionResult,
  profile: FlowProfile,
  location: string,
  order: string,
): Finding | undefined {
  const r = (transition.rule !== undefined ? BY_ID.get(transition.rule) : undefined) ?? STATE_RULE[profile];
  if (!transition.accept) {
    return {
      severity: 'error',
      rule: r.id,
      location,
      message: `Order ${order} (state ${transition.from}): ${transition.message}`,
      condition: transition.errorCode,
    };
  }
  if (transition.warning !== undefined) {
    return {
      severity: 'warning',
      rule: r.id,
      location,
      message: `Order ${order} (state ${transition.from}): ${transition.warning}`,
      condition: '207',
    };
  }
  return undefined;
}

/** What {@link historyFindings} compares a message with: what the order history says beyond its state. */
export type HistoryFacts = Pick<OrderHistoryView, 'patientIdentifiers' | 'studyInstanceUids'>;

/**
 * The history rules that do not depend on the order state: TLR-WF-011 (the patient is the one of
 * flow 1) and TLR-WF-012 (a StudyInstanceUID belongs to one order). Both are warnings: they never
 * turn an `AA` into an `AR`.
 */
export function historyFindings(message: Message, profile: FlowProfile, facts: HistoryFacts): Finding[] {
  const out = new FindingCollector();
  const key = placerNumberOf(message);
  const order = key ?? '(no ORC-2)';
  const known = facts.patientIdentifiers;
  if (profile !== 'flux1' && known && known.size > 0) {
    const pid = message.segment('PID');
    if (!patientIdentifierKeysOf(message).some((id) => known.has(id))) {
      out.add(
        WF_011,
        pid ? locationOf(message, pid, '3') : 'PID',
        `None of the patient identifiers of PID-3 is one sent with order ${order} in flow 1: ` +
          `check that the message designates the same patient`,
      );
    }
  }
  if (profile === 'flux4' && facts.studyInstanceUids && key !== undefined) {
    for (const ipc of message.all('IPC')) {
      const uid = valueAt(ipc, '3.1');
      const other = facts.studyInstanceUids.get(uid);
      if (uid !== '' && other !== undefined && other !== key) {
        out.add(
          WF_012,
          formatLocation({ segment: 'IPC', occurrence: message.occurrenceOf(ipc), field: 3, component: 1 }),
          `StudyInstanceUID ${uid} was already received for order ${other}`,
        );
      }
    }
  }
  return out.findings;
}

/**
 * Judges a message (already validated, of profile `profile`) in the light of the order history, as
 * the receiving gateway would: the order-state verdict is {@link applyEvent} on the receiver's copy
 * ({@link RECEIVER_OF}), then the history rules. A re-delivery (TLR-WF-001) returns only that finding:
 * the message must not be processed again.
 */
export function evaluateWorkflow(message: Message, profile: FlowProfile, view: OrderHistoryView): Finding[] {
  const out = new FindingCollector();
  const header = message.header;
  const fingerprint = view.processedMessages?.get(messageKey(header));
  if (fingerprint !== undefined) {
    if (fingerprint === messageFingerprint(message)) {
      out.add(
        WF_001,
        locationOf(message, message.msh, '10'),
        `Message ${header.controlId} from ${header.sendingApplication}/${header.sendingFacility} was already processed: ` +
          `do not process it again, answer with the original ACK`,
      );
      return out.findings;
    }
    out.add(
      MSH_016,
      locationOf(message, message.msh, '10'),
      `Control id ${header.controlId} was already used by ${header.sendingApplication}/${header.sendingFacility} ` +
        `for a different message: MSH-10 must be unique per sender`,
    );
  }

  const orc = message.segment('ORC');
  const key = placerNumberOf(message);
  const where = orc ? locationOf(message, orc, '2') : 'ORC';
  const state: OrderState = view.state === 'NONE' && key !== undefined && view.knownPlacerNumbers?.has(key) ? 'REQUESTED' : view.state;
  const finding = transitionFinding(
    applyEvent(state, eventOfFlow(message, profile), RECEIVER_OF[profile]),
    profile,
    where,
    key ?? '(no ORC-2)',
  );
  const findings = [...out.findings];
  if (finding) findings.push(finding);
  return [...findings, ...historyFindings(message, profile, view)];
}
