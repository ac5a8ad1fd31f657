import type { Message } from '../../hl7/index.js';
import type { Cancellation } from '../model/cancellation.js';
import type { MessageContextInput } from '../model/message-context.js';
import { MESSAGE_TYPES, OBR_PROCEDURE, ORDER_CONTROL, ORGANISATION_TYPE } from '../vocabulary.js';
import { finishMessage } from './finish.js';
import { createBusinessMessage } from './header.js';
import { requireDateTime } from './input-checks.js';
import {
  addObr, addOrc, organisationComponents, phoneComponents, professionalComponents, reasonComponents, setEnteringOrganisationType,
} from './order-segments.js';
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

  const orc = addOrc(message, ORDER_CONTROL.cancel, c.placerOrderNumber, 'cancellation.placerOrderNumber');
  orc.setRaw(9, requireDateTime(c.cancelledAt, 'cancellation.cancelledAt'));
  if (c.remoteRadiologist) orc.setComponents(11, professionalComponents(c.remoteRadiologist, 'cancellation.remoteRadiologist'));
  const ordering = professionalComponents(c.responsibleProfessional, 'cancellation.responsibleProfessional');
  orc.setComponents(12, ordering);
  if (c.callbackPhone !== undefined) orc.setComponents(14, phoneComponents(c.callbackPhone, 'cancellation.callbackPhone'));
  if (c.reason) orc.setComponents(16, reasonComponents(c.reason, 'cancellation.reason'));
  setEnteringOrganisationType(orc, ORGANISATION_TYPE.imagingFacility);
  orc.setComponents(21, organisationComponents(c.imagingFacility, 'cancellation.imagingFacility'));

  const obr = addObr(message, c.placerOrderNumber, 'cancellation.placerOrderNumber', OBR_PROCEDURE.cancellation);
  obr.setComponents(16, ordering);
  return finishMessage(message);
}
