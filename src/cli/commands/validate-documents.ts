import { readDocumentMessage } from '../../documents/transport/index.js';
import { validateCda } from '../../documents/validation/index.js';
import type { CdaNotEvaluable } from '../../documents/validation/index.js';
import type { Finding } from '../../profiles/index.js';

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
export async function validateDocumentMessageWithCda(
  bytes: Uint8Array,
  options: { kitDir?: string } = {},
): Promise<DocumentMessageValidation> {
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
