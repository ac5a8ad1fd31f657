import type { IdempotencyClaim, StoredResponse } from '../store.js';
import type { SqlRunner } from './sql-runner.js';

interface KeyRow {
  fingerprint: string;
  status: number | null;
  content_type: string | null;
  body: string | null;
}

/**
 * Takes `key` for a request, atomically: the first caller inserts the row and gets `new`; later ones
 * read what the first one left (its response, or that it is still running). The primary key makes
 * two concurrent first attempts impossible on both engines.
 */
export async function claimIdempotencyKey(
  runner: SqlRunner,
  scope: string,
  key: string,
  fingerprint: string,
  now: number,
): Promise<IdempotencyClaim> {
  const inserted = await runner.all<{ scope: string }>(
    `INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING scope`,
    [scope, key, fingerprint, now],
  );
  if (inserted.length > 0) return { state: 'new' };
  const rows = await runner.all<KeyRow>(
    'SELECT fingerprint, status, content_type, body FROM idempotency_keys WHERE scope = ? AND idempotency_key = ?',
    [scope, key],
  );
  const row = rows[0];
  // Released between our insert and our read: the caller may simply try again.
  if (!row) return { state: 'in_progress', sameRequest: true };
  const sameRequest = row.fingerprint === fingerprint;
  if (row.status === null) return { state: 'in_progress', sameRequest };
  return {
    state: 'done',
    sameRequest,
    response: { status: Number(row.status), contentType: row.content_type ?? 'application/json', body: row.body ?? '' },
  };
}

export async function completeIdempotencyKey(
  runner: SqlRunner,
  scope: string,
  key: string,
  response: StoredResponse,
  now: number,
): Promise<void> {
  await runner.run(
    'UPDATE idempotency_keys SET status = ?, content_type = ?, body = ?, completed_at = ? WHERE scope = ? AND idempotency_key = ?',
    [response.status, response.contentType, response.body, now, scope, key],
  );
}

export async function releaseIdempotencyKey(runner: SqlRunner, scope: string, key: string): Promise<void> {
  await runner.run('DELETE FROM idempotency_keys WHERE scope = ? AND idempotency_key = ? AND status IS NULL', [scope, key]);
}

export async function pruneIdempotencyKeys(runner: SqlRunner, before: number): Promise<number> {
  return runner.run('DELETE FROM idempotency_keys WHERE created_at < ?', [before]);
}
