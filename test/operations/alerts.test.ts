import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { AlertMonitor } from '../../src/gateway/alerts.js';
import { loadConfig } from '../../src/gateway/config.js';
import type { GatewayEvent } from '../../src/gateway/events.js';
import { GatewayMetrics } from '../../src/gateway/metrics.js';
import { openStore, type Store } from '../../src/store/index.js';
import { metricValue, startHeadlessGateway, type HeadlessGateway } from '../helpers/headless-gateway.js';
import { freePort } from '../helpers/ports.js';
import { createTestPki } from '../mllp/helpers.js';
import { startWebhookReceiver, waitFor } from '../gateway/harness.js';
import { pgSkip, postgresTarget, sqliteTarget, type StorageTarget } from '../crash/storage-targets.js';

const flow3 = (controlId: string) =>
  Buffer.from(
    `MSH|^~\\&|TLR|PF|RIS|SI|20250101120000||ORM^O01^ORM_O01|${controlId}|T|2.5.1|||||FRA|UNICODE UTF-8\rORC|OK|CMD-1^^1.2.3^ISO\r`,
  );

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`operational alerts on ${engine}`, { skip: engine === 'PostgreSQL' ? pgSkip : false }, () => {
    let target: StorageTarget;
    let gw: HeadlessGateway;
    let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
    after(async () => {
      await gw?.stop();
      await hooks?.close();
      await target?.dispose();
    });

    it('raises an alert once under a sustained breach, clears it once, and raises it again on a new episode', async () => {
      target = engine === 'SQLite' ? await sqliteTarget('alerts') : await postgresTarget('alerts');
      hooks = await startWebhookReceiver();
      gw = await startHeadlessGateway('platform', {
        storage: { url: target.url },
        // Nothing listens on the partner's port: every message parks after its one attempt.
        outbox: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
        webhooks: [{ url: hooks.url, secret: 'alert-secret-0123456789', events: ['alert.raised', 'alert.cleared'] }],
        alerts: {
          intervalMs: 3_600_000,
          outboxDepth: 2,
          oldestPendingSeconds: 0,
          partnerDisconnectedSeconds: 0,
          parkedMessages: 0,
          webhookFailures: 0,
          certificateExpiryDays: 0,
        },
      });
      const { gateway } = gw;
      const partner = gateway.config.partner.name;
      const enqueue = (controlId: string) =>
        gateway.store.enqueueOutbound({
          partner,
          raw: flow3(controlId),
          summary: { messageType: 'ORM^O01', flow: 'flux3', controlId },
          orderKey: `1.2.3|CMD-${controlId}`,
        });
      const parkAll = async () => {
        await waitFor('every message parked', async () => {
          const depth = await gateway.store.outboxDepth();
          return depth.every((d) => d.pending + d.inFlight === 0);
        });
        for (const item of (await gateway.store.listOutbox({ state: 'parked', limit: 100 })).items) {
          await gateway.store.discardParked(item.id, 'alert test');
        }
      };

      assert.deepEqual(await gateway.alerts.evaluate(), []);
      await enqueue('A1');
      assert.deepEqual(await gateway.alerts.evaluate(), [], 'one message is under the threshold of two');
      await enqueue('A2');
      const raised = await gateway.alerts.evaluate();
      assert.deepEqual(
        raised.map((e) => [e.type, e.data?.['alert'], e.data?.['value'], e.data?.['episode']]),
        [['alert.raised', 'outbox_depth', 2, 1]],
      );
      await enqueue('A3');
      for (let i = 0; i < 3; i++) assert.deepEqual(await gateway.alerts.evaluate(), [], 'the breach goes on: no second raise');
      assert.equal(await metricValue(gateway, 'cisis_tlr_alert_active', { alert: 'outbox_depth' }), 1);
      assert.equal(await metricValue(gateway, 'cisis_tlr_alert_value', { alert: 'outbox_depth' }), 3);
      const view = gateway.alerts.current();
      assert.deepEqual(
        view.map((a) => [a.name, a.active, a.threshold, a.episode]),
        [['outbox_depth', true, 2, 1]],
      );

      await parkAll();
      const cleared = await gateway.alerts.evaluate();
      assert.deepEqual(
        cleared.map((e) => [e.type, e.data?.['alert'], e.data?.['value']]),
        [['alert.cleared', 'outbox_depth', 0]],
      );
      assert.deepEqual(await gateway.alerts.evaluate(), [], 'cleared once');
      assert.equal(await metricValue(gateway, 'cisis_tlr_alert_active', { alert: 'outbox_depth' }), 0);

      await enqueue('B1');
      await enqueue('B2');
      const again = await gateway.alerts.evaluate();
      assert.deepEqual(
        again.map((e) => [e.type, e.data?.['episode']]),
        [['alert.raised', 2]],
      );
      assert.deepEqual(await gateway.alerts.evaluate(), []);

      const queued = await gateway.store.listWebhookDeliveries({ limit: 100 });
      assert.deepEqual(queued.items.map((w) => w.eventType).reverse(), ['alert.raised', 'alert.cleared', 'alert.raised']);
      await waitFor('the three alert webhooks delivered', async () => hooks.received.length >= 3);
      assert.deepEqual(
        hooks.received.map((w) => [w.event.type, w.event.data.data?.['alert'], w.event.data.data?.['episode']]),
        [
          ['alert.raised', 'outbox_depth', 1],
          ['alert.cleared', 'outbox_depth', 1],
          ['alert.raised', 'outbox_depth', 2],
        ],
      );
      assert.ok(hooks.received.every((w) => typeof w.headers['x-cisis-tlr-signature'] === 'string'));
    });

    it('keeps an active alert raised across a restart instead of raising it a second time', async () => {
      const config = gw.gateway.config;
      await gw.stop();
      const restarted = await startHeadlessGateway('platform', {
        storage: { url: target.url },
        outbox: config.outbox,
        alerts: config.alerts,
        webhooks: config.webhooks,
      });
      gw = restarted;
      assert.deepEqual(await restarted.gateway.alerts.evaluate(), []);
      assert.equal(await metricValue(restarted.gateway, 'cisis_tlr_alert_active', { alert: 'outbox_depth' }), 1);
      assert.equal((await restarted.gateway.store.listWebhookDeliveries({ eventType: 'alert.raised' })).total, 2);
    });
  });
}

