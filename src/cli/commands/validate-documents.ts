import type { Message } from '../../hl7/index.js';
import { readDocumentMessage } from '../../documents/transport/index.js';
import { validateCda } from '../../documents/validation/index.js';
import type { CdaNotEvaluable } from '../../documents/validation/index.js';
import { validateMessage } from '../../profiles/index.js';
import type { Finding } from '../../profiles/index.js';

export { messageKind, type MessageKind } from './message-kind.js';

/** A document message validated as `validate` reports it. */
export interface DocumentMessageValidation {
  readonly profile: string | null;
  readonly valid: boolean;
  readonly issues: Finding[];
  readonly notEvaluable: CdaNotEvaluable[];
}

/**
 * Validates a document message: the transport rules (trans-cda-r2), then each embedded CDA against the XML
 * Schema and the ANS rule sets, with `validate-cda`'s rule sets. CDA findings are located as
 * `OBX[n]-5 → /ClinicalDocument/...` (n counts the OBX segments of the message).
 */
export async function validateDocumentMessageWithCda(bytes: Uint8Array, options: { kitDir?: string } = {}): Promise<DocumentMessageValidation> {
  const { value, report } = readDocumentMessage(bytes);
  const issues: Finding[] = [...report.issues];
  const notEvaluable: CdaNotEvaluable[] = [];
  const documentObx = (report.message?.all('OBX') ?? []).flatMap((obx, index) => (obx.get('2.1').trim() === 'ED' ? [index + 1] : []));
  for (const [position, document] of (value?.documents ?? []).entries()) {
    // Not a well-formed CDA: the transport rules said so already (TDOC-DOC-007).
    if (!document.bytes || !document.cda) continue;
    const obx = `OBX[${documentObx[position] ?? position + 1}]-5`;
    const cda = await validateCda(document.bytes, options.kitDir === undefined ? {} : { kitDir: options.kitDir });
    for (const issue of cda.issues) {
      // The message validator has no "info" severity: informational CDA findings are left out, as the gateway does.
      if (issue.severity === 'info') continue;
      issues.push({
        severity: issue.severity,
        rule: `CDA:${issue.source}:${issue.rule}`,
        location: `${obx} → ${issue.location || '/ClinicalDocument'}`,
        message: issue.message,
        condition: '207',
      });
    }
    notEvaluable.push(...cda.notEvaluable);
  }
  return { profile: report.profile, valid: !issues.some((issue) => issue.severity === 'error'), issues, notEvaluable };
}

/**
 * Validates ACK^T02/T10/T04^ACK, the acknowledgements of the document messages: the acknowledgement rules of
 * the volet, without the three that only hold for the flows' acknowledgements (MSH-9 among ACK^O01/R01/O23,
 * MSH-12 = 2.5.1): a document acknowledgement names the MDM event and keeps the MDM's version (2.6).
 */
export function validateDocumentAck(bytes: Uint8Array): { profile: string; valid: boolean; issues: Finding[]; message: Message | undefined } {
  const report = validateMessage(bytes, { profile: 'ack' });
  const version = report.message?.segments[0]?.get('12.1').trim();
  const issues = report.issues.filter((issue) => {
    if (issue.rule === 'TLR-GEN-002' || issue.rule === 'TLR-ACK-005') return issue.location !== 'MSH-9';
    if (issue.rule === 'TLR-ACK-011') return version !== '2.6';
    return true;
  });
  return { profile: 'document-ack', valid: !issues.some((issue) => issue.severity === 'error'), issues, message: report.message };
}
