import { randomUUID } from 'node:crypto';
import { serializeXmlFragment } from '../cda/xml-tree.js';
import type { XmlElement } from '../cda/xml-tree.js';
import { DELETION, getDocumentsQueryBody, provideAndRegisterBody, updateAvailabilityBody } from './ebrim.js';
import { buildXdsMetadata, signatureEntryFor } from './metadata.js';
import type { SignatureEntryMetadata, SubmissionSetMetadata, XdsCode, XdsMetadata, XdsPerson, XdsPublicationContext } from './metadata.js';
import { buildMtom } from './mtom.js';
import { buildSubmissionSignature } from './submission-signature.js';
import { buildSignedVihf } from './vihf.js';
import type { VihfInput, VihfSigner } from './vihf.js';
import { ACTION, CODE_SYSTEM, NS } from './xds-vocabulary.js';
import type { DmpConfidentiality, XdsAction } from './xds-vocabulary.js';
import { xcn, xdsTime, xon } from './xds-values.js';
import { newUuidOid } from '../cda/identifiers.js';

/**
 * The DMP requests as bytes on the wire: SOAP 1.2 envelopes with WS-Addressing (`Action`, `MessageID`, `ReplyTo`,
 * `To`) and the signed VIHF in `wsse:Security`; ITI-41 as MTOM/XOP with the CDA as an attachment, ITI-57 and
 * ITI-18 as plain SOAP (`application/soap+xml`).
 */

/** A request ready to POST. */
export interface SoapRequest {
  body: Buffer;
  /** HTTP `Content-Type`. */
  contentType: string;
  /** WS-Addressing `MessageID` (`urn:uuid:…`), echoed by the answer's `RelatesTo`. */
  messageId: string;
  action: XdsAction;
  /** The endpoint the envelope is addressed to (`wsa:To`). */
  to: string;
}

/** Who publishes: the structure and its software, as configured on the RIS (`onward.dmp`). */
export interface DmpSubmitter {
  /** OID of the submitting system (SubmissionSet.sourceId). */
  sourceId: string;
  /** The structure: national id (`Identifiant_Structure`, PRT-8.10), name, JDV_J61 activity sector (`SA07`…). */
  structure: { id: string; name: string; activitySector: string };
  /** The person responsible for the automated processing (PRT-5 of the `SB` PRT): VIHF NameID and SubmissionSet author. */
  responsible: XdsPerson;
  /** VIHF roles (JDV_J65): the responsible person's profession, then savoir-faire. */
  roles: readonly XdsCode[];
  lps: { name: string; version: string; homologationId: string; id?: string };
  vihfVersion?: '3.0' | '4.0';
  /** The structure's certificate and key ("cachet") that sign the VIHF. */
  signer: VihfSigner;
}

const ANONYMOUS = 'http://www.w3.org/2005/08/addressing/anonymous';

