import { INS_OID, dateTimeToDate } from '../../tlr/index.js';
import type { CodedValue, HealthProfessional, Organisation, PostExamInfo } from '../../tlr/index.js';
import { OID } from './cda-codes.js';
import { nationalIdentifierProblem } from './input-checks.js';
import { ImagingReportError } from './errors.js';
import type { InputProblem } from './errors.js';
import { PROFESSIONAL_TITLES } from './input.js';
import type { ImagingReportInput, ReportContent, ReportDocumentInfo, ReportImagingFacility } from './input.js';

/**
 * What the platform adds to the flow-4 data (`PostExamInfo`) to write the report: its own identity,
 * the radiologist's directory data, the facility's CDA codes, the report text and the document info.
 */
export interface PlatformReportContext {
  document: ReportDocumentInfo;
  /** The radiologist (ORC-12/OBR-16 of the order) with the specialty from the national directory. */
  radiologist: { professional: HealthProfessional; specialty?: CodedValue };
  platform: { organisation: Organisation; practiceSetting?: CodedValue };
  /** The imaging facility (ORC-21 of the order) with its facility type (J02) and practice setting (J04). */
  facility: { organisation: Organisation; facilityType: CodedValue; practiceSetting: CodedValue; name?: string };
  /** Anatomical location of the technique (JDV_LocalisationAnatomique), for level 3. */
  anatomicalLocation?: CodedValue;
  content: ReportContent;
}

/** A unit code (`UF`, `SVR`) is no national structure identifier: the CDA needs FINESS or IDNST. */
function checkNational(o: Organisation, path: string, problems: InputProblem[]): void {
  const message = nationalIdentifierProblem(o);
  if (message) problems.push({ path, message });
}

/** The professional with their title (XCN.6) kept only when CDA allows it (JDV_J246), and the directory's specialty. */
function professional(p: HealthProfessional, specialty?: CodedValue): HealthProfessional {
  const { prefix, ...rest } = p;
  const title = prefix?.toUpperCase();
  const out: HealthProfessional = { ...rest };
  if (title && (PROFESSIONAL_TITLES as readonly string[]).includes(title)) out.prefix = title;
  if (specialty) out.specialty = specialty;
  return out;
}

function concept(value: CodedValue, codeSystem: string, codeSystemName: string): CodedValue {
  // The flows carry displays as optional text; CDA wants a displayName, so the code stands in for a missing one.
  return { code: value.code, display: value.display ?? value.code, codeSystem, codeSystemName };
}

/**
 * Builds the report input from the flow-4 post-exam information (one exam of it) and the
 * platform's context. The patient must carry a qualified INS with its traits (birth given names,
 * birth date, birth place): without them the CDA is not valid and the DMP refuses it.
 *
 * @throws ImagingReportError `TLR_ERR_REPORT_INPUT_INVALID` listing what the flow data lack.
 */
export function imagingReportInputFromPostExam(postExam: PostExamInfo, context: PlatformReportContext, examIndex = 0): ImagingReportInput {
  const problems: InputProblem[] = [];
  const { patient } = postExam;
  const exam = postExam.exams[examIndex];
  if (!exam) throw new ImagingReportError('TLR_ERR_REPORT_INPUT_INVALID', `post-exam information has no exam #${examIndex}`);
  const insOids: readonly string[] = Object.values(INS_OID);
  if (!patient.ins || !insOids.includes(patient.ins.authorityOid))
    problems.push({ path: 'patient.ins', message: 'a qualified INS is required' });
  if (!patient.firstGivenName) problems.push({ path: 'patient.firstGivenName', message: 'required (INS trait)' });
  if (!patient.birthDate) problems.push({ path: 'patient.birthDate', message: 'required (INS trait)' });
  if (!patient.birthplaceCode) problems.push({ path: 'patient.birthplaceCode', message: 'required (INS trait)' });
  const startedAt = dateTimeToDate(exam.performedAt);
  if (!startedAt) problems.push({ path: `exams[${examIndex}].performedAt`, message: 'not a date-time' });
  if (exam.modality?.codingSystem !== 'DCM')
    problems.push({ path: `exams[${examIndex}].modality`, message: 'a DICOM acquisition modality is required' });
  checkNational(context.platform.organisation, 'platform.organisation', problems);
  checkNational(context.facility.organisation, 'facility.organisation', problems);
  if (problems.length > 0 || !patient.ins || !startedAt || !exam.modality) {
    throw new ImagingReportError(
      'TLR_ERR_REPORT_INPUT_INVALID',
      `the post-exam information lacks ${problems.length} item(s) the report needs`,
      problems,
    );
  }

  const platform: Organisation = { ...context.platform.organisation };
  if (context.platform.practiceSetting) platform.practiceSetting = context.platform.practiceSetting;
  const facility: ReportImagingFacility = {
    ...context.facility.organisation,
    name: context.facility.name ?? context.facility.organisation.name,
    facilityType: context.facility.facilityType,
    practiceSetting: context.facility.practiceSetting,
  };
  const firstGiven = patient.firstGivenName as string;
  const input: ImagingReportInput = {
    document: context.document,
    // The INS, its traits and the identifiers under an OID: what the CDA recordTarget carries.
    patient: {
      ins: { value: patient.ins.value, authorityOid: patient.ins.authorityOid },
      identifiers: (patient.identifiers ?? []).filter(
        (id) => id.assigningAuthority?.universalIdType === 'ISO' && id.assigningAuthority.universalId,
      ),
      birthName: patient.birthName,
      birthGivenNames: patient.birthGivenNames ?? firstGiven,
      firstGivenName: firstGiven,
      sex: patient.sex === 'F' || patient.sex === 'M' ? patient.sex : 'U',
      birthDate: (patient.birthDate as string).slice(0, 10),
      birthplaceCode: patient.birthplaceCode as string,
    },
    radiologist: professional(context.radiologist.professional, context.radiologist.specialty),
    platform,
    facility,
    order: { placerOrderNumber: { value: postExam.placerOrderNumber.value, authorityOid: postExam.placerOrderNumber.authorityOid } },
    exam: {
      accessionNumber: { value: exam.accessionNumber.value, authorityOid: exam.accessionNumber.authorityOid },
      studyInstanceUid: exam.studyInstanceUid,
      actCode: concept(exam.procedure, OID.loinc, 'LOINC'),
      modality: concept(exam.modality, OID.dicomDcm, 'DCM'),
      regions: (exam.anatomicalRegions ?? []).map((r) => concept(r.region, OID.snomedCt, 'SNOMED CT')),
      startedAt,
    },
    viewer: { partialUrl: exam.viewerUrl, imageRetentionDays: exam.imageRetentionDays },
    content: context.content,
  };
  if (patient.usedName && patient.usedName !== patient.birthName) input.patient.usedName = patient.usedName;
  if (patient.usedGivenName) input.patient.usedGivenName = patient.usedGivenName;
  if (context.anatomicalLocation) input.exam.anatomicalLocation = context.anatomicalLocation;
  return input;
}
