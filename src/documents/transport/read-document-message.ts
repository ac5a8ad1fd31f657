import type { Message, MessageHeader, Segment } from '../../hl7/index.js';
import type { CodedValue, Patient, Visit } from '../../tlr/index.js';
import { readOidIdentifier, readOrganisation, readProfessional } from '../../tlr/read/order-fields.js';
import { readPatient, readVisit } from '../../tlr/read/patient.js';
import { inspectBase64 } from './base64.js';
import type { CdaHeader } from './cda-header.js';
import { readDocumentId } from './document-id.js';
import { withoutEmpty } from './er7-fields.js';
import type {
  DocumentId,
  DocumentMessageStructure,
  DocumentMetadata,
  DocumentOrderReference,
  DocumentParticipants,
  DocumentRequestKind,
  MailRecipient,
  Participant,
} from './types.js';
import type { DocumentMessageView } from './validation/message-view.js';
import type { DocumentProfile, DocumentValidationReport } from './validation/profile.js';
import { runDocumentValidation } from './validation/validate-document-message.js';
import { MAIL_BODY_DEFINITIONS, NO_REPLY_COMMENT_TYPE } from './vocabulary.js';

/** A document found in a message. */
export interface ReceivedDocument {
  /** The decoded bytes of OBX-5.5 (the CDA XML); undefined when the base64 is not valid. */
  bytes: Buffer | undefined;
  /** MIME type given by OBX-5.2/5.3 (`text/xml` for a CDA). */
  mimeType: string;
  /** OBX-3: the document type (code, display, HL7 coding system). */
  type: CodedValue;
  /** The document id: TXA-12 in MDM (read per the volet's population rule), else the CDA id. */
  id: DocumentId | undefined;
  /** The CDA header, when the bytes are a well-formed CDA. */
  cda: CdaHeader | undefined;
}

/** What a trans-cda-r2 message carries, in the builder's terms. */
export interface ReceivedDocumentMessage {
  profile: DocumentProfile;
  structure: DocumentMessageStructure;
  /** The request, from the MDM event (else ORC-1); undefined when neither says. */
  kind: DocumentRequestKind | undefined;
  header: MessageHeader;
  patient: Patient;
  visit: Visit | undefined;
  order: DocumentOrderReference | undefined;
  /** The first document (MDM carries exactly one). */
  document: ReceivedDocument | undefined;
  /** Every document: ORU may carry the same content twice (CDA level 1 and level 3). */
  documents: ReceivedDocument[];
  /** TXA-13 in MDM, else the CDA `relatedDocument RPLC` parent. */
  replacedDocumentId: DocumentId | undefined;
  /** TXA-4 (activity date/time), as written. */
  creationTime: string | undefined;
  metadata: DocumentMetadata;
  participants: DocumentParticipants;
}

/** A reader's answer: the value when the message could be read, and the validation report. */
export interface DocumentReadResult<T> {
  value: T | undefined;
  report: DocumentValidationReport;
}

/**
 * Reads an MDM^T02/T10/T04 or ORU^R01 of the volet into domain terms and validates it. The value
 * is given whenever the message parses and is a document message, even when the report has
 * errors: the caller decides (answer AE, or take what it can). ZAM receipts are read by
 * `readBusinessReceipt`.
 */
export function readDocumentMessage(input: Uint8Array | string | Message): DocumentReadResult<ReceivedDocumentMessage> {
  const { report, view } = runDocumentValidation(input);
  if (!view || view.structure === 'ZAM') return { value: undefined, report };
  return { value: contentOf(view), report };
}

