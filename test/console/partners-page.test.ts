import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/gateway/config.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startGateway } from '../../src/gateway/start.js';
import { MllpFrameDecoder, MllpServer, encodeFrame } from '../../src/mllp/index.js';
import { buildOrderMessage } from '../../src/tlr/index.js';
import * as fx from '../tlr/fixtures.js';
import type { Browser } from './harness.js';
import { API_KEY, callApi, freePort, launchBrowser, waitFor } from './harness.js';

/**
 * The partners page and the partner filters of the console, in Chromium against a platform gateway
 * with two RIS partners (one reachable, one offline): state of each, pause and resume of a lane
 * (confirmed, audited), the worklist and the journal filtered by partner.
 */
describe('console: partners', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cisis-tlr-console-partners-'));
  let gw: Gateway;
  let ris: MllpServer;
  let browser: Browser;

  before(async () => {
    ris = new MllpServer();
    const { port } = await ris.listen(0, '127.0.0.1');
    const entry = (name: string, app: string, facility: string, p: number) => ({
      name,
      application: app,
      facility,
      host: '127.0.0.1',
      port: p,
    });
    const config = await loadConfig({
      env: {},
      overrides: {
        role: 'platform',
        dataDir: dir,
        logLevel: 'silent',
        processingId: 'T',
        api: { host: '127.0.0.1', port: 0, keys: [API_KEY] },
        mllp: { host: '127.0.0.1', port: await freePort() },
        partners: [entry('ris-a', 'RIS_A', 'FACILITY_A', port), entry('ris-b', 'RIS_B', 'FACILITY_B', await freePort())] as never,
      },
    });
    gw = await startGateway(config, { pollMs: 100, warmUpCda: false });
    // One order from ris-a over MLLP.
    const bytes = buildOrderMessage(fx.order, {
      ...fx.risContext,
      sendingApplication: 'RIS_A',
      sendingFacility: 'FACILITY_A',
      controlId: 'CONSOLE-P1',
    }).toBytes();
    const ack = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: gw.mllpPort }, () => socket.write(encodeFrame(Buffer.from(bytes))));
      const decoder = new MllpFrameDecoder();
      decoder.on('frame', (f: Buffer) => {
        socket.destroy();
        resolve(f.toString('utf8'));
      });
      socket.on('data', (c: Buffer) => decoder.push(c));
      socket.on('error', reject);
    });
    assert.match(ack, /\rMSA\|AA\|/);
    browser = await launchBrowser();
    browser.page.on('dialog', (d) => void d.accept());
  });

  after(async () => {
    await browser?.close();
    await gw?.stop();
    await ris?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the partners with their state and pauses and resumes a lane, audited', async () => {
    const { page } = browser;
    await page.goto(`http://127.0.0.1:${gw.apiPort}/console/#/partners`);
    await page.locator('#api-key').fill(API_KEY);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#partners-table tbody tr[data-partner="ris-b"]').waitFor();
    const rowA = page.locator('#partners-table tbody tr[data-partner="ris-a"]');
    assert.match(await rowA.innerText(), /RIS_A\^FACILITY_A/);
    assert.match(await rowA.innerText(), /par défaut/);
    assert.equal(await page.locator('nav a[aria-current="page"]').innerText(), 'Partenaires');

    await rowA.locator('button[data-action="pause"]').click();
    await rowA.locator('button[data-action="resume"]').waitFor();
    assert.match(await rowA.innerText(), /Suspendue/);
    const paused = (await callApi(gw, 'GET', '/api/partners')).json['items'] as { name: string; paused: boolean }[];
    assert.deepEqual(
      paused.map((p) => [p.name, p.paused]),
      [
        ['ris-a', true],
        ['ris-b', false],
      ],
    );
    await rowA.locator('button[data-action="resume"]').click();
    await rowA.locator('button[data-action="pause"]').waitFor();
    const actions = await gw.store.listOperatorActions({});
    assert.deepEqual(
      actions.map((a) => a.action),
      ['partner.pause', 'partner.resume'],
    );
  });

  it('filters the worklist and the journal by partner', async () => {
    const { page } = browser;
    await page.goto(`http://127.0.0.1:${gw.apiPort}/console/#/orders?partner=ris-a`);
    await page.locator('#orders-table tbody tr').first().waitFor();
    assert.equal(await page.locator('#f-partner').inputValue(), 'ris-a');
    await waitFor(async () => (await page.locator('#orders-table tbody tr a').count()) >= 1, 10_000, 'the order of ris-a');
    assert.match((await page.locator('#orders-table tbody tr a').first().getAttribute('href')) ?? '', /partner=ris-a/);
    await page.locator('#f-partner').fill('ris-b');
    await page.locator('#f-partner').dispatchEvent('change');
    await waitFor(async () => (await page.locator('#orders-table tbody tr a').count()) === 0, 10_000, 'no order of ris-b');

    await page.goto(`http://127.0.0.1:${gw.apiPort}/console/#/messages?partner=ris-a`);
    await page.locator('#messages-table tbody tr').first().waitFor();
    assert.equal(await page.locator('#m-partner').inputValue(), 'ris-a');
    await waitFor(async () => /CONSOLE-P1/.test(await page.locator('#messages-table tbody').innerText()), 10_000, 'the message of ris-a');
  });
});
