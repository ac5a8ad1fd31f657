import type { Migration } from './migration.js';
import { migrationsFor } from './schema.js';

/**
 * SQLite schema. Times are epoch milliseconds (INTEGER), JSON is TEXT, bytes are BLOB.
 * `AUTOINCREMENT` keeps ids increasing even after deletions: the outbox orders its lanes by id.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = migrationsFor({
  id: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  ref: 'INTEGER',
  time: 'INTEGER',
  json: 'TEXT',
  bytes: 'BLOB',
  counter: 'INTEGER',
  // SQLite indexes already end with the rowid: the message indexes of version 1 serve cursor pages as they are.
  messageCursorIndexes: '',
  orderStudiesBackfill: `INSERT OR IGNORE INTO order_studies (role, study_instance_uid, order_id)
SELECT o.role, json_extract(e.value, '$.studyInstanceUid'), o.id
FROM orders o, json_each(o.data, '$.postExamInfo.exams') e
WHERE o.data IS NOT NULL AND json_extract(e.value, '$.studyInstanceUid') IS NOT NULL;
`,
  // SQLite cannot drop a table's UNIQUE constraint: the table is rebuilt under the same name, ids kept.
  // Foreign keys (order_transitions, order_studies) are checked at commit, once the rows are back.
  ordersPartnerKey: `PRAGMA defer_foreign_keys = ON;
CREATE TABLE orders_before_v8 AS SELECT * FROM orders;
DROP TABLE orders;
CREATE TABLE orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role TEXT NOT NULL CHECK (role IN ('ris', 'platform')),
  placer_number TEXT NOT NULL,
  assigning_authority TEXT NOT NULL,
  state TEXT NOT NULL,
  partner TEXT NOT NULL DEFAULT '',
  patient_id TEXT,
  decision TEXT,
  data TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  search_text TEXT,
  UNIQUE (role, placer_number, assigning_authority, partner)
);
INSERT INTO orders (id, role, placer_number, assigning_authority, state, partner, patient_id, decision, data, created_at, updated_at,
  search_text)
SELECT id, role, placer_number, assigning_authority, state, COALESCE(partner, ''), patient_id, decision, data, created_at, updated_at,
  search_text
FROM orders_before_v8 ORDER BY id;
DROP TABLE orders_before_v8;
CREATE INDEX orders_state ON orders (role, state, id);
CREATE INDEX orders_patient ON orders (role, patient_id, id);
CREATE INDEX orders_created ON orders (role, created_at, id);
CREATE INDEX orders_search ON orders (role, search_text);
`,
});
