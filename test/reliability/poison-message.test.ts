import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/gateway/config.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startGateway } from '../../src/gateway/start.js';
import { parseMessage } from '../../src/hl7/index.js';
import { MllpClient } from '../../src/mllp/index.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import { buildOrderMessage } from '../../src/tlr/index.js';
import { pgSkip, postgresSchemaUrl } from '../gateway/harness.js';
import { freePort } from '../helpers/ports.js';

const CONTEXT = {
  sendingApplication: 'RIS_CISIS_TLR',
  sendingFacility: 'STRUCTURE_IMAGERIE',
  receivingApplication: 'TLR_CISIS_TLR',
  receivingFacility: 'PLATEFORME_TLR',
  processingId: 'T' as const,
};

/** Replaces the text of field `n` of the first `segment` in ER7 text. */
function withField(er7: string, segment: string, n: number, value: (old: string) => string): string {
  return er7
    .split('\r')
    .map((line) => {
      if (!line.startsWith(`${segment}|`)) return line;
      const fields = line.split('|');
      fields[n] = value(fields[n] ?? '');
      return fields.join('|');
    })
    .join('\r');
}

/**
 * A message the store cannot keep as text must not be a poison message: SQLite and PostgreSQL answer
 * the same, the answer is final (AE, never the "send again" of AR 207), and the bytes are journaled
 * as they arrived.
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`control characters in a flow 1 on ${engine}`, { skip: engine === 'postgres' ? pgSkip : false }, () => {
    let gw: Gateway;
    let client: MllpClient;
    let dispose: () => void | Promise<void>;
    const data = new ClinicalDataGenerator({ seed: 9191 });

    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tlr-poison-'));
      const pg = engine === 'postgres' ? postgresSchemaUrl('poison') : undefined;
      dispose = async () => {
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
          ...(pg ? { storage: { url: pg.url } } : {}),
        },
      });
      gw = await startGateway(config, { logger: pino({ level: 'silent' }), warmUpCda: false });
      client = new MllpClient({ host: '127.0.0.1', port: gw.mllpPort, ackTimeoutMs: 10_000 });
      await client.connect();
    });

    after(async () => {
      await client?.close();
      await gw?.stop();
      await dispose?.();
    });

    const raw: Array<{ name: string; field: [string, number]; edit: (old: string) => string }> = [
      { name: 'a NUL byte in PID-5', field: ['PID', 5], edit: (v) => `${v.slice(0, 3)}\u0000${v.slice(3)}` },
      { name: 'a NUL byte in OBR-13', field: ['OBR', 13], edit: (v) => `${v}\u0000suite` },
      { name: 'an ESC byte in PID-5', field: ['PID', 5], edit: (v) => `${v}\u001b[0m` },
    ];
    for (const c of raw) {
      const fields = c.field.join('-');
      const title = `answers AE (GEN-001, ERR-2 ${fields}, ERR-3 102) to ${c.name}, every time, and journals the bytes as received`;
      it(title, async () => {
        const order = data.imagingOrder();
        const bytes = Buffer.from(withField(buildOrderMessage(order, CONTEXT).toString(), c.field[0], c.field[1], c.edit), 'utf8');
        for (let attempt = 1; attempt <= 2; attempt++) {
          const r = await client.send(bytes);
          assert.equal(r.code, 'AE', `attempt ${attempt}: ${r.ack.toString()}`);
          const err = r.ackMessage.segments.find((s) => s.name === 'ERR');
          assert.ok(err, 'an ERR segment');
          assert.equal(err.get('2.1'), c.field[0]);
          assert.equal(err.get('2.3'), String(c.field[1]));
          assert.equal(err.get('3.1'), '102');
          assert.equal(err.get('5.1'), 'TLR-GEN-001');
        }
        const journal = await gw.store.listMessages({ placerOrderNumber: order.placerOrderNumber.value, direction: 'inbound' });
        assert.equal(journal.total, 2, 'both attempts journaled');
        for (const m of journal.items) {
          assert.equal(m.status, 'error');
          const detail = await gw.store.getMessage(m.id);
          assert.deepEqual(Buffer.from(detail!.raw!), bytes, 'the raw bytes are kept unchanged');
          assert.equal(parseMessage(Buffer.from(detail!.ack!.raw)).get('MSA-1'), 'AE');
        }
        assert.equal(
          await gw.store.getOrder('platform', {
            placerNumber: order.placerOrderNumber.value,
            assigningAuthority: order.placerOrderNumber.authorityOid,
          }),
          null,
          'no order was created',
        );
      });
    }

    // \X00\ is legal ER7 (the escape is how such a byte may travel), so the volet's validator accepts it;
    // what decodes from it must still be storable the same way on both engines.
    it('accepts an escaped NUL (\\X00\\) in PID-5 and OBR-13 on both engines alike, keeping the bytes as received', async () => {
      const order = data.imagingOrder();
      let er7 = withField(buildOrderMessage(order, CONTEXT).toString(), 'PID', 5, (v) => `${v.slice(0, 3)}\\X00\\${v.slice(3)}`);
      er7 = withField(er7, 'OBR', 13, (v) => `${v}\\X00\\suite`);
      const bytes = Buffer.from(er7, 'utf8');
      const r = await client.send(bytes);
      assert.equal(r.code, 'AA', r.ack.toString());
      const stored = await gw.store.getOrder('platform', {
        placerNumber: order.placerOrderNumber.value,
        assigningAuthority: order.placerOrderNumber.authorityOid,
      });
      assert.ok(stored, 'the order exists');
      assert.match(JSON.stringify(stored.data), /\uFFFD|\ufffd|\u{FFFD}/u, 'the decoded NUL is stored as U+FFFD');
      const journal = await gw.store.listMessages({ placerOrderNumber: order.placerOrderNumber.value, direction: 'inbound' });
      const detail = await gw.store.getMessage(journal.items[0]!.id);
      assert.deepEqual(Buffer.from(detail!.raw!), bytes);
      assert.equal((await client.send(bytes)).code, 'AA', 'a re-delivery is answered from the journal');
    });
  });
}
