import type {
  CodedValue,
  HealthProfessional,
  MessageContextInput,
  Organisation,
  Patient,
  PlacerOrderNumber,
  Visit,
} from '../../tlr/index.js';

/**
 * Domain types of the "Transmission d'un document CDA-R2 en HL7v2" volet (trans-cda-r2): a CDA
 * document, what must happen to it (initial transmission, replacement, deletion), where it must go
 * (DMP, MSSanté) and who sends and receives it. Builders take these types; readers give them back.
 * The patient, visit, professionals, organisations and codes are those of the Téléradiologie
 * domain model (`src/tlr/model`): the document messages write and read them with the same writers
 * and readers.
 */

/** What the document creator (CREATEUR) asks the document manager (GESTIONNAIRE) to do. */
export type DocumentRequestKind = 'initial' | 'replace' | 'delete';

/** The two message families of the volet: MDM (v2.6, one document) and ORU^R01 (v2.5, one or two). */
export type DocumentMessageStructure = 'MDM' | 'ORU';

/**
 * A CDA instance identifier (`ClinicalDocument/id`, `setId`, `relatedDocument/parentDocument/id`):
 * an OID `root`, optionally qualified by an `extension`. The DMP only accepts a plain OID root.
 */
export interface DocumentId {
  root: string;
  extension?: string;
}

/** CDA `confidentialityCode` (HL7 v3 Confidentiality, `2.16.840.1.113883.5.25`). */
export type CdaConfidentiality = 'N' | 'R' | 'V';

/**
 * One participant of a PRT segment: a person (PRT-5, XCN: a professional, or the patient as an
 * MSSanté recipient), an organisation (PRT-8, XON), an application mailbox, and for MSSanté
 * recipients and reply-to the e-mail address (PRT-15.4).
 */
export interface Participant {
  person?: HealthProfessional;
  organisation?: Organisation;
  /** Device or application identifier (PRT-10.1), for a sender that is a system or an application mailbox. */
  deviceId?: string;
  /** MSSanté e-mail address (PRT-15.4). */
  address?: string;
}

/** An MSSanté recipient: a participant with an address. */
export interface MailRecipient extends Participant {
  address: string;
}

/** The PRT segments that follow the document OBX. */
export interface DocumentParticipants {
  /** `SB` (sent by): required when the document goes to the DMP; also the MSSanté sender. */
  sender?: Participant;
  /** `RCT` (result copies to): one per MSSanté mailbox, required when an MSSanté exchange is asked. */
  recipients: MailRecipient[];
  /** `REPLY` (reply to): the address a recipient should answer to. */
  replyTo?: string;
}

/**
 * The DMP / MSSanté metadata (table "MetaDMP/MSS", one OBX each), as set when the document was
 * validated. Every flag maps to one OBX coded `Y`/`N`.
 */
export interface DocumentMetadata {
  /** `MASQUE_PS`: hidden from health professionals in the DMP. */
  hiddenFromProfessionals: boolean;
  /** `INVISIBLE_PATIENT`: not visible to the patient; the document must not be mailed to the patient. */
  hiddenFromPatient: boolean;
  /** `INVISIBLE_REP_LEGAUX`: not visible to the patient's legal representatives. */
  hiddenFromLegalRepresentatives: boolean;
  /** `CONNEXION_SECRETE`: DMP secret connection (minors). */
  secretConnection: boolean;
  /** `MODIF_CONF_CODE`: this request changes masking/visibility (used with a replacement). */
  confidentialityChange: boolean;
  /** `DESTDMP`: publish to the patient's DMP. */
  sendToDmp: boolean;
  /** `DESTMSSANTEPS`: mail to the professional / organisation / application recipients (PRT `RCT`). */
  sendToProfessionals: boolean;
  /** `DESTMSSANTEPAT`: mail to the patient's MSSanté mailbox. */
  sendToPatient: boolean;
  /** `ACK_RECEPTION`: the creator wants the DMP receipt (ZAM^Z01) and MSSanté delivery receipts (ZAM^Z02). */
  receptionReceipt: boolean;
  /** `ACK_LECTURE_MSS`: the creator wants MSSanté read receipts (ZAM^Z03). */
  readReceipt: boolean;
  /** NTE `FIN` after `DESTMSSANTEPAT`: the patient must not be able to reply (`X-MSS-MES: FIN`). */
  patientMayNotReply: boolean;
  /** `CORPSMAIL_PS`: body of the mail to professionals. */
  mailBodyForProfessionals?: string;
  /** `CORPSMAIL_PATIENT`: body of the mail to the patient. */
  mailBodyForPatient?: string;
}

