import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateImagingReport } from '../../src/documents/report/index.js';
import { documentsOf } from '../../src/gateway/documents/documents-plugin.js';
import type { OrderDocumentRecord } from '../../src/gateway/order-data.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import type { OrderKey } from '../../src/store/index.js';
import { sampleReportInput } from '../documents/report/report-fixtures.js';
import type { GatewayPair } from '../helpers/gateway-pair.js';
import { API_KEY, startGatewayPair } from '../helpers/gateway-pair.js';
import { ApiClient, pgSkip, postgresSchemaUrl } from './harness.js';

const auth = { authorization: `Bearer ${API_KEY}` };

async function documentsOn(gw: GatewayPair['ris'], key: OrderKey): Promise<OrderDocumentRecord[]> {
  const o = await gw.store.getOrder(gw.config.role, key);
  return ((o?.data ?? {}) as { documents?: OrderDocumentRecord[] }).documents ?? [];
}

for (const db of ['sqlite', 'postgres'] as const) {
  describe(`POST /api/orders with its request and supporting documents (${db})`, {
    timeout: 600_000,
    skip: db === 'postgres' ? pgSkip : false,
  }, () => {
    let pair: GatewayPair;
    let api: ApiClient;
    const schemas: Array<{ url: string; dispose: () => Promise<void> }> = [];
    const g = new ClinicalDataGenerator({ seed: 2019 });
    before(async () => {
      if (db === 'postgres') {
        schemas.push(postgresSchemaUrl('orderdocs_ris'), postgresSchemaUrl('orderdocs_platform'));
        pair = await startGatewayPair({ ris: { storage: { url: schemas[0]!.url } }, platform: { storage: { url: schemas[1]!.url } } });
      } else pair = await startGatewayPair();
      await documentsOf(pair.ris).warmUp();
      await documentsOf(pair.platform).warmUp();
      api = new ApiClient(`http://127.0.0.1:${pair.ris.apiPort}`);
    });
    after(async () => {
      await pair?.stop();
      for (const s of schemas) await s.dispose();
    });

    it('sends a generated level-3 DA-IMG and a supporting CDA right after the ORM^O01; the platform attaches both', async () => {
      const order = g.imagingOrder();
      const key: OrderKey = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
      // A previous report of the same patient (PID-3 of the MDM must be the CDA's recordTarget ids).
      const previousInput = sampleReportInput();
      previousInput.patient = order.patient;
      const previous = (await generateImagingReport(previousInput, { level: 3 })).xml;
      const r = await api.request(
        'POST',
        '/api/orders',
        { ...order, requestDocument: { generate: 'level3' }, supportingDocuments: [{ cda: previous }] },
        auth,
      );
      assert.equal(r.status, 202, r.text);
      const outcomes = r.json.documents as Array<{ role: string; messageId?: number; error?: unknown }>;
      assert.deepEqual(
        outcomes.map((d) => [d.role, typeof d.messageId, d.error]),
        [
          ['request', 'number', undefined],
          ['supporting', 'number', undefined],
        ],
      );
      assert.ok(r.json.messageId < outcomes[0]!.messageId! && outcomes[0]!.messageId! < outcomes[1]!.messageId!, 'queued in order');
      await pair.waitFor(
        'platform',
        (e) => e.type === 'document.received' && e.placerOrderNumber === key.placerNumber && e.data?.['role'] === 'supporting',
      );
      const docs = await documentsOn(pair.platform, key);
      assert.deepEqual(
        docs.map((d) => [d.role, d.level, d.valid, d.profile, d.status]),
        [
          ['request', 3, true, 'IMG-DA-IMG_2024.01', 'current'],
          ['supporting', 3, true, docs[1]?.profile, 'current'],
        ],
      );
      assert.match(String(docs[1]?.profile), /CR-IMG/);
      // The platform journaled the ORM^O01 first, then the two MDM^T02 in the order they were given.
      const journal = await pair.platform.store.listMessages({ placerOrderNumber: key.placerNumber, limit: 50 });
      const inbound = journal.items
        .filter((m) => m.direction === 'inbound')
        .sort((a, b) => a.id - b.id)
        .map((m) => m.summary.messageType);
      assert.deepEqual(inbound, ['ORM^O01', 'MDM^T02', 'MDM^T02']);
      assert.deepEqual(
        docs.map((d) => d.messageId).sort((a, b) => a - b),
        docs.map((d) => d.messageId),
      );
    });

    it('answers 202 for the order and reports a refused document with its problem, sending the others', async () => {
      const order = g.imagingOrder();
      const broken =
        '<ClinicalDocument xmlns="urn:hl7-org:v3"><code code="34133-9" codeSystem="2.16.840.1.113883.6.1"/></ClinicalDocument>';
      const r = await api.request(
        'POST',
        '/api/orders',
        { ...order, requestDocument: { generate: 'level1' }, supportingDocuments: [{ cda: broken }] },
        auth,
      );
      assert.equal(r.status, 202, r.text);
      const [request, supporting] = r.json.documents as Array<{ role: string; messageId?: number; error?: { status: number } }>;
      assert.equal(typeof request?.messageId, 'number');
      assert.equal(supporting?.error?.status, 422);
      const key: OrderKey = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
      assert.deepEqual(
        (await documentsOn(pair.ris, key)).map((d) => [d.role, d.level]),
        [['request', 1]],
      );
    });

    it('downloads each version as CDA (application/xml) and a level-1 one as PDF, on both sides, authenticated', async () => {
      const page = await api.request('GET', '/api/orders?limit=10', undefined, auth);
      const placers = (page.json.items as Array<{ placerOrderNumber: string }>).map((o) => o.placerOrderNumber);
      assert.ok(placers.length >= 2);
      const platformApi = new ApiClient(`http://127.0.0.1:${pair.platform.apiPort}`);
      let sawLevel1 = false;
      let sawLevel3 = false;
      for (const placer of placers) {
        for (const side of [api, platformApi]) {
          const listed = await side.request('GET', `/api/orders/${placer}/documents`, undefined, auth);
          assert.equal(listed.status, 200);
          for (const d of listed.json.items as OrderDocumentRecord[]) {
            const xml = await side.request('GET', `/api/orders/${placer}/documents/${d.messageId}`, undefined, auth);
            assert.equal(xml.status, 200);
            assert.match(xml.contentType, /^application\/xml/);
            assert.match(xml.text, /^<\?xml|^<ClinicalDocument/);
            assert.ok(xml.text.includes(d.documentId.root), 'the CDA of this version');
            const pdf = await fetch(`${side.base}/api/orders/${placer}/documents/${d.messageId}/pdf`, { headers: auth });
            if (d.level === 1) {
              sawLevel1 = true;
              assert.equal(pdf.status, 200);
              assert.equal(pdf.headers.get('content-type'), 'application/pdf');
              assert.equal(
                Buffer.from(await pdf.arrayBuffer())
                  .subarray(0, 5)
                  .toString('latin1'),
                '%PDF-',
              );
            } else {
              sawLevel3 = true;
              assert.equal(pdf.status, 404);
            }
          }
        }
      }
      assert.ok(sawLevel1 && sawLevel3, 'both levels downloaded');
      const placer = placers[0]!;
      assert.equal((await api.request('GET', `/api/orders/${placer}/documents/1`, undefined, {})).status, 401);
      assert.equal((await api.request('GET', `/api/orders/${placer}/documents/999999`, undefined, auth)).status, 404);
      assert.equal((await api.request('GET', `/api/orders/${placer}/documents/999999/pdf`, undefined, {})).status, 401);
    });

    it('refuses (400) a body with two sources for one document, before sending the order', async () => {
      const order = g.imagingOrder();
      const r = await api.request('POST', '/api/orders', { ...order, requestDocument: { generate: 'level3', cda: '<x/>' } }, auth);
      assert.equal(r.status, 400, r.text);
      const key: OrderKey = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
      assert.equal(await pair.ris.store.getOrder('ris', key), null);
    });

    it('declares the document fields of POST /api/orders in the OpenAPI document', async () => {
      const doc = await api.request('GET', '/openapi.json', undefined, auth);
      assert.equal(doc.status, 200);
      const body = JSON.stringify(doc.json.paths['/api/orders'].post);
      assert.match(body, /requestDocument/);
      assert.match(body, /supportingDocuments/);
    });
  });
}
