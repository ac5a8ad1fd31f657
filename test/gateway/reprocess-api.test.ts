import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseMessage } from '../../src/hl7/index.js';
import { MllpClient } from '../../src/mllp/index.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { API_KEY, startGatewayPair, type GatewayPair } from '../helpers/gateway-pair.js';
import { waitFor } from './harness.js';

const OPERATOR_KEY = 'night-operator-key-0123456789';
type Json = Record<string, unknown> & { items?: Json[] };

async function call(
  gw: Gateway,
  method: string,
  path: string,
  body?: unknown,
  key = OPERATOR_KEY,
): Promise<{ status: number; body: Json }> {
  const r = await fetch(`http://127.0.0.1:${gw.apiPort}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: (await r.json()) as Json };
}

/**
 * Reprocessing through the API, between a real RIS and a real platform: resending an outbound message
 * under its control id (answered by the partner as a re-delivery) or a new one (processed as new), a dry
 * run and a re-run of an inbound message, bulk actions, the audit log with the API key's name, and the
 * order's timeline.
 */
describe('reprocessing messages through the API', () => {
  let pair: GatewayPair;
  const data = new ClinicalDataGenerator({ seed: 1818 });
  const api = { port: 0, keys: [API_KEY], namedKeys: [{ name: 'night-operator', key: OPERATOR_KEY }] };

  before(async () => {
    pair = await startGatewayPair({ ris: { api }, platform: { api } });
  });
  after(async () => pair?.stop());

  it('resends under the same control id (a re-delivery for the partner) or a new one, audited in the timeline', async () => {
    const order = data.imagingOrder();
    const placer = order.placerOrderNumber.value;
    const created = await call(pair.ris, 'POST', '/api/orders', order);
    assert.equal(created.status, 202);
    const originalId = created.body['messageId'] as number;
    await pair.waitFor('platform', (e) => e.type === 'order.received' && e.placerOrderNumber === placer);
    await waitFor('flow 1 delivered', async () => (await pair.ris.store.getMessage(originalId))?.status === 'delivered');
    const inbound = (await pair.platform.store.listMessages({ placerOrderNumber: placer, direction: 'inbound' })).items;
    assert.equal(inbound.length, 1);

    const same = await call(pair.ris, 'POST', `/api/messages/${originalId}/resend`, { controlId: 'same' });
    assert.equal(same.status, 202);
    assert.equal(same.body['sameControlId'], true);
    assert.equal(same.body['controlId'], created.body['controlId']);
    assert.match(String(same.body['consequence']), /duplicate/);
    const sameId = same.body['messageId'] as number;
    await waitFor('same-id copy delivered', async () => (await pair.ris.store.getMessage(sameId))?.status === 'delivered');
    assert.equal((await pair.platform.store.getMessage(inbound[0]!.id))?.redeliveries, 1, 'the platform answered it as a re-delivery');

    const fresh = await call(pair.ris, 'POST', `/api/messages/${originalId}/resend`, { controlId: 'new', reason: 'partner lost it' });
    assert.equal(fresh.status, 202);
    assert.notEqual(fresh.body['controlId'], created.body['controlId']);
    const freshId = fresh.body['messageId'] as number;
    await waitFor('new-id copy acknowledged', async () => (await pair.ris.store.getMessage(freshId))?.ackCode ?? false);
    const received = await pair.platform.store.listMessages({ controlId: fresh.body['controlId'] as string });
    assert.equal(received.items.length, 1, 'the platform journaled the copy as a message of its own');

    const timeline = await call(pair.ris, 'GET', `/api/orders/${encodeURIComponent(placer)}`);
    const actions = timeline.body['operatorActions'] as Json[];
    assert.deepEqual(
      actions.map((a) => [a['actor'], a['action'], a['messageId'], a['resultMessageId'], (a['detail'] as Json)['controlId']]),
      [
        ['night-operator', 'resend', originalId, sameId, 'same'],
        ['night-operator', 'resend', originalId, freshId, 'new'],
      ],
    );
    assert.equal((actions[1]!['detail'] as Json)['reason'], 'partner lost it');
    const detail = await call(pair.ris, 'GET', `/api/messages/${sameId}`);
    assert.equal((detail.body['operatorActions'] as Json[]).length, 1);
  });

  it('dry-runs an inbound message through the current rules and re-runs a refused one, never an accepted one', async () => {
    const accepted = (await pair.platform.store.listMessages({ direction: 'inbound', status: 'accepted', limit: 1 })).items[0]!;
    const dry = await call(pair.platform, 'POST', `/api/messages/${accepted.id}/reprocess`, {});
    assert.equal(dry.status, 200);
    assert.equal(dry.body['dryRun'], true);
    assert.ok(Array.isArray(dry.body['findingsBefore']) && Array.isArray(dry.body['findingsAfter']));
    assert.deepEqual(dry.body['added'], []);
    assert.equal((dry.body['workflow'] as Json)['from'], 'REQUESTED', 'the workflow is asked from the order as it is now');
    assert.match(String((dry.body['ack'] as Json)['raw']), /^MSH\|/);
    const refused = await call(pair.platform, 'POST', `/api/messages/${accepted.id}/reprocess`, { dryRun: false });
    assert.equal(refused.status, 409);

    // A message the platform refused (PID-3 emptied: answered AE) is re-run: journaled anew, its ACK returned.
    const bad = parseMessage((await pair.platform.store.getMessage(accepted.id))!.raw!);
    bad.set('MSH-10', 'BROKEN-1');
    bad.set('PID-3', '');
    const client = new MllpClient({ host: '127.0.0.1', port: pair.platform.mllpPort });
    await client.connect();
    const answer = (await client.send(bad.toBytes())).ackMessage;
    await client.close();
    assert.equal(answer.get('MSA-1'), 'AE');
    const broken = (await pair.platform.store.listMessages({ controlId: 'BROKEN-1' })).items[0]!;
    const dryBroken = await call(pair.platform, 'POST', `/api/messages/${broken.id}/reprocess`, {});
    assert.equal((dryBroken.body['ack'] as Json)['code'], 'AE');
    assert.ok((dryBroken.body['findingsAfter'] as Json[]).some((f) => f['severity'] === 'error'));
    const rerun = await call(pair.platform, 'POST', `/api/messages/${broken.id}/reprocess`, { dryRun: false });
    assert.equal(rerun.status, 200);
    assert.equal((rerun.body['ack'] as Json)['code'], 'AE');
    assert.ok((rerun.body['resultMessageId'] as number) > broken.id);
    const audit = await pair.platform.store.listOperatorActions({ messageId: broken.id });
    assert.deepEqual(
      audit.map((a) => [a.actor, a.action]),
      [
        ['night-operator', 'reprocess_dry_run'],
        ['night-operator', 'reprocess'],
      ],
    );
  });

  it('applies one action over a filtered set, lists what it could not do, and audits each message', async () => {
    const dry = await call(pair.ris, 'POST', '/api/messages/bulk', {
      action: 'resend',
      controlId: 'same',
      dryRun: true,
      filter: { direction: 'outbound', status: 'delivered' },
    });
    assert.equal(dry.status, 200);
    const matched = dry.body['matched'] as number;
    assert.ok(matched >= 2);
    assert.equal((dry.body['done'] as Json[]).length, matched);
    const before = (await pair.ris.store.listMessages({ direction: 'outbound' })).total;
    assert.equal((await pair.ris.store.listMessages({ direction: 'outbound' })).total, before, 'a dry run sends nothing');

    const retry = await call(pair.ris, 'POST', '/api/messages/bulk', {
      action: 'retry',
      filter: { direction: 'outbound', status: 'delivered' },
    });
    assert.equal(retry.status, 200);
    assert.equal((retry.body['done'] as Json[]).length, 0);
    assert.equal((retry.body['failed'] as Json[]).length, matched);
    assert.match(String((retry.body['failed'] as Json[])[0]?.['reason']), /not parked/);
    const missing = await call(pair.ris, 'POST', '/api/messages/bulk', { action: 'resend', filter: {} });
    assert.equal(missing.status, 400);
  });

  it('refuses every reprocessing route without an API key and documents them in OpenAPI', async () => {
    for (const path of ['/api/messages/1/resend', '/api/messages/1/reprocess', '/api/messages/1/discard', '/api/messages/bulk']) {
      assert.equal((await call(pair.ris, 'POST', path, {}, '')).status, 401, path);
    }
    const doc = await call(pair.ris, 'GET', '/openapi.json');
    const paths = Object.keys(doc.body['paths'] as Json);
    for (const p of [
      '/api/messages/{id}/resend',
      '/api/messages/{id}/reprocess',
      '/api/messages/{id}/discard',
      '/api/messages/bulk',
      '/api/alerts',
    ]) {
      assert.ok(paths.includes(p), p);
    }
  });
});
