import { Message, formatTS, newControlId, readTS } from '../../hl7/index.js';
import type { Segment } from '../../hl7/index.js';
import { encodeBase64 } from './base64.js';
import { readCdaHeader } from './cda-header.js';
import { documentIdComponents, formatDocumentId, isOid, sameDocumentId } from './document-id.js';
import { DocumentTransportError } from './errors.js';
import { identifierComponents, mailAddressComponents, organizationComponents, personComponents } from './er7-fields.js';
import type { DocumentId, DocumentMetadata, DocumentParticipants, DocumentRequest, MailRecipient, Participant } from './types.js';
import {
  DOCUMENT_DATA_SUBTYPE, DOCUMENT_ENCODING, DOCUMENT_TYPE_CODING_SYSTEMS, DOCUMENT_TYPE_OF_DATA, INS_OIDS, MAIL_BODY_DEFINITIONS,
  MDM_MESSAGE_STRUCTURE, MESSAGE_VERSION, METADATA_CODING_SYSTEM, METADATA_DEFINITIONS, NO_REPLY_COMMENT_TYPE, PARTICIPATION,
  PARTICIPATION_CODING_SYSTEM, TRANS_CDA_PROFILE, TXA_COMPLETION_STATUS, TXA_CONTENT_PRESENTATION, YES_NO_CODING_SYSTEM, actionOf,
} from './vocabulary.js';

/**
 * Builds the MDM message (HL7 v2.6) that carries one CDA document: `MDM^T02^MDM_T02` for an
 * initial transmission, `MDM^T10^MDM_T02` for a replacement, `MDM^T04^MDM_T02` for a deletion
 * (trans-cda-r2 §2, §4.1, §5, §6). MDM is the message the volet recommends for one document.
 *
 * The CDA header is read and must agree with the request (id, setId, version, type, title,
 * confidentiality, patient ids, and for a replacement the `RPLC` parent): the message repeats
 * these values, and a receiver rejects a message that contradicts its document. Anything the
 * validator would report as an error raises a {@link DocumentTransportError} here instead, so a
 * built message always validates without errors.
 */
export function buildDocumentMessage(request: DocumentRequest): Message {
  const action = actionOf(request.kind);
  const { document: doc, context } = request;
  const bytes = typeof doc.xml === 'string' ? Buffer.from(doc.xml, 'utf8') : doc.xml;
  const metadata = completeMetadata(request.metadata);
  const participants = participantsOf(request);
  checkRequest(request, bytes, metadata, participants);

  const msg = Message.create({ charset: context.charset ?? 'UNICODE UTF-8' });
  const now = context.timestamp ?? new Date();
  const msh = msg.msh;
  msh.set(3, context.sendingApplication).set(4, context.sendingFacility);
  msh.set(5, context.receivingApplication).set(6, context.receivingFacility);
  msh.set(7, formatTS(now));
  msh.setComponents(9, ['MDM', action.mdmEvent, MDM_MESSAGE_STRUCTURE]);
  msh.set(10, context.controlId ?? newControlId());
  msh.set(11, context.processingId ?? 'P');
  msh.set(12, MESSAGE_VERSION.MDM);
  msh.set(17, 'FRA');
  msh.setComponents(21, [TRANS_CDA_PROFILE.entityIdentifier, TRANS_CDA_PROFILE.namespaceId]);

  msg.addSegment('EVN').set(2, formatTS(now)).set(6, timeText(doc.validationTime ?? doc.creationTime, 'document.validationTime'));
  writePid(msg.addSegment('PID'), request);
  writePv1(msg.addSegment('PV1'), request);

  const orc = msg.addSegment('ORC').set(1, action.orderControl);
  const obr = msg.addSegment('OBR').set(1, '1');
  const typeComponents = [doc.type.code, doc.type.displayName, doc.type.codingSystem];
  obr.setComponents(4, typeComponents);
  const placer = request.order?.placerOrderNumber;
  const placerComponents = placer ? [placer.value, '', placer.authorityOid, 'ISO'] : undefined;
  if (placerComponents) {
    orc.setComponents(2, placerComponents);
    obr.setComponents(2, placerComponents);
  }

  const txa = msg.addSegment('TXA').set(1, '1').set(2, doc.type.code).set(3, TXA_CONTENT_PRESENTATION);
  txa.set(4, timeText(doc.creationTime, 'document.creationTime'));
  txa.setComponents(12, documentIdComponents(doc.id));
  if (request.kind === 'replace') txa.setComponents(13, documentIdComponents(request.replacedDocumentId));
  if (placerComponents) txa.setComponents(14, placerComponents);
  txa.set(17, TXA_COMPLETION_STATUS);
  txa.setComponents(22, personComponents(doc.legalAuthenticator ?? doc.author));

  let setId = 0;
  const obx = (valueType: string, code: readonly string[], status: string): Segment =>
    msg.addSegment('OBX').set(1, String(++setId)).set(2, valueType).setComponents(3, code).set(11, status);

  obx('ED', typeComponents, action.resultStatus)
    .setComponents(5, ['', DOCUMENT_TYPE_OF_DATA.MDM, DOCUMENT_DATA_SUBTYPE, DOCUMENT_ENCODING, encodeBase64(bytes)]);
  writeParticipants(msg, participants);

  for (const def of METADATA_DEFINITIONS) {
    obx('CWE', [def.code, def.label, METADATA_CODING_SYSTEM], 'F')
      .setComponents(5, [metadata[def.flag] ? 'Y' : 'N', '', YES_NO_CODING_SYSTEM]);
    if (def.flag === 'sendToPatient' && metadata.patientMayNotReply) msg.addSegment('NTE').set(1, '1').set(4, NO_REPLY_COMMENT_TYPE);
  }
  for (const def of MAIL_BODY_DEFINITIONS) {
    const body = metadata[def.field];
    if (body === undefined) continue;
    obx('ED', [def.code, def.label, METADATA_CODING_SYSTEM], 'F')
      .setComponents(5, ['', DOCUMENT_TYPE_OF_DATA.MDM, '', DOCUMENT_ENCODING, Buffer.from(body, 'utf8').toString('base64')]);
  }
  return msg;
}

