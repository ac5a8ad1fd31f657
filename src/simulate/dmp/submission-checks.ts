import { createHash } from 'node:crypto';
import { readCdaHeader } from '../../documents/transport/cda-header.js';
import {
  ASSOCIATION,
  CODE_SYSTEM,
  IDENTIFIER,
  INS_OID,
  KNOWN_CONTENT_TYPE_CODES,
  NS,
  SCHEME,
  SIGNATURE_ENTRY_CODES,
  STABLE_DOCUMENT_ENTRY,
  STATUS,
  XDS_VALUE_SETS,
  isPlainOid,
  isXdsTime,
  manifestDigest,
  parseCx,
  verifySubmissionSignature,
} from '../../documents/xds/index.js';
import type { EntryStatus } from '../../documents/xds/index.js';
import { attr, childElements, descendants, firstChild, parseXml, path, text } from '../../documents/xds/xml-dom.js';
import type { Element } from '../../documents/xds/xml-dom.js';
import { violation } from './dmp-rules.js';
import type { DmpViolation } from './dmp-rules.js';

/**
 * The metadata checks of the DMP double on an ITI-41 or ITI-57 body (rules `DMP-MD-*`, `DMP-RPLC-*`, `DMP-DEL-*`).
 * The CDA is read here independently of the library's metadata builder (only the generic CDA header reader and
 * DOM helpers are shared), so that a mistake of the builder shows as a disagreement instead of being repeated.
 */

/** An entry the double registered. */
export interface DmpEntry {
  /** The report, or the signature document of its submission. */
  kind: 'document' | 'signature';
  entryUUID: string;
  uniqueId: string;
  patientId: string;
  status: EntryStatus;
  /** National id of the submitting structure (the SubmissionSet authorInstitution XON id). */
  structureId: string | undefined;
  submissionSetUniqueId: string;
  hash: string;
  size: number;
  document: Buffer;
  /** entryUUID of the entry it replaced. */
  replaces?: string;
  submittedAt: Date;
}

/** What the checks need to know of the registry. */
export interface RegistryView {
  entryByUuid(entryUUID: string): DmpEntry | undefined;
  entryByUniqueId(uniqueId: string): DmpEntry | undefined;
  hasSubmissionSet(uniqueId: string): boolean;
  insOid: string;
  /** Certificates a signature (VIHF, submission) may chain to. */
  trustedSigners: readonly string[];
  /** Strict mode (`dmp-publication.md` §11.9): a submission without signature document is refused. */
  requireSubmissionSignature: boolean;
}

/** What an accepted ITI-41 adds to the registry. */
export interface AcceptedSubmission {
  submissionSetUniqueId: string;
  structureId: string | undefined;
  entries: Array<Omit<DmpEntry, 'entryUUID' | 'status' | 'submittedAt'> & { symbolicId: string }>;
  /** RPLC: new entry symbolic id → replaced entryUUID. */
  replacements: Array<{ source: string; target: string }>;
}

type Obj = Element;

function slots(obj: Obj, name: string): string[] | undefined {
  const s = childElements(obj, NS.rim, 'Slot').filter((e) => attr(e, 'name') === name);
  if (s.length === 0) return undefined;
  return s.flatMap((e) => descendants(e, NS.rim, 'Value').map((v) => text(v) ?? ''));
}

function classifications(obj: Obj, scheme: string): Obj[] {
  return childElements(obj, NS.rim, 'Classification').filter((c) => attr(c, 'classificationScheme') === scheme);
}

function externalId(obj: Obj, scheme: string): string[] {
  return childElements(obj, NS.rim, 'ExternalIdentifier')
    .filter((e) => attr(e, 'identificationScheme') === scheme)
    .map((e) => attr(e, 'value') ?? '');
}

function nameOf(obj: Obj | undefined): string | undefined {
  return attr(path(obj, NS.rim, 'Name', 'LocalizedString'), 'value');
}

interface Coded {
  code: string;
  scheme: string;
  name: string;
}

function coded(c: Obj): Coded {
  return { code: attr(c, 'nodeRepresentation') ?? '', scheme: (slots(c, 'codingScheme') ?? [])[0] ?? '', name: nameOf(c) ?? '' };
}

/** One value, present: else a violation of `rule`. */
function single(out: DmpViolation[], obj: Obj, name: string, rule: Parameters<typeof violation>[0], id: string): string | undefined {
  const v = slots(obj, name);
  if (v?.length !== 1 || !v[0]) {
    out.push(violation(rule, `${name}: ${v ? `${v.length} values` : 'absent'}, one is required`, id));
    return undefined;
  }
  return v[0];
}

