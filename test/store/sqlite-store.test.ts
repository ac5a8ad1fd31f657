import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import Database from 'better-sqlite3';

import { openStore, SqliteStore, StoreError } from '../../src/store/index.js';
import { ack, inbound, TestClock } from './fixtures.js';
import { sqliteSaboteur } from '../reliability/saboteur.js';
import { storeContractSuite } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'cisis-tlr-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
let current = join(dir, 'contract-0.db');
storeContractSuite('SQLite', {
  open: (options) => SqliteStore.open(current, options),
  reset: async () => {
    current = join(dir, `contract-${++n}.db`);
  },
  dispose: async () => undefined,
  failCommitsOf: async (marker) => {
    const saboteur = await sqliteSaboteur(current);
    await saboteur.failCommitsOf(marker);
    await saboteur.close();
  },
});

describe('SQLite engine specifics', () => {
  it('opens the file in WAL mode with synchronous FULL, incremental auto-vacuum and a busy timeout', async () => {
    const path = join(dir, 'pragmas.db');
    const store = await openStore(`sqlite:${path}`, { busyTimeoutMs: 1234 });
    assert.equal(store.engine, 'sqlite');
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('auto_vacuum', { simple: true }), 2);
    } finally {
      db.close();
    }
    const reopened = await SqliteStore.open(path, { busyTimeoutMs: 1234 });
    // Per-connection settings are checked through the store's own connection.
    const internals = reopened as unknown as { writeDb: Database.Database };
    assert.equal(internals.writeDb.pragma('synchronous', { simple: true }), 2);
    assert.equal(internals.writeDb.pragma('busy_timeout', { simple: true }), 1234);
    await reopened.close();
  });

  it('gives the space of pruned messages back to the file system', async () => {
    const clock = new TestClock();
    const store = await SqliteStore.open(join(dir, 'retention.db'), { now: clock.now });
    const big = Buffer.alloc(64 * 1024, 'A');
    for (let i = 0; i < 40; i++) {
      const message = { ...inbound('flux1', `BIG-${i}`), raw: big };
      await store.recordInbound(message, () => ({ ack: ack('AA', `BIG-${i}`) }));
    }
    const before = store.pageStats();
    clock.advance(10 * 86_400_000);
    const result = await store.pruneContent(7, { batchSize: 16 });
    assert.equal(result.messages, 40);
    const afterPrune = store.pageStats();
    assert.ok(
      afterPrune.pageCount * 4 < before.pageCount,
      `page count should drop well below ${before.pageCount}, is ${afterPrune.pageCount}`,
    );
    assert.equal(afterPrune.freelistCount, 0);
    assert.equal((await store.listMessages()).total, 40);
    await store.close();
  });

  it('resolves sqlite: URLs and plain paths to the same file', async () => {
    const path = join(dir, 'url.db');
    const a = await openStore(`sqlite://${path}`);
    await a.recordInbound(inbound('flux1', 'URL-1'), () => ({ ack: ack('AA', 'URL-1') }));
    await a.close();
    const b = await openStore(path);
    assert.equal((await b.listMessages()).total, 1);
    await b.close();
  });

  it('refuses an in-memory database and unknown URL schemes', async () => {
    await assert.rejects(
      openStore('sqlite::memory:'),
      (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_URL_UNSUPPORTED',
    );
    await assert.rejects(
      openStore('mysql://user:secret@host/db'),
      (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_URL_UNSUPPORTED' && !e.message.includes('secret'),
    );
  });

  it('refuses a database migrated by a newer release', async () => {
    const path = join(dir, 'newer.db');
    await (await SqliteStore.open(path)).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    await assert.rejects(SqliteStore.open(path), (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_SCHEMA_TOO_NEW');
  });

  it('reports operations on a closed store with a stable code', async () => {
    const store = await SqliteStore.open(join(dir, 'closed.db'));
    await store.close();
    await assert.rejects(store.listMessages(), (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_CLOSED');
  });
});
