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
});
