import { OID } from '../cda/cda-oids.js';
import type { CodedValue, HealthProfessional, Modality, Organisation, Quantity } from '../../tlr/index.js';
import type { ImagingRequestInput, RequestImagingFacility } from './input.js';
import { REQUEST_CODE, TA_ASIP } from './request-codes.js';

/**
 * The flow-1 values as CDA concepts: the order names codes without their code system (the place fixes it),
 * the CDA needs `@codeSystem` and `@displayName` on each (the code stands in for a missing display).
 */
export function concept(value: CodedValue, codeSystem: string, codeSystemName: string): CodedValue {
  return {
    code: value.code,
    display: value.display ?? value.code,
    codeSystem: value.codeSystem ?? codeSystem,
    codeSystemName: value.codeSystemName ?? codeSystemName,
  };
}

/** The requested modality (JDV_Modalite_demandeActeImagerie_CISIS): a DICOM code or a CI-SIS code (`MED-1126`…). */
export function modalityConcept(input: ImagingRequestInput): CodedValue {
  const m: Modality = input.order.requestedModality;
  return m.codingSystem === 'DCM' ? concept(m, OID.dicomDcm, 'DCM') : concept(m, TA_ASIP, 'TA_ASIP');
}

/** The requested acts: one per anatomical region (the DA-IMG allows one laterality qualifier per act). */
export function requestedSites(input: ImagingRequestInput): { region: CodedValue; qualifier?: CodedValue }[] {
  return input.order.anatomicalRegions.map((r) => {
    const site: { region: CodedValue; qualifier?: CodedValue } = { region: concept(r.region, OID.snomedCt, 'SNOMED CT') };
    if (r.qualifier) site.qualifier = concept(r.qualifier, OID.snomedCt, 'SNOMED CT');
    return site;
  });
}

/** The requesting physician: the host's, else the order's responsible professional. */
export function prescriberOf(input: ImagingRequestInput): HealthProfessional {
  return input.prescriber ?? input.order.responsibleProfessional;
}

/** The facility as the prescriber's organisation (with its practice setting). */
export function facilityOf(input: ImagingRequestInput): RequestImagingFacility & Organisation {
  return input.facility;
}

/** Contra-indications, with the pregnancy of the order (`pregnant: true`) as `77386006` when the host did not list it. */
export function contraIndicationsOf(input: ImagingRequestInput): CodedValue[] {
  const list = [...(input.clinical?.contraIndications ?? [])];
  if (input.order.pregnant === true && !list.some((c) => c.code === REQUEST_CODE.pregnant.code)) list.unshift(REQUEST_CODE.pregnant);
  return list;
}

/** Lines of measurements: height and weight of the order, creatinine clearance of the clinical data. */
export function measurementLines(input: ImagingRequestInput): string[] {
  const q = (label: string, v: Quantity | undefined): string | undefined => (v ? `${label} : ${v.value} ${v.unit}` : undefined);
  return [
    q('Taille', input.order.height),
    q('Poids', input.order.weight),
    q('Clairance de la créatinine', input.clinical?.creatinineClearance),
  ].filter((l): l is string => l !== undefined);
}

/** The pregnancy status as text. */
export function pregnancyText(input: ImagingRequestInput): string {
  return input.order.pregnant === true ? 'Enceinte' : input.order.pregnant === false ? 'Pas de grossesse' : 'Non renseigné';
}

/** The history of the order (one line per entry, with its relevance). */
export function historyLines(input: ImagingRequestInput): string[] {
  return (input.order.medicalHistory ?? []).map((h) =>
    h.relevance ? `${h.text} (${h.relevance.toLowerCase().replace('_', ' ')})` : h.text,
  );
}