function checkPatientId(out: DmpViolation[], value: string | undefined, where: string, insOid: string): void {
  const p = value ? parseCx(value) : undefined;
  // An INS-NIR: 13 characters and the key; the department of birth is two digits, or 2A / 2B (Corsica).
  if (p?.type !== 'NH' || p.oid !== insOid || !/^\d{5}(\d{2}|2[AB])\d{6}(\d{2})?$/.test(p.id)) {
    out.push(violation('DMP-MD-007', `${where} "${value ?? ''}" is not an INS-NIR CX ^^^&${insOid}&ISO^NH`, where));
  }
}

/** A CDA TS in UTC, and the same digits read as local time (no conversion), to spot local-time metadata. */
function cdaTimes(ts: string | undefined): { utc: string | undefined; local: string | undefined } {
  if (!ts) return { utc: undefined, local: undefined };
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?([+-])(\d{2})(\d{2})$/.exec(ts);
  const digits = ts.replace(/[.+-].*$/, '');
  if (!m) return { utc: digits, local: digits };
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const t = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +(s ?? 0)) - (sign === '-' ? -1 : 1) * (+oh! * 60 + +om!) * 60_000;
  const utc = new Date(t)
    .toISOString()
    .replace(/[-:T]/g, '')
    .slice(0, s === undefined ? 12 : 14);
  return { utc, local: digits };
}

function compareTime(
  out: DmpViolation[],
  rule: 'DMP-MD-011' | 'DMP-MD-012',
  name: string,
  value: string | undefined,
  cdaTs: string | undefined,
  id: string,
): void {
  if (value === undefined) return;
  if (!isXdsTime(value)) {
    out.push(violation(rule, `${name} "${value}" is not an XDS DTM`, id));
    return;
  }
  const { utc, local } = cdaTimes(cdaTs);
  if (utc === undefined) return;
  // Compare to the precision both carry (the XDS value may be shorter).
  const n = Math.min(value.length, utc.length);
  if (value.slice(0, n) === utc.slice(0, n)) return;
  if (local && value.slice(0, n) === local.slice(0, n)) {
    out.push(violation('DMP-MD-032', `${name} ${value} is the CDA time ${cdaTs} read as local time; UTC is ${utc}`, id));
  }
  out.push(violation(rule, `${name} ${value} is not the CDA time ${cdaTs} in UTC (${utc})`, id));
}

/** The parts of the CDA the metadata must agree with, read directly from the document. */
interface CdaFacts {
  id: string | undefined;
  idExtension: string | undefined;
  code: string | undefined;
  effectiveTime: string | undefined;
  confidentiality: string | undefined;
  ins: string | undefined;
  language: string | undefined;
  legalId: string | undefined;
  authorIds: string[];
  serviceLow: string | undefined;
  serviceHigh: string | undefined;
  facility: string | undefined;
  practice: string | undefined;
  body: 'pdf' | 'text' | 'structured' | 'other';
}

function readCda(bytes: Buffer, insOid: string): CdaFacts | string {
  const read = readCdaHeader(bytes);
  if (!read.header) return read.problem.message;
  const h = read.header;
  let root: Element;
  try {
    root = parseXml(bytes.toString('utf8')).documentElement as Element;
  } catch (e) {
    return (e as Error).message;
  }
  const se = path(root, NS.hl7, 'documentationOf', 'serviceEvent');
  const comp = firstChild(root, NS.hl7, 'component');
  const nonXml = firstChild(comp, NS.hl7, 'nonXMLBody');
  const mediaType = attr(firstChild(nonXml, NS.hl7, 'text'), 'mediaType');
  const ins = h.patientIds.find((i) => i.root === insOid || i.root === INS_OID.production || i.root === INS_OID.test);
  return {
    id: h.id?.root,
    idExtension: h.id?.extension,
    code: h.code?.code,
    effectiveTime: h.effectiveTime,
    confidentiality: h.confidentialityCode,
    ins: ins?.extension ? `${ins.extension}^^^&${ins.root}&ISO^NH` : undefined,
    language: attr(firstChild(root, NS.hl7, 'languageCode'), 'code'),
    legalId: h.legalAuthenticatorId?.extension,
    authorIds: childElements(root, NS.hl7, 'author').map((a) => attr(path(a, NS.hl7, 'assignedAuthor', 'id'), 'extension') ?? ''),
    serviceLow: attr(path(se, NS.hl7, 'effectiveTime', 'low'), 'value'),
    serviceHigh: attr(path(se, NS.hl7, 'effectiveTime', 'high'), 'value'),
    facility: attr(path(root, NS.hl7, 'componentOf', 'encompassingEncounter', 'location', 'healthCareFacility', 'code'), 'code'),
    practice: attr(path(se, NS.hl7, 'performer', 'assignedEntity', 'representedOrganization', 'standardIndustryClassCode'), 'code'),
    body: nonXml
      ? mediaType === 'application/pdf'
        ? 'pdf'
        : mediaType === 'text/plain'
          ? 'text'
          : 'other'
      : firstChild(comp, NS.hl7, 'structuredBody')
        ? 'structured'
        : 'other',
  };
}

