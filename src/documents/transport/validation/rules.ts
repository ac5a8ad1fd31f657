import { RuleIndex } from '../../../profiles/index.js';
import { FIELD_RULES } from './field-rules.js';
import type { DocumentMessageView } from './message-view.js';
import type { DocumentProfile, DocumentRuleDefinition } from './profile.js';
import { DOCUMENT_PROFILES, defineDocumentRule } from './profile.js';
import { DOCUMENT_RULES } from './rules-document.js';
import { MESSAGE_RULES } from './rules-message.js';
import { METADATA_RULES } from './rules-metadata.js';
import { PARTICIPANT_RULES } from './rules-participants.js';
import { RECEIPT_RULES } from './rules-receipt.js';

/**
 * Pipeline rules: reported by the pack's pipeline (`validate-document-message.ts`) and by the grammar
 * matcher (`structure.ts`), declared here for their severity, condition and wording.
 */
const byPipeline = (): void => undefined;

export const TDOC_GEN_001 = defineDocumentRule({
  id: 'TDOC-GEN-001',
  severity: 'error',
  condition: '100',
  profiles: DOCUMENT_PROFILES,
  scope: 'message',
  summary: "the message is ER7-parseable (the parser's error code and condition, its warnings as warnings)",
  evaluate: byPipeline,
});

export const TDOC_GEN_002 = defineDocumentRule({
  id: 'TDOC-GEN-002',
  severity: 'warning',
  condition: '100',
  profiles: DOCUMENT_PROFILES,
  scope: 'message',
  summary: 'segments are separated by CR (LF or CRLF tolerated, reported)',
  evaluate: byPipeline,
});

export const TDOC_STR_001 = defineDocumentRule({
  id: 'TDOC-STR-001',
  severity: 'error',
  condition: '100',
  profiles: DOCUMENT_PROFILES,
  scope: 'message',
  summary: 'segment order and cardinality of MDM_T02, ORU_R01 or ZAM_Z01 as the volet profiles them',
  evaluate: byPipeline,
});

/** Every rule of the pack, in report order: pipeline, field table, then the function rules. */
export const DOCUMENT_TRANSPORT_RULES: readonly DocumentRuleDefinition[] = [
  TDOC_GEN_001,
  TDOC_GEN_002,
  TDOC_STR_001,
  ...FIELD_RULES,
  ...MESSAGE_RULES,
  ...DOCUMENT_RULES,
  ...PARTICIPANT_RULES,
  ...METADATA_RULES,
  ...RECEIPT_RULES,
];

export const DOCUMENT_TRANSPORT_INDEX = new RuleIndex<DocumentProfile, DocumentMessageView>(DOCUMENT_TRANSPORT_RULES, [
  TDOC_GEN_001,
  TDOC_GEN_002,
  TDOC_STR_001,
]);
