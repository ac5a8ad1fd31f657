import { createHash, randomUUID } from 'node:crypto';
import { newUuidOid } from '../cda/identifiers.js';
import { readCdaHeader } from '../transport/cda-header.js';
import type { CdaHeader } from '../transport/cda-header.js';
import { XdsError } from './errors.js';
import { attr, childElements, descendants, firstChild, parseXml, path, text } from './xml-dom.js';
import type { Element } from './xml-dom.js';
import { CODE_SYSTEM, DMP_CONFIDENTIALITY, FORMAT_CODE, INS_OID, NS } from './xds-vocabulary.js';
import type { DmpConfidentiality } from './xds-vocabulary.js';
import { cx, isPlainOid, xcn, xdsTime, xdsTimeFromCda, xon } from './xds-values.js';

/** A coded XDS metadata value: the DMP requires all three parts (`dmp-publication.md` §8). */
export interface XdsCode {
  code: string;
  codingScheme: string;
  displayName: string;
}

/** An XDS author (ITI TF-3 4.2.3.1.4): XCN person, XON institutions, role and specialty as written in the slots. */
export interface XdsAuthor {
  person: string;
  institutions: string[];
  roles: string[];
  specialties: string[];
}

/** The DocumentEntry (`ExtrinsicObject`) of the report, per `dmp-publication.md` §4. */
export interface DocumentEntryMetadata {
  /** Symbolic id in the submission (`Document01`) or `urn:uuid:…`. */
  entryUUID: string;
  mimeType: 'text/xml';
  /** `id/@root`, a plain OID. */
  uniqueId: string;
  title: string;
  /** INS-NIR as CX: `<nir>^^^&1.2.250.1.213.1.4.8&ISO^NH` (test root `.10`). */
  patientId: string;
  sourcePatientId: string;
  sourcePatientInfo: string[];
  authors: XdsAuthor[];
  legalAuthenticator: string;
  classCode: XdsCode;
  typeCode: XdsCode;
  formatCode: XdsCode;
  practiceSettingCode: XdsCode;
  healthcareFacilityTypeCode: XdsCode;
  /** First the CDA `confidentialityCode`, then the DMP masking codes asked for. */
  confidentialityCodes: XdsCode[];
  eventCodes: XdsCode[];
  creationTime: string;
  serviceStartTime: string;
  serviceStopTime?: string;
  languageCode: string;
  /** SHA-1 of the exact bytes, lower-case hex. */
  hash: string;
  size: number;
  /** `urn:ihe:iti:xds:2013:referenceIdList` values: accession, order, study instance UID. */
  referenceIds: string[];
}

/** The SubmissionSet (`RegistryPackage`), per `dmp-publication.md` §3. */
export interface SubmissionSetMetadata {
  entryUUID: string;
  /** A new OID per submission. */
  uniqueId: string;
  /** OID of the submitting system. */
  sourceId: string;
  patientId: string;
  submissionTime: string;
  author: XdsAuthor;
  contentTypeCode: XdsCode;
  title?: string;
}

/**
 * The DocumentEntry of the submission's signature document (`dmp-publication.md` §5): fixed class, type, format and
 * event codes, language `art`, the report's patient, authors, legal authenticator, facility and practice setting.
 * It has no service times.
 */
export type SignatureEntryMetadata = Omit<DocumentEntryMetadata, 'serviceStartTime' | 'serviceStopTime'> & {
  serviceStartTime?: undefined;
  serviceStopTime?: undefined;
};

/** The codes of a signature DocumentEntry, as in the ANS sample. */
export const SIGNATURE_ENTRY_CODES = {
  classCode: { code: 'urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1', codingScheme: 'URN', displayName: 'Digital Signature' },
  typeCode: { code: 'E1762', codingScheme: 'ASTM', displayName: 'Full Document' },
  formatCode: { code: 'http://www.w3.org/2000/09/xmldsig#', codingScheme: 'URN', displayName: 'Default Signature Style' },
  eventCode: { code: '1.2.840.10065.1.12.1.14', codingScheme: '1.2.840.10065.1.12', displayName: 'Source' },
} as const;

