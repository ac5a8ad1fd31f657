import type { CodedValue, HealthProfessional, Organisation, Telecom } from '../../tlr/index.js';
import { INS_OID } from '../../tlr/index.js';
import { OID } from './cda-codes.js';
import { structureIdNat } from './cda-elements.js';
import type { InputProblem } from './errors.js';
import { isDicomUid, isOid, isUid } from './identifiers.js';
import { PROFESSIONAL_TITLES } from './input.js';
import type { ImagingReportInput, InstanceIdentifier } from './input.js';

/** Why an organisation cannot be named in the CDA (a unit code is no national structure identifier); undefined when it can. */
export function nationalIdentifierProblem(o: Organisation): string | undefined {
  if (structureIdNat(o) !== undefined) return undefined;
  return `a ${o.identifierType} unit code is not a national structure identifier; the CDA needs FINESS or IDNST`;
}

/**
 * Checks an input before generation and lists every problem, so that the host fixes them all at
 * once. These are the constraints a CDA cannot be valid without (identifier shapes, INS traits,
 * mandatory codes); value-set membership of codes is left to `validateCda`.
 */
export function checkImagingReportInput(input: ImagingReportInput, level: 1 | 3): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (path: string, message: string): void => void problems.push({ path, message });
  const text = (path: string, value: string | undefined): void => {
    if (typeof value !== 'string' || value.trim().length === 0) add(path, 'required, must not be empty');
  };
  const date = (path: string, value: Date | undefined): void => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) add(path, 'required, must be a valid Date');
  };
  const uid = (path: string, id: InstanceIdentifier | undefined): void => {
    if (!id) return;
    if (!isUid(id.root)) add(`${path}.root`, `"${id.root}" is not an OID or UUID`);
    if (id.extension !== undefined && id.extension.trim().length === 0) add(`${path}.extension`, 'must not be empty when present');
  };
  const coded = (path: string, c: CodedValue | undefined, required = true, codeSystem?: string): void => {
    if (!c) {
      if (required) add(path, 'required');
      return;
    }
    text(`${path}.code`, c.code);
    text(`${path}.display`, c.display);
    if (!isOid(c.codeSystem ?? '')) add(`${path}.codeSystem`, `"${c.codeSystem}" is not an OID`);
    else if (codeSystem && c.codeSystem !== codeSystem) add(`${path}.codeSystem`, `expected ${codeSystem}, got ${c.codeSystem}`);
  };
  const telecoms = (path: string, list: Telecom[] | undefined): void => {
    (list ?? []).forEach((t, i) => {
      if (!/^(tel|fax|mailto|http|https|ftp|mllp):.+/.test(t.value))
        add(`${path}[${i}].value`, 'must be a URL: tel:, fax:, mailto:, http(s):, ftp: or mllp:');
    });
  };
  const professional = (path: string, p: HealthProfessional | undefined): void => {
    if (!p) {
      add(path, 'required');
      return;
    }
    text(`${path}.idNat`, p.idNat);
    text(`${path}.familyName`, p.familyName);
    if (p.prefix !== undefined && !(PROFESSIONAL_TITLES as readonly string[]).includes(p.prefix)) {
      add(`${path}.prefix`, `must be a title of JDV_J246_Titre_CISIS (${PROFESSIONAL_TITLES.join(', ')})`);
    }
    coded(`${path}.specialty`, p.specialty, false);
    telecoms(`${path}.telecoms`, p.telecoms);
  };
  const organisation = (path: string, o: Organisation | undefined): void => {
    if (!o) {
      add(path, 'required');
      return;
    }
    text(`${path}.identifier`, o.identifier);
    const notNational = o.identifier?.trim() ? nationalIdentifierProblem(o) : undefined;
    if (notNational) add(`${path}.identifierType`, notNational);
    text(`${path}.name`, o.name);
    coded(`${path}.practiceSetting`, o.practiceSetting, false);
    if (o.telecom) telecoms(`${path}.telecom`, [o.telecom]);
  };

  const { document: doc, patient, exam, content } = input;
  date('document.effectiveTime', doc.effectiveTime);
  if (doc.signedAt !== undefined) date('document.signedAt', doc.signedAt);
  uid('document.id', doc.id);
  uid('document.setId', doc.setId);
  if (doc.versionNumber !== undefined && (!Number.isInteger(doc.versionNumber) || doc.versionNumber < 1))
    add('document.versionNumber', 'must be an integer >= 1');
  if (doc.replaces) {
    uid('document.replaces.documentId', doc.replaces.documentId);
    uid('document.replaces.setId', doc.replaces.setId);
    if (!Number.isInteger(doc.replaces.versionNumber) || doc.replaces.versionNumber < 1)
      add('document.replaces.versionNumber', 'must be an integer >= 1');
    if (doc.id && doc.id.root === doc.replaces.documentId.root && doc.id.extension === doc.replaces.documentId.extension)
      add('document.id', 'a replacement needs a new document id');
  }
  if (doc.confidentiality !== undefined && !['N', 'R', 'V'].includes(doc.confidentiality))
    add('document.confidentiality', 'must be N, R or V');

  const insOids: readonly string[] = Object.values(INS_OID);
  if (!patient) add('patient', 'required');
  else {
    if (!insOids.includes(patient.ins?.authorityOid ?? '')) add('patient.ins.authorityOid', `must be an INS OID (${insOids.join(', ')})`);
    if (!/^[0-9][0-9AB0-9]{14}$/.test(patient.ins?.value ?? '')) add('patient.ins.value', 'must be a 15-character INS matricule');
    (patient.identifiers ?? []).forEach((id, i) => {
      const root = id.assigningAuthority?.universalId ?? '';
      if (!isUid(root)) add(`patient.identifiers[${i}].assigningAuthority.universalId`, `"${root}" is not an OID or UUID`);
      if (!id.value?.trim()) add(`patient.identifiers[${i}].value`, 'required (every patient id needs root and extension)');
    });
    text('patient.birthName', patient.birthName);
    text('patient.birthGivenNames', patient.birthGivenNames);
    text('patient.firstGivenName', patient.firstGivenName);
    if (!['F', 'M', 'U'].includes(patient.sex ?? '')) add('patient.sex', 'must be F, M or U');
    if (!/^\d{4}-?\d{2}-?\d{2}$/.test(patient.birthDate ?? '')) add('patient.birthDate', 'must be YYYY-MM-DD or YYYYMMDD');
    if (!/^[0-9][0-9AB][0-9]{3}$/.test(patient.birthplaceCode ?? '')) add('patient.birthplaceCode', 'must be a 5-character INSEE COG code');
    telecoms('patient.telecoms', patient.telecoms);
  }

  professional('radiologist', input.radiologist);
  organisation('platform', input.platform);
  organisation('facility', input.facility);
  if (input.facility) {
    coded('facility.facilityType', input.facility.facilityType);
    coded('facility.practiceSetting', input.facility.practiceSetting);
    if (input.facility.responsiblePhysician) professional('facility.responsiblePhysician', input.facility.responsiblePhysician);
  }
  if (input.legalAuthenticator === 'facility-responsible-physician' && !input.facility?.responsiblePhysician) {
    add('facility.responsiblePhysician', "required when legalAuthenticator is 'facility-responsible-physician'");
  }
  if (input.orderingProvider) professional('orderingProvider', input.orderingProvider);
  coded('encounterCode', input.encounterCode, false);

  text('order.placerOrderNumber.value', input.order?.placerOrderNumber?.value);
  if (!isOid(input.order?.placerOrderNumber?.authorityOid ?? '')) add('order.placerOrderNumber.authorityOid', 'must be an OID');

  if (!exam) add('exam', 'required');
  else {
    text('exam.accessionNumber.value', exam.accessionNumber?.value);
    if (!isOid(exam.accessionNumber?.authorityOid ?? '')) add('exam.accessionNumber.authorityOid', 'must be an OID');
    if (!isDicomUid(exam.studyInstanceUid ?? ''))
      add('exam.studyInstanceUid', 'must be a DICOM UID (digits and dots, at most 64 characters)');
    coded('exam.actCode', exam.actCode, true, OID.loinc);
    coded('exam.ccamCode', exam.ccamCode, false);
    coded('exam.modality', exam.modality, true, OID.dicomDcm);
    (exam.regions ?? []).forEach((r, i) => {
      coded(`exam.regions[${i}]`, r, true, OID.snomedCt);
    });
    coded('exam.anatomicalLocation', exam.anatomicalLocation, level === 3, OID.snomedCt);
    coded('exam.laterality', exam.laterality, false, OID.snomedCt);
    date('exam.startedAt', exam.startedAt);
    if (exam.endedAt !== undefined) {
      date('exam.endedAt', exam.endedAt);
      if (exam.endedAt.getTime() < exam.startedAt?.getTime()) add('exam.endedAt', 'is before exam.startedAt');
    }
    if (exam.catalog?.seriesInstanceUid !== undefined && !isDicomUid(exam.catalog.seriesInstanceUid))
      add('exam.catalog.seriesInstanceUid', 'must be a DICOM UID');
    if (exam.catalog?.sopInstanceUid !== undefined && !isDicomUid(exam.catalog.sopInstanceUid))
      add('exam.catalog.sopInstanceUid', 'must be a DICOM UID');
    coded('exam.catalog.sopClass', exam.catalog?.sopClass, false, OID.dicomUid);
  }

  if (input.viewer) {
    text('viewer.partialUrl', input.viewer.partialUrl);
    const days = input.viewer.imageRetentionDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 0)) add('viewer.imageRetentionDays', 'must be a non-negative integer');
  }

  if (!content) add('content', 'required');
  else {
    const needsText = level === 3 || content.pdf === undefined;
    if (needsText) text('content.conclusion', content.conclusion);
    (content.contraIndications ?? []).forEach((c, i) => {
      coded(`content.contraIndications[${i}]`, c);
    });
  }
  return problems;
}
