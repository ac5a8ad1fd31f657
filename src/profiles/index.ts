export type { Finding, FindingSeverity, FlowProfile, PartnerIdentity, Profile, ValidateOptions, ValidationReport } from './types.js';
export { PROFILES } from './types.js';
export { validateMessage, validateObservations } from './validate.js';
export { detectProfile } from './detect.js';
export { ackForValidation } from './ack-for-validation.js';
export { RULES, rulesFor } from './rules/registry.js';
export type { RuleDefinition, RuleScope } from './rules/rule.js';
// The engine's building blocks, for rule packs declared outside this layer (the workflow rules).
export { FindingCollector, defineRule, locationOf, valueOf } from './rules/rule.js';
// One structure matcher for every rule pack: grammars are data, declared by each volet.
export { group, matchStructure, seg, type GroupElement, type MessageGrammar, type SegmentElement, type StructureElement, type StructureProblem } from './structure/grammar.js';
export { pinnedValueSets, type ValueSetId } from './terminology/value-sets.js';
export { isValidNirKey } from './rules/pid.js';