/** The signature DocumentEntry for the signature document `bytes` of a submission. */
export function signatureEntryFor(
  metadata: XdsMetadata,
  bytes: Uint8Array,
  options: { uniqueId?: string; entryUUID?: string } = {},
): SignatureEntryMetadata {
  const d = metadata.documentEntry;
  const buffer = Buffer.from(bytes);
  return {
    entryUUID: options.entryUUID ?? 'Signature01',
    mimeType: 'text/xml',
    uniqueId: options.uniqueId ?? newUuidOid(),
    title: 'Signature du lot de soumission',
    patientId: d.patientId,
    sourcePatientId: d.sourcePatientId,
    sourcePatientInfo: d.sourcePatientInfo,
    authors: d.authors,
    legalAuthenticator: d.legalAuthenticator,
    classCode: { ...SIGNATURE_ENTRY_CODES.classCode },
    typeCode: { ...SIGNATURE_ENTRY_CODES.typeCode },
    formatCode: { ...SIGNATURE_ENTRY_CODES.formatCode },
    practiceSettingCode: d.practiceSettingCode,
    healthcareFacilityTypeCode: d.healthcareFacilityTypeCode,
    confidentialityCodes: [{ code: 'N', codingScheme: CODE_SYSTEM.hl7Confidentiality, displayName: 'Normal' }],
    eventCodes: [{ ...SIGNATURE_ENTRY_CODES.eventCode }],
    creationTime: metadata.submissionSet.submissionTime,
    languageCode: 'art',
    hash: createHash('sha1').update(buffer).digest('hex'),
    size: buffer.length,
    referenceIds: [],
  };
}

/** What one ITI-41 submission carries about the report. */
export interface XdsMetadata {
  submissionSet: SubmissionSetMetadata;
  documentEntry: DocumentEntryMetadata;
  /** entryUUID of the entry the report replaces (RPLC association), when it is a replacement. */
  replaces?: { entryUUID: string };
}

/** A person identified by the national professional id (RPPS-based `8…`, OID 1.2.250.1.71.4.2.1). */
export interface XdsPerson {
  id: string;
  family: string;
  given: string;
}

/** What the RIS knows that the CDA does not say (the sender of the HL7 request, its system, the report's history). */
export interface XdsPublicationContext {
  /** OID of the submitting system (SubmissionSet.sourceId). */
  sourceId: string;
  /** The SubmissionSet author: the sender (`SB` PRT), PRT-5 and PRT-8 of the HL7 request. */
  author: {
    person: XdsPerson;
    /** The structure: its name and national id (PRT-8.10), e.g. `1750000001` or a FINESS-based id. */
    institution: { name: string; id: string };
    role?: string;
    specialty?: string;
  };
  /** JDV_J59 code of the care setting (from PV1-2: I→03, O→07, R→19, N→97, E→07). */
  contentTypeCode: XdsCode;
  /** classCode; default `31` "Imagerie médicale" (`dmp-publication.md` §10.1). */
  classCode?: XdsCode;
  /** DMP masking codes from the HL7 metadata OBX at `Y`. */
  confidentiality?: readonly DmpConfidentiality[];
  /** entryUUID of the entry this report replaces (resolved by the caller, e.g. with ITI-18). */
  replaces?: { entryUUID: string };
  /** Defaults: a new `2.25` OID and now. */
  submissionUniqueId?: string;
  submissionTime?: Date;
  /** Symbolic ids; defaults `SubmissionSet01` and `Document01`. */
  submissionSetEntryUUID?: string;
  documentEntryUUID?: string;
}

/** The class of a document type (ANS ASS_X04, data-driven: `dmp-publication.md` §10.1). */
export const TYPE_TO_CLASS: Readonly<Record<string, XdsCode>> = {
  '18748-4': { code: '31', codingScheme: CODE_SYSTEM.classCode, displayName: 'Imagerie médicale' },
};

const CONFIDENTIALITY_DISPLAY: Readonly<Record<string, string>> = { N: 'Normal', R: 'Restreint', V: 'Très restreint' };

/**
 * Builds the SubmissionSet and DocumentEntry of a CR-IMG for the DMP (ITI-41) from the CDA bytes and what the RIS
 * knows. Pure: the same input (with `submissionUniqueId` and `submissionTime` given) gives the same metadata.
 * Throws {@link XdsError} when the CDA lacks what the DMP requires (qualified INS, author, legal authenticator,
 * healthcare facility type, practice setting, service start time…), naming the CDA path.
 */