/** The value set a coded metadata must belong to (codes grouped by codingScheme). */
function checkCoded(
  out: DmpViolation[],
  rule: 'DMP-MD-016' | 'DMP-MD-017' | 'DMP-MD-018' | 'DMP-MD-019' | 'DMP-MD-021' | 'DMP-MD-022',
  label: string,
  c: Coded,
  valueSet: (typeof XDS_VALUE_SETS)[keyof typeof XDS_VALUE_SETS],
  id: string,
): void {
  const scheme = valueSet.systemOf(c.code);
  if (scheme === undefined) out.push(violation(rule, `${label} ${c.code} is not in ${valueSet.label}`, id));
  else if (scheme !== c.scheme)
    out.push(violation(rule, `${label} ${c.code} has codingScheme "${c.scheme}", ${valueSet.release.name} says ${scheme}`, id));
}

/** XCN id (first component) of an `IDNPS` person, undefined when not that form. */
function xcnId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const parts = value.split('^');
  const authority = parts[8] ?? '';
  if (parts.length < 13 || !parts[0] || !/^&[0-9.]+&ISO$/.test(authority) || parts[12] !== 'IDNPS') return undefined;
  return parts[0];
}

/** XON id (10th component), undefined when not the IDNST form. */
function xonId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const parts = value.split('^');
  return parts[0] && parts[6] === 'IDNST' && parts[9] ? parts[9] : undefined;
}

function submissionSetOf(out: DmpViolation[], list: Element): Obj | undefined {
  const packages = childElements(list, NS.rim, 'RegistryPackage');
  const classifiedAsSet = new Set(
    descendants(list, NS.rim, 'Classification')
      .filter((c) => attr(c, 'classificationNode') === SCHEME.submissionSetNode)
      .map((c) => attr(c, 'classifiedObject')),
  );
  const sets = packages.filter((p) => classifiedAsSet.has(attr(p, 'id')));
  if (sets.length !== 1) {
    out.push(
      violation('DMP-MD-001', `${sets.length} RegistryPackage classified as SubmissionSet (${SCHEME.submissionSetNode}), one is required`),
    );
    return undefined;
  }
  return sets[0];
}

/** Checks of the SubmissionSet common to ITI-41 and ITI-57. */
function checkSubmissionSet(
  out: DmpViolation[],
  set: Obj,
  registry: RegistryView,
): { uniqueId: string; patientId: string; structureId: string | undefined } {
  const id = attr(set, 'id') ?? 'SubmissionSet';
  const time = single(out, set, 'submissionTime', 'DMP-MD-002', id);
  if (time !== undefined && !isXdsTime(time)) out.push(violation('DMP-MD-002', `submissionTime "${time}" is not an XDS DTM`, id));
  const authors = classifications(set, SCHEME.submissionSetAuthor);
  const author = authors[0];
  const person = author ? (slots(author, 'authorPerson') ?? [])[0] : undefined;
  const institution = author ? (slots(author, 'authorInstitution') ?? [])[0] : undefined;
  if (authors.length !== 1 || !xcnId(person)) {
    out.push(
      violation(
        'DMP-MD-003',
        `SubmissionSet author: ${authors.length} author(s), authorPerson "${person ?? ''}" (an XCN …^IDNPS is required)`,
        id,
      ),
    );
  }
  if (institution !== undefined && !xonId(institution)) {
    out.push(violation('DMP-MD-003', `SubmissionSet authorInstitution "${institution}" is not an XON …^IDNST^^^<id>`, id));
  }
  const content = classifications(set, SCHEME.contentTypeCode);
  if (content.length !== 1) out.push(violation('DMP-MD-004', `${content.length} contentTypeCode, one is required`, id));
  else {
    const c = coded(content[0]!);
    if (c.scheme !== CODE_SYSTEM.contentType || !KNOWN_CONTENT_TYPE_CODES.has(c.code)) {
      out.push(
        violation(
          'DMP-MD-004',
          `contentTypeCode ${c.code} (codingScheme "${c.scheme}") is not a known JDV_J59 code of ${CODE_SYSTEM.contentType}`,
          id,
        ),
      );
    }
  }
  const source = externalId(set, IDENTIFIER.submissionSetSourceId.scheme);
  if (source.length !== 1 || !isPlainOid(source[0]!))
    out.push(violation('DMP-MD-005', `sourceId "${source.join(', ')}" is not one OID`, id));
  const unique = externalId(set, IDENTIFIER.submissionSetUniqueId.scheme);
  const uniqueId = unique[0] ?? '';
  if (unique.length !== 1 || !isPlainOid(uniqueId))
    out.push(violation('DMP-MD-006', `SubmissionSet uniqueId "${unique.join(', ')}" is not one plain OID`, id));
  else if (registry.hasSubmissionSet(uniqueId))
    out.push(violation('DMP-MD-006', `SubmissionSet uniqueId ${uniqueId} was already submitted`, id));
  const patients = externalId(set, IDENTIFIER.submissionSetPatientId.scheme);
  if (patients.length !== 1) out.push(violation('DMP-MD-007', `${patients.length} SubmissionSet patientId, one is required`, id));
  checkPatientId(out, patients[0], 'SubmissionSet.patientId', registry.insOid);
  return { uniqueId, patientId: patients[0] ?? '', structureId: xonId(institution) };
}

