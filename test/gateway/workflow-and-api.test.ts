import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { MllpClient } from '../../src/mllp/index.js';
import { ClinicalDataGenerator, findFreePort } from '../../src/simulate/index.js';
import { buildPostExamMessage } from '../../src/tlr/index.js';
import type { ImagingOrder } from '../../src/tlr/index.js';
import type { Json, ServedGateway } from './harness.js';
import { API_KEY, servePair, stateOf, tempDir, waitFor, waitForState } from './harness.js';

/**
 * Out-of-order messages and the API contract, against two real `serve` processes: what the API
 * refuses (409) and what the partner answers (AR 207, journaled) when a flow comes at the wrong
 * time, then authentication, problem+json errors, the OpenAPI document and the metrics.
 */
describe('out-of-order flows and the REST API contract', () => {
  let ris: ServedGateway;
  let platform: ServedGateway;
  let dispose: () => Promise<void>;
  const data = new ClinicalDataGenerator({ seed: 4242 });
  const radiologist = data.remoteRadiologist();

  before(async () => {
    const dir = await tempDir('workflow');
    dispose = dir.dispose;
    const [risPort, platformPort] = [await findFreePort(), await findFreePort()];
    [ris, platform] = await servePair(
      { role: 'ris', mllpPort: risPort, partnerPort: platformPort, dataDir: dir.path },
      { role: 'platform', mllpPort: platformPort, partnerPort: risPort, dataDir: dir.path },
    );
  });

  after(async () => {
    await Promise.all([ris?.stop(), platform?.stop()]);
    await dispose?.();
  });

  async function requested(): Promise<ImagingOrder> {
    const order = data.imagingOrder();
    assert.equal((await ris.api.post('/api/orders', order)).status, 202);
    await waitForState(platform, order.placerOrderNumber.value, 'REQUESTED');
    return order;
  }

  async function accepted(): Promise<ImagingOrder> {
    const order = await requested();
    assert.equal(
      (
        await platform.api.post(`/api/orders/${order.placerOrderNumber.value}/accept`, {
          remoteRadiologist: radiologist,
          protocols: [data.textProtocol(order)],
        })
      ).status,
      202,
    );
    await waitForState(ris, order.placerOrderNumber.value, 'ACCEPTED');
    return order;
  }

  it('answers AR 207 to flow 4 for a refused order, and journals it as rejected', async () => {
    const order = await requested();
    const placer = order.placerOrderNumber.value;
    assert.equal((await platform.api.post(`/api/orders/${placer}/refuse`, { remoteRadiologist: radiologist })).status, 202);
    await waitForState(ris, placer, 'REJECTED');

    const refusedByRis = await ris.api.post(`/api/orders/${placer}/post-exam`, { exams: data.performedExams(order) });
    assert.equal(refusedByRis.status, 409, 'the RIS API does not send what its own workflow forbids');
    assert.match(refusedByRis.contentType, /^application\/problem\+json/);

    // A RIS without that check sends it anyway: straight over MLLP.
    const message = buildPostExamMessage(
      { placerOrderNumber: order.placerOrderNumber, patient: order.patient, visit: order.visit, exams: data.performedExams(order) },
      {
        sendingApplication: 'RIS_CISIS_TLR',
        sendingFacility: 'STRUCTURE_IMAGERIE',
        receivingApplication: 'TLR_CISIS_TLR',
        receivingFacility: 'PLATEFORME_TLR',
        processingId: 'T',
      },
    );
    const client = new MllpClient({ host: '127.0.0.1', port: platform.mllpPort, reconnect: false });
    await client.connect();
    const result = await client.send(message);
    await client.close();
    assert.equal(result.code, 'AR');
    assert.equal(result.errors[0]?.condition, '207');
    assert.equal(result.errors[0]?.applicationCode, 'TLR-WF-010');

    const journal = await platform.api.get(`/api/messages?flow=flux4&controlId=${encodeURIComponent(result.controlId)}`);
    assert.equal(journal.json.total, 1);
    const entry = journal.json.items[0];
    assert.equal(entry.status, 'rejected');
    assert.equal(entry.ackCode, 'AR');
    const detail = await platform.api.get(`/api/messages/${entry.id}`);
    assert.match(detail.json.ack.raw, /MSA\|AR\|/);
    assert.match(detail.json.ack.raw, /ERR\|\|\|207\^/);
    assert.equal(await stateOf(platform, placer), 'REJECTED', 'the order state did not move');
  });

  const contradictionTest =
    'answers 409 to a decision contradicting the first on the platform API, 200 (nothing sent) to the same decision repeated';
  it(contradictionTest, async () => {
    const order = await accepted();
    const placer = order.placerOrderNumber.value;
    const again = await platform.api.post(`/api/orders/${placer}/refuse`, { remoteRadiologist: radiologist });
    assert.equal(again.status, 409);
    assert.match(again.contentType, /^application\/problem\+json/);
    assert.equal(again.json.code, 'TLR_ERR_GATEWAY_CONFLICT');
    assert.equal(again.json.rule, 'TLR-WF-008');
    const repeated = await platform.api.post(`/api/orders/${placer}/accept`, {
      remoteRadiologist: radiologist,
      protocols: [data.textProtocol(order)],
    });
    assert.equal(repeated.status, 200);
    assert.equal(repeated.json.repeated, true);
    assert.equal(await stateOf(platform, placer), 'ACCEPTED');
    const sent = await platform.api.get(`/api/messages?order=${placer}&direction=outbound`);
    assert.equal(sent.json.total, 1, 'nothing was queued for the refused actions');
  });

  it('answers 409 to a cancellation after post-exam information', async () => {
    const order = await accepted();
    const placer = order.placerOrderNumber.value;
    assert.equal((await ris.api.post(`/api/orders/${placer}/post-exam`, { exams: data.performedExams(order) })).status, 202);
    await waitForState(platform, placer, 'COMPLEMENTED');
    const cancel = await ris.api.post(`/api/orders/${placer}/cancel`, {});
    assert.equal(cancel.status, 409);
    assert.equal(cancel.json.rule, 'TLR-WF-004');
    assert.equal(await stateOf(ris, placer), 'COMPLEMENTED');
  });

  it('answers 401 without an API key, or with an unknown one', async () => {
    const none = await ris.api.request('GET', '/api/orders', undefined, {});
    assert.equal(none.status, 401);
    assert.match(none.contentType, /^application\/problem\+json/);
    const wrong = await ris.api.request('GET', '/api/orders', undefined, { authorization: 'Bearer not-the-key-at-all-0000' });
    assert.equal(wrong.status, 401);
    assert.equal((await ris.api.request('GET', '/api/orders', undefined, { authorization: `Bearer ${API_KEY}` })).status, 200);
  });

  it('answers problem+json 400 listing the violations of a bad body', async () => {
    const r = await ris.api.post('/api/orders', { placerOrderNumber: { value: 'X' }, justification: 42 });
    assert.equal(r.status, 400);
    assert.match(r.contentType, /^application\/problem\+json/);
    assert.equal(r.json.status, 400);
    assert.equal(r.json.code, 'TLR_ERR_GATEWAY_INVALID_REQUEST');
    assert.ok(Array.isArray(r.json.errors) && r.json.errors.length > 0);
    assert.equal(typeof r.json.title, 'string');
    const wrongRole = await platform.api.post('/api/orders', data.imagingOrder());
    assert.equal(wrongRole.status, 403, 'a platform does not create orders');
  });

  it('publishes a valid OpenAPI 3 document with the routes', async () => {
    const r = await fetch(`${ris.api.base}/openapi.json`);
    assert.equal(r.status, 200);
    const doc = (await r.json()) as Json;
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    for (const path of [
      '/api/orders',
      '/api/orders/{placer}',
      '/api/orders/{placer}/accept',
      '/api/orders/{placer}/refuse',
      '/api/orders/{placer}/cancel',
      '/api/orders/{placer}/post-exam',
      '/api/messages',
      '/api/messages/{id}/retry',
      '/api/webhooks/deliveries',
      '/metrics',
    ]) {
      assert.ok(doc.paths[path], `path ${path}`);
    }
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addKeyword('example');
    let operations = 0;
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries<Json>(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        operations += 1;
        assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path} has responses`);
        const pathParams = (op.parameters ?? []).filter((p: Json) => p.in === 'path');
        for (const name of templated)
          assert.ok(
            pathParams.some((p: Json) => p.name === name && p.required === true),
            `${method} ${path} declares path parameter ${name}`,
          );
        for (const p of op.parameters ?? [])
          assert.doesNotThrow(() => ajv.compile(p.schema ?? {}), `${method} ${path} parameter ${p.name}`);
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) assert.doesNotThrow(() => ajv.compile(body), `${method} ${path} request body schema compiles`);
      }
    }
    assert.ok(operations >= 15, `${operations} operations`);
    assert.ok(doc.components.securitySchemes.apiKey, 'bearer security scheme');
  });

  it('exposes Prometheus metrics with cisis_tlr_messages_in_total', async () => {
    await waitFor('metrics of received messages', async () =>
      (await (await fetch(`${platform.api.base}/metrics`)).text()).includes('cisis_tlr_messages_in_total{'),
    );
    const text = await (await fetch(`${platform.api.base}/metrics`)).text();
    assert.match(text, /^# TYPE cisis_tlr_messages_in_total counter$/m);
    assert.match(text, /^cisis_tlr_messages_in_total\{[^}]*type="ORM\^O01"[^}]*outcome="AA"[^}]*\} [1-9]\d*$/m);
    assert.match(text, /^cisis_tlr_messages_in_total\{[^}]*type="OMI\^O23"[^}]*outcome="AR"[^}]*\} 1$/m);
  });
});
