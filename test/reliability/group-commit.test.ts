/**
 * Group commit seen from the senders: messages arriving together on several MLLP connections share one
 * transaction, and each ACK still means "stored durably". The test's clients and the gateway share
 * this process: the frames written in one turn of the event loop are all readable at the gateway's
 * next poll, so they are parsed, validated and queued in one turn and form one group (the histogram
 * `cisis_tlr_store_commit_group_messages` shows it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/gateway/config.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startGateway } from '../../src/gateway/start.js';
import { MllpClient } from '../../src/mllp/index.js';
import { buildCancellationMessage, buildOrderMessage } from '../../src/tlr/index.js';
import { cancellation, order } from '../tlr/fixtures.js';
import { pgSkip, postgresSchemaUrl } from '../gateway/harness.js';
import { freePort } from '../helpers/ports.js';
import { postgresSaboteur, type Saboteur, sqliteSaboteur } from './saboteur.js';

const CONNECTIONS = 4;
const context = (controlId: string) => ({
  sendingApplication: 'RIS_CISIS_TLR',
  sendingFacility: 'STRUCTURE_IMAGERIE',
  receivingApplication: 'TLR_CISIS_TLR',
  receivingFacility: 'PLATEFORME_TLR',
  processingId: 'T' as const,
  controlId,
});
const placer = (value: string) => ({ value, authorityOid: order.placerOrderNumber.authorityOid });
const orderMessage = (placerNumber: string, controlId: string, birthName = order.patient.birthName) =>
  buildOrderMessage({ ...order, placerOrderNumber: placer(placerNumber), patient: { ...order.patient, birthName } }, context(controlId));
const cancellationMessage = (placerNumber: string, controlId: string) =>
  buildCancellationMessage({ ...cancellation, placerOrderNumber: placer(placerNumber) }, context(controlId));

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`group commit on ${engine}: messages of several connections share a commit, each ACK after it`, {
    skip: engine === 'postgres' ? pgSkip : false,
  }, () => {
    let gw: Gateway;
    let clients: MllpClient[];
    let saboteur: Saboteur;
    let dispose: () => Promise<void>;

    /** Group sizes the gateway observed since the last call: [groups, messages]. */
    let seen = { count: 0, sum: 0 };
    const groupsSince = async (): Promise<{ groups: number; messages: number }> => {
      const values = (await gw.metrics.commitGroupMessages.get()).values;
      const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
      const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
      const delta = { groups: count - seen.count, messages: sum - seen.sum };
      seen = { count, sum };
      return delta;
    };

    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tlr-group-commit-'));
      const pgSchema = engine === 'postgres' ? postgresSchemaUrl('group') : undefined;
      dispose = async () => {
        await pgSchema?.dispose();
        rmSync(dir, { recursive: true, force: true });
      };
      const config = await loadConfig({
        env: {},
        overrides: {
          role: 'platform',
          dataDir: dir,
          processingId: 'T',
          api: { port: 0, keys: ['test-api-key-0123456789'] },
          mllp: { port: await freePort() },
          partner: { port: await freePort() },
          // PostgreSQL groups messages only when every writer connection is busy: a pool of 3 leaves one.
          ...(pgSchema ? { storage: { url: pgSchema.url, poolSize: 3 } } : {}),
        },
      });
      gw = await startGateway(config, { logger: pino({ level: 'silent' }), warmUpCda: false });
      saboteur =
        engine === 'postgres'
          ? await postgresSaboteur(new URL(pgSchema!.url).searchParams.get('schema')!)
          : await sqliteSaboteur(config.storage.url.slice('sqlite:'.length));
      clients = Array.from({ length: CONNECTIONS }, () => new MllpClient({ host: '127.0.0.1', port: gw.mllpPort, ackTimeoutMs: 20_000 }));
      await Promise.all(clients.map((c) => c.connect()));
      // One message per connection first, one after the other: connections accepted on both ends and
      // the code paths warm, so that what follows measures grouping, not start-up.
      for (const [i, c] of clients.entries()) assert.equal((await c.send(orderMessage(`GC-WARM-${i}`, `GC-WARM-${i}`))).code, 'AA');
      await groupsSince();
    });

    after(async () => {
      await Promise.all((clients ?? []).map((c) => c.close()));
      await saboteur?.close();
      await gw?.stop();
      await dispose?.();
    });

    it('commits the messages of several connections arriving together in one group and answers each AA', async () => {
      const messages = clients.map((_, i) => orderMessage(`GC-TOGETHER-${i}`, `GC-TOGETHER-${i}`));
      const results = await Promise.all(clients.map((c, i) => c.send(messages[i]!)));
      assert.deepEqual(
        results.map((r) => r.code),
        clients.map(() => 'AA'),
      );
      assert.deepEqual(await groupsSince(), { groups: 1, messages: CONNECTIONS }, 'one commit for the messages of every connection');
      for (const m of messages) {
        const journal = await gw.store.listMessages({ controlId: m.header.controlId, direction: 'inbound' });
        assert.equal(journal.total, 1);
        assert.equal(journal.items[0]!.status, 'accepted');
      }
    });

    it('keeps the order of each connection: an order then its cancellation, over every connection at once, five times', async () => {
      const rounds = 5;
      await Promise.all(
        clients.map(async (c, i) => {
          for (let round = 0; round < rounds; round++) {
            const key = `GC-SEQ-${i}-${round}`;
            const ordered = await c.send(orderMessage(key, `${key}-O`));
            assert.equal(ordered.code, 'AA', ordered.ack.toString());
            const cancelled = await c.send(cancellationMessage(key, `${key}-C`));
            assert.equal(cancelled.code, 'AA', cancelled.ack.toString());
          }
        }),
      );
      const groups = await groupsSince();
      assert.equal(groups.messages, CONNECTIONS * rounds * 2);
      for (let i = 0; i < CONNECTIONS; i++) {
        for (let round = 0; round < rounds; round++) {
          const key = `GC-SEQ-${i}-${round}`;
          const o = await gw.store.getOrder('platform', { placerNumber: key, assigningAuthority: order.placerOrderNumber.authorityOid });
          assert.equal(o?.state, 'CANCELLED', key);
          const transitions = await gw.store.orderTransitions(o!.id);
          assert.deepEqual(
            transitions.map((t) => t.event),
            ['order', 'cancellation'],
            key,
          );
          assert.ok(transitions[0]!.messageId! < transitions[1]!.messageId!, `${key}: journaled in the order sent`);
        }
      }
    });

    it('answers AE 207 to the one message of a group that the database refuses, and AA to the others', async () => {
      await saboteur.refuseOrdersWith('GCREFUSED');
      const messages = clients.map((_, i) => orderMessage(`GC-SP-${i}`, `GC-SP-${i}`, i === 1 ? 'GCREFUSED' : order.patient.birthName));
      const results = await Promise.all(clients.map((c, i) => c.send(messages[i]!)));
      assert.deepEqual(
        results.map((r) => r.code),
        clients.map((_, i) => (i === 1 ? 'AE' : 'AA')),
      );
      assert.equal(results[1]!.errors[0]?.condition, '207');
      const groups = await groupsSince();
      assert.ok(groups.groups < groups.messages, `the messages shared a commit (${JSON.stringify(groups)})`);
      for (const [i, m] of messages.entries()) {
        const journal = await gw.store.listMessages({ controlId: m.header.controlId, direction: 'inbound' });
        assert.equal(journal.total, 1);
        assert.equal(journal.items[0]!.status, i === 1 ? 'error' : 'accepted');
      }
      const refused = await gw.store.getOrder('platform', {
        placerNumber: 'GC-SP-1',
        assigningAuthority: order.placerOrderNumber.authorityOid,
      });
      assert.equal(refused, null);
    });

    it('answers AR 207 to every message of a group whose COMMIT fails, stores none of them, and takes them once sent again', async () => {
      await saboteur.failCommitsOf('GCPOISON');
      const messages = clients.map((_, i) => orderMessage(`GC-CF-${i}`, i === 2 ? `GC-CF-${i}-GCPOISON` : `GC-CF-${i}`));
      const results = await Promise.all(clients.map((c, i) => c.send(messages[i]!)));
      assert.deepEqual(await groupsSince(), { groups: 1, messages: CONNECTIONS }, 'the messages were one group');
      for (const r of results) {
        assert.equal(r.code, 'AR', `no AA for a message whose group did not commit: ${r.ack.toString()}`);
        assert.equal(r.errors[0]?.condition, '207');
      }
      for (const m of messages) assert.equal((await gw.store.listMessages({ controlId: m.header.controlId })).total, 0, 'nothing stored');
      const again = await Promise.all(clients.map((c, i) => (i === 2 ? undefined : c.send(messages[i]!))));
      for (const [i, r] of again.entries()) if (r) assert.equal(r.code, 'AA', `message ${i} sent again: ${r.ack.toString()}`);
    });
  });
}
