import { INS_OID } from '../../tlr/index.js';
import type { DocumentMetadata, DocumentRequestKind } from './types.js';

/**
 * Codes and fixed values of the trans-cda-r2 volet (`spec/documents/trans-cda-r2.md`), kept as data
 * so that the builder, the reader and the validator share one source.
 */

/** MSH-21 of every business message (not of the ACKs): volet version 2.1. */
export const TRANS_CDA_PROFILE = { entityIdentifier: '2.1', namespaceId: 'CISIS_CDA_HL7_V2' } as const;

/** MSH-12 per message family: the volet keeps HL7 2.6 for MDM and ZAM, 2.5 for ORU (§1, §5.1). */
export const MESSAGE_VERSION = { MDM: '2.6', ORU: '2.5', ZAM: '2.6' } as const;

/** The three fields that say what to do with the document, which must agree (§2). */
export interface DocumentAction {
  kind: DocumentRequestKind;
  /** MSH-9.2 of the MDM message. */
  mdmEvent: 'T02' | 'T10' | 'T04';
  /** ORC-1. */
  orderControl: 'NW' | 'RO' | 'CA';
  /** OBX-11 of the document OBX (HL7 table 0085). */
  resultStatus: 'F' | 'C' | 'D';
}

export const DOCUMENT_ACTIONS: readonly DocumentAction[] = [
  { kind: 'initial', mdmEvent: 'T02', orderControl: 'NW', resultStatus: 'F' },
  { kind: 'replace', mdmEvent: 'T10', orderControl: 'RO', resultStatus: 'C' },
  { kind: 'delete', mdmEvent: 'T04', orderControl: 'CA', resultStatus: 'D' },
];

export function actionOf(kind: DocumentRequestKind): DocumentAction {
  return DOCUMENT_ACTIONS.find((a) => a.kind === kind)!;
}

/** Message structure of the three MDM events (MSH-9.3). */
export const MDM_MESSAGE_STRUCTURE = 'MDM_T02';
export const ORU_MESSAGE_STRUCTURE = 'ORU_R01';

/** Coding system of the metadata OBX-3 (table "MetaDMP/MSS"). */
export const METADATA_CODING_SYSTEM = 'MetaDMPMSS';
/** Coding system of a Y/N OBX-5 (HL7 table 0136). */
export const YES_NO_CODING_SYSTEM = 'expandedYes-NoIndicator';

/** The Y/N metadata flags of `DocumentMetadata`. */
export type MetadataFlag = Exclude<keyof DocumentMetadata, 'mailBodyForProfessionals' | 'mailBodyForPatient' | 'patientMayNotReply'>;

/**
 * One row of table "MetaDMP/MSS" for a Y/N metadata. `required`: a validator reports its absence
 * as an error; `expected`: as a warning (the IG's tables say optional while its text and change log
 * say required, §10 #1).
 */
export interface MetadataDefinition {
  code: string;
  label: string;
  flag: MetadataFlag;
  presence: 'required' | 'expected';
}

/** The ten Y/N metadata, in the order the IG fixes (§4.3). */
export const METADATA_DEFINITIONS: readonly MetadataDefinition[] = [
  { code: 'MASQUE_PS', label: 'Masqué aux professionnels de Santé', flag: 'hiddenFromProfessionals', presence: 'required' },
  { code: 'INVISIBLE_PATIENT', label: 'Document Non Visible par le patient', flag: 'hiddenFromPatient', presence: 'required' },
  {
    code: 'INVISIBLE_REP_LEGAUX',
    label: 'Non visible par les représentants Légaux du patient',
    flag: 'hiddenFromLegalRepresentatives',
    presence: 'required',
  },
  { code: 'CONNEXION_SECRETE', label: 'Connexion Secrete', flag: 'secretConnection', presence: 'required' },
  { code: 'MODIF_CONF_CODE', label: 'Modification Confidentiality Code', flag: 'confidentialityChange', presence: 'required' },
  { code: 'DESTDMP', label: 'Destinataire DMP', flag: 'sendToDmp', presence: 'required' },
  {
    code: 'DESTMSSANTEPS',
    label: 'Destinataire (Professionnel de Santé, organisation ou BAL applicative)',
    flag: 'sendToProfessionals',
    presence: 'required',
  },
  { code: 'DESTMSSANTEPAT', label: 'Destinataire Patient', flag: 'sendToPatient', presence: 'required' },
  { code: 'ACK_RECEPTION', label: 'Accusé de réception', flag: 'receptionReceipt', presence: 'expected' },
  { code: 'ACK_LECTURE_MSS', label: 'Accusé de lecture', flag: 'readReceipt', presence: 'expected' },
];

/** Codes some official examples use instead of the table's (§10 #4): accepted with a warning. */
export const METADATA_ALIASES: Readonly<Record<string, string>> = { ACK_LECTURE: 'ACK_LECTURE_MSS' };

/** The optional mail bodies (OBX-2 `ED`, base64 UTF-8 text), after the Y/N metadata. */
export const MAIL_BODY_DEFINITIONS = [
  { code: 'CORPSMAIL_PS', label: 'Corps du mail pour un PS', field: 'mailBodyForProfessionals' },
  { code: 'CORPSMAIL_PATIENT', label: 'Corps du mail pour le patient', field: 'mailBodyForPatient' },
] as const;

/** NTE-4 comment type written after `DESTMSSANTEPAT` when the patient must not reply (§6.2). */
export const NO_REPLY_COMMENT_TYPE = 'FIN';

/** PRT-4 participation codes (§5.7), coding system `participation`. Readers match on PRT-4.1 only (§10 #5). */
export const PARTICIPATION = {
  sender: { code: 'SB', text: 'Send by' },
  recipient: { code: 'RCT', text: 'Result Copies To' },
  replyTo: { code: 'REPLY', text: 'Reply To' },
} as const;
export const PARTICIPATION_CODING_SYSTEM = 'participation';

/** PRT-15: XTN.2 use code and XTN.3 equipment type of an MSSanté address. */
export const MAIL_ADDRESS_USE = 'NET';
export const MAIL_ADDRESS_TYPE = 'X.400';

/** Document OBX-5 type of data: `TEXT` (HL7 table 0191) in ORU v2.5, `text` (MIME) in MDM v2.6 (§5.6). */
export const DOCUMENT_TYPE_OF_DATA = { MDM: 'text', ORU: 'TEXT' } as const;
export const DOCUMENT_DATA_SUBTYPE = 'XML';
export const DOCUMENT_ENCODING = 'Base64';

/** TXA-3 document content presentation and TXA-17 completion status (§5.5). */
export const TXA_CONTENT_PRESENTATION = 'TEXT';
export const TXA_COMPLETION_STATUS = 'AU';

/** OBR-4.3 / OBX-3.3 coding systems of a document type: LOINC or the CI-SIS complementary types. */
export const DOCUMENT_TYPE_CODING_SYSTEMS: readonly string[] = ['LN', 'TRE_A05'];

/** Every INS assigning authority (production, test and demonstration): the Téléradiologie volet's `INS_OID`. */
export const INS_OIDS: readonly string[] = Object.values(INS_OID);

/** CDA R2 namespace. */
export const HL7_V3_NAMESPACE = 'urn:hl7-org:v3';
