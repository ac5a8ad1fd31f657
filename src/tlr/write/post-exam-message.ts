import type { Message } from '../../hl7/index.js';
import type { MessageContextInput } from '../model/message-context.js';
import type { PerformedExam, PostExamInfo } from '../model/post-exam-info.js';
import { TlrBuildError } from '../errors.js';
import { AUTHORITY, CODING_SYSTEM, MESSAGE_TYPES, OBR_PROCEDURE, OBSERVATION, ORDER_CONTROL, RETENTION_UNIT } from '../vocabulary.js';
import { finishMessage } from './finish.js';
import { createBusinessMessage } from './header.js';
import { decimal, optionalText, requireDateTime, requireNonEmpty, requireText } from './input-checks.js';
import { ObservationWriter } from './observations.js';
import { addObr, addOrc, oidIdentifierComponents } from './order-segments.js';
import { writePatient, writeVisit } from './patient-segments.js';

/**
 * Builds flow 4, the post-exam complementary information (OMI^O23^OMI_O23, ORC-1 `SR`), per
 * `flux4-complement.md`: `MSH, PID, PV1`, then one ORDER group per performed exam —
 * `ORC, TQ1 (retention days, exam date), OBR, OBX…, IPC` — all carrying the request's placer
 * number. OBX (OBX-11 `F`): viewer URL (ED base64), performed act (LOINC), region(s), modality
 * (+ NTE), administered products (`n.1` ATC, `n.2` lot, `n.3` quantity), device (`n.1` UDI, `n.2` model).
 */
export function buildPostExamMessage(info: PostExamInfo, context: MessageContextInput): Message {
  const message = createBusinessMessage(context, MESSAGE_TYPES.postExamInfo);
  writePatient(message, info.patient, 'postExamInfo.patient');
  writeVisit(message, info.visit, 'postExamInfo.visit');
  requireNonEmpty(info.exams, 'postExamInfo.exams').forEach((exam, i) => {
    writeExam(message, info, exam, `postExamInfo.exams[${i}]`);
  });
  return finishMessage(message);
}

function writeExam(message: Message, info: PostExamInfo, exam: PerformedExam, path: string): void {
  addOrc(message, ORDER_CONTROL.statusResponse, info.placerOrderNumber, 'postExamInfo.placerOrderNumber');

  const tq1 = message.addSegment('TQ1');
  if (!Number.isInteger(exam.imageRetentionDays) || exam.imageRetentionDays <= 0) {
    throw new TlrBuildError('TLR_ERR_BUILD_INVALID_VALUE', `${path}.imageRetentionDays`, 'must be a positive whole number of days');
  }
  tq1.setComponents(6, [decimal(exam.imageRetentionDays, `${path}.imageRetentionDays`), RETENTION_UNIT]);
  tq1.setRaw(7, requireDateTime(exam.performedAt, `${path}.performedAt`));

  addObr(message, info.placerOrderNumber, 'postExamInfo.placerOrderNumber', OBR_PROCEDURE.postExamInfo);

  const obx = new ObservationWriter(message, 'F');
  const url = requireText(exam.viewerUrl, `${path}.viewerUrl`);
  obx.add({
    valueType: 'ED',
    identifier: OBSERVATION.viewerUrl,
    codingSystem: OBSERVATION.localCodingSystem,
    // Base64 because the partial URL carries characters (&, ?, %) that collide with ER7 delimiters and escapes.
    value: ['', 'TEXT', '', 'Base64', Buffer.from(url, 'utf8').toString('base64')],
  });
  const procedureCode = requireText(exam.procedure.code, `${path}.procedure.code`);
  obx.add({
    valueType: 'CE',
    identifier: OBSERVATION.performedProcedure,
    codingSystem: OBSERVATION.localCodingSystem,
    value: [procedureCode, optionalText(exam.procedure.display), CODING_SYSTEM.loinc],
  });
  if (exam.anatomicalRegions && exam.anatomicalRegions.length > 0)
    obx.anatomicalRegions(exam.anatomicalRegions, `${path}.anatomicalRegions`);
  if (exam.modality) obx.modality(exam.modality, `${path}.modality`);
  (exam.administeredProducts ?? []).forEach((p, i) => {
    const n = i + 1;
    const at = `${path}.administeredProducts[${i}]`;
    const id = { identifier: OBSERVATION.administeredProduct, codingSystem: OBSERVATION.localCodingSystem };
    obx.add({
      ...id,
      valueType: 'CE',
      subId: `${n}.1`,
      value: [requireText(p.atc.code, `${at}.atc.code`), optionalText(p.atc.display), CODING_SYSTEM.atc],
    });
    const lot = requireText(p.lotNumber, `${at}.lotNumber`);
    // The table types the lot NM; real lots are often alphanumeric, which only TX can carry (flux4 I-1).
    obx.add({ ...id, valueType: /^[0-9]+$/.test(lot) ? 'NM' : 'TX', subId: `${n}.2`, value: [lot] });
    if (p.quantity) {
      obx.add({
        ...id,
        valueType: 'NM',
        subId: `${n}.3`,
        value: [decimal(p.quantity.value, `${at}.quantity.value`)],
        unit: requireText(p.quantity.unit, `${at}.quantity.unit`),
      });
    }
  });
  if (exam.device && (exam.device.identifier !== undefined || exam.device.model !== undefined)) {
    const id = { identifier: OBSERVATION.imagingDevice, codingSystem: OBSERVATION.localCodingSystem, valueType: 'TX' as const };
    if (exam.device.identifier !== undefined)
      obx.add({ ...id, subId: '1.1', value: [requireText(exam.device.identifier, `${path}.device.identifier`)] });
    if (exam.device.model !== undefined) obx.add({ ...id, subId: '1.2', value: [requireText(exam.device.model, `${path}.device.model`)] });
  }

  const ipc = message.addSegment('IPC');
  const procedureId = [procedureCode, '', AUTHORITY.loincOid, 'ISO'];
  ipc.setComponents(1, oidIdentifierComponents(exam.accessionNumber, `${path}.accessionNumber`));
  ipc.setComponents(2, procedureId);
  ipc.set(3, requireText(exam.studyInstanceUid, `${path}.studyInstanceUid`));
  ipc.setComponents(4, procedureId);
}
