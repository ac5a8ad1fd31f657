/**
 * The publications of the onward route (RIS → PFI): one row per destination of each message sent to
 * the PFI, moved by the PFI's acknowledgement and settled by its business receipts (ZAM). Run on
 * SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { formatOrderKey, PostgresStore, SqliteStore, type Store } from '../../src/store/index.js';
import { ORDER_A, ORDER_B, TestClock, summaryOf } from './fixtures.js';

const url = process.env['CISIS_TLR_TEST_PG'] ?? '';
const pgSkip = url === '' ? 'CISIS_TLR_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/test)' : false;
const dir = mkdtempSync(join(tmpdir(), 'cisis-tlr-publications-'));
const schemas: string[] = [];
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!url || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.end();
});

const engines: Array<[string, () => Promise<Store>, string | false]> = [
  ['SQLite', () => SqliteStore.open(join(dir, `p-${randomBytes(4).toString('hex')}.db`), { now: new TestClock().now }), false],
  [
    'PostgreSQL',
    () => {
      const schema = `tlr_pub_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      return PostgresStore.open(url, { schema });
    },
    pgSkip,
  ],
];

const doc = { root: '1.2.250.1.999.7.1' };

for (const [engine, open, skip] of engines) {
  describe(`${engine}: report publications`, { skip }, () => {
    it('records the destinations with the queued message, then the acknowledgement and the receipts move them', async () => {
      const store = await open();
      try {
        const orderKey = formatOrderKey(ORDER_A);
        await store.transaction(async (tx) => {
          const q = await tx.enqueueOutbound({
            partner: 'pfi',
            raw: new TextEncoder().encode('MSH|^~\\&|RIS|F|PFI|F|20260106||MDM^T02^MDM_T02|C1|T|2.6'),
            summary: { ...summaryOf('flux3', 'C1'), messageType: 'MDM^T02', flow: 'report' },
            orderKey,
          });
          const sent = { orderKey, documentId: doc, version: 1, requestKind: 'initial', controlId: 'C1', messageId: q.messageId } as const;
          await tx.recordPublications([
            { ...sent, destination: 'dmp', status: 'pending' },
            { ...sent, destination: 'mssante', address: 'dr.x@test.mssante.fr', status: 'pending' },
          ]);
        });
        // Another order's publications never show.
        await store.transaction((tx) =>
          tx.recordPublications([
            {
              orderKey: formatOrderKey(ORDER_B),
              documentId: { root: '1.2.250.1.999.7.2' },
              version: 1,
              requestKind: 'initial',
              controlId: 'C9',
              messageId: null,
              destination: 'dmp',
              status: 'held',
              findings: [{ severity: 'error', rule: 'TDOC-X', location: 'PID-3', message: 'no INS' }],
            },
          ]),
        );
        const sent = await store.markPublications('C1', ['pending', 'parked'], 'sent');
        assert.deepEqual(
          sent.map((p) => p.status),
          ['sent', 'sent'],
        );
        assert.equal((await store.markPublications('C1', ['pending'], 'parked', 'AE')).length, 0, 'a sent destination is not parked again');

        const refused = await store.transaction((tx) =>
          tx.settlePublication({ controlId: 'C1', destination: 'dmp', accepted: false, errorCode: 'DMPClosed', errorText: 'DMP fermé' }),
        );
        assert.equal(refused?.status, 'refused');
        assert.equal(refused?.errorCode, 'DMPClosed');
        const unknownMailbox = await store.transaction((tx) =>
          tx.settlePublication({ controlId: 'C1', destination: 'mssante', address: 'other@test.mssante.fr', accepted: true }),
        );
        assert.equal(unknownMailbox, null, 'a mailbox the message did not go to is unknown');
        const unknownMessage = await store.transaction((tx) =>
          tx.settlePublication({ controlId: 'NOPE', destination: 'dmp', accepted: true }),
        );
        assert.equal(unknownMessage, null);
        const held = await store.transaction((tx) => tx.settlePublication({ controlId: 'C9', destination: 'dmp', accepted: true }));
        assert.equal(held, null, 'a held message was never sent: no receipt can settle it');
        const mail = await store.transaction((tx) =>
          tx.settlePublication({ controlId: 'C1', destination: 'mssante', address: 'dr.x@test.mssante.fr', accepted: true }),
        );
        assert.equal(mail?.status, 'accepted');

        const listed = await store.listPublications(orderKey);
        assert.deepEqual(
          listed.map((p) => [p.destination, p.address, p.status, p.errorCode, p.errorText]),
          [
            ['dmp', '', 'refused', 'DMPClosed', 'DMP fermé'],
            ['mssante', 'dr.x@test.mssante.fr', 'accepted', null, null],
          ],
        );
        assert.deepEqual(listed[0]!.documentId, doc);
        const other = await store.listPublications(formatOrderKey(ORDER_B));
        assert.equal(other[0]?.status, 'held');
        assert.equal(other[0]?.findings[0]?.rule, 'TDOC-X');
        assert.equal(other[0]?.messageId, null);
      } finally {
        await store.close();
      }
    });

    it('keeps one row per destination and mailbox of a message (a second record of the same fails)', async () => {
      const store = await open();
      try {
        const row = {
          orderKey: 'x|1',
          documentId: doc,
          version: 1,
          requestKind: 'initial' as const,
          controlId: 'D1',
          messageId: null,
          destination: 'dmp' as const,
          status: 'held' as const,
        };
        await store.transaction((tx) => tx.recordPublications([row]));
        await assert.rejects(store.transaction((tx) => tx.recordPublications([row])));
        assert.equal((await store.listPublications('x|1')).length, 1, 'the failed transaction left nothing');
      } finally {
        await store.close();
      }
    });
  });
}
