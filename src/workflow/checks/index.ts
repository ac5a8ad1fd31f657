/**
 * The workflow rules as findings (offline validation and the gateway's ACK). Not re-exported by
 * `workflow/index.ts`: this module imports the validator, and the store imports the workflow core.
 */
export {
  MSH_016,
  RECEIVER_OF,
  WORKFLOW_RULES,
  evaluateWorkflow,
  eventOfFlow,
  historyFindings,
  transitionFinding,
  type HistoryFacts,
} from './workflow-rules.js';
export {
  messageFingerprint,
  messageKey,
  patientIdentifierKey,
  patientIdentifierKeysOf,
  patientIdentifierKeysOfPatient,
  placerNumberKey,
  placerNumberOf,
  type OrderHistoryView,
} from './history-view.js';