export function buildXdsMetadata(document: Uint8Array, context: XdsPublicationContext): XdsMetadata {
  const read = readCdaHeader(document);
  if (!read.header) throw new XdsError('TLR_ERR_XDS_NOT_CDA', 'document', read.problem.message);
  const header = read.header;
  let root: Element;
  try {
    root = parseXml(Buffer.from(document).toString('utf8')).documentElement as Element;
  } catch (cause) {
    throw new XdsError('TLR_ERR_XDS_NOT_CDA', 'document', (cause as Error).message, { cause });
  }
  const h = (local: string): Element | undefined => firstChild(root, NS.hl7, local);

  const uniqueId = requireValue(header.id?.root, 'cda.id/@root');
  if (header.id?.extension || !isPlainOid(uniqueId)) {
    throw new XdsError('TLR_ERR_XDS_INVALID_VALUE', 'cda.id', 'the DMP takes a plain OID as uniqueId (no extension)');
  }
  const patientId = insOf(header);
  const typeCode = codeOf(header);
  const title = requireValue(header.title, 'cda.title');
  const creationTime = requireTime(header.effectiveTime, 'cda.effectiveTime/@value');
  const confidentiality = requireValue(header.confidentialityCode, 'cda.confidentialityCode/@code');
  if (!CONFIDENTIALITY_DISPLAY[confidentiality]) {
    throw new XdsError('TLR_ERR_XDS_INVALID_VALUE', 'cda.confidentialityCode', `"${confidentiality}" is not N, R or V`);
  }
  const languageCode = requireValue(attr(h('languageCode'), 'code'), 'cda.languageCode/@code');

  const authors = childElements(root, NS.hl7, 'author').map((a, i) => authorOf(a, `cda.author[${i + 1}]`));
  if (authors.length === 0) throw new XdsError('TLR_ERR_XDS_MISSING_VALUE', 'cda.author', 'the DMP requires a document author');
  const legal = path(root, NS.hl7, 'legalAuthenticator', 'assignedEntity');
  const legalAuthenticator = personXcn(legal, 'cda.legalAuthenticator.assignedEntity');

  const serviceEvent = path(root, NS.hl7, 'documentationOf', 'serviceEvent');
  const serviceStartTime = requireTime(
    attr(path(serviceEvent, NS.hl7, 'effectiveTime', 'low'), 'value'),
    'cda.serviceEvent.effectiveTime.low',
  );
  const serviceStopTime = xdsTimeFromCda(attr(path(serviceEvent, NS.hl7, 'effectiveTime', 'high'), 'value'));
  const practice = path(serviceEvent, NS.hl7, 'performer', 'assignedEntity', 'representedOrganization', 'standardIndustryClassCode');
  const practiceSettingCode = codedOf(practice, 'cda.serviceEvent.performer…representedOrganization.standardIndustryClassCode');
  const facility = path(root, NS.hl7, 'componentOf', 'encompassingEncounter', 'location', 'healthCareFacility', 'code');
  const healthcareFacilityTypeCode = codedOf(facility, 'cda.encompassingEncounter.location.healthCareFacility.code');

  const classCode = context.classCode ?? TYPE_TO_CLASS[typeCode.code];
  if (!classCode) {
    throw new XdsError('TLR_ERR_XDS_INVALID_VALUE', 'cda.code', `no DMP classCode is known for the document type ${typeCode.code}`);
  }
  const confidentialityCodes: XdsCode[] = [
    { code: confidentiality, codingScheme: CODE_SYSTEM.hl7Confidentiality, displayName: CONFIDENTIALITY_DISPLAY[confidentiality]! },
    ...[...new Set(context.confidentiality ?? [])].map((code) => ({
      code,
      codingScheme: CODE_SYSTEM.dmpConfidentiality,
      displayName: DMP_CONFIDENTIALITY[code],
    })),
  ];
  const bytes = Buffer.from(document);
  const documentEntry: DocumentEntryMetadata = {
    entryUUID: context.documentEntryUUID ?? 'Document01',
    mimeType: 'text/xml',
    uniqueId,
    title,
    patientId,
    sourcePatientId: sourcePatientIdOf(header, patientId),
    sourcePatientInfo: sourcePatientInfoOf(root),
    authors,
    legalAuthenticator,
    classCode,
    typeCode,
    formatCode: formatCodeOf(root),
    practiceSettingCode,
    healthcareFacilityTypeCode,
    confidentialityCodes,
    eventCodes: eventCodesOf(serviceEvent),
    creationTime,
    serviceStartTime,
    ...(serviceStopTime ? { serviceStopTime } : {}),
    languageCode,
    hash: createHash('sha1').update(bytes).digest('hex'),
    size: bytes.length,
    referenceIds: referenceIdsOf(root, serviceEvent),
  };
  const sender = context.author;
  requireValue(context.sourceId, 'context.sourceId');
  if (!isPlainOid(context.sourceId)) throw new XdsError('TLR_ERR_XDS_INVALID_VALUE', 'context.sourceId', 'the sourceId is an OID');
  const submissionSet: SubmissionSetMetadata = {
    entryUUID: context.submissionSetEntryUUID ?? 'SubmissionSet01',
    uniqueId: context.submissionUniqueId ?? newUuidOid(),
    sourceId: context.sourceId,
    patientId,
    submissionTime: xdsTime(context.submissionTime ?? new Date()),
    author: {
      person: xcn({ ...sender.person, oid: CODE_SYSTEM.professional }),
      institutions: [xon({ ...sender.institution, oid: CODE_SYSTEM.structure })],
      roles: sender.role ? [sender.role] : [],
      specialties: sender.specialty ? [sender.specialty] : [],
    },
    contentTypeCode: context.contentTypeCode,
    title,
  };
  return { submissionSet, documentEntry, ...(context.replaces ? { replaces: { entryUUID: context.replaces.entryUUID } } : {}) };
}

