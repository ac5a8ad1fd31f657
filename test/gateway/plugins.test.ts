/**
 * The seam between the gateway core and its plug-ins, with a plug-in of the test's own: the core
 * starts it before letting anyone in, mounts its routes under the API's authentication, hands it the
 * message flows it declares, reports its readiness on /ready and stops it last.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { buildAck } from '../../src/hl7/index.js';
import { MllpClient } from '../../src/mllp/index.js';
import { loadConfig } from '../../src/gateway/config.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { buildHttpApp } from '../../src/gateway/http/app.js';
import type { GatewayPlugin, PluginReadiness } from '../../src/gateway/plugin.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';

const API_KEY = 'plugin-test-key-0123456789';
const MDM_T02 = readFileSync(join(repoRoot, 'test', 'documents', 'transport', 'fixtures', 'ans_MDM_T02_CR_Radio_INIT_N1.er7'));

describe('gateway plug-ins', () => {
  const calls: string[] = [];
  let readiness: PluginReadiness = { status: 'starting', field: 'things', detail: 'warming up' };
  const plugin: GatewayPlugin = {
    name: 'things',
    start: () => {
      calls.push('start');
    },
    stop: async () => {
      calls.push('stop');
    },
    readiness: () => readiness,
    routes: async (app) => {
      app.get('/api/things', async () => ({ things: ['one'] }));
    },
    inbound: {
      flows: ['report'],
      validate: async (message) => {
        calls.push('validate');
        return { profile: null, valid: true, issues: [], message };
      },
      nack: (message) => buildAck(message, { code: 'AE' }),
      apply: async (message) => {
        calls.push('apply');
        return { ack: buildAck(message, { code: 'AA' }), findings: [], events: [] };
      },
    },
  };
  let gw: Gateway;
  let dir: string;
  let stopped = false;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlr-plugin-'));
    const config = await loadConfig({
      env: {},
      overrides: {
        role: 'ris',
        dataDir: dir,
        processingId: 'T',
        api: { port: 0, keys: [API_KEY] },
        mllp: { port: await freePort() },
        partner: { host: '127.0.0.1', port: await freePort() },
      },
    });
    gw = await Gateway.start(config, { logger: pino({ level: 'silent' }), pollMs: 50, plugins: [plugin], http: (g) => buildHttpApp(g) });
  });

  after(async () => {
    if (!stopped) await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the plug-in before the gateway is listening', () => {
    assert.deepEqual(calls, ['start']);
  });

  it('authenticates the routes of the plug-in like those of the API', async () => {
    const url = `http://127.0.0.1:${gw.apiPort}/api/things`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url.replace('/api/', '/%61pi/'))).status, 401);
    const served = await fetch(url, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(served.status, 200);
    assert.deepEqual(await served.json(), { things: ['one'] });
  });

  it('tells its readiness on /ready, in the field it names', async () => {
    const starting = (await (await fetch(`http://127.0.0.1:${gw.apiPort}/ready`)).json()) as Record<string, unknown>;
    assert.equal(starting['status'], 'starting');
    assert.equal(starting['things'], 'warming up');
    readiness = { status: 'ready', field: 'things', detail: 'ready' };
    const ready = (await (await fetch(`http://127.0.0.1:${gw.apiPort}/ready`)).json()) as Record<string, unknown>;
    assert.equal(ready['status'], 'ready');
  });

  it('hands it the messages of the flows it declares, and answers with its acknowledgement', async () => {
    const client = new MllpClient({ host: '127.0.0.1', port: gw.mllpPort, ackTimeoutMs: 10_000 });
    await client.connect();
    try {
      const result = await client.send(MDM_T02);
      assert.equal(result.code, 'AA');
    } finally {
      await client.close();
    }
    assert.deepEqual(calls.slice(1), ['validate', 'apply']);
    const journaled = await gw.store.listMessages({ flow: 'report', limit: 5 });
    assert.equal(journaled.items.length, 1, 'the message is journaled by the core');
  });

  it('stops the plug-in with the gateway', async () => {
    await gw.stop();
    stopped = true;
    assert.equal(calls.at(-1), 'stop');
  });
});