/** Metadata as given to the builder: every flag defaults to `false`. */
export type DocumentMetadataInput = Partial<DocumentMetadata>;

/** The order the document belongs to: the placer order number (ORC-2 = OBR-2 = TXA-14). */
export interface DocumentOrderReference {
  placerOrderNumber: PlacerOrderNumber;
}

/** MSH addressing and processing fields, as the Téléradiologie builders take them but for the time, given as an instant. */
export type DocumentMessageContext = Omit<MessageContextInput, 'timestamp'> & {
  /** MSH-7 and EVN-2; default now. */
  timestamp?: Date;
};

/** The CDA document to carry, with the header values the message repeats. */
export interface DocumentToTransmit {
  /** The CDA R2 XML: the exact bytes, or a string sent as UTF-8. */
  xml: Uint8Array | string;
  /** `ClinicalDocument/id` → TXA-12. */
  id: DocumentId;
  /** `ClinicalDocument/setId`, shared by every version. */
  setId: DocumentId;
  /** `ClinicalDocument/versionNumber`. */
  version: number;
  /** `ClinicalDocument/title`. */
  title: string;
  /**
   * `ClinicalDocument/code` → OBR-4, TXA-2, OBX-3 (JDV_J07; `18748-4` for an imaging report): code,
   * display and HL7 coding system (`LN`, `TRE_A05`).
   */
  type: CodedValue;
  /** `ClinicalDocument/effectiveTime` → TXA-4 (a Date, or HL7 TS text). */
  creationTime: Date | string;
  /** Time the document was validated → EVN-6; default `creationTime`. */
  validationTime?: Date | string;
  /** `ClinicalDocument/confidentialityCode`. */
  confidentiality: CdaConfidentiality;
  /** MIME type of the document: a CDA travels as `text/xml` (OBX-5 `^text^XML^Base64^…`). */
  mimeType: 'text/xml';
  /** Author of the document: default SB sender person (PRT-5). */
  author: HealthProfessional;
  /** Legal authenticator → TXA-22; default `author`. */
  legalAuthenticator?: HealthProfessional;
  /** Organisation responsible for the document: default SB sender organisation (PRT-8). */
  custodian: Organisation;
}

interface DocumentRequestBase {
  /** PID: the INS first, then the other identifiers, which must equal the CDA `recordTarget` ids. */
  patient: Patient;
  /** PV1; PV1 is required in MDM: when absent, `PV1|1|N` (not applicable) is written. */
  visit?: Visit;
  order?: DocumentOrderReference;
  document: DocumentToTransmit;
  metadata: DocumentMetadataInput;
  /** PRT segments; the sender defaults to the document author and custodian. */
  participants?: Partial<DocumentParticipants>;
  context: DocumentMessageContext;
}

/** Input of `buildDocumentMessage`: a request of one of the three kinds. */
export type DocumentRequest =
  | (DocumentRequestBase & { kind: 'initial' })
  | (DocumentRequestBase & {
      kind: 'replace' /** TXA-13: id of the replaced document (= CDA `relatedDocument[@typeCode='RPLC']/parentDocument/id`). */;
      replacedDocumentId: DocumentId;
    })
  | (DocumentRequestBase & { kind: 'delete' });