/** A fresh `urn:uuid:` entryUUID. */
export function newEntryUuid(): string {
  return `urn:uuid:${randomUUID()}`;
}

function requireValue(value: string | undefined, where: string): string {
  if (value === undefined || value.trim() === '') {
    throw new XdsError('TLR_ERR_XDS_MISSING_VALUE', where, 'the DMP requires this value');
  }
  return value.trim();
}

function requireTime(value: string | undefined, where: string): string {
  const t = xdsTimeFromCda(requireValue(value, where));
  if (!t) throw new XdsError('TLR_ERR_XDS_INVALID_VALUE', where, `"${value}" is not an HL7 time`);
  return t;
}

/** The qualified INS (INS-NIR, production or test root) among `recordTarget/patientRole/id`. */
function insOf(header: CdaHeader): string {
  const ins = header.patientIds.find((id) => id.root === INS_OID.production || id.root === INS_OID.test);
  if (!ins?.extension) {
    throw new XdsError(
      'TLR_ERR_XDS_MISSING_VALUE',
      'cda.recordTarget.patientRole.id',
      `no qualified INS (root ${INS_OID.production}, or ${INS_OID.test} in test): the DMP requires one`,
    );
  }
  // Sex, year, month, department (two digits, or 2A / 2B for Corsica), commune, order, then the key.
  if (!/^[12378]\d{4}(\d{2}|2[AB])\d{6}(\d{2})?$/.test(ins.extension)) {
    throw new XdsError('TLR_ERR_XDS_INVALID_VALUE', 'cda.recordTarget.patientRole.id', 'the INS-NIR has 13 digits and its key (15)');
  }
  return cx(ins.extension, ins.root, 'NH');
}

function sourcePatientIdOf(header: CdaHeader, patientId: string): string {
  const local = header.patientIds.find((id) => id.root !== INS_OID.production && id.root !== INS_OID.test && id.extension);
  return local?.extension ? cx(local.extension, local.root, 'PI') : patientId;
}

function codeOf(header: CdaHeader): XdsCode {
  const code = header.code;
  if (!code?.code || !code.codeSystem || !code.displayName) {
    throw new XdsError('TLR_ERR_XDS_MISSING_VALUE', 'cda.code', 'the document type needs code, codeSystem and displayName');
  }
  return { code: code.code, codingScheme: code.codeSystem, displayName: code.displayName };
}

function codedOf(el: Element | undefined, where: string): XdsCode {
  const code = attr(el, 'code');
  const codingScheme = attr(el, 'codeSystem');
  const displayName = attr(el, 'displayName');
  if (!code || !codingScheme || !displayName) {
    throw new XdsError('TLR_ERR_XDS_MISSING_VALUE', where, 'the DMP requires code, codeSystem and displayName');
  }
  return { code, codingScheme, displayName };
}

function personXcn(entity: Element | undefined, where: string): string {
  const id = firstChild(entity, NS.hl7, 'id');
  const root = attr(id, 'root');
  const extension = attr(id, 'extension');
  if (!entity || !root || !extension) throw new XdsError('TLR_ERR_XDS_MISSING_VALUE', `${where}.id`, 'the DMP requires the person id');
  const name = path(entity, NS.hl7, 'assignedPerson', 'name');
  return xcn({
    id: extension,
    family: text(firstChild(name, NS.hl7, 'family')),
    given: text(firstChild(name, NS.hl7, 'given')),
    oid: root,
  });
}

function authorOf(author: Element, where: string): XdsAuthor {
  const assigned = firstChild(author, NS.hl7, 'assignedAuthor');
  const person = personXcn(assigned, `${where}.assignedAuthor`);
  const org = firstChild(assigned, NS.hl7, 'representedOrganization');
  const orgId = firstChild(org, NS.hl7, 'id');
  const orgName = text(firstChild(org, NS.hl7, 'name'));
  const orgExtension = attr(orgId, 'extension');
  const institutions =
    orgName && orgExtension ? [xon({ name: orgName, id: orgExtension, oid: attr(orgId, 'root') ?? CODE_SYSTEM.structure })] : [];
  const role = attr(firstChild(author, NS.hl7, 'functionCode'), 'displayName');
  const speciality = firstChild(assigned, NS.hl7, 'code');
  const specialties =
    speciality && attr(speciality, 'code')
      ? [`${attr(speciality, 'code')}^${attr(speciality, 'displayName') ?? ''}^${attr(speciality, 'codeSystem') ?? ''}`]
      : [];
  return { person, institutions, roles: role ? [role] : [], specialties };
}

