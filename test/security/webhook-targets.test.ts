import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/gateway/config.js';
import { GatewayConfigError } from '../../src/gateway/errors.js';
import { startGateway } from '../../src/gateway/start.js';
import type { WebhookDelivery } from '../../src/store/index.js';
import { forbiddenWebhookAddress, guardedLookup } from '../../src/gateway/webhook-target.js';
import { freePort } from '../helpers/ports.js';

const SECRET = 'whsec-0123456789abcdef';
const config = (url: string, allowPrivateTargets?: boolean) =>
  loadConfig({
    env: {},
    overrides: {
      role: 'ris',
      webhooks: [{ url, secret: SECRET, events: ['*'], ...(allowPrivateTargets === undefined ? {} : { allowPrivateTargets }) }],
    },
  });

describe('webhook targets: no link-local, multicast or metadata address unless allowed', () => {
  const forbidden = [
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://169.254.1.1:8080/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://224.0.0.251/',
    'http://[ff02::1]/',
    'http://0.0.0.0:8080/',
    'http://255.255.255.255/',
    'https://[::]/',
  ];
  for (const url of forbidden) {
    it(`refuses ${url} at configuration, and accepts it with allowPrivateTargets`, async () => {
      await assert.rejects(config(url), (e: unknown) => e instanceof GatewayConfigError && /allowPrivateTargets/.test(e.message));
      assert.equal((await config(url, true)).webhooks[0]!.url, url);
    });
  }
  for (const url of [
    'http://127.0.0.1:9000/hooks',
    'http://[::1]:9000/',
    'http://localhost/x',
    'https://10.1.2.3/x',
    'https://192.168.0.10/x',
    'https://ris.example.org/x',
    'http://[fd12::1]/',
  ]) {
    it(`accepts ${url} (loopback, private network or a name)`, async () => {
      assert.equal((await config(url)).webhooks[0]!.url, url);
    });
  }

  it('reads IPv4-mapped IPv6 in both spellings as IPv4', () => {
    assert.match(forbiddenWebhookAddress('::ffff:169.254.169.254')!, /link-local/);
    assert.match(forbiddenWebhookAddress('::FFFF:A9FE:A9FE')!, /link-local/);
    assert.equal(forbiddenWebhookAddress('::ffff:127.0.0.1'), undefined);
  });

  it('checks the address connected to: a lookup answering a forbidden address fails the connection', async () => {
    const refused = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('169.254.169.254', {}, (err) => resolve(err)),
    );
    assert.equal((refused as { code?: string } | null)?.code, 'TLR_ERR_GATEWAY_WEBHOOK_TARGET_FORBIDDEN');
    const allowed = await new Promise<string>((resolve, reject) =>
      guardedLookup('localhost', {}, (err, address) => (err ? reject(err) : resolve(String(address)))),
    );
    assert.match(allowed, /^(127\.0\.0\.1|::1)$/);
  });

  it('does not follow a redirect of the endpoint towards the metadata service: the delivery is parked with the 3xx', async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'tlr-webhook-target-'));
    const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const gw = await startGateway(
      await loadConfig({
        env: {},
        overrides: {
          role: 'ris',
          dataDir: dir,
          api: { port: 0, keys: ['test-api-key-0123456789'] },
          mllp: { port: await freePort() },
          partner: { port: await freePort() },
          webhooks: [{ url: hookUrl, secret: SECRET, events: ['*'] }],
        },
      }),
      { logger: pino({ level: 'silent' }), warmUpCda: false, pollMs: 20 },
    );
    try {
      await gw.store.enqueueWebhook({ eventType: 'order.updated', payload: { placerOrderNumber: 'X' }, targetUrl: hookUrl });
      const deadline = Date.now() + 10_000;
      let parked: WebhookDelivery | undefined;
      while (Date.now() < deadline) {
        parked = (await gw.store.listWebhookDeliveries({ state: 'parked' })).items[0];
        if (parked) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(parked, 'the delivery is parked');
      assert.equal(parked.lastStatus, 302);
      assert.equal(hits, 1, 'one request, to the configured endpoint only');
    } finally {
      await gw.stop();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
