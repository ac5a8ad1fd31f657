export type { Finding, FindingSeverity, FlowProfile, PartnerIdentity, Profile, ValidateOptions, ValidationReport } from './types.js';
export { PROFILES } from './types.js';
export { validateMessage, validateObservations } from './validate.js';
export { detectProfile } from './detect.js';
export { ackForValidation } from './ack-for-validation.js';
export {
  evaluateWorkflow, messageFingerprint, messageKey, patientIdentifierKey, placerNumberKey, placerNumberOf, WORKFLOW_RULES,
  type OrderHistoryView, type OrderState,
} from './workflow-rules.js';
export { RULES, rulesFor } from './rules/registry.js';
export type { RuleDefinition, RuleScope } from './rules/rule.js';
export { pinnedValueSets, type ValueSetId } from './terminology/value-sets.js';
export { isValidNirKey } from './rules/pid.js';
