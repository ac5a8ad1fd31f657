export type { Finding, FindingSeverity, FlowProfile, PartnerIdentity, Profile, ValidateOptions, ValidationReport } from './types.js';
export { PROFILES } from './types.js';
export { validateMessage, validateObservations } from './validate.js';
export { detectProfile } from './detect.js';
export { ackErrorOf, ackForValidation } from './ack-for-validation.js';
export { RULES, rulesFor } from './rules/teleradiologie.js';
export type {
  ReportOverrides,
  RuleContext,
  RuleContextBase,
  RuleDeclaration,
  RuleDefinition,
  RuleRef,
  RuleScope,
  TeleradiologieFacts,
} from './rules/rule.js';
// The rule packs: the one registry, and the entry point that picks a message's pack.
export type { RulePack, RulePackSelection } from './packs/pack.js';
export { RULE_ID, registerRulePack, registeredRules, rulePacks, selectRulePack } from './packs/registry.js';
export { TELERADIOLOGIE_PACK } from './packs/teleradiologie.js';
// The engine's building blocks, for rule packs declared outside this layer (the document transport, the workflow rules).
// `valueOf` is the former name of `valueAt` (it shadowed the global `valueOf`), kept for the package's callers.
export { FindingCollector, defineRule, locationOf, valueAt, valueAt as valueOf } from './rules/rule.js';
export { RuleIndex, evaluateRules, matchMessage, readInput, reportOf, type ValidationInput } from './rules/evaluate.js';
export { fieldRule, type FieldCheck, type FieldRow, type Usage } from './rules/table.js';
// One structure matcher for every rule pack: grammars are data, declared by each volet.
export {
  group,
  matchStructure,
  seg,
  type GroupElement,
  type MessageGrammar,
  type SegmentElement,
  type StructureElement,
  type StructureProblem,
} from './structure/grammar.js';
export { pinnedValueSets, type ValueSetId } from './terminology/value-sets.js';
export { isValidNirKey } from './rules/pid.js';