/** Every flag of the input, `false` when not given. */
export function completeMetadata(input: DocumentRequest['metadata']): DocumentMetadata {
  const out: DocumentMetadata = {
    hiddenFromProfessionals: false, hiddenFromPatient: false, hiddenFromLegalRepresentatives: false, secretConnection: false,
    confidentialityChange: false, sendToDmp: false, sendToProfessionals: false, sendToPatient: false, receptionReceipt: false,
    readReceipt: false, patientMayNotReply: false,
  };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

function participantsOf(request: DocumentRequest): DocumentParticipants {
  const given = request.participants ?? {};
  const sender: Participant = given.sender ?? { person: request.document.author, organization: request.document.custodian };
  const out: DocumentParticipants = { sender, recipients: given.recipients ?? [] };
  if (given.replyTo) out.replyTo = given.replyTo;
  return out;
}

function writePid(pid: Segment, { patient }: DocumentRequest): void {
  patient.identifiers.forEach((id, i) => pid.setComponents(`3[${i + 1}]`, identifierComponents(id)));
  pid.setComponents(5, [patient.familyName, patient.givenName ?? '', patient.givenNames ?? '', '', '', '', 'L']);
  if (patient.birthDate) pid.set(7, patient.birthDate);
  if (patient.sex) pid.set(8, patient.sex);
  if (patient.birthPlaceCode) pid.setComponents(11, ['', '', '', '', '', '', 'BDL', '', patient.birthPlaceCode]);
  if (patient.accountNumber) pid.setComponents(18, identifierComponents(patient.accountNumber));
  if (patient.identityReliability) pid.set(32, patient.identityReliability);
}

function writePv1(pv1: Segment, { visit }: DocumentRequest): void {
  pv1.set(1, '1').set(2, visit?.patientClass ?? 'N');
  if (visit?.visitNumber) pv1.setComponents(19, identifierComponents(visit.visitNumber));
  if (visit?.admitTime) pv1.set(44, visit.admitTime);
  if (visit?.dischargeTime) pv1.set(45, visit.dischargeTime);
}

function writeParticipants(msg: Message, p: DocumentParticipants): void {
  const prt = (role: { code: string; text: string }, who: Participant): void => {
    const seg = msg.addSegment('PRT').set(2, 'UC').setComponents(4, [role.code, role.text, PARTICIPATION_CODING_SYSTEM]);
    if (who.person) seg.setComponents(5, personComponents(who.person));
    if (who.organization) seg.setComponents(8, organizationComponents(who.organization));
    if (who.deviceId) seg.setComponents(10, [who.deviceId]);
    if (who.address) seg.setComponents(15, mailAddressComponents(who.address));
  };
  if (p.sender) prt(PARTICIPATION.sender, p.sender);
  for (const r of p.recipients) prt(PARTICIPATION.recipient, r);
  if (p.replyTo) prt(PARTICIPATION.replyTo, { address: p.replyTo });
}

function timeText(value: Date | string, path: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_INVALID_VALUE', path, 'invalid date');
    return formatTS(value);
  }
  if (!readTS(value)) throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_INVALID_VALUE', path, `"${value}" is not an HL7 TS (YYYYMMDD[HHMM[SS]][+ZZZZ])`);
  return value;
}

function required(value: string | undefined, path: string): void {
  if (value === undefined || value.trim() === '') throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_MISSING_VALUE', path, 'a value is required');
}

function invalid(path: string, message: string): never {
  throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_INVALID_VALUE', path, message);
}

function mismatch(path: string, message: string): never {
  throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_CDA_MISMATCH', path, message);
}

function checkDocumentId(id: DocumentId, path: string): void {
  required(id.root, `${path}.root`);
  if (!isOid(id.root)) invalid(`${path}.root`, `"${id.root}" is not an OID`);
}

