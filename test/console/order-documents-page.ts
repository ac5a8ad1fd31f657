import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { generateImagingReport } from '../../src/documents/report/index.js';
import { documentsOf } from '../../src/gateway/documents/documents-plugin.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { OrderDocumentRecord } from '../../src/gateway/order-data.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import { sampleReportInput } from '../documents/report/report-fixtures.js';
import type { GatewayPair } from './harness.js';
import { callApi, waitFor } from './harness.js';

/** What the tests use of the console suite, read when they run. */
export interface ConsoleSuite {
  page: Page;
  pair: GatewayPair;
  open(gw: Gateway, hash: string): Promise<void>;
}

/**
 * Tests of `console.test.ts`, run in its suite (its gateways, browser and sign-in, one after the other): as a
 * suite of their own beside it, on a loaded machine, the health test counted one error too many (3, not 2).
 * The order page in a real browser shows the order's request document (DA-IMG) and supporting documents: the
 * structured DA-IMG rendered section by section from its narrative (no raw XML), a level-1 document's PDF, and a
 * document whose narrative carries markup and script shown as text only.
 */
export function orderDocumentTests(suite: () => ConsoleSuite): void {
  const g = new ClinicalDataGenerator({ seed: 1905 });
  // A request the DA-IMG generator takes from flow 1 alone (a PET or scintigraphy one needs the studied function).
  let order = g.imagingOrder();
  while (['PT', 'NM'].includes(order.requestedModality.code)) order = g.imagingOrder();
  const placer = order.placerOrderNumber.value;

  it('renders the DA-IMG readably on the platform’s order page and shows a level-1 supporting document’s PDF', async () => {
    const { page, pair, open } = suite();
    await Promise.all([documentsOf(pair.ris).warmUp(), documentsOf(pair.platform).warmUp()]);
    const previousInput = sampleReportInput();
    previousInput.patient = order.patient;
    const previous = (await generateImagingReport(previousInput, { level: 1 })).xml;
    const sent = await callApi(pair.ris, 'POST', '/api/orders', {
      ...order,
      requestDocument: { generate: 'level3' },
      supportingDocuments: [{ cda: previous }],
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.json));
    await waitFor(
      async () => {
        const o = await pair.platform.store.getOrder('platform', {
          placerNumber: placer,
          assigningAuthority: order.placerOrderNumber.authorityOid,
        });
        return ((o?.data ?? {}) as { documents?: OrderDocumentRecord[] }).documents?.length === 2;
      },
      60_000,
      'both documents on the platform',
    );

    await open(pair.platform, `#/orders/${encodeURIComponent(placer)}`);
    const request = page.locator('#card-documents li.order-document[data-role="request"]');
    await request.waitFor();
    assert.equal(await request.getAttribute('data-level'), '3');
    assert.equal(await request.locator('.document-validity').innerText(), 'Conforme');
    const view = request.locator('.cda-view');
    await view.locator('.cda-section').first().waitFor();
    const titles = await view.locator('.cda-section-title').allInnerTexts();
    assert.ok(titles.length >= 2, `sections shown: ${JSON.stringify(titles)}`);
    const text = await view.innerText();
    assert.ok(text.includes(order.justification), 'the reason for the request is shown as the document says it');
    assert.doesNotMatch(text, /<\/?[a-zA-Z]+[\s>]|urn:hl7-org|templateId/, 'no raw XML');
    assert.equal(await view.locator('script, iframe, object, embed').count(), 0);

    const supporting = page.locator('#card-documents li.order-document[data-role="supporting"]');
    assert.equal(await supporting.getAttribute('data-level'), '1');
    const toggle = supporting.locator('button.document-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    const frame = supporting.locator('iframe.pdf-frame');
    await frame.waitFor();
    const src = (await frame.getAttribute('src')) ?? '';
    assert.match(src, /^blob:/);
    const head = await page.evaluate(async (url) => (await (await fetch(url)).blob()).slice(0, 5).text(), src);
    assert.equal(head, '%PDF-');
  });

  it('shows markup and script of a narrative as text only (no element, no handler, no javascript: link)', async () => {
    const { page } = suite();
    const hostile =
      '<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:x="http://www.w3.org/1999/xhtml"><title>T</title>' +
      '<component><structuredBody><component><section><title>Motif &lt;img src=x onerror=alert(1)&gt;</title><text>' +
      '<paragraph>Avant <x:script>window.injected = 1</x:script> après</paragraph>' +
      '<paragraph><x:img src="x" onerror="window.injected = 2"/>&lt;script&gt;window.injected = 3&lt;/script&gt;</paragraph>' +
      '<linkHtml href="javascript:window.injected=4">lien</linkHtml><content styleCode="Bold" onclick="window.injected=5">gras</content>' +
      '<list listType="ordered"><item>un</item><item>deux</item></list>' +
      '<table><tbody><tr><td colspan="2" style="x">cellule</td></tr></tbody></table>' +
      '</text></section></component></structuredBody></component></ClinicalDocument>';
    const out = await page.evaluate(async (xml) => {
      const modulePath = '/console/js/cda-narrative.js';
      const { renderCda } = (await import(modulePath)) as {
        renderCda(x: string): { title: string; sections: HTMLElement | null };
      };
      const r = renderCda(xml);
      const box = document.createElement('div');
      if (r.sections) box.append(r.sections);
      document.body.append(box);
      const html = box.innerHTML;
      const unsafe = box.querySelectorAll('script, img, [onerror], [onclick], [style], a[href^="javascript"]').length;
      const text = box.innerText;
      box.remove();
      return { html, text, unsafe, injected: (window as unknown as { injected?: number }).injected ?? null };
    }, hostile);
    assert.equal(out.injected, null, 'no script ran');
    assert.equal(out.unsafe, 0, 'no script, image, handler, style or javascript: link element');
    assert.doesNotMatch(out.html, /<script|<img|javascript:/i);
    assert.match(out.text, /Motif <img src=x onerror=alert\(1\)>/, 'the title is text');
    assert.match(out.text, /<script>window\.injected = 3<\/script>/, 'escaped markup stays text');
    assert.match(out.html, /<ol><li>un<\/li><li>deux<\/li><\/ol>/);
    assert.match(out.html, /<td colspan="2">cellule<\/td>/);
    assert.match(out.html, /<span class="cda-bold">gras<\/span>/);
    assert.match(out.html, /<span>lien<\/span>/, 'a javascript: link becomes plain text');
  });
}
