import type { Message } from '../../hl7/index.js';
import type { Cancellation } from '../model/cancellation.js';
import type { CancellationMessage } from '../model/tlr-message.js';
import { compact } from './compact.js';
import { readContext } from './header.js';
import { groupSegments } from './message-groups.js';
import { fieldOf, readDateTime, readFacilityParties, readOidIdentifier, readReason } from './order-fields.js';
import { readPatient, readVisit } from './patient.js';

/** Maps a parsed flow-2 message to the domain, without validating it (first ORDER group). */
export function cancellationFromMessage(message: Message): CancellationMessage {
  const groups = groupSegments(message);
  const orc = groups.orders[0]?.orc;
  const cancellation: Cancellation = compact({
    placerOrderNumber: readOidIdentifier(fieldOf(orc, 2)),
    patient: readPatient(groups.pid),
    visit: readVisit(groups.pv1),
    cancelledAt: readDateTime(orc, 9),
    ...readFacilityParties(orc),
    reason: readReason(fieldOf(orc, 16)),
  });
  return { kind: 'cancellation', context: readContext(message), cancellation };
}