/** Every coded Classification: code, one codingScheme, a Name (`dmp-publication.md` §8). */
function checkCodedClassifications(out: DmpViolation[], list: Element): void {
  const codedSchemes = new Set<string>([
    SCHEME.contentTypeCode,
    SCHEME.classCode,
    SCHEME.confidentialityCode,
    SCHEME.eventCodeList,
    SCHEME.formatCode,
    SCHEME.healthcareFacilityTypeCode,
    SCHEME.practiceSettingCode,
    SCHEME.typeCode,
  ]);
  for (const c of descendants(list, NS.rim, 'Classification')) {
    if (!codedSchemes.has(attr(c, 'classificationScheme') ?? '')) continue;
    const schemes = slots(c, 'codingScheme') ?? [];
    const v = coded(c);
    if (!v.code || schemes.length !== 1 || !schemes[0] || !v.name) {
      out.push(
        violation(
          'DMP-MD-023',
          `Classification ${attr(c, 'id') ?? ''} (${attr(c, 'classificationScheme')}): ` +
            `code "${v.code}", ${schemes.length} codingScheme, name "${v.name}"`,
          attr(c, 'classifiedObject'),
        ),
      );
    }
  }
}

/**
 * Checks an ITI-41 `ProvideAndRegisterDocumentSetRequest` whose documents are given by `Document/@id`. Returns
 * the violations and, when there is none of severity error, what to register.
 */
export function checkProvideAndRegister(
  request: Element,
  documents: ReadonlyMap<string, Buffer>,
  registry: RegistryView,
): { violations: DmpViolation[]; accepted?: AcceptedSubmission } {
  const out: DmpViolation[] = [];
  const list = path(request, NS.lcm, 'SubmitObjectsRequest');
  const objects = firstChild(list, NS.rim, 'RegistryObjectList');
  if (!objects) return { violations: [violation('DMP-MD-001', 'no lcm:SubmitObjectsRequest/rim:RegistryObjectList')] };
  const set = submissionSetOf(out, objects);
  const setInfo = set ? checkSubmissionSet(out, set, registry) : undefined;
  checkCodedClassifications(out, objects);
  const entries = childElements(objects, NS.rim, 'ExtrinsicObject');
  const associations = childElements(objects, NS.rim, 'Association');
  const accepted: AcceptedSubmission['entries'] = [];
  const isSignature = (e: Obj): boolean =>
    classifications(e, SCHEME.formatCode).some((c) => attr(c, 'nodeRepresentation') === SIGNATURE_ENTRY_CODES.formatCode.code) ||
    classifications(e, SCHEME.classCode).some((c) => attr(c, 'nodeRepresentation') === SIGNATURE_ENTRY_CODES.classCode.code);
  const contentDocuments = entries
    .filter((e) => !isSignature(e))
    .map((e) => ({ uniqueId: externalId(e, IDENTIFIER.documentUniqueId.scheme)[0] ?? '', bytes: documents.get(attr(e, 'id') ?? '') }));
  const signatures = entries.filter(isSignature);
  if (signatures.length === 0 && registry.requireSubmissionSignature) {
    out.push(violation('DMP-SIG-001', 'the submission has no signature document (strict mode)'));
  }
  for (const entry of entries) {
    const id = attr(entry, 'id') ?? '';
    const bytes = documents.get(id);
    if (!bytes) {
      out.push(violation('DMP-MD-027', `DocumentEntry ${id} has no xdsb:Document`, id));
      continue;
    }
    const checked = isSignature(entry)
      ? checkSignatureEntry(out, entry, bytes, registry, setInfo, contentDocuments, associations)
      : checkDocumentEntry(out, entry, bytes, registry, setInfo?.patientId);
    if (checked)
      accepted.push({
        ...checked,
        kind: isSignature(entry) ? 'signature' : 'document',
        symbolicId: id,
        structureId: setInfo?.structureId,
        submissionSetUniqueId: setInfo?.uniqueId ?? '',
      });
    const member = associations.find(
      (a) =>
        attr(a, 'associationType') === ASSOCIATION.hasMember &&
        attr(a, 'sourceObject') === attr(set, 'id') &&
        attr(a, 'targetObject') === id,
    );
    if (!member || (slots(member, 'SubmissionSetStatus') ?? [])[0] !== 'Original') {
      out.push(violation('DMP-MD-029', `no HasMember association ${attr(set, 'id') ?? '?'} → ${id} with SubmissionSetStatus Original`, id));
    }
  }
  for (const docId of documents.keys()) {
    if (!entries.some((e) => attr(e, 'id') === docId)) out.push(violation('DMP-MD-028', `Document ${docId} has no DocumentEntry`, docId));
  }
  const replacements: AcceptedSubmission['replacements'] = [];
  for (const a of associations.filter((x) => attr(x, 'associationType') === ASSOCIATION.replace)) {
    const source = attr(a, 'sourceObject') ?? '';
    const target = attr(a, 'targetObject') ?? '';
    const sourceEntry = accepted.find((e) => e.symbolicId === source);
    if (!entries.some((e) => attr(e, 'id') === source)) {
      out.push(violation('DMP-RPLC-004', `RPLC sourceObject ${source} is not a DocumentEntry of the submission`, source));
      continue;
    }
    const old = registry.entryByUuid(target);
    if (!old) out.push(violation('DMP-RPLC-001', `RPLC target ${target} is not a registered entry`, source));
    else if (old.status !== STATUS.approved)
      out.push(violation('DMP-RPLC-002', `RPLC target ${target} is ${old.status}, not Approved`, source));
    else if (sourceEntry && old.patientId !== sourceEntry.patientId) {
      out.push(violation('DMP-RPLC-003', `RPLC target ${target} belongs to another patient`, source));
    }
    replacements.push({ source, target });
  }
  const errors = out.filter((v) => v.severity === 'error');
  if (errors.length > 0 || !setInfo) return { violations: out };
  return {
    violations: out,
    accepted: { submissionSetUniqueId: setInfo.uniqueId, structureId: setInfo.structureId, entries: accepted, replacements },
  };
}

