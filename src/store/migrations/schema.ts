import type { Migration } from './migration.js';

/**
 * What the SQLite and PostgreSQL schemas do not share: column types, and the statements one engine
 * needs and the other does not. Everything else — tables, columns, constraints, indexes — is written
 * once, in {@link migrationsFor}.
 */
export interface Dialect {
  /** The `id` column of a table: an identity that never reuses a value (the outbox orders its lanes by id). */
  readonly id: string;
  /** A column holding the id of a row of another table. */
  readonly ref: string;
  /** A time, as epoch milliseconds (identical arithmetic on both engines). */
  readonly time: string;
  /** A JSON document. */
  readonly json: string;
  /** Bytes. */
  readonly bytes: string;
  /** A counter that may pass 2^31 (lease tokens). */
  readonly counter: string;
  /**
   * Migration 2: statements that give the message indexes `id` as their last column, for cursor pages
   * (each ending `;\n`, then a blank line).
   */
  readonly messageCursorIndexes: string;
  /** Migration 5: fills `order_studies` from the orders' last post-exam information (ending `;\n`). */
  readonly orderStudiesBackfill: string;
  /**
   * Migration 8: makes `orders.partner` NOT NULL (`''` for an order recorded without one) and the orders'
   * unique key (role, placer number, assigning authority, partner), dropping the key of version 1
   * (each ending `;\n`).
   */
  readonly ordersPartnerKey: string;
}

/**
 * The schema migrations of an engine. Released migrations are never edited (a change is a new
 * version): the text each engine gets is the one it has always applied.
 */
