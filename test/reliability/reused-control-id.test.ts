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
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import { buildOrderMessage } from '../../src/tlr/index.js';
import type { ImagingOrder } from '../../src/tlr/index.js';
import { pgSkip, postgresSchemaUrl, startWebhookReceiver } from '../gateway/harness.js';
import { freePort } from '../helpers/ports.js';

const CONTEXT = {
  sendingApplication: 'RIS_CISIS_TLR',
  sendingFacility: 'STRUCTURE_IMAGERIE',
  receivingApplication: 'TLR_CISIS_TLR',
  receivingFacility: 'PLATEFORME_TLR',
  processingId: 'T' as const,
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * MSH-10 identifies a message per sender (MSH-3 + MSH-4). A re-delivery (same bytes, or the same
 * message rebuilt with another MSH-7) is answered from the journal; a different message under a
 * control id already accepted is refused AR 205, journaled, reported, counted: never dropped with AA.
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`a control id reused for another message on ${engine}`, { skip: engine === 'postgres' ? pgSkip : false }, () => {
    let gw: Gateway;
    let client: MllpClient;
    let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let dispose: () => Promise<void>;
    const data = new ClinicalDataGenerator({ seed: 5151 });
    const key = (o: ImagingOrder) => ({ placerNumber: o.placerOrderNumber.value, assigningAuthority: o.placerOrderNumber.authorityOid });

    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tlr-reuse-'));
      const pg = engine === 'postgres' ? postgresSchemaUrl('reuse') : undefined;
      hooks = await startWebhookReceiver();
      dispose = async () => {
        await hooks.close();
        await pg?.dispose();
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
          webhooks: [{ url: hooks.url, secret: 'whsec-0123456789abcdef', events: ['message.rejected'] }],
          ...(pg ? { storage: { url: pg.url } } : {}),
        },
      });
      gw = await startGateway(config, { logger: pino({ level: 'silent' }), warmUpCda: false, pollMs: 50 });
      client = new MllpClient({ host: '127.0.0.1', port: gw.mllpPort, ackTimeoutMs: 10_000 });
      await client.connect();
    });

    after(async () => {
      await client?.close();
      await gw?.stop();
      await dispose?.();
    });

    it('answers AR 205 at MSH-10 to another order under an accepted control id, and journals, reports and counts it', async () => {
      const controlId = `REUSE-${engine}-1`;
      const first = data.imagingOrder();
      const second = data.imagingOrder();
      const a = await client.send(buildOrderMessage(first, { ...CONTEXT, controlId }));
      assert.equal(a.code, 'AA');

      const b = await client.send(buildOrderMessage(second, { ...CONTEXT, controlId }));
      assert.equal(b.code, 'AR', b.ack.toString());
      const err = b.ackMessage.segments.find((s) => s.name === 'ERR')!;
      assert.equal(err.get('2.1'), 'MSH');
      assert.equal(err.get('2.3'), '10');
      assert.equal(err.get('3.1'), '205');
      assert.equal(err.get('5.1'), 'TLR-MSH-016');
      assert.notEqual(b.ackMessage.get('MSA-2'), '', 'MSA-2 names the refused message');

      assert.ok(await gw.store.getOrder('platform', key(first)), 'the first order exists');
      assert.equal(await gw.store.getOrder('platform', key(second)), null, 'the second order was not applied');

      const journal = await gw.store.listMessages({ controlId, direction: 'inbound' });
      assert.equal(journal.total, 2, 'both messages are journaled');
      const refused = journal.items.find((m) => m.summary.placerOrderNumber === second.placerOrderNumber.value)!;
      assert.equal(refused.status, 'rejected');
      assert.equal(refused.ackCode, 'AR');
      assert.ok(
        refused.findings.some((f) => f.rule === 'TLR-MSH-016' && f.location === 'MSH-10'),
        JSON.stringify(refused.findings),
      );
      const original = journal.items.find((m) => m.summary.placerOrderNumber === first.placerOrderNumber.value)!;
      assert.equal(original.status, 'accepted');

      const hook = await until('the message.rejected webhook', async () =>
        hooks.received.find(
          (h) => h.event.type === 'message.rejected' && h.event.data.placerOrderNumber === second.placerOrderNumber.value,
        ),
      );
      assert.equal(hook.event.data.data?.['condition'], '205');

      const metrics = await gw.metrics.registry.metrics();
      assert.match(metrics, /cisis_tlr_messages_rejected_total\{[^}]*reason="control_id_reused"[^}]*\} 1/);

      // Resent under a control id of its own, the second order goes through.
      assert.equal((await client.send(buildOrderMessage(second, { ...CONTEXT, controlId: `${controlId}-B` }))).code, 'AA');
      assert.ok(await gw.store.getOrder('platform', key(second)));
    });

    it('still answers a true re-delivery (same bytes, or rebuilt with another MSH-7) with the original AA, once journaled', async () => {
      const controlId = `REUSE-${engine}-2`;
      const order = data.imagingOrder();
      const message = buildOrderMessage(order, { ...CONTEXT, controlId });
      const bytes = message.toBytes();
      const first = await client.send(Buffer.from(bytes));
      assert.equal(first.code, 'AA');
      const again = await client.send(Buffer.from(bytes));
      assert.deepEqual(Buffer.from(again.ack), Buffer.from(first.ack), 'the same bytes get the stored acknowledgement');
      message.set('MSH-7', '20250101120000+0100');
      const rebuilt = await client.send(message);
      assert.equal(rebuilt.code, 'AA');
      assert.deepEqual(Buffer.from(rebuilt.ack), Buffer.from(first.ack), 'a rebuilt copy (other MSH-7) is the same message');
      const journal = await gw.store.listMessages({ controlId, direction: 'inbound' });
      assert.equal(journal.total, 1);
      assert.equal(journal.items[0]!.redeliveries, 2);
    });
  });
}
