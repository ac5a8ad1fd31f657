import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { consoleAssetsDir } from '../../src/gateway/console/index.js';
import type { ConsoleSuite } from './order-documents-page.js';
import { callApi, waitFor } from './harness.js';

type Row = Record<string, unknown>;

/** The console's strings, read from the shipped module's text (fr and en tables). */
async function consoleStrings(): Promise<{ fr: Record<string, string>; en: Record<string, string> }> {
  const url = new URL(`file://${join(consoleAssetsDir(), 'js', 'strings.js')}`);
  return ((await import(url.href)) as { STRINGS: { fr: Record<string, string>; en: Record<string, string> } }).STRINGS;
}

/**
 * Tests of `console.test.ts` for what an operator does around the messages, run in its suite after the
 * others (they add messages the health page would count): the message viewer decoding OBX-5 documents,
 * the French pages without English text, date filters in the chosen language, and bulk resend.
 */
export function operationsConsoleTests(suite: () => ConsoleSuite): void {
  it('decodes OBX-5 documents in the message viewer: a CDA as XML text, its PDF and a flow-3 PDF protocol viewable', async () => {
    const { page, pair, open } = suite();
    const inbound = (await callApi(pair.ris, 'GET', '/api/messages?direction=inbound&limit=200')).json['items'] as Row[];
    const type = (m: Row) => (m['summary'] as Row | undefined)?.['messageType'];
    const mdm = inbound.find((m) => type(m) === 'MDM^T02' && m['status'] === 'accepted');
    assert.ok(mdm, 'the RIS received a report in an earlier test');
    await open(pair.ris, `#/messages/${mdm['id'] as number}`);
    await page.locator('#tab-documents').click();
    const xml = page.locator('#panel-documents pre[data-kind="xml"]');
    await xml.waitFor();
    assert.match(await xml.innerText(), /<ClinicalDocument[\s\S]*<\/ClinicalDocument>/);
    assert.equal(await page.locator('#panel-documents pre[data-kind="xml"] *').count(), 0, 'the XML is text, not markup of the page');
    const frame = page.locator('#panel-documents iframe[data-kind="pdf"]');
    await frame.waitFor();
    const pdf = await page.evaluate(
      async (src) => {
        const b = await (await fetch(src!.split('#')[0]!)).blob();
        return { type: b.type, head: await b.slice(0, 5).text() };
      },
      await frame.getAttribute('src'),
    );
    assert.deepEqual(pdf, { type: 'application/pdf', head: '%PDF-' }, 'the level-1 report’s PDF is shown');
    const download = page.waitForEvent('download');
    await page.locator('#panel-documents button', { hasText: 'Télécharger le document' }).first().click();
    assert.match((await download).suggestedFilename(), /\.xml$/);

    const oru = inbound.find((m) => type(m) === 'ORU^R01' && /\^Base64\^JVBER/.test(String(m['raw'] ?? '')));
    const withPdf =
      oru ??
      (
        await Promise.all(
          inbound
            .filter((m) => type(m) === 'ORU^R01')
            .map(async (m) => (await callApi(pair.ris, 'GET', `/api/messages/${m['id'] as number}`)).json),
        )
      ).find((m) => /\^Base64\^JVBER/.test(String(m['raw'] ?? '')));
    assert.ok(withPdf, 'a flow-3 message with a PDF protocol was received in an earlier test');
    await open(pair.ris, `#/messages/${withPdf['id'] as number}`);
    await page.locator('#tab-documents').click();
    await page.locator('#panel-documents iframe[data-kind="pdf"]').waitFor();
    assert.equal(await page.locator('#panel-documents pre').count(), 0);
  });

  it('shows no English text of the console on French pages (health page included), and date filters in French', async () => {
    const { page, pair, open } = suite();
    const strings = await consoleStrings();
    // The English texts that have a French translation of their own: any of them on a French page is untranslated.
    const englishOnly = new Set(
      Object.entries(strings.en)
        .filter(([k, v]) => strings.fr[k] !== undefined && strings.fr[k] !== v && !/\{\w+\}/.test(v) && v.length > 2)
        .map(([, v]) => v),
    );
    for (const [gw, hash] of [
      [pair.platform, '#/health'],
      [pair.ris, '#/health'],
      [pair.ris, '#/orders'],
      [pair.ris, '#/orders/OPN101'],
      [pair.ris, '#/messages'],
      [pair.ris, '#/validator'],
    ] as const) {
      await open(gw, hash);
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
      const texts = await page.evaluate(() => {
        const out: string[] = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          if (!el || el.closest('pre, .mono, code, script, .er7, .hl7-view') || !n.textContent?.trim()) continue;
          out.push(n.textContent.trim());
        }
        for (const el of Array.from(document.querySelectorAll('[placeholder], [title], [aria-label]')))
          for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a)!);
        return out;
      });
      const untranslated = texts.filter((x) => englishOnly.has(x) || /^duplicate$/i.test(x));
      assert.deepEqual(untranslated, [], `English text on the French page ${hash}`);
    }

    await open(pair.ris, '#/messages');
    const from = page.locator('#m-from');
    assert.equal(await from.getAttribute('placeholder'), 'jj/mm/aaaa hh:mm');
    assert.equal(await from.getAttribute('type'), 'text', 'not the browser’s own date control, drawn in its own locale');
    await from.fill('31/02/2026 10:00');
    await from.press('Tab');
    assert.equal(await from.getAttribute('aria-invalid'), 'true', 'a date that does not exist is refused');
    await from.fill('02/03/2026 09:30');
    await from.press('Tab');
    await page.waitForFunction(() => location.hash.includes('from=2026-03-02T09%3A30'));
    await page.locator('#lang-select').selectOption('en');
    await page.locator('#m-from').waitFor();
    assert.equal(await page.locator('#m-from').getAttribute('placeholder'), 'dd/mm/yyyy hh:mm');
    assert.equal(await page.locator('#m-from').inputValue(), '02/03/2026 09:30', 'the filter kept across the language switch');
    await page.locator('#lang-select').selectOption('fr');
    await open(pair.ris, '#/orders');
    assert.equal(await page.locator('#f-from').getAttribute('placeholder'), 'jj/mm/aaaa');
  });

  it('resends every message a filter selects after a count, audits each and shows them in the order’s timeline', async () => {
    const { page, pair, open } = suite();
    const before = (await callApi(pair.ris, 'GET', '/api/messages?order=RPR-1&direction=outbound')).json['items'] as Row[];
    assert.ok(before.length >= 2, 'the order RPR-1 of the resend test has its flow 1 and the copy');
    await open(pair.ris, '#/messages?order=RPR-1&direction=outbound');
    await page.locator('#bulk-panel').waitFor();
    await page.locator('#bulk-action').selectOption('resend-new');
    await page.locator('#bulk-count-button').click();
    await page.locator('#bulk-count').waitFor();
    assert.match(await page.locator('#bulk-count').innerText(), new RegExp(`^${before.length} message\\(s\\) correspondent`));
    assert.equal(
      await page.locator('#bulk-confirm').innerText(),
      `Renvoyer ${before.length} message(s)`,
      'the confirmation shows the count',
    );
    const unchanged = (await callApi(pair.ris, 'GET', '/api/messages?order=RPR-1&direction=outbound')).json['items'] as Row[];
    assert.equal(unchanged.length, before.length, 'counting sends nothing');
    await page.locator('#bulk-confirm').click();
    await page.locator('#bulk-result').waitFor();
    assert.equal(await page.locator('#bulk-result').innerText(), `${before.length} message(s) traité(s), 0 refusé(s)`);
    const after = await waitFor(
      async () => {
        const items = (await callApi(pair.ris, 'GET', '/api/messages?order=RPR-1&direction=outbound')).json['items'] as Row[];
        return items.length === before.length * 2 ? items : undefined;
      },
      10_000,
      'the copies in the journal',
    );
    const originals = new Set(before.map((m) => (m['summary'] as Row)['controlId']));
    const copies = after.filter((m) => !before.some((b) => b['id'] === m['id']));
    assert.ok(
      copies.every((m) => !originals.has((m['summary'] as Row)['controlId'])),
      'new control ids',
    );

    await open(pair.ris, '#/orders/RPR-1');
    await page.locator('#timeline .tl-operator[data-action="resend"] [data-bulk]').first().waitFor();
    assert.equal(
      await page.locator('#timeline .tl-operator[data-action="resend"] [data-bulk]').count(),
      before.length,
      'one audited action per message',
    );
    assert.match(await page.locator('#timeline .tl-operator [data-bulk]').first().innerText(), /action groupée/);
  });
}
