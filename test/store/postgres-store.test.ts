import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import { formatOrderKey, openStore, POSTGRES_MIGRATIONS, PostgresStore, StoreError, type Store } from '../../src/store/index.js';
import { ack, inbound, ORDER_A, summaryOf } from './fixtures.js';
import { postgresSaboteur } from '../reliability/saboteur.js';
import { storeContractSuite } from './store-suite.js';

/** e.g. `postgres://postgres@127.0.0.1:5432/test`; the PostgreSQL runs are skipped without it. */
const url = process.env['CISIS_TLR_TEST_PG'];
const skip = url === undefined || url === '' ? 'CISIS_TLR_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/test)' : false;

/** Every schema this run creates, dropped at the end: tests never touch existing data. */
const run = `tlr_test_${randomBytes(4).toString('hex')}`;
const created: string[] = [];
let n = 0;

async function dropSchemas(): Promise<void> {
  if (url === undefined || created.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of created.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

function newSchema(): string {
  const schema = `${run}_${++n}`;
  created.push(schema);
  return schema;
}

if (skip !== false) {
  describe('PostgreSQL store contract', { skip }, () => undefined);
} else {
  let schema = newSchema();
  storeContractSuite('PostgreSQL', {
    open: (options) => PostgresStore.open(url!, { ...options, schema }),
    reset: async () => {
      schema = newSchema();
    },
    dispose: dropSchemas,
    failCommitsOf: async (marker) => {
      const saboteur = await postgresSaboteur(schema);
      await saboteur.failCommitsOf(marker);
      await saboteur.close();
    },
  });
}

describe('PostgreSQL engine specifics', { skip }, () => {
  const stores: Store[] = [];
  let schema: string;
  before(() => {
    schema = newSchema();
  });
  after(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await dropSchemas();
  });
  const instance = async (): Promise<Store> => {
    const store = await openStore(`${url!}${url!.includes('?') ? '&' : '?'}schema=${schema}`, { poolSize: 4 });
    stores.push(store);
    return store;
  };

  it('migrates once when several instances start together', async () => {
    const [a, b, c] = await Promise.all([instance(), instance(), instance()]);
    assert.equal(a!.engine, 'postgres');
    const latest = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));
    assert.deepEqual(await Promise.all([a!.schemaVersion(), b!.schemaVersion(), c!.schemaVersion()]), [latest, latest, latest]);
  });

  it('never gives the same message to two workers of two instances claiming concurrently', async () => {
    const [a, b] = [await instance(), await instance()];
    const orders = 8;
    const perOrder = 3;
    for (let m = 0; m < perOrder; m++) {
      for (let o = 0; o < orders; o++) {
        const key = formatOrderKey({ placerNumber: `CC-${o}`, assigningAuthority: '1.2.3' });
        await a.enqueueOutbound({
          partner: 'ris-c',
          raw: Buffer.from(`MSH|${o}-${m}`),
          summary: summaryOf('flux3', `C-${o}-${m}`),
          orderKey: key,
        });
      }
    }
    const claimed: string[] = [];
    const inFlight = new Set<string>();
    const worker = async (store: Store, id: string): Promise<void> => {
      for (let idle = 0; idle < 5; ) {
        const claim = await store.claimNext('ris-c', id, 60_000);
        if (claim === null) {
          idle++;
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        idle = 0;
        assert.ok(!inFlight.has(claim.orderKey!), `two messages of ${claim.orderKey} in flight at once`);
        inFlight.add(claim.orderKey!);
        claimed.push(claim.controlId!);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight.delete(claim.orderKey!);
        await store.markDelivered(claim.id, ack('AA', claim.controlId!));
      }
    };
    await Promise.all([worker(a, 'a1'), worker(a, 'a2'), worker(b, 'b1'), worker(b, 'b2')]);
    assert.equal(claimed.length, orders * perOrder);
    assert.equal(new Set(claimed).size, claimed.length, 'a message was claimed twice');
    for (let o = 0; o < orders; o++) {
      const sequence = claimed.filter((c) => c.startsWith(`C-${o}-`));
      assert.deepEqual(sequence, [`C-${o}-0`, `C-${o}-1`, `C-${o}-2`], `order CC-${o} delivered out of order`);
    }
  });

  it('processes a message re-delivered to two instances at the same time only once', async () => {
    const [a, b] = [await instance(), await instance()];
    let decisions = 0;
    const decide = async () => {
      decisions++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { ack: ack('AA', 'RACE-1') };
    };
    const outcomes = await Promise.all([
      a.recordInbound(inbound('flux1', 'RACE-1'), decide),
      b.recordInbound(inbound('flux1', 'RACE-1'), decide),
    ]);
    assert.equal(decisions, 1);
    assert.deepEqual(outcomes.map((o) => o.duplicate).sort(), [false, true]);
    assert.equal((await a.listMessages({ controlId: 'RACE-1' })).total, 1);
  });

  it('serialises two messages about the same order arriving on two instances', async () => {
    const [a, b] = [await instance(), await instance()];
    const key = { placerNumber: 'SER-1', assigningAuthority: ORDER_A.assigningAuthority };
    const results = await Promise.all(
      [a, b].map((store, i) =>
        store.recordInbound(inbound('flux1', `SER-${i}`, key), async ({ tx, messageId }) => {
          const outcome = await tx.applyOrderEvent({ role: 'platform', key, event: { type: 'order' }, messageId });
          await new Promise((resolve) => setTimeout(resolve, 30));
          return { ack: ack(outcome.transition.accept ? 'AA' : 'AR', `SER-${i}`), accepted: outcome.transition.accept };
        }),
      ),
    );
    const accepted = results.map((r) => !r.duplicate && r.decision.accepted);
    assert.deepEqual(accepted.sort(), [false, true], 'exactly one flow 1 creates the order, the other gets AR 205');
  });

  it('refuses an invalid schema name before connecting', async () => {
    await assert.rejects(
      PostgresStore.open(url!, { schema: 'x; DROP TABLE y' }),
      (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_SCHEMA_NAME',
    );
  });
});