function checkRequest(request: DocumentRequest, bytes: Uint8Array, metadata: DocumentMetadata, participants: DocumentParticipants): void {
  const { document: doc, context, patient } = request;
  for (const k of ['sendingApplication', 'sendingFacility', 'receivingApplication', 'receivingFacility'] as const) required(context[k], `context.${k}`);
  checkDocumentId(doc.id, 'document.id');
  checkDocumentId(doc.setId, 'document.setId');
  required(doc.type.code, 'document.type.code');
  required(doc.type.displayName, 'document.type.displayName');
  if (!DOCUMENT_TYPE_CODING_SYSTEMS.includes(doc.type.codingSystem)) {
    invalid('document.type.codingSystem', `"${doc.type.codingSystem}" is not one of ${DOCUMENT_TYPE_CODING_SYSTEMS.join(', ')}`);
  }
  if (doc.mimeType !== 'text/xml') invalid('document.mimeType', `a CDA document travels as text/xml, not "${String(doc.mimeType)}"`);
  if (!Number.isInteger(doc.version) || doc.version < 1) invalid('document.version', 'a positive integer is required');
  required(doc.author.id, 'document.author.id');
  if (patient.identifiers.length === 0) throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_MISSING_VALUE', 'patient.identifiers', 'at least one identifier is required (PID-3)');
  patient.identifiers.forEach((id, i) => { required(id.value, `patient.identifiers[${i}].value`); required(id.authorityOid, `patient.identifiers[${i}].authorityOid`); });
  required(patient.familyName, 'patient.familyName');
  if (request.visit && ['E', 'I', 'O', 'R'].includes(request.visit.patientClass) && !request.visit.visitNumber) {
    throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_MISSING_VALUE', 'visit.visitNumber', `PV1-19 is required when the patient class is ${request.visit.patientClass}`);
  }
  if (request.kind === 'replace') checkDocumentId(request.replacedDocumentId, 'replacedDocumentId');

  if ((metadata.sendToProfessionals || metadata.sendToPatient) && participants.recipients.length === 0) {
    throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_MISSING_VALUE', 'participants.recipients', 'an MSSanté exchange is requested: at least one recipient (PRT RCT) is required');
  }
  participants.recipients.forEach((r: MailRecipient, i) => required(r.address, `participants.recipients[${i}].address`));
  if (metadata.hiddenFromPatient && metadata.sendToPatient) {
    invalid('metadata.sendToPatient', 'a document hidden from the patient (INVISIBLE_PATIENT) must not be mailed to the patient');
  }
  if (metadata.sendToDmp) {
    if (!patient.identifiers.some((id) => id.type === 'INS' && INS_OIDS.includes(id.authorityOid))) {
      throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_MISSING_VALUE', 'patient.identifiers', 'DMP publication requires the patient INS (type INS under an INS OID)');
    }
    const s = participants.sender;
    if (!s || !(s.person || s.deviceId) || !s.organization) {
      throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_MISSING_VALUE', 'participants.sender', 'DMP publication requires the sender (PRT SB) with a person or device and an organisation');
    }
  }

  const read = readCdaHeader(bytes);
  if (!read.header) throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_NOT_CDA', 'document.xml', read.problem.message);
  const cda = read.header;
  if (!sameDocumentId(cda.id, doc.id)) mismatch('document.id', `the CDA id is ${cda.id ? formatDocumentId(cda.id) : 'absent'}, the request says ${formatDocumentId(doc.id)}`);
  if (!sameDocumentId(cda.setId, doc.setId)) mismatch('document.setId', `the CDA setId is ${cda.setId ? formatDocumentId(cda.setId) : 'absent'}, the request says ${formatDocumentId(doc.setId)}`);
  if (cda.versionNumber !== doc.version) mismatch('document.version', `the CDA versionNumber is ${cda.versionNumber ?? 'absent'}, the request says ${doc.version}`);
  if (cda.code?.code !== doc.type.code) mismatch('document.type.code', `the CDA code is ${cda.code?.code ?? 'absent'}, the request says ${doc.type.code}`);
  if ((cda.title ?? '') !== doc.title) mismatch('document.title', 'the CDA title differs from the request');
  if (cda.confidentialityCode !== doc.confidentiality) mismatch('document.confidentiality', `the CDA confidentialityCode is ${cda.confidentialityCode ?? 'absent'}, the request says ${doc.confidentiality}`);
  if (request.kind === 'replace') {
    const parents = cda.relatedDocuments.filter((r) => r.typeCode === 'RPLC');
    if (!parents.some((p) => sameDocumentId(p.id, request.replacedDocumentId))) {
      mismatch('replacedDocumentId', `the CDA has no relatedDocument RPLC whose parentDocument id is ${formatDocumentId(request.replacedDocumentId)}`);
    }
  }
  const key = (root: string, ext: string | undefined): string => `${root}|${ext ?? ''}`;
  const cdaIds = new Set(cda.patientIds.map((i) => key(i.root, i.extension)));
  const pidIds = new Set(patient.identifiers.map((i) => key(i.authorityOid, i.value)));
  if (cdaIds.size !== pidIds.size || [...pidIds].some((k) => !cdaIds.has(k))) {
    mismatch('patient.identifiers', 'PID-3 must carry exactly the identifiers of the CDA recordTarget/patientRole/id');
  }
}
