/** CDA R2 validation (XML Schema + ANS Schematrons), offline and in-process: re-exports only. */
export { validateCda, warmUpCdaValidation } from './cda-validator.js';
export type {
  CdaIssueSource,
  CdaNotEvaluable,
  CdaValidationIssue,
  CdaValidationOptions,
  CdaValidationReport,
  CdaWarmUpProgress,
} from './cda-validator.js';
export { CDA_IDENTIFIERS, detectCdaProfile } from './cda-profile.js';
export type { CdaProfile, CdaProfileDetection } from './cda-profile.js';
export { BUNDLED_CDA_KIT_DIR, BUNDLED_COMPILED_DIR, CDA_RULE_SETS, CDA_XSD, resolveCdaKitDir } from './cda-validation-kit.js';
export type { CdaRuleSetName } from './cda-validation-kit.js';
export { CdaValidationError } from './errors.js';
export type { CdaValidationErrorCode } from './errors.js';
export { ALL_PHASES, compileSchematron, compileSchematronFile } from './schematron/schematron-compiler.js';
export type {
  CompiledAssertion,
  CompiledRule,
  CompiledSchematron,
  RawFinding,
  SchematronCompileOptions,
} from './schematron/schematron-compiler.js';
export { loadSchematron, SCHEMATRON_NS } from './schematron/schematron-source.js';
export type { LoadedSchematron, SchematronSourceFile } from './schematron/schematron-source.js';
export {
  compiledEntryName,
  defaultSchematronCacheDir,
  loadCompiledSchematron,
  relativeWarning,
  SCHEMATRON_COMPILER_VERSION,
} from './schematron/sef-cache.js';
export type { CompiledSchematronArtifact, SchematronCompileEvent, SchematronManifest, SefCacheOptions } from './schematron/sef-cache.js';
export { parseXmlForSchematron, SchematronValidator } from './schematron/schematron-validator.js';
export type { SchematronFinding, SchematronInput } from './schematron/schematron-validator.js';
export { severityOf } from './schematron/severity.js';
export type { FindingSeverity } from './schematron/severity.js';
export { CdaXsdValidator } from './xsd/cda-xsd-validator.js';
export type { XsdFinding } from './xsd/cda-xsd-validator.js';
export { CdaValidationWorker } from './cda-worker.js';
export type { CdaWorkerOptions } from './cda-worker.js';
