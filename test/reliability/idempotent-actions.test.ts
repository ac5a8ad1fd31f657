import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import type { ImagingOrder } from '../../src/tlr/index.js';
import { pgSkip, postgresSchemaUrl } from '../gateway/harness.js';
import type { GatewayPair } from '../helpers/gateway-pair.js';
import { API_KEY, startGatewayPair } from '../helpers/gateway-pair.js';

interface Answer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

async function post(port: number, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

/**
 * Actions are idempotent: a repeated action on an order already in its target state answers 200 with
 * the message that did it and sends nothing; every POST honours `Idempotency-Key` (same key, same
 * answer; the same key for another request is refused).
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`idempotent API actions on ${engine}`, { skip: engine === 'postgres' ? pgSkip : false }, () => {
    let pair: GatewayPair;
    const schemas: Array<{ dispose: () => Promise<void> }> = [];
    const data = new ClinicalDataGenerator({ seed: 8383 });

    before(async () => {
      const storage = (label: string) => {
        if (engine !== 'postgres') return {};
        const s = postgresSchemaUrl(label);
        schemas.push(s);
        return { storage: { url: s.url } };
      };
      pair = await startGatewayPair({ ris: storage('idem_ris'), platform: storage('idem_plat') });
    });

    after(async () => {
      await pair?.stop();
      for (const s of schemas) await s.dispose();
    });

    const outboundOf = async (side: 'ris' | 'platform', placer: string, type: string) =>
      (await pair[side].store.listMessages({ placerOrderNumber: placer, direction: 'outbound', messageType: type })).total;

    async function created(): Promise<ImagingOrder> {
      const order = data.imagingOrder();
      assert.equal((await post(pair.ris.apiPort, '/api/orders', order)).status, 202);
      await pair.waitFor('platform', (e) => e.type === 'order.received' && e.placerOrderNumber === order.placerOrderNumber.value);
      return order;
    }

    it('answers a second cancellation of a cancelled order 200 with the first message, and sends nothing', async () => {
      const order = await created();
      const placer = order.placerOrderNumber.value;
      const first = await post(pair.ris.apiPort, `/api/orders/${placer}/cancel`, {});
      assert.equal(first.status, 202);
      const second = await post(pair.ris.apiPort, `/api/orders/${placer}/cancel`, {});
      assert.equal(second.status, 200);
      assert.equal(second.json['repeated'], true);
      assert.equal(second.json['messageId'], first.json['messageId']);
      assert.equal(second.json['controlId'], first.json['controlId']);
      assert.equal(await outboundOf('ris', placer, 'ORM^O01'), 2, 'flow 1 and one flow 2');
    });

    it('answers the same order posted twice 200 with its flow-1 message, and another order under that placer number 409', async () => {
      const order = await created();
      const again = await post(pair.ris.apiPort, '/api/orders', order);
      assert.equal(again.status, 200);
      assert.equal(again.json['repeated'], true);
      const other = await post(pair.ris.apiPort, '/api/orders', {
        ...order,
        justification: `${String(order.justification ?? '')} (autre)`,
      });
      assert.equal(other.status, 409);
      assert.equal(await outboundOf('ris', order.placerOrderNumber.value, 'ORM^O01'), 1);
    });

    it('answers a repeated acceptance 200 and a refusal after the acceptance 409', async () => {
      const order = await created();
      const placer = order.placerOrderNumber.value;
      const body = { remoteRadiologist: data.remoteRadiologist(), protocols: [data.textProtocol(order)] };
      const first = await post(pair.platform.apiPort, `/api/orders/${placer}/accept`, body);
      assert.equal(first.status, 202);
      const second = await post(pair.platform.apiPort, `/api/orders/${placer}/accept`, body);
      assert.equal(second.status, 200);
      assert.equal(second.json['messageId'], first.json['messageId']);
      assert.equal(
        (await post(pair.platform.apiPort, `/api/orders/${placer}/refuse`, { remoteRadiologist: body.remoteRadiologist })).status,
        409,
      );
      assert.equal(await outboundOf('platform', placer, 'ORU^R01'), 1);
    });

    it('replays the stored answer for a retried Idempotency-Key, refuses the key for another request, and sends once', async () => {
      const order = data.imagingOrder();
      const key = `key-${engine}-${order.placerOrderNumber.value}`;
      const first = await post(pair.ris.apiPort, '/api/orders', order, { 'idempotency-key': key });
      assert.equal(first.status, 202);
      const retry = await post(pair.ris.apiPort, '/api/orders', order, { 'idempotency-key': key });
      assert.equal(retry.status, 202, 'the same answer, status included');
      assert.equal(retry.headers.get('idempotency-replayed'), 'true');
      assert.deepEqual(retry.json, first.json);
      const misuse = await post(pair.ris.apiPort, '/api/orders', data.imagingOrder(), { 'idempotency-key': key });
      assert.equal(misuse.status, 422);
      assert.equal(misuse.json['code'], 'TLR_ERR_GATEWAY_IDEMPOTENCY_KEY_REUSED');
      assert.equal(await outboundOf('ris', order.placerOrderNumber.value, 'ORM^O01'), 1);
      assert.equal((await post(pair.ris.apiPort, '/api/orders', order, { 'idempotency-key': '' })).status, 400, 'an empty key is refused');
    });

    it('lets only one of concurrent requests with one key act', async () => {
      const order = data.imagingOrder();
      const key = `concurrent-${engine}-${order.placerOrderNumber.value}`;
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => post(pair.ris.apiPort, '/api/orders', order, { 'idempotency-key': key })),
      );
      const statuses = answers.map((a) => a.status);
      assert.equal(statuses.filter((s) => s === 202).length >= 1, true, statuses.join(','));
      for (const a of answers) assert.ok(a.status === 202 || a.status === 409 || a.status === 200, `status ${a.status}`);
      assert.equal(await outboundOf('ris', order.placerOrderNumber.value, 'ORM^O01'), 1, 'one flow 1');
    });

    it('answers the same request repeated without its Idempotency-Key from the workflow rule (200, nothing sent)', async () => {
      const order = data.imagingOrder();
      const key = `scoped-${engine}-${order.placerOrderNumber.value}`;
      assert.equal((await post(pair.ris.apiPort, '/api/orders', order, { 'idempotency-key': key })).status, 202);
      assert.equal((await post(pair.ris.apiPort, '/api/orders', order)).status, 200);
      assert.equal(await outboundOf('ris', order.placerOrderNumber.value, 'ORM^O01'), 1);
    });
  });
}