function contentOf(view: DocumentMessageView): ReceivedDocumentMessage {
  const { message } = view;
  const txa = message.segment('TXA');
  const documents: ReceivedDocument[] = view.documents.map((d, i) => {
    const cda = d.cda?.header;
    const fromTxa = i === 0 && txa ? readDocumentId(txa.field(12)) : undefined;
    return {
      bytes: d.base64.bytes,
      mimeType: `${d.ed.typeOfData.trim().toLowerCase()}/${d.ed.dataSubtype.trim().toLowerCase()}`,
      type: { code: d.obx.get('3.1').trim(), display: d.obx.get('3.2').trim(), codingSystem: d.obx.get('3.3').trim() },
      id: fromTxa ?? cda?.id,
      cda,
    };
  });
  const firstCda = documents[0]?.cda;
  const pv1 = message.segment('PV1');
  const replaced = (txa ? readDocumentId(txa.field(13)) : undefined) ?? firstCda?.relatedDocuments.find((r) => r.typeCode === 'RPLC')?.id;
  return {
    profile: view.profile,
    structure: view.structure as DocumentMessageStructure,
    kind: view.action?.kind,
    header: message.header,
    // PID and PV1 are the Téléradiologie volet's (PAM-FR): one reader for both volets.
    patient: readPatient(message.segment('PID')),
    visit: pv1 ? readVisit(pv1) : undefined,
    order: orderOf(message),
    document: documents[0],
    documents,
    replacedDocumentId: view.action?.kind === 'initial' ? undefined : replaced,
    creationTime: txa?.get(4).trim() || undefined,
    metadata: metadataOf(view),
    participants: participantsOf(view),
  };
}

function orderOf(message: Message): DocumentOrderReference | undefined {
  for (const [segment, field] of [
    ['ORC', 2],
    ['OBR', 2],
    ['TXA', 14],
  ] as const) {
    const placerOrderNumber = readOidIdentifier(message.segment(segment)?.field(field));
    if (placerOrderNumber.value) return { placerOrderNumber };
  }
  return undefined;
}

function metadataOf(view: DocumentMessageView): DocumentMetadata {
  const f = view.flags;
  const out: DocumentMetadata = {
    hiddenFromProfessionals: f.hiddenFromProfessionals ?? false,
    hiddenFromPatient: f.hiddenFromPatient ?? false,
    hiddenFromLegalRepresentatives: f.hiddenFromLegalRepresentatives ?? false,
    secretConnection: f.secretConnection ?? false,
    confidentialityChange: f.confidentialityChange ?? false,
    sendToDmp: f.sendToDmp ?? false,
    sendToProfessionals: f.sendToProfessionals ?? false,
    sendToPatient: f.sendToPatient ?? false,
    receptionReceipt: f.receptionReceipt ?? false,
    readReceipt: f.readReceipt ?? false,
    patientMayNotReply: view.metadata.get('DESTMSSANTEPAT')?.notes.some((n) => n.get('4.1').trim() === NO_REPLY_COMMENT_TYPE) ?? false,
  };
  for (const def of MAIL_BODY_DEFINITIONS) {
    const entry = view.metadata.get(def.code);
    if (!entry) continue;
    const data = entry.segment.get('5.5').trim();
    const bytes = entry.segment.get('5.4').trim().toLowerCase() === 'base64' ? inspectBase64(data).bytes : undefined;
    out[def.field] = bytes ? bytes.toString('utf8') : data;
  }
  return out;
}

/** The XCN and XON of a PRT, with the authority and name type they are written with (the volet names any). */
const AS_WRITTEN = { writtenAuthority: true } as const;

function participantOf(prt: Segment): Participant {
  return withoutEmpty<Participant>({
    person: prt.get('5.1').trim() === '' ? undefined : readProfessional(prt.field(5), AS_WRITTEN),
    organisation: prt.field(8).isEmpty ? undefined : readOrganisation(prt.field(8), AS_WRITTEN),
    deviceId: prt.get('10.1').trim(),
    address: prt.get('15.4').trim(),
  });
}

function participantsOf(view: DocumentMessageView): DocumentParticipants {
  const out: DocumentParticipants = {
    recipients: view.recipients.map((r) => ({ ...participantOf(r), address: r.get('15.4').trim() }) as MailRecipient),
  };
  if (view.sender) out.sender = participantOf(view.sender);
  const reply = view.replyTo?.get('15.4').trim();
  if (reply) out.replyTo = reply;
  return out;
}
