import type { Hl7Error, Message } from '../../../hl7/index.js';
import { formatLocation, tryParseMessage } from '../../../hl7/index.js';
import type { Finding } from '../../../profiles/index.js';
import { checkFieldRules } from './field-rules.js';
import { viewDocumentMessage } from './message-view.js';
import type { DocumentMessageView } from './message-view.js';
import type { DocumentProfile, DocumentValidationReport } from './profile.js';
import { finding, profileOf } from './profile.js';
import type { DocumentRule } from './rule.js';
import { DOCUMENT_RULES } from './rules-document.js';
import { MESSAGE_RULES } from './rules-message.js';
import { METADATA_RULES } from './rules-metadata.js';
import { PARTICIPANT_RULES } from './rules-participants.js';
import { RECEIPT_RULES } from './rules-receipt.js';
import { MDM_GRAMMAR, ORU_GRAMMAR, ZAM_GRAMMAR, checkStructure } from './structure.js';

/** Every function rule, in report order. */
export const DOCUMENT_MESSAGE_RULES: readonly DocumentRule[] = [...MESSAGE_RULES, ...DOCUMENT_RULES, ...PARTICIPANT_RULES, ...METADATA_RULES, ...RECEIPT_RULES];

export interface ValidateDocumentOptions {
  /** Profile to validate against; `auto` (default) takes it from MSH-9. */
  profile?: DocumentProfile | 'auto';
}

/** A validation run: the report, and the analysed message the reader builds on. */
export interface DocumentValidation {
  report: DocumentValidationReport;
  view: DocumentMessageView | undefined;
}

function fromParseProblem(e: Hl7Error, severity: Finding['severity']): Finding {
  const rule = e.code === 'TLR_ERR_HL7_LINE_ENDINGS' ? 'TDOC-GEN-002' : 'TDOC-GEN-001';
  return finding(rule, severity, e.location ? formatLocation(e.location) : 'MSH', `${e.code}: ${e.message}`, e.condition);
}

/**
 * Validates a message of the trans-cda-r2 volet: MDM^T02/T10/T04, ORU^R01 carrying a document, or
 * a ZAM business receipt. Runs the ER7 parse (TDOC-GEN-*), the structure (TDOC-STR-001), the field
 * table and the function rules, decodes the base64 document and checks it is a CDA consistent with
 * the message. The CDA Schematrons are not run here (`documents/validation`). Never throws.
 */
export function validateDocumentMessage(input: Uint8Array | string | Message, options: ValidateDocumentOptions = {}): DocumentValidationReport {
  return runDocumentValidation(input, options).report;
}

/** {@link validateDocumentMessage}, also returning the analysed message. */
export function runDocumentValidation(input: Uint8Array | string | Message, options: ValidateDocumentOptions = {}): DocumentValidation {
  const issues: Finding[] = [];
  let message: Message | undefined;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const parsed = tryParseMessage(input);
    issues.push(...parsed.errors.map((e) => fromParseProblem(e, e.severity === 'E' ? 'error' : 'warning')));
    issues.push(...parsed.warnings.map((e) => fromParseProblem(e, 'warning')));
    message = parsed.message;
  } else {
    message = input;
  }
  const done = (profile: DocumentProfile | null, view?: DocumentMessageView): DocumentValidation => ({
    report: { profile, valid: !issues.some((i) => i.severity === 'error'), issues, message },
    view,
  });
  if (!message) return done(null);

  const header = message.header;
  const detected = profileOf(header.messageCode, header.triggerEvent);
  const profile = options.profile && options.profile !== 'auto' ? options.profile : detected;
  if (!profile) {
    issues.push(finding('TDOC-MSH-009', 'error', 'MSH-9', `MSH-9 "${header.messageType}" is not a message of the volet (MDM^T02/T10/T04, ORU^R01, ZAM^Z01/Z02/Z03)`, header.messageCode === 'MDM' || header.messageCode === 'ZAM' ? '201' : '200'));
    return done(null);
  }
  const view = viewDocumentMessage(message, profile);
  const grammar = view.structure === 'MDM' ? MDM_GRAMMAR : view.structure === 'ORU' ? ORU_GRAMMAR : ZAM_GRAMMAR;
  issues.push(...checkStructure(message, grammar));
  issues.push(...checkFieldRules(message, profile));
  for (const rule of DOCUMENT_MESSAGE_RULES) if (rule.profiles.includes(profile)) issues.push(...rule.check(view));
  return done(profile, view);
}
