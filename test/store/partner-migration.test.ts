/**
 * Schema version 8 keys orders by partner: a database written by an earlier release keeps its orders
 * (ids, transitions, studies) and two partners may then hold orders under the same placer number.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import Database from 'better-sqlite3';
import pg from 'pg';

import { POSTGRES_MIGRATIONS, PostgresStore, SQLITE_MIGRATIONS, SqliteStore, type Store } from '../../src/store/index.js';
import { ORDER_A } from './fixtures.js';

const BEFORE = 7;
/** Two orders as an earlier release wrote them: one with its partner, one without, each with a transition and a study. */
const SEED = `
INSERT INTO orders (id, role, placer_number, assigning_authority, state, partner, created_at, updated_at)
  VALUES (1, 'platform', '${ORDER_A.placerNumber}', '${ORDER_A.assigningAuthority}', 'REQUESTED', 'ris', 1, 1);
INSERT INTO orders (id, role, placer_number, assigning_authority, state, partner, created_at, updated_at)
  VALUES (2, 'platform', 'CMD-0002', '${ORDER_A.assigningAuthority}', 'ACCEPTED', NULL, 1, 2);
INSERT INTO order_transitions (order_id, from_state, to_state, event, at) VALUES (1, 'NONE', 'REQUESTED', 'order', 1);
INSERT INTO order_transitions (order_id, from_state, to_state, event, at) VALUES (2, 'REQUESTED', 'ACCEPTED', 'decision', 2);
INSERT INTO order_studies (role, study_instance_uid, order_id) VALUES ('platform', '1.2.3', 1);
`;

async function checkMigrated(store: Store): Promise<void> {
  assert.ok((await store.schemaVersion()) >= 8);
  const one = await store.getOrder('platform', ORDER_A);
  assert.equal(one?.id, 1);
  assert.equal(one?.partner, 'ris');
  assert.equal((await store.orderTransitions(1)).length, 1);
  const two = await store.getOrder('platform', { placerNumber: 'CMD-0002', assigningAuthority: ORDER_A.assigningAuthority });
  assert.equal(two?.partner, null);
  assert.equal(await store.adoptOrdersWithoutPartner('ris'), 1);
  assert.equal(
    (await store.getOrder('platform', { placerNumber: 'CMD-0002', assigningAuthority: ORDER_A.assigningAuthority, partner: 'ris' }))?.id,
    2,
  );
  // Another partner's order under the same placer number and authority is a new order.
  await store.transaction((tx) =>
    tx.applyOrderEvent({ role: 'platform', key: { ...ORDER_A, partner: 'ris-b' }, event: { type: 'order' } }),
  );
  const other = await store.getOrder('platform', { ...ORDER_A, partner: 'ris-b' });
  assert.ok(other !== null && other.id > 2);
  assert.deepEqual(
    (await store.transaction((tx) => tx.ordersOfStudies('platform', ['1.2.3']))).map((s) => s.key),
    [{ ...ORDER_A, partner: 'ris' }],
  );
}

describe('schema version 8 (orders keyed by partner) on a database of an earlier release', () => {
  it('SQLite: keeps ids, transitions and studies, and gives a second partner its own order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cisis-tlr-v8-'));
    try {
      const path = join(dir, 'v7.db');
      const db = new Database(path);
      db.pragma('foreign_keys = ON');
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      for (const m of SQLITE_MIGRATIONS.filter((m) => m.version <= BEFORE)) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
      }
      db.exec(SEED);
      db.close();
      const store = await SqliteStore.open(path);
      try {
        await checkMigrated(store);
      } finally {
        await store.close();
      }
      const check = new Database(path, { readonly: true });
      try {
        assert.deepEqual(check.pragma('foreign_key_check'), []);
      } finally {
        check.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const url = process.env['CISIS_TLR_TEST_PG'];
  const skip = url === undefined || url === '' ? 'CISIS_TLR_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/test)' : false;
  const schema = `tlr_v8_${randomBytes(4).toString('hex')}`;
  after(async () => {
    if (skip !== false) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('PostgreSQL: keeps ids, transitions and studies, and gives a second partner its own order', { skip }, async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
      await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      for (const m of POSTGRES_MIGRATIONS.filter((m) => m.version <= BEFORE)) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
      }
      await client.query(SEED);
      await client.query("SELECT setval(pg_get_serial_sequence('orders', 'id'), 2)");
    } finally {
      await client.end();
    }
    const store = await PostgresStore.open(url!, { schema });
    try {
      await checkMigrated(store);
    } finally {
      await store.close();
    }
  });
});
