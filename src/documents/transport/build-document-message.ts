import { formatTS, readTS } from '../../hl7/index.js';
import type { Message, Segment } from '../../hl7/index.js';
import type { Patient } from '../../tlr/index.js';
import { INS_IDENTIFIER_TYPE } from '../../tlr/index.js';
import { addObr, addOrc, oidIdentifierComponents, organisationComponents, professionalComponents } from '../../tlr/write/order-segments.js';
import { writePatient, writeVisit } from '../../tlr/write/patient-segments.js';
import { encodeBase64 } from './base64.js';
import { readCdaHeader } from './cda-header.js';
import { documentIdComponents, formatDocumentId, isOid, sameDocumentId } from './document-id.js';
import { DocumentTransportError } from './errors.js';
import { mailAddressComponents } from './er7-fields.js';
import { createDocumentMessage, withTransportErrors } from './message-header.js';
import type { DocumentId, DocumentMetadata, DocumentParticipants, DocumentRequest, MailRecipient, Participant } from './types.js';
import {
  DOCUMENT_DATA_SUBTYPE,
  DOCUMENT_ENCODING,
  DOCUMENT_TYPE_CODING_SYSTEMS,
  DOCUMENT_TYPE_OF_DATA,
  INS_OIDS,
  MAIL_BODY_DEFINITIONS,
  MDM_MESSAGE_STRUCTURE,
  MESSAGE_VERSION,
  METADATA_CODING_SYSTEM,
  METADATA_DEFINITIONS,
  NO_REPLY_COMMENT_TYPE,
  PARTICIPATION,
  PARTICIPATION_CODING_SYSTEM,
  TXA_COMPLETION_STATUS,
  TXA_CONTENT_PRESENTATION,
  YES_NO_CODING_SYSTEM,
  actionOf,
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
  const doc = request.document;
  const bytes = typeof doc.xml === 'string' ? Buffer.from(doc.xml, 'utf8') : doc.xml;
  const metadata = completeMetadata(request.metadata);
  const participants = participantsOf(request);
  checkRequest(request, bytes, metadata, participants);

  return withTransportErrors(() => writeDocumentMessage(request, bytes, metadata, participants));
}

function writeDocumentMessage(
  request: DocumentRequest,
  bytes: Uint8Array,
  metadata: DocumentMetadata,
  participants: DocumentParticipants,
): Message {
  const action = actionOf(request.kind);
  const { document: doc, context } = request;
  const now = context.timestamp ?? new Date();
  const msg = createDocumentMessage(context, ['MDM', action.mdmEvent, MDM_MESSAGE_STRUCTURE], MESSAGE_VERSION.MDM, now);

  msg
    .addSegment('EVN')
    .set(2, formatTS(now))
    .set(6, timeText(doc.validationTime ?? doc.creationTime, 'document.validationTime'));
  // PID and PV1 are the Téléradiologie volet's (PAM-FR): one writer for both volets.
  writePatient(msg, request.patient, 'patient');
  writeVisit(msg, request.visit ?? { patientClass: 'N' }, 'visit').set(1, '1');

  const placer = request.order?.placerOrderNumber;
  addOrc(msg, action.orderControl, placer, 'order.placerOrderNumber');
  addObr(msg, placer, 'order.placerOrderNumber', doc.type).set(1, '1');
  const typeComponents = [doc.type.code, doc.type.display ?? '', doc.type.codingSystem ?? ''];

  const txa = msg.addSegment('TXA').set(1, '1').set(2, doc.type.code).set(3, TXA_CONTENT_PRESENTATION);
  txa.set(4, timeText(doc.creationTime, 'document.creationTime'));
  txa.setComponents(12, documentIdComponents(doc.id));
  if (request.kind === 'replace') txa.setComponents(13, documentIdComponents(request.replacedDocumentId));
  if (placer) txa.setComponents(14, oidIdentifierComponents(placer, 'order.placerOrderNumber'));
  txa.set(17, TXA_COMPLETION_STATUS);
  txa.setComponents(
    22,
    doc.legalAuthenticator
      ? professionalComponents(doc.legalAuthenticator, 'document.legalAuthenticator', PERSON)
      : professionalComponents(doc.author, 'document.author', PERSON),
  );

  let setId = 0;
  const obx = (valueType: string, code: readonly string[], status: string): Segment =>
    msg.addSegment('OBX').set(1, String(++setId)).set(2, valueType).setComponents(3, code).set(11, status);

  obx('ED', typeComponents, action.resultStatus).setComponents(5, [
    '',
    DOCUMENT_TYPE_OF_DATA.MDM,
    DOCUMENT_DATA_SUBTYPE,
    DOCUMENT_ENCODING,
    encodeBase64(bytes),
  ]);
  writeParticipants(msg, participants);

  for (const def of METADATA_DEFINITIONS) {
    obx('CWE', [def.code, def.label, METADATA_CODING_SYSTEM], 'F').setComponents(5, [
      metadata[def.flag] ? 'Y' : 'N',
      '',
      YES_NO_CODING_SYSTEM,
    ]);
    if (def.flag === 'sendToPatient' && metadata.patientMayNotReply) msg.addSegment('NTE').set(1, '1').set(4, NO_REPLY_COMMENT_TYPE);
  }
  for (const def of MAIL_BODY_DEFINITIONS) {
    const body = metadata[def.field];
    if (body === undefined) continue;
    obx('ED', [def.code, def.label, METADATA_CODING_SYSTEM], 'F').setComponents(5, [
      '',
      DOCUMENT_TYPE_OF_DATA.MDM,
      '',
      DOCUMENT_ENCODING,
      Buffer.from(body, 'utf8').toString('base64'),
    ]);
  }
  return msg;
}

