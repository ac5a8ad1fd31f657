import { ONWARD_ENVIRONMENT_OVERRIDES } from './onward/onward-config.js';

/**
 * Environment variables that override the file, one per option a deployment usually changes.
 * Apart from `config.ts` so that the command line can list them in `serve --help` without loading the
 * configuration's validator.
 * Values are strings; numbers and lists are converted and then validated like the file.
 */
export const ENVIRONMENT_OVERRIDES: ReadonlyArray<{
  name: string;
  path: string;
  type: 'string' | 'integer' | 'list' | 'boolean' | 'json';
}> = [
  { name: 'CISIS_TLR_ROLE', path: 'role', type: 'string' },
  { name: 'CISIS_TLR_IDENTITY_APPLICATION', path: 'identity.application', type: 'string' },
  { name: 'CISIS_TLR_IDENTITY_FACILITY', path: 'identity.facility', type: 'string' },
  { name: 'CISIS_TLR_ORGANISATION_NAME', path: 'organisation.name', type: 'string' },
  { name: 'CISIS_TLR_ORGANISATION_IDENTIFIER_TYPE', path: 'organisation.identifierType', type: 'string' },
  { name: 'CISIS_TLR_ORGANISATION_IDENTIFIER', path: 'organisation.identifier', type: 'string' },
  { name: 'CISIS_TLR_PARTNER_NAME', path: 'partner.name', type: 'string' },
  { name: 'CISIS_TLR_PARTNER_HOST', path: 'partner.host', type: 'string' },
  { name: 'CISIS_TLR_PARTNER_PORT', path: 'partner.port', type: 'integer' },
  { name: 'CISIS_TLR_PARTNER_APPLICATION', path: 'partner.application', type: 'string' },
  { name: 'CISIS_TLR_PARTNER_FACILITY', path: 'partner.facility', type: 'string' },
  { name: 'CISIS_TLR_PARTNER_ACK_TIMEOUT_MS', path: 'partner.ackTimeoutMs', type: 'integer' },
  { name: 'CISIS_TLR_PARTNER_TLS_CA', path: 'partner.tls.ca', type: 'string' },
  { name: 'CISIS_TLR_PARTNER_TLS_CERT', path: 'partner.tls.cert', type: 'string' },
  { name: 'CISIS_TLR_PARTNER_TLS_KEY', path: 'partner.tls.key', type: 'string' },
  { name: 'CISIS_TLR_PARTNER_TLS_SERVERNAME', path: 'partner.tls.servername', type: 'string' },
  { name: 'CISIS_TLR_PARTNERS', path: 'partners', type: 'json' },
  { name: 'CISIS_TLR_DEFAULT_PARTNER', path: 'defaultPartner', type: 'string' },
  { name: 'CISIS_TLR_MLLP_HOST', path: 'mllp.host', type: 'string' },
  { name: 'CISIS_TLR_MLLP_PORT', path: 'mllp.port', type: 'integer' },
  { name: 'CISIS_TLR_MLLP_TLS_CA', path: 'mllp.tls.ca', type: 'string' },
  { name: 'CISIS_TLR_MLLP_TLS_CERT', path: 'mllp.tls.cert', type: 'string' },
  { name: 'CISIS_TLR_MLLP_TLS_KEY', path: 'mllp.tls.key', type: 'string' },
  { name: 'CISIS_TLR_MLLP_TLS_REQUEST_CLIENT_CERT', path: 'mllp.tls.requestClientCert', type: 'boolean' },
  { name: 'CISIS_TLR_MLLP_MAX_FRAME_BYTES', path: 'mllp.maxFrameBytes', type: 'integer' },
  { name: 'CISIS_TLR_MLLP_IDLE_TIMEOUT_MS', path: 'mllp.idleTimeoutMs', type: 'integer' },
  { name: 'CISIS_TLR_MLLP_FRAME_TIMEOUT_MS', path: 'mllp.frameTimeoutMs', type: 'integer' },
  { name: 'CISIS_TLR_MLLP_MAX_CONNECTIONS', path: 'mllp.maxConnections', type: 'integer' },
  { name: 'CISIS_TLR_MLLP_MAX_CONNECTIONS_PER_PEER', path: 'mllp.maxConnectionsPerPeer', type: 'integer' },
  { name: 'CISIS_TLR_MLLP_ALLOWED_PEERS', path: 'mllp.allowedPeers', type: 'list' },
  { name: 'CISIS_TLR_API_HOST', path: 'api.host', type: 'string' },
  { name: 'CISIS_TLR_API_PORT', path: 'api.port', type: 'integer' },
  { name: 'CISIS_TLR_API_KEYS', path: 'api.keys', type: 'list' },
  { name: 'CISIS_TLR_API_NAMED_KEYS', path: 'api.namedKeys', type: 'json' },
  { name: 'CISIS_TLR_STORAGE_URL', path: 'storage.url', type: 'string' },
  { name: 'CISIS_TLR_STORAGE_POOL_SIZE', path: 'storage.poolSize', type: 'integer' },
  { name: 'CISIS_TLR_STORAGE_GROUP_COMMIT_MAX_WAIT_MS', path: 'storage.groupCommit.maxWaitMs', type: 'integer' },
  { name: 'CISIS_TLR_STORAGE_GROUP_COMMIT_MAX_MESSAGES', path: 'storage.groupCommit.maxMessages', type: 'integer' },
  { name: 'CISIS_TLR_DATA_DIR', path: 'dataDir', type: 'string' },
  { name: 'CISIS_TLR_RETENTION_DAYS', path: 'retention.contentDays', type: 'integer' },
  { name: 'CISIS_TLR_OUTBOX_BASE_DELAY_MS', path: 'outbox.baseDelayMs', type: 'integer' },
  { name: 'CISIS_TLR_OUTBOX_MAX_DELAY_MS', path: 'outbox.maxDelayMs', type: 'integer' },
  { name: 'CISIS_TLR_OUTBOX_MAX_ATTEMPTS', path: 'outbox.maxAttempts', type: 'integer' },
  { name: 'CISIS_TLR_WEBHOOKS', path: 'webhooks', type: 'json' },
  { name: 'CISIS_TLR_PROCESSING_ID', path: 'processingId', type: 'string' },
  { name: 'CISIS_TLR_CHARSET', path: 'charset', type: 'string' },
  { name: 'CISIS_TLR_LOG_LEVEL', path: 'logLevel', type: 'string' },
  ...ONWARD_ENVIRONMENT_OVERRIDES,
  { name: 'CISIS_TLR_ALERT_INTERVAL_MS', path: 'alerts.intervalMs', type: 'integer' },
  { name: 'CISIS_TLR_ALERT_OUTBOX_DEPTH', path: 'alerts.outboxDepth', type: 'integer' },
  { name: 'CISIS_TLR_ALERT_OLDEST_PENDING_SECONDS', path: 'alerts.oldestPendingSeconds', type: 'integer' },
  { name: 'CISIS_TLR_ALERT_PARTNER_DISCONNECTED_SECONDS', path: 'alerts.partnerDisconnectedSeconds', type: 'integer' },
  { name: 'CISIS_TLR_ALERT_PARKED_MESSAGES', path: 'alerts.parkedMessages', type: 'integer' },
  { name: 'CISIS_TLR_ALERT_WEBHOOK_FAILURES', path: 'alerts.webhookFailures', type: 'integer' },
  { name: 'CISIS_TLR_ALERT_CERTIFICATE_EXPIRY_DAYS', path: 'alerts.certificateExpiryDays', type: 'integer' },
];
