import type { Message } from '../../hl7/index.js';
import type { Cancellation } from '../model/cancellation.js';
import type { MessageContextInput } from '../model/message-context.js';
import { MESSAGE_TYPES, OBR_PROCEDURE, ORDER_CONTROL } from '../vocabulary.js';
import { finishMessage } from './finish.js';
import { createBusinessMessage } from './header.js';
import { requireDateTime } from './input-checks.js';
import { writeFacilityOrder } from './order-segments.js';
import { writePatient, writeVisit } from './patient-segments.js';

/**
 * Builds flow 2, the cancellation of an imaging request (ORM^O01^ORM_O01, ORC-1 `CA`), per
 * `flux2-annulation.md`: `MSH, PID, PV1, ORC, OBR` — ORC-9 the cancellation time, ORC-16 the
 * optional reason, no OBSERVATION group.
 */
export function buildCancellationMessage(cancellation: Cancellation, context: MessageContextInput): Message {
  const c = cancellation;
  const message = createBusinessMessage(context, MESSAGE_TYPES.cancellation);
  writePatient(message, c.patient, 'cancellation.patient');
  writeVisit(message, c.visit, 'cancellation.visit');

  writeFacilityOrder(
    message,
    ORDER_CONTROL.cancel,
    OBR_PROCEDURE.cancellation,
    {
      placerOrderNumber: c.placerOrderNumber,
      at: requireDateTime(c.cancelledAt, 'cancellation.cancelledAt'),
      responsibleProfessional: c.responsibleProfessional,
      remoteRadiologist: c.remoteRadiologist,
      callbackPhone: c.callbackPhone,
      reason: c.reason,
      imagingFacility: c.imagingFacility,
    },
    'cancellation',
  );
  return finishMessage(message);
}
