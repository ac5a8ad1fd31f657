import { randomUUID } from 'node:crypto';
import { el } from '../cda/xml-tree.js';
import type { XmlChild, XmlElement } from '../cda/xml-tree.js';
import type { SignatureEntryMetadata, XdsAuthor, XdsCode, XdsMetadata } from './metadata.js';
import { ASSOCIATION, IDENTIFIER, NS, SCHEME, STABLE_DOCUMENT_ENTRY, STATUS, STORED_QUERY } from './xds-vocabulary.js';

/**
 * ebRIM 3.0 / ebRS 3.0 bodies of the DMP transactions (ITI TF-3 §4.2, `dmp-publication.md` §3–§5 and §12):
 * `ProvideAndRegisterDocumentSetRequest` (ITI-41), the ITI-57 `SubmitObjectsRequest` that changes an entry's
 * availability status, and the ITI-18 `AdhocQueryRequest` that finds an entry by uniqueId. Elements of the rim
 * namespace are written with the `rim:` prefix; the namespaces are declared on each body's root.
 */

const rim = (name: string, attributes: Record<string, string | undefined> = {}, ...children: XmlChild[]): XmlElement =>
  el(`rim:${name}`, attributes, ...children);

function slot(name: string, values: readonly string[]): XmlElement | undefined {
  if (values.length === 0) return undefined;
  return rim('Slot', { name }, rim('ValueList', {}, ...values.map((v) => rim('Value', {}, v))));
}

function localized(value: string): XmlElement {
  return rim('LocalizedString', { value });
}

/** Ids of the classifications, identifiers and associations: unique within the submission and beyond. */
function nextId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

function codedClassification(scheme: string, classified: string, code: XdsCode): XmlElement {
  return rim(
    'Classification',
    { classificationScheme: scheme, classifiedObject: classified, id: nextId('cl'), nodeRepresentation: code.code },
    slot('codingScheme', [code.codingScheme]),
    rim('Name', {}, localized(code.displayName)),
  );
}

function authorClassification(scheme: string, classified: string, author: XdsAuthor): XmlElement {
  return rim(
    'Classification',
    { classificationScheme: scheme, classifiedObject: classified, id: nextId('cl'), nodeRepresentation: '' },
    slot('authorPerson', [author.person]),
    slot('authorInstitution', author.institutions),
    slot('authorRole', author.roles),
    slot('authorSpecialty', author.specialties),
  );
}

function externalIdentifier(id: { scheme: string; name: string }, registryObject: string, value: string): XmlElement {
  return rim(
    'ExternalIdentifier',
    { identificationScheme: id.scheme, registryObject, id: nextId('ei'), value },
    rim('Name', {}, localized(id.name)),
  );
}

function association(type: string, source: string, target: string, ...slots: (XmlElement | undefined)[]): XmlElement {
  return rim('Association', { associationType: type, id: nextId('as'), sourceObject: source, targetObject: target }, ...slots);
}

