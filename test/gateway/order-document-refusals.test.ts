import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildDocumentMessage, readDocumentMessage } from '../../src/documents/transport/index.js';
import { documentsOf } from '../../src/gateway/documents/documents-plugin.js';
import { IMAGING_REQUEST_TYPE } from '../../src/gateway/documents/order-documents.js';
import type { OrderDocumentRecord } from '../../src/gateway/order-data.js';
import { parseMessage } from '../../src/hl7/index.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import type { OrderKey } from '../../src/store/index.js';
import type { GatewayPair } from '../helpers/gateway-pair.js';
import { API_KEY, startGatewayPair } from '../helpers/gateway-pair.js';
import { sendOverMllp } from '../helpers/mllp-send.js';
import { ApiClient } from './harness.js';

async function documentsOn(gw: GatewayPair['ris'], key: OrderKey): Promise<OrderDocumentRecord[]> {
  const o = await gw.store.getOrder(gw.config.role, key);
  return ((o?.data ?? {}) as { documents?: OrderDocumentRecord[] }).documents ?? [];
}

describe('order documents refused: a wrong DA-IMG answered AE by the platform, a cancelled order’s documents', {
  timeout: 600_000,
}, () => {
  let pair: GatewayPair;
  const g = new ClinicalDataGenerator({ seed: 3119 });
  const keyOf = (o: ReturnType<ClinicalDataGenerator['imagingOrder']>): OrderKey => ({
    placerNumber: o.placerOrderNumber.value,
    assigningAuthority: o.placerOrderNumber.authorityOid,
  });
  before(async () => {
    pair = await startGatewayPair();
    await documentsOf(pair.ris).warmUp();
    await documentsOf(pair.platform).warmUp();
  });
  after(async () => pair?.stop());

  it('answers AE with the DA-IMG findings to an MDM^T02 whose CDA breaks a DA-IMG rule, sent over MLLP', async () => {
    const order = g.imagingOrder();
    const key = keyOf(order);
    await pair.ris.ris.createOrder(order);
    await documentsOf(pair.ris).orderDocuments.add(key, { role: 'request', source: { generate: 'level3' } });
    await pair.waitFor('platform', (e) => e.type === 'document.received' && e.placerOrderNumber === key.placerNumber);
    const [received] = await documentsOn(pair.platform, key);
    const original = readDocumentMessage(parseMessage((await pair.platform.store.getMessage(received!.messageId))!.raw!)).value!;
    // The clinical information section (FR-DICOM-informations-cliniques) without its French template id.
    const good = original.document!.bytes!.toString('utf8');
    const xml = good.replace(/<templateId root="1\.2\.250\.1\.213\.1\.1\.2\.205"\/>/, '');
    assert.notEqual(xml, good, 'the document was broken as intended');
    const cda = original.document!.cda!;
    const message = buildDocumentMessage({
      kind: 'initial',
      patient: original.patient,
      order: original.order!,
      document: {
        xml,
        id: cda.id!,
        setId: cda.setId!,
        version: 1,
        title: cda.title ?? IMAGING_REQUEST_TYPE.display,
        type: IMAGING_REQUEST_TYPE,
        creationTime: new Date(),
        confidentiality: 'N',
        mimeType: 'text/xml',
        author: original.participants.sender!.person!,
        custodian: original.participants.sender!.organisation!,
      },
      metadata: {},
      context: {
        sendingApplication: pair.ris.config.identity.application,
        sendingFacility: pair.ris.config.identity.facility,
        receivingApplication: pair.platform.config.identity.application,
        receivingFacility: pair.platform.config.identity.facility,
      },
    });
    const result = await sendOverMllp(pair.platform.mllpPort, message);
    assert.equal(result.code, 'AE');
    assert.ok(
      result.errors.some((e) => /S_DICOM_InformationClinique/.test(`${e.applicationCode ?? ''} ${e.message ?? ''}`)),
      `expected the DA-IMG finding, got ${JSON.stringify(result.errors.slice(0, 3))}`,
    );
    assert.equal((await documentsOn(pair.platform, key)).length, 1, 'the wrong document is not attached');
  });

  it('refuses (409) the documents of a cancelled order, through the API and the actions, and sends nothing', async () => {
    const order = g.imagingOrder();
    const key = keyOf(order);
    await pair.ris.ris.createOrder(order);
    await pair.ris.ris.cancelOrder(key, {});
    const api = new ApiClient(`http://127.0.0.1:${pair.ris.apiPort}`);
    const r = await api.request(
      'POST',
      `/api/orders/${key.placerNumber}/documents`,
      { role: 'request', generate: 'level3' },
      { authorization: `Bearer ${API_KEY}` },
    );
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.detail, /cancelled/);
    await assert.rejects(
      documentsOf(pair.ris).orderDocuments.add(key, { role: 'request', source: { generate: 'level1' } }),
      (e: unknown) => (e as { status?: number }).status === 409,
    );
    assert.deepEqual(await documentsOn(pair.ris, key), []);
    const queued = await pair.ris.store.listMessages({ placerOrderNumber: key.placerNumber, direction: 'outbound', limit: 20 });
    assert.deepEqual(queued.items.map((m) => m.summary.messageType).sort(), ['ORM^O01', 'ORM^O01']);
  });
});