function checkDocumentEntry(
  out: DmpViolation[],
  entry: Obj,
  bytes: Buffer,
  registry: RegistryView,
  submissionPatientId: string | undefined,
): { uniqueId: string; patientId: string; hash: string; size: number; document: Buffer } | undefined {
  const id = attr(entry, 'id') ?? '';
  const cda = readCda(bytes, registry.insOid);
  if (typeof cda === 'string') {
    out.push(violation('DMP-MD-031', `the document of ${id} is not a CDA: ${cda}`, id));
    return undefined;
  }
  if (attr(entry, 'mimeType') !== 'text/xml' || attr(entry, 'objectType') !== STABLE_DOCUMENT_ENTRY) {
    out.push(violation('DMP-MD-010', `mimeType "${attr(entry, 'mimeType') ?? ''}", objectType "${attr(entry, 'objectType') ?? ''}"`, id));
  }
  // Identifiers
  const uniqueIds = externalId(entry, IDENTIFIER.documentUniqueId.scheme);
  const uniqueId = uniqueIds[0] ?? '';
  if (uniqueIds.length !== 1 || !isPlainOid(uniqueId))
    out.push(violation('DMP-MD-009', `uniqueId "${uniqueIds.join(', ')}" is not one plain OID`, id));
  else if (registry.entryByUniqueId(uniqueId)) out.push(violation('DMP-MD-009', `uniqueId ${uniqueId} is already registered`, id));
  const patients = externalId(entry, IDENTIFIER.documentPatientId.scheme);
  const patientId = patients[0] ?? '';
  checkPatientId(out, patients.length === 1 ? patientId : undefined, `${id}.patientId`, registry.insOid);
  if (submissionPatientId !== undefined && patientId !== submissionPatientId) {
    out.push(
      violation(
        'DMP-MD-008',
        `DocumentEntry patientId "${patientId}" differs from the SubmissionSet patientId "${submissionPatientId}"`,
        id,
      ),
    );
  }
  if (cda.id !== uniqueId || cda.idExtension)
    out.push(violation('DMP-MD-030', `uniqueId ${uniqueId} is not the CDA id/@root ${cda.id ?? ''}`, id));
  if (cda.ins !== patientId) out.push(violation('DMP-MD-030', `patientId "${patientId}" is not the CDA INS "${cda.ins ?? 'none'}"`, id));
  // Hash and size of the exact bytes
  const hash = single(out, entry, 'hash', 'DMP-MD-025', id);
  const actualHash = createHash('sha1').update(bytes).digest('hex');
  if (hash !== undefined && hash.toLowerCase() !== actualHash)
    out.push(violation('DMP-MD-025', `hash ${hash} is not the SHA-1 of the document (${actualHash})`, id));
  const size = single(out, entry, 'size', 'DMP-MD-026', id);
  if (size !== undefined && size !== String(bytes.length))
    out.push(violation('DMP-MD-026', `size ${size} is not the document length (${bytes.length})`, id));
  // Times
  compareTime(out, 'DMP-MD-011', 'creationTime', single(out, entry, 'creationTime', 'DMP-MD-011', id), cda.effectiveTime, id);
  compareTime(out, 'DMP-MD-012', 'serviceStartTime', single(out, entry, 'serviceStartTime', 'DMP-MD-012', id), cda.serviceLow, id);
  const stop = slots(entry, 'serviceStopTime');
  if (stop && stop.length !== 1) out.push(violation('DMP-MD-012', `serviceStopTime: ${stop.length} values`, id));
  compareTime(out, 'DMP-MD-012', 'serviceStopTime', stop?.[0], cda.serviceHigh, id);
  if (!stop && cda.serviceHigh) out.push(violation('DMP-MD-012', `serviceStopTime is absent but the CDA says ${cda.serviceHigh}`, id));
  // Single-valued slots compared with the CDA
  const language = single(out, entry, 'languageCode', 'DMP-MD-013', id);
  if (language !== undefined && language !== cda.language)
    out.push(violation('DMP-MD-013', `languageCode ${language} is not the CDA's ${cda.language ?? ''}`, id));
  const legal = single(out, entry, 'legalAuthenticator', 'DMP-MD-014', id);
  if (legal !== undefined && xcnId(legal) !== cda.legalId) {
    out.push(
      violation('DMP-MD-014', `legalAuthenticator "${legal}" is not an XCN of the CDA legal authenticator ${cda.legalId ?? ''}`, id),
    );
  }
  const sourcePatient = single(out, entry, 'sourcePatientId', 'DMP-MD-015', id);
  if (sourcePatient !== undefined && !parseCx(sourcePatient))
    out.push(violation('DMP-MD-015', `sourcePatientId "${sourcePatient}" is not a CX`, id));
  if (!nameOf(entry)) out.push(violation('DMP-MD-024', 'the DocumentEntry has no title (Name)', id));
  // Authors
  const authors = classifications(entry, SCHEME.documentAuthor);
  if (authors.length === 0) out.push(violation('DMP-MD-020', 'no DocumentEntry author', id));
  for (const a of authors) {
    const pid = xcnId((slots(a, 'authorPerson') ?? [])[0]);
    if (!pid || !cda.authorIds.includes(pid)) {
      out.push(violation('DMP-MD-020', `author "${(slots(a, 'authorPerson') ?? [])[0] ?? ''}" is not an XCN of a CDA author`, id));
    }
  }
  // Coded metadata
  const one = (scheme: string, label: string, rule: Parameters<typeof checkCoded>[1]): Coded | undefined => {
    const list = classifications(entry, scheme);
    if (list.length !== 1) {
      out.push(violation(rule, `${list.length} ${label}, one is required`, id));
      return undefined;
    }
    return coded(list[0]!);
  };
  const type = one(SCHEME.typeCode, 'typeCode', 'DMP-MD-016');
  if (type) {
    checkCoded(out, 'DMP-MD-016', 'typeCode', type, XDS_VALUE_SETS.typeCode, id);
    if (type.code !== cda.code) out.push(violation('DMP-MD-016', `typeCode ${type.code} is not the CDA code ${cda.code ?? ''}`, id));
  }
  const cls = one(SCHEME.classCode, 'classCode', 'DMP-MD-017');
  if (cls) {
    checkCoded(out, 'DMP-MD-017', 'classCode', cls, XDS_VALUE_SETS.classCode, id);
    if (type?.code === '18748-4' && cls.code === '10') out.push(violation('DMP-MD-033', 'classCode 10 for an imaging report', id));
    else if (type?.code === '18748-4' && cls.code !== '31')
      out.push(violation('DMP-MD-017', `classCode ${cls.code} for an imaging report (31 or 10)`, id));
  }
  const conf = classifications(entry, SCHEME.confidentialityCode).map(coded);
  if (conf.length === 0) out.push(violation('DMP-MD-018', 'no confidentialityCode', id));
  for (const c of conf) checkCoded(out, 'DMP-MD-018', 'confidentialityCode', c, XDS_VALUE_SETS.confidentialityCode, id);
  if (conf[0] && conf[0].code !== cda.confidentiality) {
    out.push(violation('DMP-MD-018', `the first confidentialityCode ${conf[0].code} is not the CDA's ${cda.confidentiality ?? ''}`, id));
  }
  const format = one(SCHEME.formatCode, 'formatCode', 'DMP-MD-019');
  if (format) {
    checkCoded(out, 'DMP-MD-019', 'formatCode', format, XDS_VALUE_SETS.formatCode, id);
    const expected = {
      pdf: 'urn:ihe:iti:xds-sd:pdf:2008',
      text: 'urn:ihe:iti:xds-sd:text:2008',
      structured: 'urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013',
    }[cda.body as 'pdf'];
    if (expected && format.code !== expected)
      out.push(violation('DMP-MD-019', `formatCode ${format.code} for a ${cda.body} body (${expected})`, id));
  }
  const facility = one(SCHEME.healthcareFacilityTypeCode, 'healthcareFacilityTypeCode', 'DMP-MD-021');
  if (facility) {
    checkCoded(out, 'DMP-MD-021', 'healthcareFacilityTypeCode', facility, XDS_VALUE_SETS.healthcareFacilityTypeCode, id);
    if (facility.code !== cda.facility)
      out.push(violation('DMP-MD-021', `healthcareFacilityTypeCode ${facility.code} is not the CDA's ${cda.facility ?? ''}`, id));
  }
  const practice = one(SCHEME.practiceSettingCode, 'practiceSettingCode', 'DMP-MD-022');
  if (practice) {
    checkCoded(out, 'DMP-MD-022', 'practiceSettingCode', practice, XDS_VALUE_SETS.practiceSettingCode, id);
    if (practice.code !== cda.practice)
      out.push(violation('DMP-MD-022', `practiceSettingCode ${practice.code} is not the CDA's ${cda.practice ?? ''}`, id));
  }
  return { uniqueId, patientId, hash: actualHash, size: bytes.length, document: bytes };
}

