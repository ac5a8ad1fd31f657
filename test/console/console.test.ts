import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import type { Locator, Page } from 'playwright-core';
import { registerValidateCommand } from '../../src/cli/commands/validate.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { buildAck, tryParseMessage } from '../../src/hl7/index.js';
import { MllpClient, MllpServer } from '../../src/mllp/index.js';
import { buildOrderMessage } from '../../src/tlr/index.js';
import { repoRoot } from '../helpers/paths.js';
import * as fx from '../tlr/fixtures.js';
import type { Browser, GatewayPair } from './harness.js';
import { API_KEY, callApi, freePort, launchBrowser, startPair, startTestGateway, waitFor } from './harness.js';
import { operationsConsoleTests } from './operations-console.js';
import { orderDocumentTests } from './order-documents-page.js';
import { ORDERS, acceptBody, postExamBody, protocolPdf, refuseBody, reportContent } from './scenario.js';

/**
 * The console in a real browser against real gateways: login, the worklist updated live by the
 * event stream, an order followed through acceptance (text and PDF protocols) and post-exam
 * information, a message with a finding, a parked message retried, the validator, the health page,
 * the language switch, keyboard use and contrast. Screenshots of the main pages are written to
 * docs/images/ when CISIS_TLR_UPDATE_SCREENSHOTS=1 (to a temporary directory otherwise, so that a
 * test run does not modify the repository).
 */

const UPDATE_SCREENSHOTS = process.env['CISIS_TLR_UPDATE_SCREENSHOTS'] === '1';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let pair: GatewayPair;
let browser: Browser;
let page: Page;
let shotsDir: string;
const scratch = mkdtempSync(join(tmpdir(), 'cisis-tlr-console-test-'));

const consoleUrl = (gw: Gateway, hash = '') => `http://127.0.0.1:${gw.apiPort}/console/${hash}`;

async function screenshot(name: string, options: { fullPage?: boolean; keepPointer?: boolean } = {}): Promise<void> {
  // Hover effects would differ from one run to the next, unless the picture is about one.
  if (!options.keepPointer) {
    await page.mouse.move(0, 0);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  }
  const file = join(shotsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false, caret: 'hide', animations: 'disabled' });
  assert.deepEqual(readFileSync(file).subarray(0, 8), PNG_SIGNATURE, `${name}.png is a PNG`);
}

/** Opens a screen of a gateway's console, signing in first when that gateway asks for its key. */
async function open(gw: Gateway, hash: string): Promise<void> {
  await page.goto(consoleUrl(gw, hash));
  await page.locator('main h1').waitFor();
  if (await page.locator('#api-key').count()) {
    await page.locator('#api-key').fill(API_KEY);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#api-key').waitFor({ state: 'detached' });
  }
}

/**
 * The PDF a report item of the order page shows: its `<iframe>` must load a blob URL (the API needs
 * the bearer header, which an `src` pointing at it could not send); the blob is read back in the page.
 */
async function shownPdf(item: Locator): Promise<{ type: string; size: number; head: string }> {
  const frame = item.locator('iframe.pdf-frame');
  await frame.waitFor();
  const src = await frame.getAttribute('src');
  assert.match(src ?? '', /^blob:/, 'the PDF is shown from a blob URL');
  return page.evaluate(async (url) => {
    const b = await (await fetch(url)).blob();
    return { type: b.type, size: b.size, head: await b.slice(0, 5).text() };
  }, src!);
}

/** Sends a message to a gateway's MLLP port as a partner would; returns the ACK code. */
async function sendOverMllp(gw: Gateway, raw: string): Promise<string> {
  const client = new MllpClient({ host: '127.0.0.1', port: gw.mllpPort, ackTimeoutMs: 5000 });
  try {
    await client.connect();
    return (await client.send(Buffer.from(raw, 'utf8'))).code;
  } finally {
    await client.close();
  }
}

/** An order message (flow 1) as the RIS would send it, with a chosen placer number and control id. */
function orderMessage(placer: string, controlId: string): string {
  return buildOrderMessage(
    { ...fx.order, placerOrderNumber: { ...fx.order.placerOrderNumber, value: placer } },
    {
      ...fx.risContext,
      controlId,
      sendingApplication: 'RIS_EXTERNE',
      sendingFacility: 'CHU-X',
      receivingApplication: 'TLR_CISIS_TLR',
      receivingFacility: 'PLATEFORME_TLR',
    },
  ).toString();
}

