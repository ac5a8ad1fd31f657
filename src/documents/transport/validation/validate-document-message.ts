import type { Hl7Error } from '../../../hl7/index.js';
import { formatLocation } from '../../../hl7/index.js';
import type { ValidationInput } from '../../../profiles/index.js';
import { FindingCollector, evaluateRules, matchMessage, readInput, reportOf } from '../../../profiles/index.js';
import type { DocumentMessageView } from './message-view.js';
import { viewDocumentMessage } from './message-view.js';
import type { DocumentProfile, DocumentValidationReport } from './profile.js';
import { profileOf } from './profile.js';
import { DOCUMENT_TRANSPORT_INDEX, TDOC_GEN_001, TDOC_GEN_002 } from './rules.js';
import { TDOC_MSH_009 } from './rules-message.js';
import { GRAMMARS } from './structure.js';

export interface ValidateDocumentOptions {
  /** Profile to validate against; `auto` (default) takes it from MSH-9. */
  profile?: DocumentProfile | 'auto';
}

/** A validation run: the report, and the analysed message the reader builds on. */
export interface DocumentValidation {
  report: DocumentValidationReport;
  view: DocumentMessageView | undefined;
}

function reportParseProblem(collector: FindingCollector, e: Hl7Error, severity: 'error' | 'warning'): void {
  const rule = e.code === 'TLR_ERR_HL7_LINE_ENDINGS' ? TDOC_GEN_002 : TDOC_GEN_001;
  collector.add(rule, e.location ? formatLocation(e.location) : 'MSH', `${e.code}: ${e.message}`, { severity, condition: e.condition });
}

/**
 * Validates a message of the trans-cda-r2 volet: MDM^T02/T10/T04, ORU^R01 carrying a document, or
 * a ZAM business receipt. Runs the ER7 parse (TDOC-GEN-*), the structure (TDOC-STR-001), the field
 * table and the function rules, decodes the base64 document and checks it is a CDA consistent with
 * the message. The CDA Schematrons are not run here (`documents/validation`). Never throws.
 */
export function validateDocumentMessage(input: ValidationInput, options: ValidateDocumentOptions = {}): DocumentValidationReport {
  return runDocumentValidation(input, options).report;
}

/**
 * {@link validateDocumentMessage}, also returning the analysed message. The pack's pipeline: parse
 * problems (TDOC-GEN-001/002; the readable rest is still checked), the profile from MSH-9
 * (TDOC-MSH-009), then the validator's engine on the analysed message.
 */
export function runDocumentValidation(input: ValidationInput, options: ValidateDocumentOptions = {}): DocumentValidation {
  const collector = new FindingCollector();
  const { message, parsed } = readInput(input);
  if (parsed) {
    for (const e of parsed.errors) reportParseProblem(collector, e, e.severity === 'E' ? 'error' : 'warning');
    for (const w of parsed.warnings) reportParseProblem(collector, w, 'warning');
  }
  const done = (profile: DocumentProfile | null, view?: DocumentMessageView): DocumentValidation => ({
    report: reportOf(profile, collector, message),
    view,
  });
  if (!message) return done(null);

  const header = message.header;
  const detected = profileOf(header.messageCode, header.triggerEvent);
  const profile = options.profile && options.profile !== 'auto' ? options.profile : detected;
  if (!profile) {
    collector.add(
      TDOC_MSH_009,
      'MSH-9',
      `MSH-9 "${header.messageType}" is not a message of the volet (MDM^T02/T10/T04, ORU^R01, ZAM^Z01/Z02/Z03)`,
      { condition: header.messageCode === 'MDM' || header.messageCode === 'ZAM' ? '201' : '200' },
    );
    return done(null);
  }
  const view = viewDocumentMessage(message, profile);
  const tree = matchMessage(message, GRAMMARS[view.structure], collector, (id) => DOCUMENT_TRANSPORT_INDEX.byId(id));
  evaluateRules(message, profile, tree, view, DOCUMENT_TRANSPORT_INDEX.forProfile(profile), collector);
  return done(profile, view);
}
