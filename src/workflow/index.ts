export { ORDER_STATES, WORKFLOW_ROLES, isOrderState, type OrderState, type WorkflowRole } from './order-state.js';
export { ORDER_EVENT_TYPES, EVENTS_BY_ROLE, type OrderEvent, type OrderEventType } from './order-event.js';
export { TRANSITION_TABLE, type TransitionRule, type TransitionTable, type WorkflowErrorCode } from './transition-table.js';
export { applyEvent, type AcceptedTransition, type RejectedTransition, type TransitionResult } from './apply-event.js';
export {
  applyReportSetEvent,
  currentReportOf,
  type CurrentReport,
  type ReportOrderEvent,
  type ReportRecord,
  type ReportSetDecision,
  type ReportSetEvent,
  type ReportSetRefusal,
} from './report-set.js';
