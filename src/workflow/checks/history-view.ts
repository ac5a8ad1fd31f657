import { createHash } from 'node:crypto';
import type { Message, MessageHeader } from '../../hl7/index.js';
import { Message as Hl7Message } from '../../hl7/index.js';
import type { Patient } from '../../tlr/index.js';
import { writePatient } from '../../tlr/write/patient-segments.js';
import type { OrderState } from '../order-state.js';

/** The receiver's knowledge of the order a message refers to. */
export interface OrderHistoryView {
  /** State of the order identified by the message's placer number (ORC-2.1 + ORC-2.3); `NONE` when unknown. */
  state: OrderState;
  /**
   * Placer numbers known to this side, as {@link placerNumberKey} keys. A listed key whose `state` is
   * `NONE` is an order whose state the caller did not record: it is judged as a `REQUESTED` one (the
   * state every order starts in), so that a known placer number is never taken for a new order.
   */
  knownPlacerNumbers?: ReadonlySet<string>;
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
  return placerNumberKey(orc.get('2.1'), orc.get('2.3'));
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

/** The {@link patientIdentifierKey} keys of the PID-3 repetitions of a message (none without PID). */
export function patientIdentifierKeysOf(message: Message): string[] {
  const pid = message.segment('PID');
  return pid ? pid.repetitions(3).map((r) => patientIdentifierKey(r.get(1).trim(), r.get(4, 1).trim(), r.get(4, 2).trim())) : [];
}

/**
 * The {@link patientIdentifierKey} keys of a patient as the order stored it. The patient is written
 * as PID by the same writer that builds flow 1 and read back as a received PID-3 is, so the keys of
 * a stored order and of an incoming message cannot drift apart (the INS namespace, for instance, is
 * decided in one place). A patient that cannot be written (no identifier) has no keys.
 */
export function patientIdentifierKeysOfPatient(patient: Patient): string[] {
  const scratch = Hl7Message.create({});
  try {
    writePatient(scratch, patient, 'patient');
  } catch {
    return [];
  }
  return patientIdentifierKeysOf(scratch);
}