/** PDF (level 1, `nonXMLBody` `application/pdf`), plain text, or the structured imaging report (level 3). */
function formatCodeOf(root: Element): XdsCode {
  const component = firstChild(root, NS.hl7, 'component');
  const nonXml = firstChild(component, NS.hl7, 'nonXMLBody');
  if (nonXml) {
    const mediaType = attr(firstChild(nonXml, NS.hl7, 'text'), 'mediaType');
    if (mediaType === 'application/pdf') return { ...FORMAT_CODE.pdf };
    if (mediaType === 'text/plain') return { ...FORMAT_CODE.text };
    throw new XdsError(
      'TLR_ERR_XDS_INVALID_VALUE',
      'cda.component.nonXMLBody.text/@mediaType',
      `no DMP formatCode for "${mediaType ?? ''}"`,
    );
  }
  if (firstChild(component, NS.hl7, 'structuredBody')) return { ...FORMAT_CODE.imagingReport };
  throw new XdsError('TLR_ERR_XDS_MISSING_VALUE', 'cda.component', 'the document has no body');
}

/** CCAM acts and the modality of `serviceEvent/code` translations (`dmp-publication.md` §4 eventCodeList). */
function eventCodesOf(serviceEvent: Element | undefined): XdsCode[] {
  const code = firstChild(serviceEvent, NS.hl7, 'code');
  if (!code) return [];
  const out: XdsCode[] = [];
  for (const c of [code, ...childElements(code, NS.hl7, 'translation')]) {
    const value = attr(c, 'code');
    const system = attr(c, 'codeSystem');
    const display = attr(c, 'displayName');
    if (!value || !display) continue;
    if (system === CODE_SYSTEM.ccam) out.push({ code: value, codingScheme: CODE_SYSTEM.ccam, displayName: display });
    if (system === '1.2.840.10008.2.16.4') out.push({ code: value, codingScheme: CODE_SYSTEM.modality, displayName: display });
  }
  return out;
}

/** Accession and order number from `inFulfillmentOf/order`, the study UID from `serviceEvent/id`. */
function referenceIdsOf(root: Element, serviceEvent: Element | undefined): string[] {
  const out: string[] = [];
  const order = path(root, NS.hl7, 'inFulfillmentOf', 'order');
  const accession = order ? descendants(order, '*', 'accessionNumber')[0] : undefined;
  const accessionExt = attr(accession, 'extension');
  const accessionRoot = attr(accession, 'root');
  if (accessionExt && accessionRoot) out.push(`${cx(accessionExt, accessionRoot)}^urn:ihe:iti:xds:2013:accession`);
  const orderId = firstChild(order, NS.hl7, 'id');
  const orderExt = attr(orderId, 'extension');
  const orderRoot = attr(orderId, 'root');
  if (orderExt && orderRoot) out.push(`${cx(orderExt, orderRoot)}^urn:ihe:iti:xds:2013:order`);
  const study = attr(firstChild(serviceEvent, NS.hl7, 'id'), 'root');
  if (study) out.push(`${study}^^^^urn:ihe:iti:xds:2016:studyInstanceUID`);
  return out;
}

function sourcePatientInfoOf(root: Element): string[] {
  const patient = path(root, NS.hl7, 'recordTarget', 'patientRole', 'patient');
  if (!patient) return [];
  const out: string[] = [];
  const names = childElements(patient, NS.hl7, 'name');
  const name = names[0];
  if (name) {
    const family = childElements(name, NS.hl7, 'family')[0];
    const given = childElements(name, NS.hl7, 'given')[0];
    const legal = attr(family, 'qualifier') === 'BR' ? 'L' : 'D';
    out.push(`PID-5|${text(family) ?? ''}^${text(given) ?? ''}^^^^^${legal}`);
  }
  const birth = attr(firstChild(patient, NS.hl7, 'birthTime'), 'value');
  if (birth) out.push(`PID-7|${birth.slice(0, 8)}`);
  const gender = attr(firstChild(patient, NS.hl7, 'administrativeGenderCode'), 'code');
  if (gender) out.push(`PID-8|${gender}`);
  return out;
}