describe('web console', { timeout: 120_000 }, () => {
  before(async () => {
    shotsDir = UPDATE_SCREENSHOTS ? join(repoRoot, 'docs', 'images') : join(scratch, 'screenshots');
    mkdirSync(shotsDir, { recursive: true });
    pair = await startPair();
    browser = await launchBrowser();
    page = browser.page;
    // Generous for a loaded CI machine; every wait below is for something that happens within a second here.
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => {
      throw new Error(`Console page error: ${e.message}`);
    });
  });

  after(async () => {
    await browser?.close();
    await pair?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('redirects / to the console and serves its files with a content security policy and no third-party origin', async () => {
    const base = `http://127.0.0.1:${pair.ris.apiPort}`;
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/console/');
    const index = await fetch(`${base}/console/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /text\/html/);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await index.text();
    assert.doesNotMatch(html, /https?:\/\//, 'the shell loads nothing from another origin');
    const js = await fetch(`${base}/console/js/app.js`);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    const dict = (await (await fetch(`${base}/console/data/hl7-fields.json`)).json()) as {
      source: { package: string };
      segments: Record<string, unknown>;
    };
    assert.equal(dict.source.package, 'hl7v2-dictionary');
    assert.ok(dict.segments['IPC'] && dict.segments['TXA'] && dict.segments['ERR']);
  });

  it('refuses an unknown API key and keeps an accepted one in sessionStorage only', async () => {
    await page.goto(consoleUrl(pair.ris));
    await page.locator('#api-key').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'api-key', 'the key field has the focus');
    await screenshot('console-login');
    await page.locator('#api-key').fill('not-a-key-000000000000');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#login-error:not([hidden])').waitFor();
    assert.match(await page.locator('#login-error').innerText(), /refusée/);
    await page.locator('#api-key').fill(API_KEY);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#orders-table').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('cisis-tlr.apiKey')), API_KEY);
    assert.equal(await page.evaluate(() => localStorage.getItem('cisis-tlr.apiKey')), null);
    await page.locator('.live-live').waitFor();
  });

  it('shows new orders and state changes live, without reloading the page', async () => {
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    for (const placer of ['OPN101', 'OPN102', 'OPN103', 'OPN104']) {
      const r = await callApi(pair.ris, 'POST', '/api/orders', ORDERS[placer]);
      assert.equal(r.status, 202);
    }
    await page.locator('#orders-table tr[data-placer="OPN104"]').waitFor();
    assert.equal(await page.locator('#orders-table tbody tr').count(), 4);
    assert.equal(await page.locator('tr[data-placer="OPN101"] [data-state]').getAttribute('data-state'), 'REQUESTED');

    await waitFor(
      async () => (await callApi(pair.platform, 'GET', '/api/orders')).json['total'] === 4,
      10_000,
      'the platform to receive the orders',
    );
    assert.equal((await callApi(pair.platform, 'POST', '/api/orders/OPN101/accept', await acceptBody())).status, 202);
    assert.equal((await callApi(pair.platform, 'POST', '/api/orders/OPN102/accept', await acceptBody())).status, 202);
    assert.equal((await callApi(pair.platform, 'POST', '/api/orders/OPN103/refuse', refuseBody)).status, 202);
    assert.equal((await callApi(pair.ris, 'POST', '/api/orders/OPN104/cancel', { reason: { text: 'Patient transféré' } })).status, 202);
    await page.locator('tr[data-placer="OPN101"][data-state="ACCEPTED"]').waitFor();
    await page.locator('tr[data-placer="OPN103"][data-state="REJECTED"]').waitFor();
    await page.locator('tr[data-placer="OPN104"][data-state="CANCELLED"]').waitFor();
    assert.equal(await page.locator('tr[data-placer="OPN103"] .badge').innerText(), 'Refusée');
    assert.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'no reload happened');
  });

  it('filters the worklist by state, modality, patient and search, and keeps the filters in the URL', async () => {
    await page.locator('#f-state').selectOption('ACCEPTED');
    await waitFor(async () => (await page.locator('#orders-table tbody tr').count()) === 2, 5000, 'two accepted orders');
    assert.match(page.url(), /state=ACCEPTED/);
    await page.locator('#f-modality').selectOption('CT');
    await waitFor(async () => (await page.locator('#orders-table tbody tr').count()) === 1, 5000, 'one accepted CT');
    assert.equal(await page.locator('#orders-table tbody tr').getAttribute('data-placer'), 'OPN102');
    await page.getByRole('button', { name: 'Réinitialiser' }).click();
    await page.locator('#f-patient').fill('156117505612353');
    await waitFor(
      async () => (await page.locator('#orders-table tbody tr[data-placer]').count()) === 1,
      5000,
      'the patient filter to keep one order',
    );
    assert.equal(await page.locator('#orders-table tbody tr').getAttribute('data-placer'), 'OPN102');
    assert.match(page.url(), /patient=156117505612353/);
    await page.getByRole('button', { name: 'Réinitialiser' }).click();
    await page.locator('#f-q').fill('bernard');
    await waitFor(
      async () => (await page.locator('#orders-table tbody tr[data-placer]').count()) === 1,
      5000,
      'the search to find one patient',
    );
    assert.equal(await page.locator('#orders-table tbody tr').getAttribute('data-placer'), 'OPN103');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-q', 'the search box keeps the focus while the list refreshes');
    await page.locator('#f-q').fill('');
    await waitFor(async () => (await page.locator('#orders-table tbody tr[data-placer]').count()) === 4, 5000, 'all orders back');
  });

  it('follows an order through acceptance with text and PDF protocols and post-exam information', async () => {
    assert.equal((await callApi(pair.ris, 'POST', '/api/orders/OPN101/post-exam', postExamBody)).status, 202);
    await page.locator('tr[data-placer="OPN101"][data-state="COMPLEMENTED"]').waitFor();
    await screenshot('console-orders');
    await page.locator('tr[data-placer="OPN101"] a').click();
    await page.locator('#timeline').waitFor();
    const types = await page.locator('#timeline .tl-message').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['type']));
    assert.deepEqual(types, ['ORM^O01', 'ORU^R01', 'OMI^O23']);
    assert.equal(await page.locator('#timeline .tl-message .badge-code').count(), 3, 'each message shows its ACK');
    assert.match(await page.locator('.protocol[data-kind="text"] pre').innerText(), /séquences T1, T2 FLAIR/);

    const frame = page.locator('iframe.pdf-frame');
    await frame.waitFor();
    const src = await frame.getAttribute('src');
    assert.match(src ?? '', /^blob:/, 'the PDF is shown from a blob URL fetched with the API key');
    const fetched = await page.evaluate(async (url) => {
      const b = await (await fetch(url)).blob();
      return { type: b.type, head: await b.slice(0, 5).text(), size: b.size };
    }, src!);
    assert.equal(fetched.type, 'application/pdf');
    assert.equal(fetched.head, '%PDF-');
    assert.equal(fetched.size, (await protocolPdf()).length);

    const viewer = page.locator('#card-postexam a.viewer-link').first();
    assert.equal(await viewer.getAttribute('href'), fx.postExamInfo.exams[0]!.viewerUrl);
    assert.equal(await viewer.getAttribute('rel'), 'noopener noreferrer');
    assert.match(await page.locator('#card-postexam').innerText(), /ACN101[\s\S]*730 jours/);
    assert.match(await page.locator('#card-reports').innerText(), /Aucun compte rendu/);
    // The PDF viewer needs a moment to paint its first page.
    await page.waitForTimeout(1500);
    await screenshot('console-order', { fullPage: true });
  });

  const reportTest =
    'follows the order to its imaging report: version 1 with its PDF, then a replacement current and version 1 replaced, ' +
    'MDM messages acknowledged on the timeline';
  it(reportTest, async () => {
    // Still on the RIS console's page of OPN101, post-exam information sent: the report arrives live.
    assert.match(page.url(), /#\/orders\/OPN101/);
    await page.evaluate(() => {
      (window as unknown as { sameOrderPage: boolean }).sameOrderPage = true;
    });
    const submitted = await callApi(pair.platform, 'POST', '/api/orders/OPN101/reports', { content: reportContent });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.json));
    const firstReport = submitted.json['report'] as { title: string; version: number };
    assert.equal(firstReport.version, 1);

    const v1 = page.locator('#card-reports li.report[data-version="1"]');
    await page.locator('#card-reports li.report[data-version="1"][data-status="current"]').waitFor();
    await page.locator('.order-head [data-state="REPORTED"]').waitFor();
    assert.equal(await v1.locator('.report-title').innerText(), firstReport.title);
    assert.match(firstReport.title, /^CR d'imagerie médicale/);
    assert.equal(await v1.locator('.report-status').innerText(), 'En vigueur');
    assert.equal(await v1.locator('.report-version').innerText(), 'version 1');
    assert.match(await v1.locator('.report-meta').innerText(), /Transmis par MDM\^T02\s+AA/);
    assert.equal(await v1.locator('a.report-message').getAttribute('href'), `#/messages/${await v1.getAttribute('data-message-id')}`);

    // The PDF of the version in force is shown at once, from a blob URL fetched with the bearer header.
    const messageIdV1 = Number(await v1.getAttribute('data-message-id'));
    const pdfV1 = await shownPdf(v1);
    const served = Buffer.from(
      await (
        await fetch(`http://127.0.0.1:${pair.ris.apiPort}/api/orders/OPN101/reports/${messageIdV1}?format=pdf`, {
          headers: { authorization: `Bearer ${API_KEY}` },
        })
      ).arrayBuffer(),
    );
    assert.equal(served.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.deepEqual(pdfV1, { type: 'application/pdf', size: served.length, head: '%PDF-' });

    const replaced = await callApi(pair.platform, 'POST', '/api/orders/OPN101/reports/replace', {
      content: {
        ...reportContent,
        conclusion: 'IRM encéphalique normale. Addendum : pas de lésion de la fosse postérieure sur les coupes fines.',
      },
    });
    assert.equal(replaced.status, 202, JSON.stringify(replaced.json));
    const v2 = page.locator('#card-reports li.report[data-version="2"]');
    await page.locator('#card-reports li.report[data-version="2"][data-status="current"]').waitFor();
    await page.locator('#card-reports li.report[data-version="1"][data-status="replaced"]').waitFor();
    assert.deepEqual(
      await page
        .locator('#card-reports li.report')
        .evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset['version']}:${(e as HTMLElement).dataset['status']}`)),
      ['2:current', '1:replaced'],
      'the newest version first',
    );
    assert.equal(await v2.locator('.report-status').innerText(), 'En vigueur');
    assert.equal(await v1.locator('.report-status').innerText(), 'Remplacé');
    assert.match(await v2.locator('.report-meta').innerText(), /Transmis par MDM\^T10\s+AA/);
    const pdfV2 = await shownPdf(v2);
    assert.equal(pdfV2.head, '%PDF-');

    // The replaced version's PDF stays one click away, and closes again.
    const toggleV1 = v1.locator('button.report-toggle');
    assert.equal(await toggleV1.getAttribute('aria-expanded'), 'false');
    assert.equal(await v1.locator('.report-viewer').isVisible(), false);
    await toggleV1.click();
    assert.equal(await toggleV1.getAttribute('aria-expanded'), 'true');
    assert.deepEqual(await shownPdf(v1), pdfV1, 'version 1 shows its own PDF');
    assert.notEqual(await v1.locator('iframe.pdf-frame').getAttribute('src'), await v2.locator('iframe.pdf-frame').getAttribute('src'));
    await toggleV1.click();
    assert.equal(await v1.locator('.report-viewer').isVisible(), false);
    assert.equal(await toggleV1.innerText(), 'Afficher le PDF');

    // The timeline: the two document messages received, each with the acknowledgement the RIS sent.
    const exchanged = await page
      .locator('#timeline .tl-message')
      .evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset['type']} ${e.querySelector('.badge-code')?.textContent ?? '-'}`));
    assert.deepEqual(exchanged, ['ORM^O01 AA', 'ORU^R01 AA', 'OMI^O23 AA', 'MDM^T02 AA', 'MDM^T10 AA']);
    const reportMessages = page.locator('#timeline .tl-message[data-type^="MDM"]');
    for (const text of await reportMessages.allInnerTexts()) assert.match(text, /Reçu de platform[\s\S]*Compte rendu[\s\S]*ACK renvoyé/);
    const events = await page.locator('#timeline .tl-transition').allInnerTexts();
    assert.ok(
      events.some((e) => /Complétée[\s\S]*Interprétée[\s\S]*compte rendu$/.test(e)),
      `a transition to REPORTED in ${JSON.stringify(events)}`,
    );
    assert.ok(events.some((e) => /compte rendu remplacé/.test(e)));
    assert.equal(
      await page.evaluate(() => (window as unknown as { sameOrderPage?: boolean }).sameOrderPage),
      true,
      'the page followed the report without a reload',
    );

    // Chromium paints a PDF viewer only inside the viewport: the window is made as tall as the page
    // for the picture, then given back its size.
    const viewport = page.viewportSize()!;
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.setViewportSize({ width: viewport.width, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    await page.waitForTimeout(1500);
    await screenshot('console-report');
    await page.setViewportSize(viewport);
  });

  it('marks a validator finding at its location in the message viewer and names fields on hover', async () => {
    // A partner sends an order whose second OBX codes the region in an unknown system: answered AE.
    const bad = orderMessage('OPN201', 'EXT0001').replace('|774007^tête et/ou cou^SCT|', '|774007^tête et/ou cou^XYZ|');
    assert.equal(await sendOverMllp(pair.platform, bad), 'AE');
    const journal = await callApi(pair.platform, 'GET', '/api/messages?controlId=EXT0001');
    const id = (journal.json['items'] as Array<{ id: number; status: string }>)[0]!;
    assert.equal(id.status, 'error');

    await open(pair.platform, `#/messages/${id.id}`);
    await page.locator('.hl7-raw').waitFor();
    const marked = page.locator('.hl7-mark-error');
    assert.equal(await marked.count(), 1);
    assert.equal(await marked.getAttribute('data-loc'), 'OBX[2]-5.3');
    assert.equal(await marked.innerText(), 'XYZ');
    assert.match(await page.locator('.finding-error').innerText(), /TLR-F1-015/);

    await page.locator('.finding-error button').click();
    assert.equal(await page.locator('.hl7-selected').getAttribute('data-loc'), 'OBX[2]-5.3');
    assert.match(await page.locator('.hl7-inspector').innerText(), /Observation Value/);

    await page.locator('.hl7-field[data-loc="PID-7"]').hover();
    assert.match(await page.locator('.hl7-tip').innerText(), /PID-7[\s\S]*Date\/Time of Birth/);

    // Keyboard: the message is one tab stop; arrows move from field to field and segment to segment.
    await page.locator('.hl7-raw').focus();
    await page.keyboard.press('Home');
    assert.equal(await page.locator('.insp-loc').innerText(), 'MSH-1');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('.insp-loc').innerText(), 'MSH-2');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('.insp-loc').innerText(), 'PID-1');

    await page.getByRole('tab', { name: /Acquittement/ }).click();
    assert.match(await page.locator('.hl7-raw').innerText(), /MSA\|AE\|EXT0001/);
    await page.getByRole('tab', { name: 'Arbre JSON' }).click();
    assert.match(await page.locator('.json-tree').innerText(), /PID-5[\s\S]*Patient Name/);
    await page.getByRole('tab', { name: 'HL7 annoté' }).click();
    await page.locator('.finding-error button').click();
    await page.locator('.hl7-mark-error').hover();
    await page.locator('.hl7-tip:not([hidden])').waitFor();
    await screenshot('console-message', { fullPage: true, keepPointer: true });
  });

  it('shows a message refused for a reused control id as rejected, with TLR-MSH-016 marked at MSH-10', async () => {
    assert.equal(await sendOverMllp(pair.platform, orderMessage('OPN301', 'EXT0301')), 'AA');
    assert.equal(await sendOverMllp(pair.platform, orderMessage('OPN302', 'EXT0301')), 'AR', 'another order under the same MSH-10');
    const journal = await callApi(pair.platform, 'GET', '/api/messages?controlId=EXT0301');
    const refused = (
      journal.json['items'] as Array<{ id: number; status: string; placerOrderNumber?: string; summary?: { placerOrderNumber?: string } }>
    ).find((m) => m.status === 'rejected')!;
    assert.ok(refused, JSON.stringify(journal.json['items']));

    await open(pair.platform, '#/messages?controlId=EXT0301');
    await page.locator(`tr:has-text("EXT0301") .badge`).first().waitFor();
    assert.match(await page.locator('main').innerText(), /Rejeté/);

    await open(pair.platform, `#/messages/${refused.id}`);
    await page.locator('.hl7-raw').waitFor();
    const marked = page.locator('.hl7-mark-error');
    assert.equal(await marked.count(), 1);
    assert.equal(await marked.getAttribute('data-loc'), 'MSH-10');
    assert.match(await page.locator('.finding-error').innerText(), /TLR-MSH-016/);
  });

  it('retries a parked outbound message once the partner accepts it again', async () => {
    // A partner that answers AE (an application error parks the message) until told otherwise.
    let answer: 'AE' | 'AA' = 'AE';
    const partner = new MllpServer({
      handler: async (bytes) => {
        const parsed = tryParseMessage(bytes);
        const original = parsed.message ?? parsed.header!;
        return buildAck(
          original,
          answer === 'AA'
            ? { code: 'AA' }
            : {
                code: 'AE',
                errors: [
                  {
                    condition: '207',
                    severity: 'E',
                    location: { segment: 'PID', field: 3 },
                    message: 'Identifiant patient inconnu du système de la plateforme',
                    applicationCode: 'PLT-PID-404',
                  },
                ],
              },
        ).toBytes();
      },
    });
    const partnerPort = (await partner.listen(await freePort(), '127.0.0.1')).port;
    const ris = await startTestGateway('ris', join(scratch, 'ris-parked'), {
      mllp: { port: await freePort() },
      partner: { port: partnerPort, ackTimeoutMs: 2000 },
    });
    try {
      const created = await callApi(ris, 'POST', '/api/orders', ORDERS['OPN102']);
      const messageId = created.json['messageId'] as number;
      await waitFor(
        async () => (await callApi(ris, 'GET', `/api/messages/${messageId}`)).json['status'] === 'parked',
        10_000,
        'the message to be parked',
      );

      await open(ris, '#/messages?status=parked');
      await page.locator('#messages-table').waitFor();
      await page.locator(`#messages-table a[href="#/messages/${messageId}"]`).waitFor();
      assert.equal(await page.locator('#messages-table tbody tr').count(), 1);
      await page.locator(`#messages-table a[href="#/messages/${messageId}"]`).click();
      await page.locator('#retry').waitFor();
      assert.match(await page.locator('.findings').first().innerText(), /PLT-PID-404[\s\S]*Identifiant patient inconnu/);
      // ERR-2 of the partner's ACK points into our message: that field is marked there.
      assert.equal(await page.locator('.hl7-mark-error').getAttribute('data-loc'), 'PID-3');
      await page.getByRole('tab', { name: /Acquittement/ }).click();
      assert.match(await page.locator('.hl7-raw').innerText(), /ERR\|\|PID\^1\^3\|207/);
      await page.getByRole('tab', { name: 'HL7 annoté' }).click();
      await screenshot('console-parked', { fullPage: true });

      answer = 'AA';
      await page.locator('#retry').click();
      await page.locator('.message-head [data-status="delivered"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#retry').count(), 0, 'no retry button once delivered');
      assert.equal((await callApi(ris, 'GET', `/api/messages/${messageId}`)).json['status'], 'delivered');
    } finally {
      // Leave that gateway's console first: its open event stream would hold the HTTP server's close.
      await page.goto('about:blank');
      await ris.stop();
      await partner.close();
    }
  });

  it('validates a dropped file and a pasted message with the same report as the CLI', async () => {
    await open(pair.ris, '#/validator');
    await page.locator('#v-input').waitFor();

    const invalid = orderMessage('OPN301', 'VAL0001')
      .replace('MR^IRM^DCM', 'ZZ^IRM^DCM')
      .replace('|N^^expandedYes-NoIndicator|', '|N^^FOO|');
    const file = join(scratch, 'flux1-non-conforme.hl7');
    writeFileSync(file, invalid);
    // The page's drop handler receives the file as a browser drop would deliver it.
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'flux1-non-conforme.hl7', { type: 'text/plain' }));
      document.getElementById('v-drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, invalid);
    await waitFor(
      async () => (await page.locator('#v-input').inputValue()).startsWith('MSH|'),
      5000,
      'the dropped file to fill the editor',
    );
    assert.equal(await page.locator('#v-filename').innerText(), 'flux1-non-conforme.hl7');
    await page.locator('#v-submit').click();
    await page.locator('#v-cli').waitFor();

    const out: string[] = [];
    const program = new Command().exitOverride();
    registerValidateCommand(program, { stdout: (s) => out.push(s), stderr: () => undefined, setExitCode: () => undefined });
    await program.parseAsync(['node', 'cisis-tlr', 'validate', file]);
    const cli = out.join('').trimEnd().replace(file, 'flux1-non-conforme.hl7');
    assert.equal(await page.locator('#v-cli').innerText(), cli);
    assert.match(cli, /INVALID/);
    assert.equal(await page.locator('.verdict-bad').count(), 1);
    assert.equal(await page.locator('#v-result .hl7-mark-error').getAttribute('data-loc'), 'OBX-5.1');
    assert.equal(await page.locator('#v-result .hl7-mark-warning').getAttribute('data-loc'), 'OBX[8]-5.3');
    await screenshot('console-validator', { fullPage: true });

    await page.getByRole('button', { name: 'Effacer' }).click();
    await page.locator('#v-input').fill(orderMessage('OPN302', 'VAL0002').replace(/\r/g, '\n'));
    await page.locator('#v-submit').click();
    await page.locator('.verdict-ok').waitFor();
    assert.equal(await page.locator('#v-cli').innerText(), 'message.hl7: flux1 — valid\n  no finding');
  });

  it('shows partner state, outbox depth, message rates and errors read from /ready and /metrics', async () => {
    await open(pair.platform, '#/health');
    await page.locator('#tile-partner').waitFor();
    assert.equal(await page.locator('#tile-partner .tile-value').innerText(), 'Connecté');
    assert.equal(await page.locator('#tile-outbox .tile-value').innerText(), '0');
    // The platform answered one message AE and refused one AR 205 (a reused control id) in earlier tests.
    assert.equal(await page.locator('#tile-errors .tile-value').innerText(), '2');
    assert.match(await page.locator('#metrics-table').innerText(), /ORM\^O01\s+AE\s+1/);
    // Sampling every 2 s, orders received between samples show as a rate of messages per minute.
    await page.locator('#h-interval').selectOption('2000');
    assert.match(await page.locator('main .muted').first().innerText(), /2 s/);
    for (const n of [105, 106, 107]) {
      const placer = `OPN${n}`;
      assert.equal(
        (
          await callApi(pair.ris, 'POST', '/api/orders', {
            ...ORDERS['OPN102'],
            placerOrderNumber: { ...fx.order.placerOrderNumber, value: placer },
          })
        ).status,
        202,
      );
      await waitFor(
        async () => (await callApi(pair.platform, 'GET', `/api/orders/${placer}`)).status === 200,
        5000,
        `${placer} at the platform`,
      );
      await page.waitForTimeout(1200);
    }
    await waitFor(async () => (await page.locator('.chart-point.series-in').count()) >= 4, 12_000, 'four samples of the inbound rate');
    assert.equal(await page.locator('.chart polyline').count(), 3);
    const peak = await page
      .locator('.chart-point.series-in')
      .evaluateAll((pts) => Math.min(...pts.map((p) => Number(p.getAttribute('cy')))));
    const floor = await page
      .locator('.chart-point.series-errors')
      .evaluateAll((pts) => Math.max(...pts.map((p) => Number(p.getAttribute('cy')))));
    assert.ok(peak < floor, 'the inbound rate rises above zero on the chart');
    assert.match(await page.locator('#tile-rate .tile-value').innerText(), /^\d+([,.]\d)?$/);
    await screenshot('console-health');
  });

  orderDocumentTests(() => ({ page, pair, open }));

  it('switches to English, remembers it, labels every form control and meets WCAG AA contrast on every text it shows', async () => {
    await page.goto(consoleUrl(pair.ris, '#/orders'));
    await page.locator('#orders-table').waitFor();
    await page.locator('#lang-select').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('cisis-tlr.lang')), 'en');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('tr[data-placer="OPN103"] .badge').innerText(), 'Refused');

    for (const hash of ['#/orders', '#/orders/OPN101', '#/messages', '#/validator', '#/health']) {
      await page.goto(consoleUrl(pair.ris, hash));
      await page.locator('main h1').waitFor();
      await page.waitForTimeout(200);
      const failures = await page.evaluate(contrastFailures);
      assert.deepEqual(failures, [], `contrast on ${hash}`);
      const unlabelled = await page.evaluate(() =>
        Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
          .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
          .map((el) => el.id || el.outerHTML.slice(0, 60)),
      );
      assert.deepEqual(unlabelled, [], `form controls without a label on ${hash}`);
    }
    await page.locator('#lang-select').selectOption('fr');
  });

  it('can be used with the keyboard: skip link, visible focus, rows reachable and opened with Enter', async () => {
    await page.goto(consoleUrl(pair.ris, '#/orders'));
    await page.locator('#orders-table tr[data-placer]').first().waitFor();
    await page.locator('.skip-link').focus();
    assert.ok(((await page.locator('.skip-link').boundingBox())?.y ?? -1) >= 0, 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'the skip link moves the focus to the page heading');
    assert.match(page.url(), /#\/orders$/, 'and leaves the route alone');
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.closest('#orders-table') !== null);
    }
    assert.ok(reached, 'the first order link is reachable with Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.equal(outline, 'solid', 'the focused link shows a focus ring');
    await page.keyboard.press('Enter');
    await page.locator('#timeline').waitFor();
  });

  it('logs out: the key leaves sessionStorage and the console asks for it again', async () => {
    await page.locator('#logout').click();
    await page.locator('#api-key').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('cisis-tlr.apiKey')), null);
    await page.goto(consoleUrl(pair.ris, '#/orders'));
    await page.locator('#api-key').waitFor();
    assert.match(page.url(), /#\/login\?next=%2Forders/);
  });

  it('resends a message under the control id the operator chooses, dry-runs an inbound one, shows both in the timeline', async () => {
    const order = ORDERS['OPN101']!;
    const created = await callApi(pair.ris, 'POST', '/api/orders', {
      ...order,
      placerOrderNumber: { ...order.placerOrderNumber, value: 'RPR-1' },
    });
    assert.equal(created.status, 202);
    const messageId = created.json['messageId'] as number;
    await waitFor(
      async () => (await callApi(pair.ris, 'GET', `/api/messages/${messageId}`)).json['status'] === 'delivered',
      10_000,
      'flow 1 to be delivered',
    );

    await open(pair.ris, `#/messages/${messageId}`);
    await page.locator('#resend-panel').waitFor();
    // Each choice says what it means for the partner before anything is sent.
    assert.match(await page.locator('#resend-same-help').innerText(), /doublon/);
    assert.match(await page.locator('#resend-new-help').innerText(), /nouveau message/);
    await page.getByLabel(/Même identifiant/).check();
    await page.locator('#resend').click();
    await page.waitForFunction((id) => /#\/messages\/(\d+)$/.test(location.hash) && !location.hash.endsWith(`/${id}`), messageId);
    const copyId = Number(/(\d+)$/.exec(await page.evaluate(() => location.hash))![1]);
    const copy = await callApi(pair.ris, 'GET', `/api/messages/${copyId}`);
    assert.equal((copy.json['summary'] as Record<string, unknown>)['controlId'], created.json['controlId'], 'same MSH-10');
    await page.locator('#audit [data-action="resend"]').waitFor();

    await open(pair.ris, '#/orders/RPR-1');
    await page.locator('#timeline .tl-operator[data-action="resend"]').waitFor();
    assert.match(await page.locator('#timeline .tl-operator').innerText(), /key-[0-9a-f]{8}[\s\S]*a renvoyé[\s\S]*Même identifiant/);

    const inbound = (await callApi(pair.platform, 'GET', '/api/messages?order=RPR-1&direction=inbound')).json['items'] as Record<
      string,
      unknown
    >[];
    const received = inbound.find((m) => m['status'] === 'accepted')!;
    await open(pair.platform, `#/messages/${received['id'] as number}`);
    await page.locator('#reprocess-panel').waitFor();
    assert.equal(await page.locator('#reprocess').isDisabled(), true, 'an accepted message is only dry-run');
    await page.locator('#reprocess-dry').click();
    await page.locator('#reprocess-result').waitFor();
    assert.match(await page.locator('#reprocess-counts').innerText(), /constat\(s\) à la réception/);
    assert.match(await page.locator('#reprocess-ack').innerText(), /^MSH\|/);
    assert.match(await page.locator('#reprocess-result').innerText(), /Demande/);
  });

  operationsConsoleTests(() => ({ page, pair, open }));
});

/**
 * Runs in the page: every visible element that holds text directly, with its colour against the
 * first opaque background behind it, must reach 4.5:1 (3:1 for large text). Decorative elements
 * (aria-hidden), disabled controls and SVG are left out, as WCAG 1.4.3 allows.
 */
function contrastFailures(): string[] {
  const parse = (c: string): [number, number, number, number] => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1]!
      .split(/[ ,/]+/)
      .filter(Boolean)
      .map(Number);
    return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
  };
  const lum = ([r, g, b]: number[]) => {
    const f = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
  };
  const background = (el: Element | null): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] >= 0.99) return c;
    }
    return [255, 255, 255, 1];
  };
  const out: string[] = [];
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    if (el.closest('svg, [aria-hidden="true"], :disabled, .visually-hidden, iframe, noscript')) continue;
    const hasText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim() !== '');
    if (!hasText) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || rect.width === 0 || Number(style.opacity) < 1) continue;
    const fg = parse(style.color);
    const bg = background(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1! + 0.05) / (l2! + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5))
      out.push(
        `${el.tagName.toLowerCase()}.${(el as HTMLElement).className} "${el.textContent!.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`,
      );
  }
  return out;
}
