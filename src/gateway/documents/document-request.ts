import type { GeneratedImagingReport, ImagingReportInput } from '../../documents/report/index.js';
import type { DocumentPatient, DocumentRequest, Organization, Person } from '../../documents/transport/index.js';
import type { ImagingOrder } from '../../tlr/index.js';
import type { GatewayConfig } from '../config.js';

const PS_AUTHORITY = '1.2.250.1.71.4.2.1';
const STRUCTURE_AUTHORITY = '1.2.250.1.71.4.2.2';
/** LOINC of the imaging report document type (JDV_J07 / J66). */
export const IMAGING_REPORT_TYPE = { code: '18748-4', displayName: "CR d'imagerie médicale", codingSystem: 'LN' };

/** PID of the document message: the same identifiers as the CDA `recordTarget` (INS first, then local ids). */
export function documentPatient(order: ImagingOrder, input: ImagingReportInput): DocumentPatient {
  const p = order.patient;
  return {
    identifiers: [
      { value: input.patient.ins.value, authorityOid: input.patient.ins.oid, type: 'INS' },
      ...(input.patient.localIds ?? []).map((l) => ({ value: l.extension ?? '', authorityOid: l.root, type: 'PI' })),
    ],
    familyName: p.birthName,
    ...(p.firstGivenName ? { givenName: p.firstGivenName } : {}),
    ...(p.birthGivenNames ? { givenNames: p.birthGivenNames } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate.replace(/-/g, '').slice(0, 8) } : {}),
    ...(p.sex ? { sex: p.sex } : {}),
    ...(p.birthplaceCode ? { birthPlaceCode: p.birthplaceCode } : {}),
    ...(p.identityStatus ? { identityReliability: p.identityStatus } : {}),
  };
}

/** The MDM request (T02 initial, T10 replacement, T04 deletion) carrying a generated report to the RIS. */
export function documentRequestFor(
  config: GatewayConfig, order: ImagingOrder, input: ImagingReportInput, generated: GeneratedImagingReport,
  kind: 'initial' | 'replace' | 'delete', replaced?: { root: string; extension?: string },
): DocumentRequest {
  const author: Person = {
    id: input.radiologist.idNat, familyName: input.radiologist.familyName, ...(input.radiologist.givenName ? { givenName: input.radiologist.givenName } : {}),
    authorityOid: PS_AUTHORITY, identifierType: 'IDNPS', nameType: 'D',
  };
  const custodian: Organization = {
    name: input.facility.name, identifier: input.facility.idNat, identifierType: 'IDNST', authorityOid: STRUCTURE_AUTHORITY,
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
      sendingApplication: config.identity.application, sendingFacility: config.identity.facility,
      receivingApplication: config.partner.application, receivingFacility: config.partner.facility,
      processingId: config.processingId, charset: config.charset,
    },
  };
  if (kind === 'replace') return { ...base, kind, replacedDocumentId: replaced! };
  return { ...base, kind };
}

function titleOf(xml: string): string {
  const m = /<title>([^<]*)<\/title>/.exec(xml);
  return m ? m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&apos;/g, "'").replace(/&quot;/g, '"') : "CR d'imagerie médicale";
}
