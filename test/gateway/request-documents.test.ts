import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { documentsOf } from '../../src/gateway/documents/documents-plugin.js';
import type { OrderDocumentRecord } from '../../src/gateway/order-data.js';
import type { OrderKey } from '../../src/store/index.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import type { GatewayPair } from '../helpers/gateway-pair.js';
import { startGatewayPair } from '../helpers/gateway-pair.js';
import { pgSkip, postgresSchemaUrl } from './harness.js';

async function documentsOn(gw: GatewayPair['ris'], key: OrderKey): Promise<OrderDocumentRecord[]> {
  const o = await gw.store.getOrder(gw.config.role, key);
  return ((o?.data ?? {}) as { documents?: OrderDocumentRecord[] }).documents ?? [];
}

for (const db of ['sqlite', 'postgres'] as const) {
  describe(`request document (DA-IMG) from the RIS to the platform over MLLP (${db})`, {
    timeout: 600_000,
    skip: db === 'postgres' ? pgSkip : false,
  }, () => {
    let pair: GatewayPair;
    const schemas: Array<{ url: string; dispose: () => Promise<void> }> = [];
    const g = new ClinicalDataGenerator({ seed: 1919 });
    const order = g.imagingOrder();
    const key: OrderKey = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
    before(async () => {
      if (db === 'postgres') {
        schemas.push(postgresSchemaUrl('daimg_ris'), postgresSchemaUrl('daimg_platform'));
        pair = await startGatewayPair({ ris: { storage: { url: schemas[0]!.url } }, platform: { storage: { url: schemas[1]!.url } } });
      } else pair = await startGatewayPair();
      await documentsOf(pair.ris).warmUp();
      await documentsOf(pair.platform).warmUp();
      await pair.ris.ris.createOrder(order);
    });
    after(async () => {
      await pair?.stop();
      for (const s of schemas) await s.dispose();
    });

    it('sends a generated level-3 DA-IMG after the ORM^O01; the platform validates and attaches it (document.received)', async () => {
      const sent = await documentsOf(pair.ris).orderDocuments.add(key, { role: 'request', source: { generate: 'level3' } });
      assert.equal(sent.document.profile, 'IMG-DA-IMG_2024.01');
      const ev = await pair.waitFor('platform', (e) => e.type === 'document.received');
      assert.equal(ev.placerOrderNumber, key.placerNumber);
      const docs = await documentsOn(pair.platform, key);
      assert.equal(docs.length, 1);
      assert.deepEqual(
        { role: docs[0]!.role, level: docs[0]!.level, valid: docs[0]!.valid, profile: docs[0]!.profile, status: docs[0]!.status },
        { role: 'request', level: 3, valid: true, profile: 'IMG-DA-IMG_2024.01', status: 'current' },
      );
      assert.deepEqual(docs[0]!.documentId, sent.document.documentId);
    });

    it('replaces it with a level-1 version (T10): same set, version 2, the first marked replaced on both sides', async () => {
      const sent = await documentsOf(pair.ris).orderDocuments.replace(key, { role: 'request', source: { generate: 'level1' } });
      assert.equal(sent.document.version, 2);
      await pair.waitFor('platform', (e) => e.type === 'document.received' && (e.data as { version?: number })?.version === 2);
      const docs = await documentsOn(pair.platform, key);
      assert.deepEqual(
        docs.map((d) => [d.version, d.status, d.level]),
        [
          [1, 'replaced', 3],
          [2, 'current', 1],
        ],
      );
    });

    it('deletes it (T04): no current request document is left on the platform', async () => {
      await documentsOf(pair.ris).orderDocuments.delete(key);
      await pair.waitFor('platform', (e) => e.type === 'document.received' && (e.data as { status?: string })?.status === 'deleted');
      const docs = await documentsOn(pair.platform, key);
      assert.deepEqual(
        docs.map((d) => d.status),
        ['replaced', 'deleted'],
      );
    });

    it('refuses (422) a request document that does not pass the rule sets, and sends nothing', async () => {
      const before = (await documentsOn(pair.ris, key)).length;
      const broken =
        '<ClinicalDocument xmlns="urn:hl7-org:v3"><code code="55115-0" codeSystem="2.16.840.1.113883.6.1"/></ClinicalDocument>';
      await assert.rejects(
        documentsOf(pair.ris).orderDocuments.add(key, { role: 'request', source: { cda: broken } }),
        (e: unknown) => (e as { status?: number }).status === 422,
      );
      assert.equal((await documentsOn(pair.ris, key)).length, before);
    });
  });
}
