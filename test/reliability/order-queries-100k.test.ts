import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Gateway } from '../../src/gateway/gateway.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import { callApi, freePort, startTestGateway } from '../console/harness.js';
import { pgSkip, postgresSchemaUrl } from '../gateway/harness.js';

/**
 * Orders older than the newest 1,000 used to be unreachable: the API searched the 1,000 newest in
 * memory. Here one order is created through the API, then 100,000 newer ones are written in bulk
 * (one SQL statement, one transaction) beside the running gateway, and the oldest one must be found
 * by placer number (GET and POST), by `?q=`, by patient and by walking every page with the cursor —
 * each order exactly once, even with an order created in the middle of the walk.
 */
const BULK = 100_000;
const AUTHORITY = '1.2.250.1.213.1.1.9';

interface Target {
  label: string;
  skip: string | false;
  storage: () => Promise<{
    url: string | undefined;
    bulkInsert: (dataDir: string, n: number, from: number) => Promise<void>;
    bulkMessages: (dataDir: string, n: number, placer: string, from: number) => Promise<void>;
    dispose: () => Promise<void>;
  }>;
}

const sqliteFile = (dataDir: string): string => join(dataDir, 'cisis-tlr-ris.db');

const TARGETS: Target[] = [
  {
    label: 'SQLite',
    skip: false,
    storage: () =>
      Promise.resolve({
        url: undefined,
        bulkInsert: (dataDir, n, from) => {
          const db = new Database(sqliteFile(dataDir), { timeout: 20_000 });
          try {
            db.prepare(
              `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
             INSERT INTO orders (role, placer_number, assigning_authority, state, partner, patient_id, decision, data, search_text, ` +
                `created_at, updated_at)
             SELECT 'ris', 'BULK-' || printf('%06d', i), ?, CASE WHEN i % 3 = 0 THEN 'ACCEPTED' ELSE 'REQUESTED' END, 'platform',
               'PAT' || printf('%06d', i), NULL,
               json_object('order', json_object('patient', json_object('birthName', 'Bulk' || i, 'firstGivenName', 'Jean'))),
               lower('BULK-' || printf('%06d', i)) || char(31) || lower('PAT' || printf('%06d', i)) || char(31) ` +
                `|| lower('Bulk' || i || ' Jean'),
               ? + i, ? + i
             FROM n`,
            ).run(n, AUTHORITY, from, from);
          } finally {
            db.close();
          }
          return Promise.resolve();
        },
        bulkMessages: (dataDir, n, placer, from) => {
          const db = new Database(sqliteFile(dataDir), { timeout: 20_000 });
          try {
            db.prepare(
              `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
             INSERT INTO messages (direction, partner, message_type, flow, control_id, placer_order_number, raw_sha256, status, created_at)
             SELECT 'inbound', 'platform', 'ACK^O01', 'ack', 'BULK-MSG-' || i, CASE WHEN i = 1 THEN ? ELSE 'BULK-' || printf('%06d', i) ` +
                `END, '-', 'accepted', ? + i
             FROM n`,
            ).run(n, placer, from);
          } finally {
            db.close();
          }
          return Promise.resolve();
        },
        dispose: () => Promise.resolve(),
      }),
  },
  {
    label: 'PostgreSQL',
    skip: pgSkip,
    storage: () => {
      const { url, dispose } = postgresSchemaUrl('orders100k');
      const schema = new URL(url).searchParams.get('schema')!;
      const run = async (sql: string, params: unknown[]): Promise<void> => {
        const base = new URL(url);
        base.searchParams.delete('schema');
        const client = new pg.Client({ connectionString: base.toString(), options: `-c search_path=${schema}` });
        await client.connect();
        try {
          await client.query(sql, params);
        } finally {
          await client.end();
        }
      };
      return Promise.resolve({
        url,
        bulkInsert: (_dataDir, n, from) =>
          run(
            `INSERT INTO orders (role, placer_number, assigning_authority, state, partner, patient_id, decision, data, search_text, ` +
              `created_at, updated_at)
           SELECT 'ris', 'BULK-' || lpad(i::text, 6, '0'), $2, CASE WHEN i % 3 = 0 THEN 'ACCEPTED' ELSE 'REQUESTED' END, 'platform',
             'PAT' || lpad(i::text, 6, '0'), NULL,
             jsonb_build_object('order', jsonb_build_object('patient', jsonb_build_object('birthName', 'Bulk' || i, 'firstGivenName', ` +
              `'Jean'))),
             lower('BULK-' || lpad(i::text, 6, '0')) || chr(31) || lower('PAT' || lpad(i::text, 6, '0')) || chr(31) ` +
              `|| lower('Bulk' || i || ' Jean'),
             $3::bigint + i, $3::bigint + i
           FROM generate_series(1, $1::int) AS i`,
            [n, AUTHORITY, from],
          ),
        bulkMessages: (_dataDir, n, placer, from) =>
          run(
            `INSERT INTO messages (direction, partner, message_type, flow, control_id, placer_order_number, raw_sha256, status, created_at)
           SELECT 'inbound', 'platform', 'ACK^O01', 'ack', 'BULK-MSG-' || i, CASE WHEN i = 1 THEN $2 ELSE 'BULK-' || lpad(i::text, 6, ` +
              `'0') END, '-', 'accepted', $3::bigint + i
           FROM generate_series(1, $1::int) AS i`,
            [n, placer, from],
          ),
        dispose,
      });
    },
  },
];

