/**
 * cisis-tlr public API, one namespace per layer (re-exports only):
 * `hl7` (ER7 model, parse/serialize, ACK), `mllp` (transport), `profiles` (the Téléradiologie validator),
 * `tlr` (domain model, builders, readers), `documents` (CDA reports, their validation and transport),
 * `store` and `workflow` (durable core), `gateway` (the half-connector service).
 */
export * as hl7 from './hl7/index.js';
export * as mllp from './mllp/index.js';
export * as profiles from './profiles/index.js';
export * as tlr from './tlr/index.js';
export * as cdaReport from './documents/report/index.js';
export * as cdaValidation from './documents/validation/index.js';
export * as documentTransport from './documents/transport/index.js';
export * as dmpXds from './documents/xds/index.js';
export * as store from './store/index.js';
export * as workflow from './workflow/index.js';
export * as workflowChecks from './workflow/checks/index.js';
export { loadConfig } from './gateway/config.js';
export type { GatewayConfig, GatewayConfigInput, Role } from './gateway/config.js';
export { Gateway } from './gateway/gateway.js';
export { startGateway } from './gateway/start.js';
export { verifyWebhookSignature, signWebhook } from './gateway/webhook-dispatcher.js';
