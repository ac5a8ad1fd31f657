import type { ImagingReportInput, ReportContent } from '../../documents/report/index.js';
import type { CodedValue, HealthProfessional, Organisation, PerformedExam } from '../../tlr/index.js';
import { INS_OID, dateTimeToDate } from '../../tlr/index.js';
import type { GatewayConfig } from '../config.js';
import { GatewayError } from '../errors.js';
import type { OrderData } from '../order-data.js';

const LOINC = '2.16.840.1.113883.6.1';
const SNOMED = '2.16.840.1.113883.6.96';
const DICOM = '1.2.840.10008.2.16.4';

/** JDV_J01 specialty of a radiologist (`G15_10/SM44`, "Médecin - Radio-diagnostic (SM)"), the default author specialty. */
export const RADIO_DIAGNOSTIC: CodedValue = {
  code: 'G15_10/SM44',
  display: 'Médecin - Radio-diagnostic (SM)',
  codeSystem: '1.2.250.1.213.1.1.4.5',
};
/** JDV_J02 facility type used when the request does not say (`SA01`, public health establishment). */
export const DEFAULT_FACILITY_TYPE = {
  code: 'SA01',
  display: 'Etablissement Public de santé',
  codeSystem: '1.2.250.1.71.4.2.4',
} as const satisfies CodedValue;
/** JDV_J04 practice setting used when the request does not say. */
export const DEFAULT_PRACTICE_SETTING = {
  code: 'AMBULATOIRE',
  display: 'Ambulatoire',
  codeSystem: '1.2.250.1.213.1.1.4.9',
} as const satisfies CodedValue;

/** What the host platform sends to write a report (`POST /api/orders/{placer}/reports`). */
export interface ReportRequest {
  /** The radiologist who signs; default: the one of the decision (flow 3). */
  radiologist?: HealthProfessional;
  /** Accession number of the exam reported on; default: the first exam of flow 4. */
  accessionNumber?: string;
  /** CDA level: 1 (PDF body, default) or 3 (structured IMG-CR-IMG). */
  level?: 1 | 3;
  content: Omit<ReportContent, 'pdf'> & { pdfBase64?: string };
  /** Required for level 3: anatomical location of the technique (JDV_LocalisationAnatomique-CISIS, SNOMED CT). */
  anatomicalLocation?: { code: string; displayName: string };
  facilityType?: { code: string; displayName: string };
  practiceSetting?: { code: string; displayName: string };
  confidentiality?: 'N' | 'R' | 'V';
}

/** National structure identifier (Struct_IdNat) of an organisation: `1` + FINESS, or the IDNST as given. */
export function structIdNat(o: Organisation): string {
  if (o.identifierType === 'FINEJ' || o.identifierType === 'FINEG') return `1${o.identifier}`;
  if (o.identifierType === 'IDNST') return o.identifier;
  if (o.establishmentFiness) return `1${o.establishmentFiness}`;
  throw new GatewayError(
    'TLR_ERR_GATEWAY_INVALID_REQUEST',
    `Organisation ${o.name} has no national identifier (UF/SVR without establishment FINESS)`,
    422,
  );
}

function professional(p: HealthProfessional): HealthProfessional {
  return {
    idNat: p.idNat,
    familyName: p.familyName,
    givenName: p.givenName,
    identifierType: p.identifierType,
    ...(p.prefix && ['DR', 'MC', 'MG', 'PC', 'PG', 'PR'].includes(p.prefix) ? { prefix: p.prefix } : {}),
    specialty: RADIO_DIAGNOSTIC,
  };
}

function missing(what: string): never {
  throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', `Cannot write the report: ${what}`, 409);
}

/** The performed exam the report is about. */
export function examFor(data: OrderData, accessionNumber: string | undefined): PerformedExam {
  const exams = data.postExamInfo?.exams ?? [];
  if (exams.length === 0) missing('no post-exam information (flow 4) was received for this order');
  const exam = accessionNumber ? exams.find((e) => e.accessionNumber.value === accessionNumber) : exams[0];
  if (!exam) missing(`no exam with accession number ${accessionNumber} in the post-exam information`);
  return exam;
}

/**
 * Assembles the report generator's input from what the platform received (flow 1: patient,
 * facility; flow 3: radiologist; flow 4: exam, viewer URL, retention) and what the radiologist wrote.
 */
