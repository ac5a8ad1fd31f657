import type { Message } from '../../hl7/index.js';
import { formatTS, readTS } from '../../hl7/index.js';
import type { BusinessReceiptKind } from './business-receipt-vocabulary.js';
import { RECEIPT_CODING_SYSTEM, ZAM_MESSAGE_STRUCTURE, receiptDefinition } from './business-receipt-vocabulary.js';
import { DocumentTransportError } from './errors.js';
import type { DocumentReadResult } from './read-document-message.js';
import type { DocumentMessageContext } from './types.js';
import { runDocumentValidation } from './validation/validate-document-message.js';
import { createDocumentMessage, withTransportErrors } from './message-header.js';
import { MAIL_ADDRESS_TYPE, MESSAGE_VERSION, YES_NO_CODING_SYSTEM } from './vocabulary.js';

/** Why a business receipt reports a failure (ERR-4 and ERR-5). */
export interface BusinessReceiptError {
  /** ERR-4 (HL7 table 0516): error, fatal, information, warning. */
  severity: 'E' | 'F' | 'I' | 'W';
  /** ERR-5.1: DMP error code (Z01), SMTP code (Z02), applicationErrorCondition code 900–906 (Z03). */
  code: string;
  /** ERR-5.2. */
  label: string;
}

/** A business receipt (ZAM), GESTIONNAIRE → CREATEUR. */
export interface BusinessReceipt {
  kind: BusinessReceiptKind;
  /** OBX-4 of the status: MSH-10 of the ORU/MDM message that carried the document. */
  acknowledgedControlId: string;
  /** OBX-5 of the status: Y (done) or N (failed, with `error`). */
  success: boolean;
  /** EVN-2: when the acknowledged event happened (a Date, or HL7 TS text). */
  eventTime?: Date | string;
  /** Z02 / Z03: the MSSanté mailbox the receipt is about (OBX-5.4) and its owner's id (OBX-4). */
  mailbox?: { address: string; recipientId?: string };
  error?: BusinessReceiptError;
}

/**
 * Builds ZAM^Z01 (DMP receipt), ZAM^Z02 (MSSanté delivery) or ZAM^Z03 (MSSanté read), HL7 v2.6,
 * per trans-cda-r2 §8: MSH, EVN, status OBX, address OBX for Z02/Z03, ERR when the status is N.
 */
export function buildBusinessReceipt(receipt: BusinessReceipt, context: DocumentMessageContext): Message {
  const def = receiptDefinition(receipt.kind);
  if (!def)
    throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_INVALID_VALUE', 'kind', `unknown receipt kind "${String(receipt.kind)}"`);
  if (receipt.acknowledgedControlId.trim() === '')
    throw new DocumentTransportError(
      'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE',
      'acknowledgedControlId',
      'the MSH-10 of the acknowledged message is required',
    );
  if (def.address && !receipt.mailbox?.address)
    throw new DocumentTransportError(
      'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE',
      'mailbox.address',
      `ZAM^${def.event} is about one MSSanté mailbox: its address is required`,
    );
  if (!def.address && receipt.mailbox)
    throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_INVALID_VALUE', 'mailbox', 'a DMP receipt (ZAM^Z01) has no mailbox');
  if (!receipt.success && !receipt.error)
    throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_MISSING_VALUE', 'error', 'a failed receipt must say why (ERR)');

  const now = context.timestamp ?? new Date();
  const msg = withTransportErrors(() =>
    createDocumentMessage(context, ['ZAM', def.event, ZAM_MESSAGE_STRUCTURE], MESSAGE_VERSION.ZAM, now),
  );

  const eventTime = receipt.eventTime ?? now;
  if (typeof eventTime === 'string' && !readTS(eventTime))
    throw new DocumentTransportError('TLR_ERR_DOC_TRANSPORT_INVALID_VALUE', 'eventTime', `"${eventTime}" is not an HL7 TS`);
  msg.addSegment('EVN').set(2, typeof eventTime === 'string' ? eventTime : formatTS(eventTime));
  msg
    .addSegment('OBX')
    .set(1, '1')
    .set(2, 'CWE')
    .setComponents(3, [def.status.code, def.status.label, RECEIPT_CODING_SYSTEM])
    .set(4, receipt.acknowledgedControlId)
    .setComponents(5, [receipt.success ? 'Y' : 'N', '', YES_NO_CODING_SYSTEM])
    .set(11, 'F');
  if (def.address && receipt.mailbox) {
    msg
      .addSegment('OBX')
      .set(1, '2')
      .set(2, 'XTN')
      .setComponents(3, [def.address.code, def.address.label, RECEIPT_CODING_SYSTEM])
      .set(4, receipt.mailbox.recipientId ?? '')
      .setComponents(5, ['', '', MAIL_ADDRESS_TYPE, receipt.mailbox.address])
      .set(11, 'F');
  }
  if (!receipt.success && receipt.error) {
    msg
      .addSegment('ERR')
      .setComponents(3, ['207', 'Application error', 'messageErrorCondition'])
      .set(4, receipt.error.severity)
      .setComponents(5, [receipt.error.code, receipt.error.label, def.errorCodingSystem]);
  }
  return msg;
}

/** A business receipt as read, with the event time as written. */
export interface ReceivedBusinessReceipt extends Omit<BusinessReceipt, 'eventTime'> {
  eventTime?: string;
  header: Message['header'];
}

/** Reads and validates a ZAM^Z01/Z02/Z03. The value is undefined when the message is not a ZAM. */
export function readBusinessReceipt(input: Uint8Array | string | Message): DocumentReadResult<ReceivedBusinessReceipt> {
  const { report, view } = runDocumentValidation(input);
  if (view?.structure !== 'ZAM') return { value: undefined, report };
  const def = receiptDefinition(view.message.header.triggerEvent.trim())!;
  const status = view.obx[0]?.segment;
  const address = def.address ? view.obx[1]?.segment : undefined;
  const err = view.message.segment('ERR');
  const value: ReceivedBusinessReceipt = {
    kind: def.kind,
    acknowledgedControlId: status?.get(4).trim() ?? '',
    success: status?.get('5.1').trim() === 'Y',
    header: view.message.header,
  };
  const evn2 = view.message.get('EVN-2').trim();
  if (evn2) value.eventTime = evn2;
  if (address) {
    value.mailbox = { address: address.get('5.4').trim() };
    const id = address.get(4).trim();
    if (id) value.mailbox.recipientId = id;
  }
  if (err && !value.success) {
    value.error = {
      severity: err.get(4).trim() as BusinessReceiptError['severity'],
      code: err.get('5.1').trim(),
      label: err.get('5.2').trim(),
    };
  }
  return { value, report };
}
