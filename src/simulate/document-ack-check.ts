import type { Message } from '../hl7/index.js';
import { tryParseMessage } from '../hl7/index.js';

/** A finding on the acknowledgement of a document message. */
export interface DocumentAckFinding {
  severity: 'error';
  /** `trans-cda-r2 §7`: the section of the document-transport volet the check comes from (it numbers no rules for ACKs). */
  rule: string;
  message: string;
}

const RULE = 'trans-cda-r2 §7';

/**
 * Checks the acknowledgement of a document message (MDM^T02/T10/T04, ORU with a CDA) against the
 * document-transport volet, §7: the Téléradiologie ACK profile does not apply, since such an ACK
 * keeps the version of the acknowledged message (2.6 for MDM) and names its event (`ACK^T10^ACK`).
 * Checked: parse, MSH-9, MSH-12, the mirrored routing fields MSH-3…6, MSH-11, MSA-1 and MSA-2.
 */
export function checkDocumentAck(ackBytes: Uint8Array, acknowledged: Message): DocumentAckFinding[] {
  const parsed = tryParseMessage(ackBytes);
  const ack = parsed.message;
  if (!ack || parsed.errors.length)
    return [
      {
        severity: 'error',
        rule: RULE,
        message: `the acknowledgement does not parse: ${parsed.errors.map((e) => e.message).join('; ') || 'no message'}`,
      },
    ];
  const out: DocumentAckFinding[] = [];
  const expect = (what: string, actual: string, expected: string): void => {
    if (actual !== expected) out.push({ severity: 'error', rule: RULE, message: `${what} is "${actual}", expected "${expected}"` });
  };
  const h = acknowledged.header;
  expect('MSH-9', `${ack.get('MSH-9.1')}^${ack.get('MSH-9.2')}^${ack.get('MSH-9.3')}`, `ACK^${h.triggerEvent}^ACK`);
  expect('MSH-12', ack.get('MSH-12.1'), h.version);
  expect('MSH-11', ack.get('MSH-11.1'), h.processingId);
  expect('MSH-3', ack.get('MSH-3.1'), acknowledged.get('MSH-5.1'));
  expect('MSH-4', ack.get('MSH-4.1'), acknowledged.get('MSH-6.1'));
  expect('MSH-5', ack.get('MSH-5.1'), acknowledged.get('MSH-3.1'));
  expect('MSH-6', ack.get('MSH-6.1'), acknowledged.get('MSH-4.1'));
  if (!['AA', 'AE', 'AR'].includes(ack.get('MSA-1')))
    out.push({ severity: 'error', rule: RULE, message: `MSA-1 is "${ack.get('MSA-1')}", expected AA, AE or AR` });
  expect('MSA-2', ack.get('MSA-2'), h.controlId);
  return out;
}