describe('alerts on the partner connection and the TLS certificates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlr-alerts-'));
  const opened: Store[] = [];
  after(async () => {
    for (const s of opened) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('raises partner_disconnected after the set seconds unconnected while messages wait, and clears it on connect', async () => {
    const store = await openStore(`sqlite:${join(dir, 'partner.db')}`);
    opened.push(store);
    const config = await loadConfig({
      env: {},
      overrides: {
        role: 'ris',
        dataDir: dir,
        alerts: { outboxDepth: 0, oldestPendingSeconds: 0, parkedMessages: 0, webhookFailures: 0, partnerDisconnectedSeconds: 60 },
      },
    });
    let clock = 1_000_000;
    let connected = false;
    const events: GatewayEvent[] = [];
    const monitor = new AlertMonitor({
      config,
      store,
      partnerConnected: () => connected,
      metrics: new GatewayMetrics('ris'),
      logger: pino({ level: 'silent' }),
      enqueueEvent: async () => undefined,
      emitted: (e) => events.push(...e),
      now: () => clock,
    });
    assert.deepEqual(await monitor.evaluate(), [], 'idle and never connected: not disconnected');
    clock += 120_000;
    assert.deepEqual(await monitor.evaluate(), []);
    await store.enqueueOutbound({
      partner: config.partner.name,
      raw: flow3('P1'),
      summary: { messageType: 'ORM^O01', flow: 'flux1', controlId: 'P1' },
      orderKey: null,
    });
    assert.deepEqual(await monitor.evaluate(), [], 'the disconnection starts to count now');
    clock += 59_000;
    assert.deepEqual(await monitor.evaluate(), []);
    clock += 1_000;
    assert.deepEqual(
      (await monitor.evaluate()).map((e) => [e.type, e.data?.['alert'], e.data?.['value']]),
      [['alert.raised', 'partner_disconnected', 60]],
    );
    clock += 600_000;
    assert.deepEqual(await monitor.evaluate(), []);
    connected = true;
    assert.deepEqual(
      (await monitor.evaluate()).map((e) => [e.type, e.data?.['alert']]),
      [['alert.cleared', 'partner_disconnected']],
    );
    assert.equal(events.length, 2);
  });

  it('raises certificate_expiry for a listener certificate that expires within the configured days', async () => {
    const pki = createTestPki();
    const gw = await startHeadlessGateway('platform', {
      mllp: { tls: { cert: join(pki.dir, 'server.crt'), key: join(pki.dir, 'server.key') } },
      partner: { port: await freePort() },
      alerts: {
        intervalMs: 3_600_000,
        outboxDepth: 0,
        oldestPendingSeconds: 0,
        partnerDisconnectedSeconds: 0,
        parkedMessages: 0,
        webhookFailures: 0,
        certificateExpiryDays: 30,
      },
    });
    try {
      // The round the gateway runs as it starts may be the one that raises it: read the state, not the round's events.
      await gw.gateway.alerts.evaluate();
      const [alert] = gw.gateway.alerts.current();
      assert.equal(alert?.name, 'certificate_expiry');
      assert.equal(alert?.active, true);
      assert.equal(alert?.episode, 1);
      assert.ok((alert?.value ?? 99) <= 2, 'the test certificate is valid two days');
      assert.match(String(alert?.detail), /mllp\.tls\.cert/);
      assert.deepEqual(await gw.gateway.alerts.evaluate(), []);
      assert.equal(gw.gateway.alerts.current()[0]?.episode, 1);
      assert.equal(await metricValue(gw.gateway, 'cisis_tlr_alert_active', { alert: 'certificate_expiry' }), 1);
    } finally {
      await gw.stop();
      rmSync(pki.dir, { recursive: true, force: true });
    }
  });
});
