import type { DocumentRequest } from '../../../src/documents/transport/index.js';
import type { HealthProfessional, Identifier, NationalHealthIdentifier, Organisation, Patient, Visit } from '../../../src/tlr/index.js';

/**
 * Fictitious but realistic CDA headers and requests for the transport tests: an imaging report
 * (CR-IMG, LOINC 18748-4) sent by the platform, and an imaging order (DA-IMG, LOINC 55115-0) sent
 * by the RIS. Patient: the ANS test identity PAT-TROIS DOMINIQUE (test INS-NIR OID).
 */

/** The INS (test INS-NIR OID), written `ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS`. */
export const INS: NationalHealthIdentifier = {
  value: '279035121518989',
  authorityOid: '1.2.250.1.213.1.4.10',
  effectiveDate: '2010-12-07',
};
export const IPP: Identifier = {
  value: 'IPP101',
  assigningAuthority: { namespaceId: 'AUT-AFFECTATION', universalId: '1.2.250.1.213.4.5.2.4', universalIdType: 'ISO' },
  type: 'PI',
};

/** Under the national PS directory `ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO`, name type `D` (the defaults). */
export const RADIOLOGIST: HealthProfessional = { idNat: '801234564895', familyName: 'THOMAS', givenName: 'Eric', identifierType: 'IDNPS' };
/** The directory's OID without its namespace. */
export const REQUESTING_PHYSICIAN: HealthProfessional = {
  idNat: '801234567897',
  familyName: 'HODA',
  givenName: 'Adam',
  identifierType: 'IDNPS',
  assigningAuthority: { universalId: '1.2.250.1.71.4.2.1', universalIdType: 'ISO' },
};
export const PLATFORM: Organisation = { name: 'Plateforme TLR', identifier: '1300017985', identifierType: 'IDNST' };
export const IMAGING_FACILITY: Organisation = {
  name: 'Centre hospitalier X',
  identifier: '300017985',
  identifierType: 'FINEG',
  assigningAuthority: { universalId: '1.2.250.1.71.4.2.2', universalIdType: 'ISO' },
};

export const PATIENT: Patient = {
  ins: INS,
  identifiers: [IPP],
  birthName: 'PAT-TROIS',
  firstGivenName: 'DOMINIQUE',
  birthGivenNames: 'DOMINIQUE',
  birthDate: '1979-03-28',
  sex: 'F',
  birthplaceCode: '63220',
  identityStatus: 'VALI',
};

