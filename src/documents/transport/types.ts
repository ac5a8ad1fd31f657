/**
 * Domain types of the "Transmission d'un document CDA-R2 en HL7v2" volet (trans-cda-r2): a CDA
 * document, what must happen to it (initial transmission, replacement, deletion), where it must go
 * (DMP, MSSanté) and who sends and receives it. Builders take these types; readers give them back.
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

/** A coded value with its HL7 coding system mnemonic (`LN` for LOINC, `TRE_A05`…). */
export interface CodedConcept {
  code: string;
  displayName: string;
  /** HL7 v2 coding system (CE.3/CWE.3), e.g. `LN`. */
  codingSystem: string;
}

/** CDA `confidentialityCode` (HL7 v3 Confidentiality, `2.16.840.1.113883.5.25`). */
export type CdaConfidentiality = 'N' | 'R' | 'V';

/**
 * A person taking part in the exchange (HL7 XCN): a health professional (`8` + RPPS under
 * `1.2.250.1.71.4.2.1`, type `IDNPS`) or, as an MSSanté recipient, the patient (INS under the INS
 * OID, type `INS`).
 */
export interface Person {
  id: string;
  familyName?: string;
  givenName?: string;
  /** Assigning authority OID (XCN.9.2). */
  authorityOid: string;
  /** Assigning authority namespace (XCN.9.1), e.g. `ASIP-SANTE-PS`; optional. */
  authorityNamespace?: string;
  /** Identifier type (XCN.13, table 0203 Interop'Santé): `IDNPS`, `RPPS`, `INS`… */
  identifierType: string;
  /** Name type (XCN.10): `D` (display name) for professionals, `L` (legal) for the patient. */
  nameType?: string;
}

/** Identifier types of an organisation (XON.7). */
export type OrganizationIdentifierType = 'FINEJ' | 'FINEG' | 'IDNST' | 'UF' | 'SVR';

/** An organisation (HL7 XON): a facility, a department, a functional unit. */
export interface Organization {
  name: string;
  /** Organisation identifier (XON.10): FINESS, Struct_IdNat or local unit code. */
  identifier: string;
  identifierType: OrganizationIdentifierType;
  /** Assigning authority OID (XON.6.2); `1.2.250.1.71.4.2.2` for national structure identifiers. */
  authorityOid: string;
  /** Assigning authority namespace (XON.6.1), e.g. `ASIP-SANTE-ST`; optional. */
  authorityNamespace?: string;
}

/**
 * One participant of a PRT segment: a person, an organisation, an application mailbox, and for
 * MSSanté recipients and reply-to the e-mail address (PRT-15.4).
 */
export interface Participant {
  person?: Person;
  organization?: Organization;
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

/** A patient identifier (PID-3 repetition, HL7 CX). */
export interface PatientIdentifier {
  value: string;
  /** Assigning authority OID (CX.4.2), e.g. `1.2.250.1.213.1.4.8` for the INS-NIR. */
  authorityOid: string;
  /** Assigning authority namespace (CX.4.1), e.g. `ASIP-SANTE-INS-NIR`. */
  authorityNamespace?: string;
  /** CX.4.3; default `ISO`. */
  authorityType?: string;
  /** Identifier type (CX.5): `INS`, `PI`, `AN`, `VN`… */
  type: string;
  /** Effective date (CX.7), HL7 DT/TS text. */
  effectiveDate?: string;
}

/** The patient, as PID carries it (IHE PAM France 2.11 and the CI-SIS INS annex). */
export interface DocumentPatient {
  /** PID-3: INS first when the identity is qualified, then local identifiers (IPP). Must equal the CDA `recordTarget` ids. */
  identifiers: PatientIdentifier[];
  /** PID-5.1: birth name. */
  familyName: string;
  /** PID-5.2: first given name. */
  givenName?: string;
  /** PID-5.3: list of birth given names. */
  givenNames?: string;
  /** PID-7: birth date (HL7 DT). */
  birthDate?: string;
  /** PID-8: administrative sex (table 0001). */
  sex?: string;
  /** PID-11 (type `BDL`), XAD.9: INSEE (COG) code of the birthplace. */
  birthPlaceCode?: string;
  /** PID-18: administrative file (account) number. */
  accountNumber?: PatientIdentifier;
  /** PID-32: identity reliability (`VALI` for a qualified INS). */
  identityReliability?: string;
}

/** The visit, as PV1 carries it. */
export interface DocumentVisit {
  /** PV1-2 (table 0004): `E`, `I`, `O`, `R`, `N`… */
  patientClass: string;
  /** PV1-19: required when PV1-2 is `E`, `I`, `O` or `R`. */
  visitNumber?: PatientIdentifier;
  /** PV1-44 (HL7 TS). */
  admitTime?: string;
  /** PV1-45 (HL7 TS). */
  dischargeTime?: string;
}

/** The order the document belongs to: the placer order number (ORC-2 = OBR-2 = TXA-14). */
export interface DocumentOrderReference {
  placerOrderNumber: { value: string; authorityOid: string };
}

/** MSH addressing and processing fields. */
export interface DocumentMessageContext {
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  /** MSH-10; default a new unique id. */
  controlId?: string;
  /** MSH-11; default `P`. */
  processingId?: 'P' | 'T' | 'D';
  /** MSH-18; default `UNICODE UTF-8`. */
  charset?: 'UNICODE UTF-8' | '8859/15';
  /** MSH-7 and EVN-2; default now. */
  timestamp?: Date;
}

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
  /** `ClinicalDocument/code` → OBR-4, TXA-2, OBX-3 (JDV_J07; `18748-4` for an imaging report). */
  type: CodedConcept;
  /** `ClinicalDocument/effectiveTime` → TXA-4 (a Date, or HL7 TS text). */
  creationTime: Date | string;
  /** Time the document was validated → EVN-6; default `creationTime`. */
  validationTime?: Date | string;
  /** `ClinicalDocument/confidentialityCode`. */
  confidentiality: CdaConfidentiality;
  /** MIME type of the document: a CDA travels as `text/xml` (OBX-5 `^text^XML^Base64^…`). */
  mimeType: 'text/xml';
  /** Author of the document: default SB sender person (PRT-5). */
  author: Person;
  /** Legal authenticator → TXA-22; default `author`. */
  legalAuthenticator?: Person;
  /** Organisation responsible for the document: default SB sender organisation (PRT-8). */
  custodian: Organization;
}

interface DocumentRequestBase {
  patient: DocumentPatient;
  /** PV1; PV1 is required in MDM: when absent, `PV1|1|N` (not applicable) is written. */
  visit?: DocumentVisit;
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
  | (DocumentRequestBase & { kind: 'replace'; /** TXA-13: id of the replaced document (= CDA `relatedDocument[@typeCode='RPLC']/parentDocument/id`). */ replacedDocumentId: DocumentId })
  | (DocumentRequestBase & { kind: 'delete' });