/** The `RegistryPackage` of the SubmissionSet and the ebRIM namespace declarations. */
function submissionSetPackage(m: XdsMetadata['submissionSet']): XmlElement {
  const id = m.entryUUID;
  return rim(
    'RegistryPackage',
    { id, objectType: 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage' },
    slot('submissionTime', [m.submissionTime]),
    m.title ? rim('Name', {}, localized(m.title)) : undefined,
    authorClassification(SCHEME.submissionSetAuthor, id, m.author),
    codedClassification(SCHEME.contentTypeCode, id, m.contentTypeCode),
    rim('Classification', { classificationNode: SCHEME.submissionSetNode, classifiedObject: id, id: nextId('cl') }),
    externalIdentifier(IDENTIFIER.submissionSetPatientId, id, m.patientId),
    externalIdentifier(IDENTIFIER.submissionSetSourceId, id, m.sourceId),
    externalIdentifier(IDENTIFIER.submissionSetUniqueId, id, m.uniqueId),
  );
}

/** The `ExtrinsicObject` of the report. Slots first, then Name, Classifications, ExternalIdentifiers (ebRIM order). */
export function documentEntryObject(d: XdsMetadata['documentEntry'] | SignatureEntryMetadata): XmlElement {
  const id = d.entryUUID;
  return rim(
    'ExtrinsicObject',
    { id, mimeType: d.mimeType, objectType: STABLE_DOCUMENT_ENTRY },
    slot('creationTime', [d.creationTime]),
    slot('hash', [d.hash]),
    slot('languageCode', [d.languageCode]),
    slot('legalAuthenticator', [d.legalAuthenticator]),
    slot('serviceStartTime', d.serviceStartTime ? [d.serviceStartTime] : []),
    slot('serviceStopTime', d.serviceStopTime ? [d.serviceStopTime] : []),
    slot('size', [String(d.size)]),
    slot('sourcePatientId', [d.sourcePatientId]),
    slot('sourcePatientInfo', d.sourcePatientInfo),
    slot('urn:ihe:iti:xds:2013:referenceIdList', d.referenceIds),
    rim('Name', {}, localized(d.title)),
    d.authors.map((a) => authorClassification(SCHEME.documentAuthor, id, a)),
    codedClassification(SCHEME.classCode, id, d.classCode),
    d.confidentialityCodes.map((c) => codedClassification(SCHEME.confidentialityCode, id, c)),
    d.eventCodes.map((c) => codedClassification(SCHEME.eventCodeList, id, c)),
    codedClassification(SCHEME.formatCode, id, d.formatCode),
    codedClassification(SCHEME.healthcareFacilityTypeCode, id, d.healthcareFacilityTypeCode),
    codedClassification(SCHEME.practiceSettingCode, id, d.practiceSettingCode),
    codedClassification(SCHEME.typeCode, id, d.typeCode),
    externalIdentifier(IDENTIFIER.documentPatientId, id, d.patientId),
    externalIdentifier(IDENTIFIER.documentUniqueId, id, d.uniqueId),
  );
}

const NAMESPACES = { 'xmlns:xdsb': NS.xdsb, 'xmlns:lcm': NS.lcm, 'xmlns:rim': NS.rim };

/**
 * `xdsb:ProvideAndRegisterDocumentSetRequest` for one report: SubmissionSet, DocumentEntry, HasMember and, on a
 * replacement, the RPLC association to the replaced entry; the document as `xop:Include` of `cid:<contentId>`.
 * With a signature document: its DocumentEntry, HasMember, and the `signs` association to the SubmissionSet.
 */
export function provideAndRegisterBody(
  metadata: XdsMetadata,
  contentId: string,
  signature?: { entry: SignatureEntryMetadata; contentId: string },
): XmlElement {
  const set = metadata.submissionSet;
  const doc = metadata.documentEntry;
  const sig = signature?.entry;
  return el(
    'xdsb:ProvideAndRegisterDocumentSetRequest',
    NAMESPACES,
    el(
      'lcm:SubmitObjectsRequest',
      {},
      rim(
        'RegistryObjectList',
        {},
        submissionSetPackage(set),
        documentEntryObject(doc),
        association(ASSOCIATION.hasMember, set.entryUUID, doc.entryUUID, slot('SubmissionSetStatus', ['Original'])),
        metadata.replaces && association(ASSOCIATION.replace, doc.entryUUID, metadata.replaces.entryUUID),
        sig && documentEntryObject(sig),
        sig && association(ASSOCIATION.hasMember, set.entryUUID, sig.entryUUID, slot('SubmissionSetStatus', ['Original'])),
        sig && association(ASSOCIATION.signs, sig.entryUUID, set.entryUUID, slot('SubmissionSetStatus', ['Original'])),
      ),
    ),
    el('xdsb:Document', { id: doc.entryUUID }, el('xop:Include', { 'xmlns:xop': NS.xop, href: `cid:${contentId}` })),
    signature &&
      el(
        'xdsb:Document',
        { id: signature.entry.entryUUID },
        el('xop:Include', { 'xmlns:xop': NS.xop, href: `cid:${signature.contentId}` }),
      ),
  );
}

/** What an ITI-57 availability change needs: the SubmissionSet (without document) and the target entry. */
export interface StatusUpdate {
  submissionSet: XdsMetadata['submissionSet'];
  /** entryUUID (`urn:uuid:…`) of the entry to change, as the registry knows it. */
  entryUUID: string;
  originalStatus: string;
  newStatus: string;
}

/** ITI-57 `lcm:SubmitObjectsRequest` with an `UpdateAvailabilityStatus` association (`dmp-publication.md` §5). */
export function updateAvailabilityBody(update: StatusUpdate): XmlElement {
  const set = update.submissionSet;
  return el(
    'lcm:SubmitObjectsRequest',
    { 'xmlns:lcm': NS.lcm, 'xmlns:rim': NS.rim },
    rim(
      'RegistryObjectList',
      {},
      submissionSetPackage(set),
      association(
        ASSOCIATION.updateAvailabilityStatus,
        set.entryUUID,
        update.entryUUID,
        slot('OriginalStatus', [update.originalStatus]),
        slot('NewStatus', [update.newStatus]),
      ),
    ),
  );
}

/** The deletion asked by a T04: Approved → `urn:asip:ci-sis:2010:StatusType:Deleted`. */
export const DELETION = { originalStatus: STATUS.approved, newStatus: STATUS.deleted } as const;

/** ITI-18 GetDocuments by uniqueId, returning the ObjectRefs or the full entries (`LeafClass`). */
export function getDocumentsQueryBody(uniqueIds: readonly string[], returnType: 'LeafClass' | 'ObjectRef' = 'LeafClass'): XmlElement {
  return el(
    'query:AdhocQueryRequest',
    { 'xmlns:query': NS.query, 'xmlns:rim': NS.rim },
    el('query:ResponseOption', { returnComposedObjects: 'true', returnType }),
    rim(
      'AdhocQuery',
      { id: STORED_QUERY.getDocuments },
      slot('$XDSDocumentEntryUniqueId', [`(${uniqueIds.map((u) => `'${u.replace(/'/g, "''")}'`).join(',')})`]),
    ),
  );
}

/** ITI-18 FindDocuments: the entries of a patient with these availability statuses (`LeafClass`). */
export function findDocumentsQueryBody(patientId: string, statuses: readonly string[] = [STATUS.approved]): XmlElement {
  const quote = (v: string): string => `'${v.replace(/'/g, "''")}'`;
  return el(
    'query:AdhocQueryRequest',
    { 'xmlns:query': NS.query, 'xmlns:rim': NS.rim },
    el('query:ResponseOption', { returnComposedObjects: 'true', returnType: 'LeafClass' }),
    rim(
      'AdhocQuery',
      { id: STORED_QUERY.findDocuments },
      slot('$XDSDocumentEntryPatientId', [quote(patientId)]),
      slot('$XDSDocumentEntryStatus', [`(${statuses.map(quote).join(',')})`]),
    ),
  );
}
