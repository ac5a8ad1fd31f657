import { OID } from '../cda/cda-oids.js';
import { isOid } from '../cda/identifiers.js';
import { InputChecker } from '../cda/input-checker.js';
import type { InputProblem } from '../cda/input-checker.js';
import type { ImagingRequestInput } from './input.js';
import { modalityConcept } from './request-concepts.js';

/**
 * Checks a request input before generation and lists every problem: the constraints a DA-IMG cannot be
 * valid without (INS traits, identifiers, the requested modality and sites, the studied function of a
 * PET or a scintigraphy). Value-set membership of codes is left to `validateCda`.
 */
export function checkImagingRequestInput(input: ImagingRequestInput, level: 1 | 3): InputProblem[] {
  const check = new InputChecker();
  check.document(input.document);
  const { order, clinical } = input;
  if (!order) {
    check.add('order', 'required');
    return check.problems;
  }
  check.patient(order.patient);
  check.text('order.placerOrderNumber.value', order.placerOrderNumber?.value);
  if (!isOid(order.placerOrderNumber?.authorityOid ?? '')) check.add('order.placerOrderNumber.authorityOid', 'must be an OID');
  check.professional(input.prescriber ? 'prescriber' : 'order.responsibleProfessional', input.prescriber ?? order.responsibleProfessional);
  check.organisation('facility', input.facility);
  if (input.facility) {
    check.coded('facility.facilityType', input.facility.facilityType);
    check.coded('facility.practiceSetting', input.facility.practiceSetting);
  }
  check.coded('encounterCode', input.encounterCode, false);
  if (level === 3) {
    check.text('order.justification', order.justification);
    if (!order.requestedModality) check.add('order.requestedModality', 'required');
    else check.coded('order.requestedModality', modalityConcept(input));
    if (!order.anatomicalRegions?.length) check.add('order.anatomicalRegions', 'at least one region is required');
    (order.anatomicalRegions ?? []).forEach((r, i) => {
      check.text(`order.anatomicalRegions[${i}].region.code`, r.region?.code);
      if (r.qualifier) check.text(`order.anatomicalRegions[${i}].qualifier.code`, r.qualifier.code);
    });
    const code = order.requestedModality?.code;
    if ((code === 'PT' || code === 'NM') && !clinical?.studiedFunction)
      check.add('clinical.studiedFunction', `required for a ${code === 'PT' ? 'PET' : 'scintigraphy'} request (MED-1133)`);
    check.coded('clinical.studiedFunction', clinical?.studiedFunction, false);
    check.coded('clinical.contrastInjection', clinical?.contrastInjection, false);
    (clinical?.contraIndications ?? []).forEach((c, i) => {
      check.coded(`clinical.contraIndications[${i}]`, c);
    });
    (clinical?.careInformation ?? []).forEach((c, i) => {
      check.coded(`clinical.careInformation[${i}]`, c);
    });
    if (clinical?.urgency) check.text('clinical.urgency.justification', clinical.urgency.justification);
  }
  if (clinical?.wishedBefore !== undefined) check.date('clinical.wishedBefore', clinical.wishedBefore);
  if (
    order.requestedModality?.codingSystem === 'DCM' &&
    order.requestedModality.codeSystem &&
    order.requestedModality.codeSystem !== OID.dicomDcm
  )
    check.add('order.requestedModality.codeSystem', `a DCM modality has code system ${OID.dicomDcm}`);
  return check.problems;
}
