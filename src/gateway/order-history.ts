import type { Message } from '../hl7/index.js';
import type { OrderKey, OrderRecord, StudyOwner } from '../store/index.js';
import type { HistoryFacts } from '../workflow/checks/index.js';
import { patientIdentifierKeysOfPatient, placerNumberKey } from '../workflow/checks/index.js';
import { orderDataOf } from './order-data.js';

/** The StudyInstanceUIDs (IPC-3.1) of a flow-4 message, as the order records them. */
export function studyInstanceUidsOf(message: Message): string[] {
  return message
    .all('IPC')
    .map((ipc) => ipc.get('3.1'))
    .filter((uid) => uid !== '');
}

/**
 * What TLR-WF-011 and TLR-WF-012 compare a message with, from what the store holds: the patient
 * identifiers of the order as flow 1 gave them (its stored patient), and the other orders the
 * message's StudyInstanceUIDs were already received with ({@link StoreTransaction.ordersOfStudies}).
 */
export function historyFactsOf(key: OrderKey, order: OrderRecord | null, owners: readonly StudyOwner[]): HistoryFacts {
  const patient = orderDataOf(order).order?.patient;
  const own = placerNumberKey(key.placerNumber, key.assigningAuthority);
  const others = new Map<string, string>();
  for (const o of owners) {
    const other = placerNumberKey(o.key.placerNumber, o.key.assigningAuthority);
    if (other !== own && !others.has(o.studyInstanceUid)) others.set(o.studyInstanceUid, other);
  }
  return {
    ...(patient ? { patientIdentifiers: new Set(patientIdentifierKeysOfPatient(patient)) } : {}),
    studyInstanceUids: others,
  };
}