/** The SOAP 1.2 envelope: WS-Addressing headers, the VIHF in WS-Security, the body. */
export function soapEnvelope(action: XdsAction, to: string, messageId: string, vihfXml: string, body: XmlElement): string {
  const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="${NS.soap}" xmlns:wsa="${NS.wsa}">` +
    '<soap:Header>' +
    `<wsa:Action soap:mustUnderstand="true">${action}</wsa:Action>` +
    `<wsa:MessageID>${messageId}</wsa:MessageID>` +
    `<wsa:ReplyTo><wsa:Address>${ANONYMOUS}</wsa:Address></wsa:ReplyTo>` +
    `<wsa:To soap:mustUnderstand="true">${escapeText(to)}</wsa:To>` +
    `<wsse:Security xmlns:wsse="${NS.wsse}" soap:mustUnderstand="true">${vihfXml}</wsse:Security>` +
    '</soap:Header>' +
    `<soap:Body>${serializeXmlFragment(body)}</soap:Body>` +
    '</soap:Envelope>'
  );
}

/** The signed VIHF of a submitter for one patient. */
export function submitterVihf(submitter: DmpSubmitter, patientId: string, now?: Date): string {
  return buildSignedVihf(submitterVihfInput(submitter, patientId, now), submitter.signer);
}

/** What the VIHF of a submitter says for one patient (`NameID` and `subject-id` from the responsible person). */
export function submitterVihfInput(submitter: DmpSubmitter, patientId: string, now?: Date): VihfInput {
  return {
    nameId: submitter.responsible.id,
    subjectName: `${submitter.responsible.given} ${submitter.responsible.family}`.trim(),
    structureId: submitter.structure.id,
    activitySector: submitter.structure.activitySector,
    roles: submitter.roles,
    patientId,
    lps: submitter.lps,
    ...(submitter.vihfVersion ? { version: submitter.vihfVersion } : {}),
    ...(now ? { now } : {}),
  };
}

/** The signature document of a submission and its DocumentEntry. */
export interface SignedSubmission {
  entry: SignatureEntryMetadata;
  bytes: Buffer;
}

/** Signs the submission (SubmissionSet uniqueId and the report) with the structure's certificate. */
export function signSubmission(metadata: XdsMetadata, document: Uint8Array, signer: VihfSigner, now?: Date): SignedSubmission {
  const signatureId = `S-${randomUUID()}`;
  const xml = buildSubmissionSignature(
    {
      signatureId,
      submissionSetUniqueId: metadata.submissionSet.uniqueId,
      documents: [{ uniqueId: metadata.documentEntry.uniqueId, bytes: document }],
      ...(now ? { now } : {}),
    },
    signer,
  );
  const bytes = Buffer.from(xml, 'utf8');
  return { entry: signatureEntryFor(metadata, bytes), bytes };
}

/** ITI-41 from ready metadata and a signed VIHF (the low-level form: tests use it to send deliberate mistakes). */
export function provideAndRegisterRequest(
  to: string,
  metadata: XdsMetadata,
  document: Uint8Array,
  vihfXml: string,
  signature?: SignedSubmission,
): SoapRequest {
  const messageId = `urn:uuid:${randomUUID()}`;
  const contentId = `doc.${randomUUID()}@cisis-tlr`;
  const signatureContentId = `sig.${randomUUID()}@cisis-tlr`;
  const body = provideAndRegisterBody(metadata, contentId, signature && { entry: signature.entry, contentId: signatureContentId });
  const envelope = soapEnvelope(ACTION.provideAndRegister, to, messageId, vihfXml, body);
  const attachments = [{ contentId, contentType: 'text/xml', body: document }];
  if (signature) attachments.push({ contentId: signatureContentId, contentType: 'text/xml', body: signature.bytes });
  const mtom = buildMtom(envelope, ACTION.provideAndRegister, attachments);
  return { body: mtom.body, contentType: mtom.contentType, messageId, action: ACTION.provideAndRegister, to };
}

/** A plain SOAP 1.2 request (ITI-57, ITI-18). */
export function plainSoapRequest(action: XdsAction, to: string, vihfXml: string, body: XmlElement): SoapRequest {
  const messageId = `urn:uuid:${randomUUID()}`;
  return {
    body: Buffer.from(soapEnvelope(action, to, messageId, vihfXml, body), 'utf8'),
    contentType: `application/soap+xml; charset=UTF-8; action="${action}"`,
    messageId,
    action,
    to,
  };
}

/** What a publication (initial or replacement) needs beyond the CDA and the submitter. */
export interface PublicationOptions {
  /** The repository endpoint (`…/services/repository`). */
  to: string;
  document: Uint8Array;
  submitter: DmpSubmitter;
  /** JDV_J59 care setting of the SubmissionSet. */
  contentTypeCode: XdsCode;
  confidentiality?: readonly DmpConfidentiality[];
  /** entryUUID of the replaced entry, for a replacement (T10). */
  replaces?: { entryUUID: string };
  classCode?: XdsCode;
  /** Adds the XAdES signature document of the submission (default true, as the ANS samples do). */
  signSubmission?: boolean;
  now?: Date;
}

/** ITI-41 for a CR-IMG: metadata from the CDA and the submitter, signed VIHF, MTOM. Throws `XdsError` for a CDA the DMP cannot take. */
export function buildPublicationRequest(options: PublicationOptions): { request: SoapRequest; metadata: XdsMetadata } {
  const { submitter } = options;
  const context: XdsPublicationContext = {
    sourceId: submitter.sourceId,
    author: { person: submitter.responsible, institution: { name: submitter.structure.name, id: submitter.structure.id } },
    contentTypeCode: options.contentTypeCode,
    ...(options.confidentiality ? { confidentiality: options.confidentiality } : {}),
    ...(options.replaces ? { replaces: options.replaces } : {}),
    ...(options.classCode ? { classCode: options.classCode } : {}),
    ...(options.now ? { submissionTime: options.now } : {}),
  };
  const metadata = buildXdsMetadata(options.document, context);
  const vihf = submitterVihf(submitter, metadata.documentEntry.patientId, options.now);
  const signature =
    options.signSubmission === false ? undefined : signSubmission(metadata, options.document, submitter.signer, options.now);
  return { request: provideAndRegisterRequest(options.to, metadata, options.document, vihf, signature), metadata };
}

/** The SubmissionSet of a registry-only transaction (ITI-57), for one patient. */
export function submissionSetFor(submitter: DmpSubmitter, patientId: string, contentTypeCode: XdsCode, now?: Date): SubmissionSetMetadata {
  return {
    entryUUID: 'SubmissionSet01',
    uniqueId: newUuidOid(),
    sourceId: submitter.sourceId,
    patientId,
    submissionTime: xdsTime(now ?? new Date()),
    author: {
      person: xcn({ ...submitter.responsible, oid: CODE_SYSTEM.professional }),
      institutions: [xon({ name: submitter.structure.name, id: submitter.structure.id, oid: CODE_SYSTEM.structure })],
      roles: [],
      specialties: [],
    },
    contentTypeCode,
  };
}

/** ITI-57 deletion (T04): the entry's availability status Approved → `urn:asip:ci-sis:2010:StatusType:Deleted`. */
export function buildDeletionRequest(options: {
  /** The registry endpoint (`…/services/registry`). */
  to: string;
  submitter: DmpSubmitter;
  /** entryUUID of the entry to delete, as the registry knows it (`urn:uuid:…`). */
  entryUUID: string;
  /** The entry's patientId (CX INS). */
  patientId: string;
  contentTypeCode: XdsCode;
  now?: Date;
}): SoapRequest {
  const set = submissionSetFor(options.submitter, options.patientId, options.contentTypeCode, options.now);
  const vihf = submitterVihf(options.submitter, options.patientId, options.now);
  return plainSoapRequest(
    ACTION.updateDocumentSet,
    options.to,
    vihf,
    updateAvailabilityBody({ submissionSet: set, entryUUID: options.entryUUID, ...DELETION }),
  );
}

/** ITI-18 GetDocuments by uniqueId: how the RIS finds the entryUUID of the version it replaces or deletes. */
export function buildEntryLookupRequest(options: {
  to: string;
  submitter: DmpSubmitter;
  uniqueId: string;
  patientId: string;
  now?: Date;
}): SoapRequest {
  const vihf = submitterVihf(options.submitter, options.patientId, options.now);
  return plainSoapRequest(ACTION.registryStoredQuery, options.to, vihf, getDocumentsQueryBody([options.uniqueId]));
}