/** The XCN of TXA-22 and PRT-5: names may be absent (a patient recipient named by INS). */
const PERSON = { namesRequired: false } as const;

/** Every flag of the input, `false` when not given. */
export function completeMetadata(input: DocumentRequest['metadata']): DocumentMetadata {
  const out: DocumentMetadata = {
    hiddenFromProfessionals: false,
    hiddenFromPatient: false,
    hiddenFromLegalRepresentatives: false,
    secretConnection: false,
    confidentialityChange: false,
    sendToDmp: false,
    sendToProfessionals: false,
    sendToPatient: false,
    receptionReceipt: false,
    readReceipt: false,
    patientMayNotReply: false,
  };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

function participantsOf(request: DocumentRequest): DocumentParticipants {
  const given = request.participants ?? {};
  const sender: Participant = given.sender ?? { person: request.document.author, organisation: request.document.custodian };
  const out: DocumentParticipants = { sender, recipients: given.recipients ?? [] };
  if (given.replyTo) out.replyTo = given.replyTo;
  return out;
}

function writeParticipants(msg: Message, p: DocumentParticipants): void {
  const prt = (role: { code: string; text: string }, who: Participant, path: string): void => {
    const seg = msg.addSegment('PRT').set(2, 'UC').setComponents(4, [role.code, role.text, PARTICIPATION_CODING_SYSTEM]);
    if (who.person) seg.setComponents(5, professionalComponents(who.person, `${path}.person`, PERSON));
    if (who.organisation) seg.setComponents(8, organisationComponents(who.organisation, `${path}.organisation`));
    if (who.deviceId) seg.setComponents(10, [who.deviceId]);
    if (who.address) seg.setComponents(15, mailAddressComponents(who.address));
  };
  if (p.sender) prt(PARTICIPATION.sender, p.sender, 'participants.sender');
  for (const [i, r] of p.recipients.entries()) prt(PARTICIPATION.recipient, r, `participants.recipients[${i}]`);
  if (p.replyTo) prt(PARTICIPATION.replyTo, { address: p.replyTo }, 'participants.replyTo');
}

function timeText(value: Date | string, path: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_INVALID_VALUE', path, 'invalid date');
    return formatTS(value);
  }
  if (!readTS(value))
    throw new DocumentTransportError(
      'TLR_ERR_DOC_TRANSPORT_INVALID_VALUE',
      path,
      `"${value}" is not an HL7 TS (YYYYMMDD[HHMM[SS]][+ZZZZ])`,
    );
  return value;
}