export function migrationsFor(d: Dialect): readonly Migration[] {
  return [
    {
      version: 1,
      name: 'journal, orders, outbox, webhooks',
      sql: `
CREATE TABLE messages (
  id ${d.id},
  direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  partner TEXT NOT NULL,
  message_type TEXT NOT NULL,
  flow TEXT NOT NULL,
  control_id TEXT,
  sending_application TEXT NOT NULL DEFAULT '',
  sending_facility TEXT NOT NULL DEFAULT '',
  receiving_application TEXT,
  receiving_facility TEXT,
  placer_order_number TEXT,
  placer_assigning_authority TEXT,
  patient_id TEXT,
  dedup_control_id TEXT,
  raw ${d.bytes},
  raw_sha256 TEXT NOT NULL,
  findings ${d.json} NOT NULL DEFAULT '[]',
  status TEXT NOT NULL,
  created_at ${d.time} NOT NULL,
  received_at ${d.time},
  sent_at ${d.time},
  acked_at ${d.time},
  ack_raw ${d.bytes},
  ack_code TEXT,
  ack_control_id TEXT,
  last_error TEXT,
  redeliveries INTEGER NOT NULL DEFAULT 0,
  last_redelivered_at ${d.time},
  content_pruned_at ${d.time}
);
CREATE UNIQUE INDEX messages_inbound_dedup ON messages (sending_application, sending_facility, dedup_control_id)
  WHERE dedup_control_id IS NOT NULL;
CREATE INDEX messages_created ON messages (created_at);
CREATE INDEX messages_order ON messages (placer_order_number);
CREATE INDEX messages_patient ON messages (patient_id);
CREATE INDEX messages_type ON messages (message_type);
CREATE INDEX messages_status ON messages (status);

CREATE TABLE orders (
  id ${d.id},
  role TEXT NOT NULL CHECK (role IN ('ris', 'platform')),
  placer_number TEXT NOT NULL,
  assigning_authority TEXT NOT NULL,
  state TEXT NOT NULL,
  partner TEXT,
  patient_id TEXT,
  decision TEXT,
  data ${d.json},
  created_at ${d.time} NOT NULL,
  updated_at ${d.time} NOT NULL,
  UNIQUE (role, placer_number, assigning_authority)
);
CREATE INDEX orders_state ON orders (role, state);
CREATE INDEX orders_patient ON orders (patient_id);

CREATE TABLE order_transitions (
  id ${d.id},
  order_id ${d.ref} NOT NULL REFERENCES orders (id),
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  message_id ${d.ref} REFERENCES messages (id),
  warning TEXT,
  at ${d.time} NOT NULL
);
CREATE INDEX order_transitions_order ON order_transitions (order_id, id);

CREATE TABLE outbox (
  id ${d.id},
  message_id ${d.ref} NOT NULL REFERENCES messages (id),
  partner TEXT NOT NULL,
  order_key TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at ${d.time} NOT NULL,
  locked_by TEXT,
  locked_until ${d.time},
  last_error TEXT,
  error_details ${d.json},
  created_at ${d.time} NOT NULL,
  delivered_at ${d.time}
);
CREATE INDEX outbox_open ON outbox (partner, id) WHERE state IN ('pending', 'in_flight', 'parked');
CREATE INDEX outbox_lane ON outbox (partner, order_key, id) WHERE state IN ('pending', 'in_flight', 'parked');
CREATE INDEX outbox_message ON outbox (message_id);

CREATE TABLE webhooks (
  id ${d.id},
  event_type TEXT NOT NULL,
  payload ${d.json},
  target_url TEXT NOT NULL,
  order_key TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at ${d.time} NOT NULL,
  locked_by TEXT,
  locked_until ${d.time},
  last_status INTEGER,
  last_response TEXT,
  last_error TEXT,
  created_at ${d.time} NOT NULL,
  delivered_at ${d.time},
  content_pruned_at ${d.time}
);
CREATE INDEX webhooks_open ON webhooks (target_url, id) WHERE state IN ('pending', 'in_flight', 'parked');
CREATE INDEX webhooks_created ON webhooks (created_at);

CREATE TABLE delivery_attempts (
  id ${d.id},
  kind TEXT NOT NULL CHECK (kind IN ('outbox', 'webhook')),
  item_id ${d.ref} NOT NULL,
  attempt INTEGER NOT NULL,
  at ${d.time} NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT,
  http_status INTEGER
);
CREATE INDEX delivery_attempts_item ON delivery_attempts (kind, item_id, id);
`,
    },
    // Version 2: `search_text` is the folded text searched by `listOrders({ text })`, filled by the store
    // (existing rows are filled at open); the order indexes end with `id` for cursor pagination (newest
    // first), and so do the message indexes where the engine needs it (see `messageCursorIndexes`).
    // `lease_token` fences completions of a lease taken over by another worker; `store_workers` lists
    // the worker ids of the processes using the database (released leases of dead ones at start).
    {
      version: 2,
      name: 'order search and cursor indexes, lease fencing, worker registry',
      sql: `
ALTER TABLE orders ADD COLUMN search_text TEXT;
DROP INDEX orders_state;
DROP INDEX orders_patient;
CREATE INDEX orders_state ON orders (role, state, id);
CREATE INDEX orders_patient ON orders (role, patient_id, id);
CREATE INDEX orders_created ON orders (role, created_at, id);
CREATE INDEX orders_search ON orders (role, search_text);

${d.messageCursorIndexes}ALTER TABLE outbox ADD COLUMN lease_token ${d.counter} NOT NULL DEFAULT 0;
ALTER TABLE webhooks ADD COLUMN lease_token ${d.counter} NOT NULL DEFAULT 0;
CREATE INDEX outbox_in_flight ON outbox (locked_by) WHERE state = 'in_flight';
CREATE INDEX webhooks_in_flight ON webhooks (locked_by) WHERE state = 'in_flight';

CREATE TABLE store_workers (
  worker_id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  registered_at ${d.time} NOT NULL
);
`,
    },
    {
      version: 3,
      name: 'content digest of inbound messages (MSH-10 reuse detection)',
      sql: `
ALTER TABLE messages ADD COLUMN content_sha256 TEXT;
`,
    },
    {
      version: 4,
      name: 'idempotency keys of API requests',
      sql: `
CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER,
  content_type TEXT,
  body TEXT,
  created_at ${d.time} NOT NULL,
  completed_at ${d.time},
  PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
`,
    },
    // Version 5: the StudyInstanceUIDs received with each order (flow 4), so that TLR-WF-012 (one
    // study, one order) is an indexed look-up. Filled from the orders' last post-exam information.
    {
      version: 5,
      name: 'StudyInstanceUIDs of orders (TLR-WF-012)',
      sql: `
CREATE TABLE order_studies (
  role TEXT NOT NULL,
  study_instance_uid TEXT NOT NULL,
  order_id ${d.ref} NOT NULL REFERENCES orders (id),
  PRIMARY KEY (role, study_instance_uid, order_id)
);
${d.orderStudiesBackfill}`,
    },
    // Version 6: where each report version went onward (RIS → PFI, "Transmission de documents CDA en
    // HL7 v2"): one row per destination (DMP, each MSSanté mailbox) of each message sent to the PFI, with
    // the business receipt (ZAM) that settled it. `control_id` is the MSH-10 the ZAM's OBX-4 names.
    {
      version: 6,
      name: 'report publications per destination (onward route to the PFI)',
      sql: `
CREATE TABLE report_publications (
  id ${d.id},
  order_key TEXT NOT NULL,
  document_root TEXT NOT NULL,
  document_extension TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL,
  request_kind TEXT NOT NULL CHECK (request_kind IN ('initial', 'replace', 'delete')),
  control_id TEXT NOT NULL,
  message_id ${d.ref} REFERENCES messages (id),
  destination TEXT NOT NULL CHECK (destination IN ('dmp', 'mssante')),
  address TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  error_code TEXT,
  error_text TEXT,
  findings ${d.json} NOT NULL DEFAULT '[]',
  created_at ${d.time} NOT NULL,
  updated_at ${d.time} NOT NULL,
  UNIQUE (control_id, destination, address)
);
CREATE INDEX report_publications_order ON report_publications (order_key, id);
`,
    },
    // Version 7: the state of each operational alert (one row per alert, changed by compare-and-set so that
    // instances sharing a database raise and clear an episode once), and the audit log of operator actions
    // (resend, re-run, retry, discard: who, when, what) shown in the order's timeline.
    {
      version: 7,
      name: 'alert states, operator actions',
      sql: `
CREATE TABLE alert_states (
  name TEXT PRIMARY KEY,
  active INTEGER NOT NULL,
  value ${d.counter} NOT NULL,
  threshold ${d.counter} NOT NULL,
  since ${d.time} NOT NULL,
  episode INTEGER NOT NULL,
  detail TEXT
);

CREATE TABLE operator_actions (
  id ${d.id},
  at ${d.time} NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  message_id ${d.ref} REFERENCES messages (id),
  result_message_id ${d.ref} REFERENCES messages (id),
  order_key TEXT,
  detail ${d.json}
);
CREATE INDEX operator_actions_message ON operator_actions (message_id, id);
CREATE INDEX operator_actions_order ON operator_actions (order_key, id);
`,
    },
    // Version 8: many partners in one gateway. An order is the partner's: two facilities using the same
    // placer numbers under the same authority never share an order (see `ordersPartnerKey`). A partner's
    // outbound lane can be paused by an operator (`partner_lanes`, read by every instance's claim), and
    // the journal is indexed by partner for the partners' state.
    {
      version: 8,
      name: 'orders keyed by partner, partner lanes',
      sql: `
${d.ordersPartnerKey}CREATE INDEX orders_partner ON orders (role, partner, id);
CREATE INDEX messages_partner ON messages (partner, id);

CREATE TABLE partner_lanes (
  partner TEXT PRIMARY KEY,
  paused INTEGER NOT NULL,
  changed_at ${d.time} NOT NULL,
  changed_by TEXT
);
`,
    },
    // Version 9: direct publication to the DMP (XDS.b): the registry entry of each version the DMP accepted,
    // its entryUUID and uniqueId, which a replacement (RPLC) or a deletion (ITI-57) of that version must name.
    {
      version: 9,
      name: 'DMP entry of each published report version',
      sql: `
ALTER TABLE report_publications ADD COLUMN entry_uuid TEXT;
ALTER TABLE report_publications ADD COLUMN unique_id TEXT;
`,
    },
  ];
}