export interface CdaOptions {
  id: string;
  setId?: string;
  version?: number;
  code?: string;
  codeDisplay?: string;
  title?: string;
  confidentiality?: string;
  /** relatedDocument RPLC parent id. */
  replaces?: string;
  patientIds?: ReadonlyArray<{ root: string; extension: string }>;
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A CDA R2 level-1 document (header + a small PDF body) with the given header values. */
export function cdaXml(o: CdaOptions): string {
  const ids = o.patientIds ?? [
    { root: INS.authorityOid, extension: INS.value },
    { root: IPP.assigningAuthority!.universalId!, extension: IPP.value },
  ];
  return (
    `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <realmCode code="FR"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.8.2.1"/>
  <templateId root="1.2.250.1.213.1.1.1.1"/>
  <id root="${o.id}"/>
  <code code="${o.code ?? '18748-4'}" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" ` +
    `displayName="${xmlEscape(o.codeDisplay ?? "CR d'imagerie médicale")}"/>
  <title>${xmlEscape(o.title ?? 'CR d’imagerie médicale - IRM du genou droit')}</title>
  <effectiveTime value="20260312113000+0100"/>
  <confidentialityCode code="${o.confidentiality ?? 'N'}" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  <setId root="${o.setId ?? o.id}"/>
  <versionNumber value="${o.version ?? 1}"/>
  <recordTarget>
    <patientRole>
${ids.map((i) => `      <id root="${i.root}" extension="${i.extension}"/>`).join('\n')}
      <patient><name><family qualifier="BR">PAT-TROIS</family><given>DOMINIQUE</given></name>
        <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19790328"/></patient>
    </patientRole>
  </recordTarget>
  <author><time value="20260312113000+0100"/><assignedAuthor><id root="1.2.250.1.71.4.2.1" ` +
    `extension="${RADIOLOGIST.idNat}"/></assignedAuthor></author>
  <custodian><assignedCustodian><representedCustodianOrganization><id root="1.2.250.1.71.4.2.2" ` +
    `extension="${PLATFORM.identifier}"/></representedCustodianOrganization></assignedCustodian></custodian>
  <legalAuthenticator><time value="20260312113000+0100"/><signatureCode code="S"/><assignedEntity><id root="1.2.250.1.71.4.2.1" ` +
    `extension="${RADIOLOGIST.idNat}"/></assignedEntity></legalAuthenticator>
${o.replaces ? `  <relatedDocument typeCode="RPLC"><parentDocument><id root="${o.replaces}"/></parentDocument></relatedDocument>\n` : ''}` +
    `  <component><nonXMLBody><text mediaType="application/pdf" representation="B64">` +
    `JVBERi0xLjQKJcOkw7zDtsOfCg==</text></nonXMLBody></component>
</ClinicalDocument>
`
  );
}

export const REPORT_V1 = '1.2.250.1.213.4.5.2.7.1001';
export const REPORT_V2 = '1.2.250.1.213.4.5.2.7.1002';
export const ORDER_DOCUMENT = '1.2.250.1.213.4.5.2.8.501';

const CONTEXT = {
  sendingApplication: 'SI-TLR',
  sendingFacility: 'PLAT-TLR',
  receivingApplication: 'RIS',
  receivingFacility: 'CHU_X',
  controlId: 'CR0001',
  timestamp: new Date('2026-03-12T10:45:00Z'),
};

const VISIT: Visit = {
  patientClass: 'O',
  visitNumber: { value: '000897406', assigningAuthority: { universalId: '1.2.250.1.213.4.5.2.9', universalIdType: 'ISO' }, type: 'VN' },
};

const REPORT_DOCUMENT = {
  id: { root: REPORT_V1 },
  setId: { root: REPORT_V1 },
  version: 1,
  title: 'CR d’imagerie médicale - IRM du genou droit',
  type: { code: '18748-4', display: "CR d'imagerie médicale", codingSystem: 'LN' },
  creationTime: '20260312113000+0100',
  confidentiality: 'N' as const,
  mimeType: 'text/xml' as const,
  author: RADIOLOGIST,
  custodian: PLATFORM,
};

/** The platform returns the imaging report to the RIS: DMP publication and a mail to the requesting physician. */
export function reportRequest(kind: 'initial' | 'replace' | 'delete' = 'initial'): DocumentRequest {
  const v2 = kind !== 'initial';
  const base = {
    patient: PATIENT,
    visit: VISIT,
    order: { placerOrderNumber: { value: 'OPN101', authorityOid: '1.2.250.1.748.12345678.12' } },
    document: {
      ...REPORT_DOCUMENT,
      xml: cdaXml(v2 ? { id: REPORT_V2, setId: REPORT_V1, version: 2, replaces: REPORT_V1 } : { id: REPORT_V1 }),
      ...(v2 ? { id: { root: REPORT_V2 }, version: 2 } : {}),
    },
    metadata: {
      sendToDmp: true,
      sendToProfessionals: true,
      hiddenFromPatient: true,
      receptionReceipt: true,
      confidentialityChange: kind === 'replace',
      mailBodyForProfessionals: 'Cher confrère, vous trouverez ci-joint le CR d’imagerie.',
    },
    participants: {
      recipients: [{ person: REQUESTING_PHYSICIAN, address: 'adam.hoda@test-ci-sis.mssante.fr' }],
      replyTo: 'secretariat.tlr@test-ci-sis.mssante.fr',
    },
    context: { ...CONTEXT, controlId: `CR-${kind}` },
  };
  return kind === 'replace' ? { ...base, kind, replacedDocumentId: { root: REPORT_V1 } } : { ...base, kind };
}

/** The RIS sends the imaging order as a CDA document (DA-IMG) to the platform: no DMP, no mail. */
export function orderDocumentRequest(): DocumentRequest {
  return {
    kind: 'initial',
    patient: PATIENT,
    visit: VISIT,
    order: { placerOrderNumber: { value: 'OPN101', authorityOid: '1.2.250.1.748.12345678.12' } },
    document: {
      xml: Buffer.from(
        cdaXml({ id: ORDER_DOCUMENT, code: '55115-0', codeDisplay: "Demande d'acte d'imagerie", title: "Demande d'acte d'imagerie" }),
        'utf8',
      ),
      id: { root: ORDER_DOCUMENT },
      setId: { root: ORDER_DOCUMENT },
      version: 1,
      title: "Demande d'acte d'imagerie",
      type: { code: '55115-0', display: "Demande d'acte d'imagerie", codingSystem: 'LN' },
      creationTime: '20260310090000+0100',
      confidentiality: 'N',
      mimeType: 'text/xml',
      author: REQUESTING_PHYSICIAN,
      custodian: IMAGING_FACILITY,
    },
    metadata: {},
    context: {
      sendingApplication: 'RIS',
      sendingFacility: 'CHU_X',
      receivingApplication: 'SI-TLR',
      receivingFacility: 'PLAT-TLR',
      controlId: 'DA0001',
      processingId: 'T',
      charset: '8859/15',
    },
  };
}
