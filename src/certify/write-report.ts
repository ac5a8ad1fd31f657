import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertifyReport } from './certify.js';
import { renderReportHtml } from './report-html.js';

/** Where Chromium is: `--chromium PATH`, else `CISIS_TLR_CHROMIUM`, else `/usr/bin/chromium`; undefined when none exists. */
export function findChromium(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const candidate of [explicit, env['CISIS_TLR_CHROMIUM'], '/usr/bin/chromium'])
    if (candidate && existsSync(candidate)) return candidate;
  return undefined;
}

/** What {@link writeReportFiles} wrote. */
export interface WrittenReport {
  html: string;
  json: string;
  /** Path of report.pdf, when it was rendered. */
  pdf?: string;
  /** Why there is no PDF. */
  pdfSkipped?: string;
}

/**
 * Writes `report.html`, `report.json` and `report.pdf` into `dir`. The PDF is the HTML printed by
 * headless Chromium through playwright-core (no browser download: the system's Chromium); without
 * Chromium, or without playwright-core installed, the reason is returned and the HTML and JSON
 * are written all the same.
 */
export async function writeReportFiles(report: CertifyReport, dir: string, chromium?: string): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const html = renderReportHtml(report);
  const htmlPath = join(dir, 'report.html');
  const jsonPath = join(dir, 'report.json');
  await writeFile(htmlPath, html);
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const executable = findChromium(chromium);
  if (!executable)
    return { html: htmlPath, json: jsonPath, pdfSkipped: 'no Chromium found (--chromium, CISIS_TLR_CHROMIUM, /usr/bin/chromium)' };
  const pdfPath = join(dir, 'report.pdf');
  try {
    await renderWithChromium(html, executable, { pdf: pdfPath });
  } catch (e) {
    return { html: htmlPath, json: jsonPath, pdfSkipped: `Chromium could not render the PDF: ${(e as Error).message.split('\n')[0]}` };
  }
  return { html: htmlPath, json: jsonPath, pdf: pdfPath };
}

/** Renders an HTML page with headless Chromium: to a PDF (A4, backgrounds printed) and/or a PNG screenshot. */
export async function renderWithChromium(
  html: string,
  executablePath: string,
  out: { pdf?: string; png?: string; width?: number },
): Promise<void> {
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed');
  }
  const browser = await playwright.chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: out.width ?? 1200, height: 900 } });
    // The page has no external resource: nothing to wait for once the content is set.
    await page.setContent(html, { waitUntil: 'load' });
    if (out.pdf)
      await page.pdf({
        path: out.pdf,
        format: 'A4',
        printBackground: true,
        margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
      });
    if (out.png) await page.screenshot({ path: out.png, fullPage: false });
  } finally {
    await browser.close();
  }
}