/** The signature document of a submission and its DocumentEntry (`DMP-SIG-*`). */
function checkSignatureEntry(
  out: DmpViolation[],
  entry: Obj,
  bytes: Buffer,
  registry: RegistryView,
  setInfo: { uniqueId: string; patientId: string } | undefined,
  contentDocuments: ReadonlyArray<{ uniqueId: string; bytes: Buffer | undefined }>,
  associations: readonly Obj[],
): { uniqueId: string; patientId: string; hash: string; size: number; document: Buffer } | undefined {
  const id = attr(entry, 'id') ?? '';
  const uniqueIds = externalId(entry, IDENTIFIER.documentUniqueId.scheme);
  const uniqueId = uniqueIds[0] ?? '';
  if (uniqueIds.length !== 1 || !isPlainOid(uniqueId))
    out.push(violation('DMP-MD-009', `uniqueId "${uniqueIds.join(', ')}" is not one plain OID`, id));
  else if (registry.entryByUniqueId(uniqueId)) out.push(violation('DMP-MD-009', `uniqueId ${uniqueId} is already registered`, id));
  const patientId = externalId(entry, IDENTIFIER.documentPatientId.scheme)[0] ?? '';
  checkPatientId(out, patientId, `${id}.patientId`, registry.insOid);
  if (setInfo && patientId !== setInfo.patientId)
    out.push(violation('DMP-MD-008', `signature entry patientId "${patientId}" differs from the SubmissionSet's`, id));
  const hash = single(out, entry, 'hash', 'DMP-MD-025', id);
  const actualHash = createHash('sha1').update(bytes).digest('hex');
  if (hash !== undefined && hash.toLowerCase() !== actualHash)
    out.push(violation('DMP-MD-025', `hash ${hash} is not the SHA-1 of the signature (${actualHash})`, id));
  const size = single(out, entry, 'size', 'DMP-MD-026', id);
  if (size !== undefined && size !== String(bytes.length))
    out.push(violation('DMP-MD-026', `size ${size} is not the signature length (${bytes.length})`, id));
  // Codes of a signature entry (§5)
  const codeOf = (scheme: string): string =>
    classifications(entry, scheme)
      .map((c) => `${coded(c).code}|${coded(c).scheme}`)
      .join(',');
  const expected: Array<[string, string, { code: string; codingScheme: string }]> = [
    ['classCode', SCHEME.classCode, SIGNATURE_ENTRY_CODES.classCode],
    ['typeCode', SCHEME.typeCode, SIGNATURE_ENTRY_CODES.typeCode],
    ['formatCode', SCHEME.formatCode, SIGNATURE_ENTRY_CODES.formatCode],
    ['eventCodeList', SCHEME.eventCodeList, SIGNATURE_ENTRY_CODES.eventCode],
  ];
  for (const [label, scheme, code] of expected) {
    if (codeOf(scheme) !== `${code.code}|${code.codingScheme}`) {
      out.push(violation('DMP-SIG-002', `signature ${label} "${codeOf(scheme)}" (${code.code}, codingScheme ${code.codingScheme})`, id));
    }
  }
  const language = (slots(entry, 'languageCode') ?? [])[0];
  if (attr(entry, 'mimeType') !== 'text/xml' || language !== 'art') {
    out.push(
      violation(
        'DMP-SIG-002',
        `signature mimeType "${attr(entry, 'mimeType') ?? ''}", languageCode "${language ?? ''}" (text/xml, art)`,
        id,
      ),
    );
  }
  const setId = associations
    .find((a) => attr(a, 'associationType') === ASSOCIATION.hasMember && attr(a, 'targetObject') === id)
    ?.getAttribute('sourceObject');
  const signs = associations.filter((a) => attr(a, 'associationType') === ASSOCIATION.signs && attr(a, 'sourceObject') === id);
  if (signs.length !== 1 || attr(signs[0], 'targetObject') !== setId || (slots(signs[0]!, 'SubmissionSetStatus') ?? [])[0] !== 'Original') {
    out.push(
      violation(
        'DMP-SIG-003',
        `${signs.length} signs association(s) from ${id}; ` +
          `one to the SubmissionSet ${setId ?? '?'} with SubmissionSetStatus Original is required`,
        id,
      ),
    );
  }
  // The signature itself
  const check = verifySubmissionSignature(bytes.toString('utf8'), registry.trustedSigners);
  if (!check.valid) {
    out.push(violation('DMP-SIG-004', check.reason, id));
  } else {
    const refs = check.references;
    const wanted = [
      ...(setInfo ? [{ uri: `urn:oid:${setInfo.uniqueId}`, digest: manifestDigest(setInfo.uniqueId) }] : []),
      ...contentDocuments.map((d) => ({ uri: `urn:oid:${d.uniqueId}`, digest: d.bytes ? manifestDigest(d.bytes) : '' })),
    ];
    for (const w of wanted) {
      const got = refs.get(w.uri);
      if (got !== w.digest)
        out.push(
          violation('DMP-SIG-005', `the Manifest ${got === undefined ? 'has no reference to' : 'has another digest for'} ${w.uri}`, id),
        );
    }
    if (refs.size !== wanted.length)
      out.push(violation('DMP-SIG-005', `the Manifest has ${refs.size} references, the submission ${wanted.length} objects`, id));
  }
  return { uniqueId, patientId, hash: actualHash, size: bytes.length, document: bytes };
}

