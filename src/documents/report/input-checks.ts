import { OID } from './cda-codes.js';
import { InputChecker } from '../cda/input-checker.js';
import type { InputProblem } from './errors.js';
import { isDicomUid, isOid } from '../cda/identifiers.js';
import type { ImagingReportInput } from './input.js';

export { nationalIdentifierProblem } from '../cda/input-checker.js';

/**
 * Checks an input before generation and lists every problem, so that the host fixes them all at
 * once. These are the constraints a CDA cannot be valid without (identifier shapes, INS traits,
 * mandatory codes); value-set membership of codes is left to `validateCda`.
 */
export function checkImagingReportInput(input: ImagingReportInput, level: 1 | 3): InputProblem[] {
  const check = new InputChecker();
  const { document: doc, patient, exam, content } = input;
  check.document(doc);
  check.patient(patient);

  check.professional('radiologist', input.radiologist);
  check.organisation('platform', input.platform);
  check.organisation('facility', input.facility);
  if (input.facility) {
    check.coded('facility.facilityType', input.facility.facilityType);
    check.coded('facility.practiceSetting', input.facility.practiceSetting);
    if (input.facility.responsiblePhysician) check.professional('facility.responsiblePhysician', input.facility.responsiblePhysician);
  }
  if (input.legalAuthenticator === 'facility-responsible-physician' && !input.facility?.responsiblePhysician) {
    check.add('facility.responsiblePhysician', "required when legalAuthenticator is 'facility-responsible-physician'");
  }
  if (input.orderingProvider) check.professional('orderingProvider', input.orderingProvider);
  check.coded('encounterCode', input.encounterCode, false);

  check.text('order.placerOrderNumber.value', input.order?.placerOrderNumber?.value);
  if (!isOid(input.order?.placerOrderNumber?.authorityOid ?? '')) check.add('order.placerOrderNumber.authorityOid', 'must be an OID');

  if (!exam) check.add('exam', 'required');
  else {
    check.text('exam.accessionNumber.value', exam.accessionNumber?.value);
    if (!isOid(exam.accessionNumber?.authorityOid ?? '')) check.add('exam.accessionNumber.authorityOid', 'must be an OID');
    if (!isDicomUid(exam.studyInstanceUid ?? ''))
      check.add('exam.studyInstanceUid', 'must be a DICOM UID (digits and dots, at most 64 characters)');
    check.coded('exam.actCode', exam.actCode, true, OID.loinc);
    check.coded('exam.ccamCode', exam.ccamCode, false);
    check.coded('exam.modality', exam.modality, true, OID.dicomDcm);
    (exam.regions ?? []).forEach((r, i) => {
      check.coded(`exam.regions[${i}]`, r, true, OID.snomedCt);
    });
    check.coded('exam.anatomicalLocation', exam.anatomicalLocation, level === 3, OID.snomedCt);
    check.coded('exam.laterality', exam.laterality, false, OID.snomedCt);
    check.date('exam.startedAt', exam.startedAt);
    if (exam.endedAt !== undefined) {
      check.date('exam.endedAt', exam.endedAt);
      if (exam.endedAt.getTime() < exam.startedAt?.getTime()) check.add('exam.endedAt', 'is before exam.startedAt');
    }
    if (exam.catalog?.seriesInstanceUid !== undefined && !isDicomUid(exam.catalog.seriesInstanceUid))
      check.add('exam.catalog.seriesInstanceUid', 'must be a DICOM UID');
    if (exam.catalog?.sopInstanceUid !== undefined && !isDicomUid(exam.catalog.sopInstanceUid))
      check.add('exam.catalog.sopInstanceUid', 'must be a DICOM UID');
    check.coded('exam.catalog.sopClass', exam.catalog?.sopClass, false, OID.dicomUid);
  }

  if (input.viewer) {
    check.text('viewer.partialUrl', input.viewer.partialUrl);
    const days = input.viewer.imageRetentionDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 0))
      check.add('viewer.imageRetentionDays', 'must be a non-negative integer');
  }

  if (!content) check.add('content', 'required');
  else {
    const needsText = level === 3 || content.pdf === undefined;
    if (needsText) check.text('content.conclusion', content.conclusion);
    (content.contraIndications ?? []).forEach((c, i) => {
      check.coded(`content.contraIndications[${i}]`, c);
    });
  }
  return check.problems;
}
