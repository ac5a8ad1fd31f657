import type { ErrorCondition, Message } from '../../../hl7/index.js';
import type { Finding } from '../../../profiles/index.js';

/**
 * The message profiles of the trans-cda-r2 volet: the three MDM events, the ORU^R01 variant, and
 * the three business receipts (ZAM).
 */
export type DocumentProfile = 'mdm-t02' | 'mdm-t10' | 'mdm-t04' | 'oru-document' | 'zam-z01' | 'zam-z02' | 'zam-z03';

export const DOCUMENT_PROFILES: readonly DocumentProfile[] = ['mdm-t02', 'mdm-t10', 'mdm-t04', 'oru-document', 'zam-z01', 'zam-z02', 'zam-z03'];

/** The profiles that carry a document. */
export const DOCUMENT_CARRYING_PROFILES: readonly DocumentProfile[] = ['mdm-t02', 'mdm-t10', 'mdm-t04', 'oru-document'];
export const MDM_PROFILES: readonly DocumentProfile[] = ['mdm-t02', 'mdm-t10', 'mdm-t04'];
export const ZAM_PROFILES: readonly DocumentProfile[] = ['zam-z01', 'zam-z02', 'zam-z03'];

/**
 * Outcome of `validateDocumentMessage`: the shape of the validator's `ValidationReport`
 * (`profiles/types.ts`), with this volet's profiles.
 */
export interface DocumentValidationReport {
  /** The profile the message was validated against; null when MSH-9 names none of them. */
  profile: DocumentProfile | null;
  /** True when no finding has severity `error`. */
  valid: boolean;
  issues: Finding[];
  /** The parsed message, undefined when it could not be parsed. */
  message: Message | undefined;
}

/** The profile named by MSH-9 (code and trigger event), or null. */
export function profileOf(messageCode: string, triggerEvent: string): DocumentProfile | null {
  const key = `${messageCode.trim()}^${triggerEvent.trim()}`;
  switch (key) {
    case 'MDM^T02': return 'mdm-t02';
    case 'MDM^T10': return 'mdm-t10';
    case 'MDM^T04': return 'mdm-t04';
    case 'ORU^R01': return 'oru-document';
    case 'ZAM^Z01': return 'zam-z01';
    case 'ZAM^Z02': return 'zam-z02';
    case 'ZAM^Z03': return 'zam-z03';
    default: return null;
  }
}

/** A finding, with its fields in the order a reader scans them. */
export function finding(rule: string, severity: Finding['severity'], location: string, message: string, condition: ErrorCondition): Finding {
  return { severity, rule, location, message, condition };
}
