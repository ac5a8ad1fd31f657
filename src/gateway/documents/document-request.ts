import type { GeneratedImagingReport, ImagingReportInput } from '../../documents/report/index.js';
import type { DocumentRequest } from '../../documents/transport/index.js';
import type { HealthProfessional, Identifier, ImagingOrder, Organisation, Patient } from '../../tlr/index.js';
import type { GatewayConfig } from '../config.js';

const PS_AUTHORITY = '1.2.250.1.71.4.2.1';
const STRUCTURE_AUTHORITY = '1.2.250.1.71.4.2.2';
/** LOINC of the imaging report document type (JDV_J07 / J66). */
export const IMAGING_REPORT_TYPE = { code: '18748-4', display: "CR d'imagerie médicale", codingSystem: 'LN' };

/** PID of the document message: the same identifiers as the CDA `recordTarget` (INS first, then local ids). */
export function documentPatient(order: ImagingOrder, input: ImagingReportInput): Patient {
  return documentPatientOf(order, input.patient);
}

/** PID of a document message for the order's patient, with the identifiers its CDA `recordTarget` has. */
export function documentPatientOf(order: ImagingOrder, cdaPatient: Patient): Patient {
  const p = order.patient;
  const cx = (value: string, oid: string, type: string): Identifier => ({
    value,
    assigningAuthority: { universalId: oid, universalIdType: 'ISO' },
    type,
  });
  return {
    identifiers: [
      cx(cdaPatient.ins!.value, cdaPatient.ins!.authorityOid, 'INS'),
      ...(cdaPatient.identifiers ?? []).map((l) => cx(l.value, l.assigningAuthority?.universalId ?? '', 'PI')),
    ],
    birthName: p.birthName,
    ...(p.firstGivenName ? { firstGivenName: p.firstGivenName } : {}),
    ...(p.birthGivenNames ? { birthGivenNames: p.birthGivenNames } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate.slice(0, 10) } : {}),
    ...(p.sex ? { sex: p.sex } : {}),
    ...(p.birthplaceCode ? { birthplaceCode: p.birthplaceCode } : {}),
    ...(p.identityStatus ? { identityStatus: p.identityStatus } : {}),
  };
}

/** The MDM request (T02 initial, T10 replacement, T04 deletion) carrying a generated report to the RIS. */
export function documentRequestFor(
  config: GatewayConfig,
  order: ImagingOrder,
  input: ImagingReportInput,
  generated: GeneratedImagingReport,
  kind: 'initial' | 'replace' | 'delete',
  replaced?: { root: string; extension?: string },
): DocumentRequest {
  const author: HealthProfessional = {
    idNat: input.radiologist.idNat,
    familyName: input.radiologist.familyName,
    givenName: input.radiologist.givenName,
    assigningAuthority: { universalId: PS_AUTHORITY, universalIdType: 'ISO' },
    identifierType: 'IDNPS',
    nameType: 'D',
  };
  const custodian: Organisation = {
    name: input.facility.name,
    identifier: input.facility.identifier,
    identifierType: 'IDNST',
    assigningAuthority: { universalId: STRUCTURE_AUTHORITY, universalIdType: 'ISO' },
  };
  const base = {
    patient: documentPatient(order, input),
    order: { placerOrderNumber: order.placerOrderNumber },
    document: {
      xml: generated.xml,
      id: generated.documentId,
      setId: generated.setId,
      version: generated.versionNumber,
      title: input.document.title ?? titleOf(generated.xml),
      type: IMAGING_REPORT_TYPE,
      creationTime: input.document.effectiveTime,
      confidentiality: input.document.confidentiality ?? 'N',
      mimeType: 'text/xml' as const,
      author,
      custodian,
    },
    // The RIS publishes the report to the DMP unchanged (Téléradiologie volet §1): ask for it.
    metadata: { sendToDmp: true },
    context: {
      sendingApplication: config.identity.application,
      sendingFacility: config.identity.facility,
      receivingApplication: config.partner.application,
      receivingFacility: config.partner.facility,
      processingId: config.processingId,
      charset: config.charset,
    },
  };
  if (kind === 'replace') return { ...base, kind, replacedDocumentId: replaced! };
  return { ...base, kind };
}

function titleOf(xml: string): string {
  const m = /<title>([^<]*)<\/title>/.exec(xml);
  return m
    ? m[1]!
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&apos;/g, "'")
        .replace(/&quot;/g, '"')
    : "CR d'imagerie médicale";
}
