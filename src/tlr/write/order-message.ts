import type { Message } from '../../hl7/index.js';
import type { ImagingOrder } from '../model/imaging-order.js';
import type { MessageContextInput } from '../model/message-context.js';
import { TlrBuildError } from '../errors.js';
import { CODING_SYSTEM, COMMENT_TYPE, MESSAGE_TYPES, OBR_PROCEDURE, OBSERVATION, ORDER_CONTROL } from '../vocabulary.js';
import { finishMessage } from './finish.js';
import { createBusinessMessage } from './header.js';
import { decimal, requireDateTime, requireNonEmpty, requireText } from './input-checks.js';
import { ObservationWriter, repeatedSubId } from './observations.js';
import { writeFacilityOrder } from './order-segments.js';
import { writePatient, writeVisit } from './patient-segments.js';

/**
 * Builds flow 1, the transmission of an imaging request (ORM^O01^ORM_O01, ORC-1 `NW`), exactly as
 * `flux1-transmission.md` lays it out:
 *
 * `MSH, PID, PV1, ORC, OBR, NTE*` (purpose), then the OBSERVATION groups with OBX-11 `O`: modality
 * (+ NTE comments), anatomical region(s) `n.1`/`n.2`, history (OBX-8 relevance), height, weight,
 * pregnancy status.
 *
 * Throws `TlrBuildError` when a required value is missing or malformed. The result is ready for
 * `toBytes()` (encoded per MSH-18).
 */
export function buildOrderMessage(order: ImagingOrder, context: MessageContextInput): Message {
  const message = createBusinessMessage(context, MESSAGE_TYPES.order);
  writePatient(message, order.patient, 'order.patient');
  writeVisit(message, order.visit, 'order.visit');

  const { obr } = writeFacilityOrder(
    message,
    ORDER_CONTROL.newOrder,
    OBR_PROCEDURE.order,
    {
      placerOrderNumber: order.placerOrderNumber,
      at: requireDateTime(order.requestedAt, 'order.requestedAt'),
      responsibleProfessional: order.responsibleProfessional,
      remoteRadiologist: order.remoteRadiologist,
      callbackPhone: order.callbackPhone,
      imagingFacility: order.imagingFacility,
    },
    'order',
  );
  obr.set(13, requireText(order.justification, 'order.justification'));
  (order.purposeNotes ?? []).forEach((n, i) => {
    const nte = message.addSegment('NTE');
    nte.set(3, requireText(n, `order.purposeNotes[${i}]`));
    nte.setComponents(4, [COMMENT_TYPE.examPurpose, '', COMMENT_TYPE.codingSystem]);
  });

  const obx = new ObservationWriter(message, 'O');
  obx.modality(order.requestedModality, 'order.requestedModality');
  obx.anatomicalRegions(requireNonEmpty(order.anatomicalRegions, 'order.anatomicalRegions'), 'order.anatomicalRegions');
  const history = order.medicalHistory ?? [];
  history.forEach((h, i) => {
    const subId = repeatedSubId(i, history.length);
    obx.add({
      valueType: 'FT',
      identifier: OBSERVATION.medicalHistory,
      codingSystem: OBSERVATION.loincCodingSystem,
      ...(subId ? { subId } : {}),
      value: [requireText(h.text, `order.medicalHistory[${i}].text`)],
      ...(h.relevance ? { abnormalFlag: h.relevance } : {}),
    });
  });
  if (order.height) {
    obx.add({
      valueType: 'NM',
      identifier: OBSERVATION.bodyHeight,
      codingSystem: OBSERVATION.loincCodingSystem,
      value: [decimal(order.height.value, 'order.height.value')],
      unit: requireText(order.height.unit, 'order.height.unit'),
    });
  }
  if (order.weight) {
    obx.add({
      valueType: 'NM',
      identifier: OBSERVATION.bodyWeight,
      codingSystem: OBSERVATION.loincCodingSystem,
      value: [decimal(order.weight.value, 'order.weight.value')],
      unit: requireText(order.weight.unit, 'order.weight.unit'),
    });
  }
  if (order.pregnant !== undefined) {
    if (typeof order.pregnant !== 'boolean') {
      throw new TlrBuildError('TLR_ERR_BUILD_INVALID_VALUE', 'order.pregnant', 'must be true, false or absent');
    }
    obx.add({
      valueType: 'CE',
      identifier: OBSERVATION.pregnancyStatus,
      codingSystem: OBSERVATION.loincCodingSystem,
      value: [order.pregnant ? 'Y' : 'N', '', CODING_SYSTEM.pregnancyStatus],
    });
  }
  return finishMessage(message);
}
