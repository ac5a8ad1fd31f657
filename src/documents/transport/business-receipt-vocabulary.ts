/**
 * The business receipts (accusés métier, ZAM^Z01/Z02/Z03, HL7 v2.6) a document manager returns to
 * the document creator when asked (`ACK_RECEPTION`, `ACK_LECTURE_MSS`), trans-cda-r2 §8.
 */
export type BusinessReceiptKind = 'dmp' | 'mss-delivery' | 'mss-read';

export interface BusinessReceiptDefinition {
  kind: BusinessReceiptKind;
  /** MSH-9.2. */
  event: 'Z01' | 'Z02' | 'Z03';
  /** Status OBX-3 (code system `AckMetierZAM`). */
  status: { code: string; label: string };
  /** Address OBX-3 (Z02/Z03 only). */
  address: { code: string; label: string } | undefined;
  /** ERR-5.3 coding system of the error code, and the variants seen in official examples. */
  errorCodingSystem: string;
  errorCodingSystemAliases: readonly string[];
}

export const RECEIPT_CODING_SYSTEM = 'AckMetierZAM';
/** Spelling of the IG's Z02 address table (§10 #7): accepted with a warning. */
export const RECEIPT_CODING_SYSTEM_ALIASES: readonly string[] = ['AckMétierZAM'];
export const ZAM_MESSAGE_STRUCTURE = 'ZAM_Z01';

export const BUSINESS_RECEIPTS: readonly BusinessReceiptDefinition[] = [
  {
    kind: 'dmp',
    event: 'Z01',
    status: { code: 'ACK_RECEPTION_DMP', label: 'Accusé de réception DMP' },
    address: undefined,
    errorCodingSystem: 'DMP_ERROR_CODE',
    errorCodingSystemAliases: ['DMPERRORCODE'],
  },
  {
    kind: 'mss-delivery',
    event: 'Z02',
    status: { code: 'ACK_RECEPTION_MSS', label: 'Accusé de réception MSSanté' },
    address: { code: 'DESTINATAIRE_MSS', label: 'Destinataire MSSanté' },
    errorCodingSystem: 'SMTPERRORCODE',
    errorCodingSystemAliases: [],
  },
  {
    kind: 'mss-read',
    event: 'Z03',
    status: { code: 'ACK_LECTURE_MSS', label: 'Accusé de lecture' },
    address: { code: 'LECTEUR_MSS', label: 'Lecteur du courriel MSSanté' },
    errorCodingSystem: 'applicationErrorCondition',
    errorCodingSystemAliases: [],
  },
];

export function receiptDefinition(kindOrEvent: string): BusinessReceiptDefinition | undefined {
  return BUSINESS_RECEIPTS.find((r) => r.kind === kindOrEvent || r.event === kindOrEvent);
}