function required(value: string | undefined, path: string): void {
  if (value === undefined || value.trim() === '')
    throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_MISSING_VALUE', path, 'a value is required');
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
  for (const k of ['sendingApplication', 'sendingFacility', 'receivingApplication', 'receivingFacility'] as const)
    required(context[k], `context.${k}`);
  checkDocumentId(doc.id, 'document.id');
  checkDocumentId(doc.setId, 'document.setId');
  required(doc.type.code, 'document.type.code');
  required(doc.type.display, 'document.type.display');
  if (!DOCUMENT_TYPE_CODING_SYSTEMS.includes(doc.type.codingSystem ?? '')) {
    invalid('document.type.codingSystem', `"${doc.type.codingSystem}" is not one of ${DOCUMENT_TYPE_CODING_SYSTEMS.join(', ')}`);
  }
  if (doc.mimeType !== 'text/xml') invalid('document.mimeType', `a CDA document travels as text/xml, not "${String(doc.mimeType)}"`);
  if (!Number.isInteger(doc.version) || doc.version < 1) invalid('document.version', 'a positive integer is required');
  required(doc.author.idNat, 'document.author.idNat');
  const pid3 = pidIdentifiers(patient);
  if (pid3.length === 0) {
    throw new DocumentTransportError(
      'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE',
      'patient.identifiers',
      'at least one identifier is required (PID-3)',
    );
  }
  pid3.forEach((id) => {
    required(id.value, `${id.path}.value`);
    required(id.oid, id.oidPath);
  });
  required(patient.birthName, 'patient.birthName');
  if (request.visit && ['E', 'I', 'O', 'R'].includes(request.visit.patientClass) && !request.visit.visitNumber) {
    throw new DocumentTransportError(
      'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE',
      'visit.visitNumber',
      `PV1-19 is required when the patient class is ${request.visit.patientClass}`,
    );
  }
  if (request.kind === 'replace') checkDocumentId(request.replacedDocumentId, 'replacedDocumentId');

  if ((metadata.sendToProfessionals || metadata.sendToPatient) && participants.recipients.length === 0) {
    throw new DocumentTransportError(
      'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE',
      'participants.recipients',
      'an MSSanté exchange is requested: at least one recipient (PRT RCT) is required',
    );
  }
  participants.recipients.forEach((r: MailRecipient, i) => {
    required(r.address, `participants.recipients[${i}].address`);
  });
  if (metadata.hiddenFromPatient && metadata.sendToPatient) {
    invalid('metadata.sendToPatient', 'a document hidden from the patient (INVISIBLE_PATIENT) must not be mailed to the patient');
  }
  if (metadata.sendToDmp) {
    if (!pid3.some((id) => id.type === INS_IDENTIFIER_TYPE && INS_OIDS.includes(id.oid ?? ''))) {
      throw new DocumentTransportError(
        'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE',
        'patient.identifiers',
        'DMP publication requires the patient INS (type INS under an INS OID)',
      );
    }
    const s = participants.sender;
    if (!s || !(s.person || s.deviceId) || !s.organisation) {
      throw new DocumentTransportError(
        'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE',
        'participants.sender',
        'DMP publication requires the sender (PRT SB) with a person or device and an organisation',
      );
    }
  }

  const read = readCdaHeader(bytes);
  if (!read.header) throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_NOT_CDA', 'document.xml', read.problem.message);
  const cda = read.header;
  if (!sameDocumentId(cda.id, doc.id))
    mismatch('document.id', `the CDA id is ${cda.id ? formatDocumentId(cda.id) : 'absent'}, the request says ${formatDocumentId(doc.id)}`);
  if (!sameDocumentId(cda.setId, doc.setId))
    mismatch(
      'document.setId',
      `the CDA setId is ${cda.setId ? formatDocumentId(cda.setId) : 'absent'}, the request says ${formatDocumentId(doc.setId)}`,
    );
  if (cda.versionNumber !== doc.version)
    mismatch('document.version', `the CDA versionNumber is ${cda.versionNumber ?? 'absent'}, the request says ${doc.version}`);
  if (cda.code?.code !== doc.type.code)
    mismatch('document.type.code', `the CDA code is ${cda.code?.code ?? 'absent'}, the request says ${doc.type.code}`);
  if ((cda.title ?? '') !== doc.title) mismatch('document.title', 'the CDA title differs from the request');
  if (cda.confidentialityCode !== doc.confidentiality)
    mismatch(
      'document.confidentiality',
      `the CDA confidentialityCode is ${cda.confidentialityCode ?? 'absent'}, the request says ${doc.confidentiality}`,
    );
  if (request.kind === 'replace') {
    const parents = cda.relatedDocuments.filter((r) => r.typeCode === 'RPLC');
    if (!parents.some((p) => sameDocumentId(p.id, request.replacedDocumentId))) {
      mismatch(
        'replacedDocumentId',
        `the CDA has no relatedDocument RPLC whose parentDocument id is ${formatDocumentId(request.replacedDocumentId)}`,
      );
    }
  }
  const key = (root: string, ext: string | undefined): string => `${root}|${ext ?? ''}`;
  const cdaIds = new Set(cda.patientIds.map((i) => key(i.root, i.extension)));
  const pidIds = new Set(pid3.map((i) => key(i.oid ?? '', i.value)));
  if (cdaIds.size !== pidIds.size || [...pidIds].some((k) => !cdaIds.has(k))) {
    mismatch('patient.identifiers', 'PID-3 must carry exactly the identifiers of the CDA recordTarget/patientRole/id');
  }
}

/** One repetition of PID-3, with the paths of its value and authority OID in the request. */
interface PidIdentifier {
  value: string;
  oid: string | undefined;
  type: string | undefined;
  path: string;
  oidPath: string;
}

/** What PID-3 carries, in the order `writePatient` writes it: the INS (type `INS`), then the other identifiers. */
function pidIdentifiers(patient: Patient): PidIdentifier[] {
  const { ins } = patient;
  const first = ins
    ? [{ value: ins.value, oid: ins.authorityOid, type: INS_IDENTIFIER_TYPE, path: 'patient.ins', oidPath: 'patient.ins.authorityOid' }]
    : [];
  return [
    ...first,
    ...(patient.identifiers ?? []).map((id, i) => ({
      value: id.value,
      oid: id.assigningAuthority?.universalId,
      type: id.type,
      path: `patient.identifiers[${i}]`,
      oidPath: `patient.identifiers[${i}].assigningAuthority.universalId`,
    })),
  ];
}
