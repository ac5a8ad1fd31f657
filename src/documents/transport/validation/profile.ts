import type { RuleDefinition, ValidationReport } from '../../../profiles/index.js';
import { defineRule } from '../../../profiles/index.js';
import type { DocumentMessageView } from './message-view.js';

/**
 * The message profiles of the trans-cda-r2 volet: the three MDM events, the ORU^R01 variant, and
 * the three business receipts (ZAM).
 */
export type DocumentProfile = 'mdm-t02' | 'mdm-t10' | 'mdm-t04' | 'oru-document' | 'zam-z01' | 'zam-z02' | 'zam-z03';

export const DOCUMENT_PROFILES: readonly DocumentProfile[] = [
  'mdm-t02',
  'mdm-t10',
  'mdm-t04',
  'oru-document',
  'zam-z01',
  'zam-z02',
  'zam-z03',
];

/** The profiles that carry a document. */
export const DOCUMENT_CARRYING_PROFILES: readonly DocumentProfile[] = ['mdm-t02', 'mdm-t10', 'mdm-t04', 'oru-document'];
export const MDM_PROFILES: readonly DocumentProfile[] = ['mdm-t02', 'mdm-t10', 'mdm-t04'];
export const ZAM_PROFILES: readonly DocumentProfile[] = ['zam-z01', 'zam-z02', 'zam-z03'];

/** Outcome of `validateDocumentMessage`: the validator's one report shape, with this volet's profiles. */
export type DocumentValidationReport = ValidationReport<DocumentProfile>;

/**
 * A rule of the document-transport pack: the validator's `RuleDefinition`, whose rules read the
 * analysed message ({@link DocumentMessageView}) from their context.
 */
export type DocumentRuleDefinition = RuleDefinition<DocumentProfile, DocumentMessageView>;

/** Declares a rule of the document-transport pack (`defineRule` with this pack's profiles and facts). */
export const defineDocumentRule = defineRule<DocumentProfile, DocumentMessageView>;

/** The profile named by MSH-9 (code and trigger event), or null. */
export function profileOf(messageCode: string, triggerEvent: string): DocumentProfile | null {
  const key = `${messageCode.trim()}^${triggerEvent.trim()}`;
  switch (key) {
    case 'MDM^T02':
      return 'mdm-t02';
    case 'MDM^T10':
      return 'mdm-t10';
    case 'MDM^T04':
      return 'mdm-t04';
    case 'ORU^R01':
      return 'oru-document';
    case 'ZAM^Z01':
      return 'zam-z01';
    case 'ZAM^Z02':
      return 'zam-z02';
    case 'ZAM^Z03':
      return 'zam-z03';
    default:
      return null;
  }
}