for (const target of TARGETS) {
  describe(`${BULK.toLocaleString('en')} orders on ${target.label}: the oldest stays reachable`, { skip: target.skip }, () => {
    let gw: Gateway;
    let dataDir: string;
    let dispose: () => Promise<void>;
    let oldest: { placer: string; patientId: string; patientName: string };
    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        timings[name] = Math.round(performance.now() - started);
      }
    };

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'cisis-tlr-100k-'));
      const storage = await target.storage();
      dispose = storage.dispose;
      // The partner does not exist: flow 1 stays in the outbox, which is irrelevant here.
      gw = await startTestGateway('ris', dataDir, {
        ...(storage.url ? { storage: { url: storage.url } } : {}),
        mllp: { port: await freePort() },
        partner: { port: await freePort(), ackTimeoutMs: 500 },
        outbox: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
      });
      const order = new ClinicalDataGenerator({ seed: 100_000 }).imagingOrder();
      assert.equal((await callApi(gw, 'POST', '/api/orders', order)).status, 202);
      const created = (await callApi(gw, 'GET', `/api/orders/${encodeURIComponent(order.placerOrderNumber.value)}`)).json as Record<
        string,
        string
      >;
      oldest = { placer: created['placerOrderNumber']!, patientId: created['patientId']!, patientName: created['patientName']! };
      assert.ok(oldest.patientId && oldest.patientName, 'the created order has a patient id and name');
      const from = Date.now();
      await timed('bulk insert', () => storage.bulkInsert(dataDir, BULK, from));
      await timed('bulk insert of messages', () => storage.bulkMessages(dataDir, 20_000, oldest.placer, from));
    });

    after(async () => {
      await gw?.stop();
      await dispose?.();
      await rm(dataDir, { recursive: true, force: true });
      process.stdout.write(`# ${target.label} timings (ms): ${JSON.stringify(timings)}\n`);
    });

    it('finds the oldest order by its placer number alone, and acts on it', async () => {
      const one = await timed('GET /api/orders/{placer}', () => callApi(gw, 'GET', `/api/orders/${encodeURIComponent(oldest.placer)}`));
      assert.equal(one.status, 200);
      assert.equal(one.json['placerOrderNumber'], oldest.placer);
      const cancelled = await timed('POST /api/orders/{placer}/cancel', () =>
        callApi(gw, 'POST', `/api/orders/${encodeURIComponent(oldest.placer)}/cancel`, {}),
      );
      assert.equal(cancelled.status, 202, JSON.stringify(cancelled.json));
      assert.equal((cancelled.json['order'] as Record<string, string>)['state'], 'CANCELLED');
      assert.equal((await callApi(gw, 'GET', '/api/orders/NO-SUCH-ORDER')).status, 404);
    });

    it('finds it with ?q= (placer number, patient id, patient name in other case) and by patient', async () => {
      const byName = await timed('?q=<name>', () =>
        callApi(gw, 'GET', `/api/orders?q=${encodeURIComponent(oldest.patientName.toUpperCase())}`),
      );
      assert.equal(byName.status, 200);
      assert.ok(
        (byName.json['items'] as Array<Record<string, string>>).some((o) => o['placerOrderNumber'] === oldest.placer),
        'found by patient name',
      );
      const byPlacer = await timed('?q=<placer>', () =>
        callApi(gw, 'GET', `/api/orders?q=${encodeURIComponent(oldest.placer.toLowerCase())}`),
      );
      assert.deepEqual(
        (byPlacer.json['items'] as Array<Record<string, string>>).map((o) => o['placerOrderNumber']),
        [oldest.placer],
      );
      assert.equal(byPlacer.json['total'], 1);
      const byPatient = await timed('?patientId=', () =>
        callApi(gw, 'GET', `/api/orders?patientId=${encodeURIComponent(oldest.patientId)}`),
      );
      assert.deepEqual(
        (byPatient.json['items'] as Array<Record<string, string>>).map((o) => o['placerOrderNumber']),
        [oldest.placer],
      );
      const inBulk = await timed('?q=<bulk patient>', () => callApi(gw, 'GET', '/api/orders?q=pat000042'));
      assert.deepEqual(
        (inBulk.json['items'] as Array<Record<string, string>>).map((o) => o['placerOrderNumber']),
        ['BULK-000042'],
      );
      const byState = await timed('?state=ACCEPTED', () => callApi(gw, 'GET', '/api/orders?state=ACCEPTED&limit=5'));
      assert.equal(byState.json['total'], Math.floor(BULK / 3));
    });

    it('walks every page with the cursor: each order once, none missing, an insert during the walk shifts nothing', async () => {
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      let total: number | undefined;
      await timed(`walk of ${BULK + 1} orders by 1000`, async () => {
        do {
          const res = await callApi(gw, 'GET', `/api/orders?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          assert.equal(res.status, 200, JSON.stringify(res.json));
          if (pages === 0) total = res.json['total'] as number;
          else assert.equal(res.json['total'], undefined, 'total on the first page only');
          for (const o of res.json['items'] as Array<Record<string, string>>) {
            assert.ok(!seen.has(o['placerOrderNumber']!), `${o['placerOrderNumber']} seen twice`);
            seen.add(o['placerOrderNumber']!);
          }
          cursor = res.json['next'] as string | null;
          pages += 1;
          if (pages === 2) {
            // A new order between two pages is newer than the cursor: it belongs to no later page.
            assert.equal((await callApi(gw, 'POST', '/api/orders', new ClinicalDataGenerator({ seed: 7 }).imagingOrder())).status, 202);
          }
        } while (cursor !== null);
      });
      assert.equal(total, BULK + 1);
      assert.equal(seen.size, BULK + 1, 'no gap');
      assert.equal(pages, Math.ceil((BULK + 1) / 1000));
      assert.ok(seen.has(oldest.placer) && seen.has('BULK-000001') && seen.has(`BULK-${String(BULK).padStart(6, '0')}`));
      const bad = await callApi(gw, 'GET', '/api/orders?cursor=bm90LWEtY3Vyc29y');
      assert.equal(bad.status, 400);
      assert.equal(bad.json['code'], 'TLR_ERR_GATEWAY_INVALID_REQUEST');
    });

    it("pages the message journal with the cursor and finds the oldest order's messages", async () => {
      const ofOldest = await timed('GET /api/messages?order=', () =>
        callApi(gw, 'GET', `/api/messages?order=${encodeURIComponent(oldest.placer)}&limit=1000`),
      );
      assert.ok((ofOldest.json['items'] as Array<Record<string, unknown>>).length >= 2, 'its flow 1 and a bulk message');
      const seen = new Set<number>();
      let cursor: string | null = null;
      let total: number | undefined;
      await timed('walk of the journal by 1000', async () => {
        do {
          const res = await callApi(gw, 'GET', `/api/messages?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          assert.equal(res.status, 200, JSON.stringify(res.json));
          total ??= res.json['total'] as number;
          for (const m of res.json['items'] as Array<{ id: number }>) {
            assert.ok(!seen.has(m.id), `message ${m.id} seen twice`);
            seen.add(m.id);
          }
          cursor = res.json['next'] as string | null;
        } while (cursor !== null);
      });
      assert.ok(total !== undefined && total >= 20_000);
      assert.equal(seen.size, total, 'every message counted on the first page was walked');
      const ids = [...seen].sort((a, b) => a - b);
      assert.equal(ids.length, ids[ids.length - 1]! - ids[0]! + 1, 'ids without a gap');
    });
  });
}