export function reportInputFor(config: GatewayConfig, data: OrderData, request: ReportRequest, now: Date): ImagingReportInput {
  const order = data.order ?? missing('the order (flow 1) is unknown');
  const exam = examFor(data, request.accessionNumber);
  const radiologist =
    request.radiologist ?? data.decision?.remoteRadiologist ?? missing('no radiologist given and no decision (flow 3) recorded');
  const p = order.patient;
  if (!p.ins) missing('the patient has no INS; a report for the DMP needs a qualified INS');
  if (!p.birthplaceCode) missing('the patient has no birthplace code (PID-11 BDL); the CDA header requires it');
  if (!p.birthDate) missing('the patient has no birth date');
  if (!(Object.values(INS_OID) as string[]).includes(p.ins.authorityOid)) missing(`the INS OID ${p.ins.authorityOid} is not an INS OID`);
  const modality = exam.modality ?? order.requestedModality;
  const regions = exam.anatomicalRegions ?? order.anatomicalRegions;
  const facility = order.imagingFacility;
  const startedAt = dateTimeToDate(exam.performedAt) ?? missing(`the exam date ${exam.performedAt} is not a valid date`);
  return {
    document: { effectiveTime: now, confidentiality: request.confidentiality ?? 'N' },
    patient: {
      ins: { value: p.ins.value, authorityOid: p.ins.authorityOid },
      identifiers: (p.identifiers ?? []).filter(
        (i) => i.assigningAuthority?.universalId && /^[0-2](\.\d+)+$/.test(i.assigningAuthority.universalId),
      ),
      birthName: p.birthName,
      birthGivenNames: p.birthGivenNames ?? p.firstGivenName ?? '',
      firstGivenName: p.firstGivenName ?? p.birthGivenNames?.split(' ')[0] ?? '',
      ...(p.usedName ? { usedName: p.usedName } : {}),
      ...(p.usedGivenName ? { usedGivenName: p.usedGivenName } : {}),
      sex: p.sex === 'F' || p.sex === 'M' ? p.sex : 'U',
      birthDate: p.birthDate.slice(0, 10),
      birthplaceCode: p.birthplaceCode,
      ...(p.address
        ? {
            address: {
              ...(p.address.street ? { street: p.address.street } : {}),
              ...(p.address.postalCode ? { postalCode: p.address.postalCode } : {}),
              ...(p.address.city ? { city: p.address.city } : {}),
              use: 'H' as const,
            },
          }
        : {}),
    },
    radiologist: professional(radiologist),
    platform: {
      name: config.organisation.name,
      identifierType: 'IDNST',
      identifier: structIdNat(config.organisation as Organisation),
      practiceSetting: DEFAULT_PRACTICE_SETTING,
    },
    facility: {
      identifierType: 'IDNST',
      identifier: structIdNat(facility),
      name: facility.name,
      facilityType: request.facilityType
        ? { code: request.facilityType.code, display: request.facilityType.displayName, codeSystem: DEFAULT_FACILITY_TYPE.codeSystem }
        : DEFAULT_FACILITY_TYPE,
      practiceSetting: request.practiceSetting
        ? {
            code: request.practiceSetting.code,
            display: request.practiceSetting.displayName,
            codeSystem: DEFAULT_PRACTICE_SETTING.codeSystem,
          }
        : DEFAULT_PRACTICE_SETTING,
    },
    ...(order.responsibleProfessional ? { orderingProvider: professional(order.responsibleProfessional) } : {}),
    order: { placerOrderNumber: order.placerOrderNumber },
    exam: {
      accessionNumber: exam.accessionNumber,
      studyInstanceUid: exam.studyInstanceUid,
      actCode: {
        code: exam.procedure.code,
        display: exam.procedure.display ?? exam.procedure.code,
        codeSystem: LOINC,
        codeSystemName: 'LOINC',
      },
      modality: { code: modality.code, display: modality.display ?? modality.code, codeSystem: DICOM, codeSystemName: 'DCM' },
      regions: regions.map((r) => ({
        code: r.region.code,
        display: r.region.display ?? r.region.code,
        codeSystem: SNOMED,
        codeSystemName: 'SNOMED CT',
      })),
      ...(request.anatomicalLocation
        ? {
            anatomicalLocation: {
              code: request.anatomicalLocation.code,
              display: request.anatomicalLocation.displayName,
              codeSystem: SNOMED,
              codeSystemName: 'SNOMED CT',
            },
          }
        : {}),
      startedAt,
    },
    viewer: { partialUrl: exam.viewerUrl, imageRetentionDays: exam.imageRetentionDays },
    content: {
      clinicalContext: request.content.clinicalContext,
      technique: request.content.technique,
      findings: request.content.findings,
      conclusion: request.content.conclusion,
      ...(request.content.comparison ? { comparison: request.content.comparison } : {}),
      ...(request.content.medicalHistory ? { medicalHistory: request.content.medicalHistory } : {}),
      ...(request.content.pdfBase64 ? { pdf: Buffer.from(request.content.pdfBase64, 'base64') } : {}),
    },
  };
}
