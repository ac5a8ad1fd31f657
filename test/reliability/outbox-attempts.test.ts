import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/gateway/config.js';
import type { GatewayEvent } from '../../src/gateway/events.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startGateway } from '../../src/gateway/start.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import { startWebhookReceiver } from '../gateway/harness.js';
import { freePort } from '../helpers/ports.js';

/**
 * A partner that never answers does not make the outbox retry for ever: after `outbox.maxAttempts`
 * failed attempts the message is parked and `message.parked` raised, once.
 */
describe('outbox attempt ceiling', () => {
  let gw: Gateway;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let dir: string;
  const events: GatewayEvent[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlr-attempts-'));
    hooks = await startWebhookReceiver();
    // Nobody listens on the partner port: every attempt fails with a refused connection.
    const config = await loadConfig({
      env: {},
      overrides: {
        role: 'ris',
        dataDir: dir,
        processingId: 'T',
        api: { port: 0, keys: ['test-api-key-0123456789'] },
        mllp: { port: await freePort() },
        partner: { port: await freePort(), ackTimeoutMs: 500 },
        outbox: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
        webhooks: [{ url: hooks.url, secret: 'whsec-0123456789abcdef', events: ['message.parked'] }],
      },
    });
    gw = await startGateway(config, { logger: pino({ level: 'silent' }), warmUpCda: false, pollMs: 20 });
    gw.on('event', (e) => events.push(e));
  });

  after(async () => {
    await gw?.stop();
    await hooks?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parks the message after maxAttempts failed attempts and raises message.parked once', async () => {
    const order = new ClinicalDataGenerator({ seed: 3131 }).imagingOrder();
    const sent = await gw.ris.createOrder(order);
    const deadline = Date.now() + 20_000;
    while (!events.some((e) => e.type === 'message.parked') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const parked = events.filter((e) => e.type === 'message.parked');
    assert.equal(parked.length, 1, `events: ${events.map((e) => e.type).join(', ')}`);
    assert.equal(parked[0]!.data?.['cause'], 'attempts_exhausted');
    assert.equal(parked[0]!.messageId, sent.messageId);
    const items = await gw.store.listOutbox({ state: 'parked' });
    assert.equal(items.total, 1);
    assert.equal(items.items[0]!.attempts, 3);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await gw.store.getOutboxItem(items.items[0]!.id))!.attempts, 3, 'no attempt after parking');
    while (!hooks.received.some((h) => h.event.type === 'message.parked') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(hooks.received.filter((h) => h.event.type === 'message.parked').length, 1, 'one webhook');
  });
});