/** Checks an ITI-57 deletion; returns the target when it can be applied. */
export function checkUpdateDocumentSet(
  request: Element,
  registry: RegistryView,
): { violations: DmpViolation[]; target?: DmpEntry; newStatus?: EntryStatus; submissionSetUniqueId?: string } {
  const out: DmpViolation[] = [];
  const objects = firstChild(request, NS.rim, 'RegistryObjectList');
  if (!objects) return { violations: [violation('DMP-MD-001', 'no rim:RegistryObjectList')] };
  const set = submissionSetOf(out, objects);
  const setInfo = set ? checkSubmissionSet(out, set, registry) : undefined;
  checkCodedClassifications(out, objects);
  const updates = childElements(objects, NS.rim, 'Association').filter(
    (a) => attr(a, 'associationType') === ASSOCIATION.updateAvailabilityStatus,
  );
  const update = updates[0];
  if (updates.length !== 1 || !update) {
    out.push(violation('DMP-DEL-001', `${updates.length} UpdateAvailabilityStatus association(s), one is required`));
    return { violations: out };
  }
  const original = (slots(update, 'OriginalStatus') ?? [])[0];
  const next = (slots(update, 'NewStatus') ?? [])[0];
  if (attr(update, 'sourceObject') !== attr(set, 'id') || original !== STATUS.approved || next !== STATUS.deleted) {
    out.push(
      violation(
        'DMP-DEL-001',
        `UpdateAvailabilityStatus from ${attr(update, 'sourceObject') ?? ''}: ` +
          `OriginalStatus "${original ?? ''}", NewStatus "${next ?? ''}" (Approved → ${STATUS.deleted})`,
      ),
    );
  }
  const targetId = attr(update, 'targetObject') ?? '';
  const target = registry.entryByUuid(targetId);
  if (!target) out.push(violation('DMP-DEL-002', `target ${targetId} is not a registered entry`));
  else {
    if (target.status !== STATUS.approved) out.push(violation('DMP-DEL-003', `target ${targetId} is ${target.status}, not Approved`));
    if (setInfo && setInfo.patientId !== target.patientId)
      out.push(violation('DMP-DEL-004', `the SubmissionSet patientId is not the target's`));
    if (setInfo && setInfo.structureId !== target.structureId) {
      out.push(
        violation(
          'DMP-DEL-005',
          `structure ${setInfo.structureId ?? 'none'} is not the author's structure ${target.structureId ?? 'none'}`,
        ),
      );
    }
  }
  if (out.some((v) => v.severity === 'error') || !target) return { violations: out };
  return { violations: out, target, newStatus: STATUS.deleted, ...(setInfo ? { submissionSetUniqueId: setInfo.uniqueId } : {}) };
}
