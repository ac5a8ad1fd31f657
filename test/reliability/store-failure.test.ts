import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/gateway/config.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startGateway } from '../../src/gateway/start.js';
import { MllpClient, type MllpSendResult } from '../../src/mllp/index.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import { buildOrderMessage } from '../../src/tlr/index.js';
import type { ImagingOrder } from '../../src/tlr/index.js';
import { pgSkip, postgresSchemaUrl } from '../gateway/harness.js';
import { freePort } from '../helpers/ports.js';
import { postgresSaboteur, type Saboteur, sqliteSaboteur } from './saboteur.js';

const CONTEXT = {
  sendingApplication: 'RIS_CISIS_TLR',
  sendingFacility: 'STRUCTURE_IMAGERIE',
  receivingApplication: 'TLR_CISIS_TLR',
  receivingFacility: 'PLATEFORME_TLR',
  processingId: 'T' as const,
};

/**
 * An error that will not go away on retry is never answered AR 207 (that asks the sender to send again
 * for ever): permanent failures are journaled and answered AE; transient ones AR, with nothing stored.
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`storage failures on ${engine}: transient → AR, permanent → AE and journaled`, {
    skip: engine === 'postgres' ? pgSkip : false,
  }, () => {
    let gw: Gateway;
    let client: MllpClient;
    let saboteur: Saboteur;
    let dispose: () => Promise<void>;
    const data = new ClinicalDataGenerator({ seed: 6161 });
    const orderNamed = (birthName: string): ImagingOrder => {
      const o = data.imagingOrder();
      return { ...o, patient: { ...o.patient, birthName } };
    };

    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tlr-store-failure-'));
      const pgSchema = engine === 'postgres' ? postgresSchemaUrl('fail') : undefined;
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
          ...(pgSchema ? { storage: { url: pgSchema.url } } : {}),
        },
      });
      gw = await startGateway(config, { logger: pino({ level: 'silent' }), warmUpCda: false });
      saboteur =
        engine === 'postgres'
          ? await postgresSaboteur(new URL(pgSchema!.url).searchParams.get('schema')!)
          : await sqliteSaboteur(config.storage.url.slice('sqlite:'.length));
      client = new MllpClient({ host: '127.0.0.1', port: gw.mllpPort, ackTimeoutMs: 20_000 });
      await client.connect();
    });

    after(async () => {
      await client?.close();
      await saboteur?.close();
      await gw?.stop();
      await dispose?.();
    });

    it('answers AE 207 to a message the database refuses, every time, and journals it with the reason', async () => {
      await saboteur.refuseOrdersWith('POISONPILL');
      const order = orderNamed('POISONPILL');
      const message = buildOrderMessage(order, CONTEXT);
      for (let attempt = 1; attempt <= 2; attempt++) {
        const r = await client.send(message);
        assert.equal(r.code, 'AE', `attempt ${attempt}: ${r.ack.toString()}`);
        assert.equal(r.errors[0]?.condition, '207');
        assert.equal(r.errors[0]?.applicationCode, 'TLR-GW-001');
      }
      const journal = await gw.store.listMessages({ controlId: message.header.controlId, direction: 'inbound' });
      assert.equal(journal.total, 2, 'each attempt journaled');
      for (const m of journal.items) {
        assert.equal(m.status, 'error');
        assert.ok(
          m.findings.some((f) => f.rule === 'TLR-GW-001'),
          JSON.stringify(m.findings),
        );
        assert.deepEqual(Buffer.from((await gw.store.getMessage(m.id))!.raw!), Buffer.from(message.toBytes()));
      }
      assert.match(await gw.metrics.registry.metrics(), /cisis_tlr_messages_rejected_total\{[^}]*reason="store_refused"[^}]*\} 2/);
    });

    it('answers AR 207 while the database is unavailable, stores nothing, and accepts the same message once it is back', async () => {
      const order = orderNamed('DISPONIBLE');
      const message = buildOrderMessage(order, CONTEXT);
      await saboteur.makeUnavailable();
      let refused: MllpSendResult;
      try {
        refused = await client.send(message);
      } finally {
        await saboteur.release();
      }
      assert.equal(refused.code, 'AR', refused.ack.toString());
      assert.equal(refused.errors[0]?.condition, '207');
      assert.equal((await gw.store.listMessages({ controlId: message.header.controlId })).total, 0, 'nothing was stored');
      const accepted = await client.send(message);
      assert.equal(accepted.code, 'AA', accepted.ack.toString());
      assert.ok(
        await gw.store.getOrder('platform', {
          placerNumber: order.placerOrderNumber.value,
          assigningAuthority: order.placerOrderNumber.authorityOid,
        }),
      );
    });
  });
}
