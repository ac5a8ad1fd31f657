import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { ImagingReportError, generateImagingReport } from '../../../src/documents/report/index.js';
import { toDrawableText } from '../../../src/documents/cda/pdf/win-ansi-text.js';
import { sampleReportInput } from './report-fixtures.js';

describe('imaging report PDF (level 1)', () => {
  it('renders a valid PDF that pdf-lib re-loads, with its metadata', async () => {
    const report = await generateImagingReport(sampleReportInput(), { level: 1 });
    const pdf = report.pdf as Uint8Array;
    assert.equal(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
    const loaded = await PDFDocument.load(pdf, { updateMetadata: false });
    assert.ok(loaded.getPageCount() >= 1);
    assert.equal(loaded.getTitle(), "CR d'imagerie médicale - IRM cerveau");
    assert.equal(loaded.getAuthor(), 'Dr Jacques BIDEAULT');
    assert.equal(loaded.getCreationDate()?.toISOString(), '2026-01-07T10:17:00.000Z');
    const [width, height] = [loaded.getPage(0).getWidth(), loaded.getPage(0).getHeight()];
    assert.deepEqual([Math.round(width), Math.round(height)], [595, 842], 'A4');
  });

  it('does not crash on characters outside WinAnsi and paginates long reports', async () => {
    const input = sampleReportInput();
    input.patient.birthName = 'ŁUKASIEWICZ-NGUYỄN';
    input.content.findings = Array.from(
      { length: 120 },
      (_, i) => `Ligne ${i} : lésion de 5 mm ≥ 3 mm → contrôle; 𝛼-synucléine; 中文; ${'x'.repeat(i % 3 === 0 ? 200 : 5)}`,
    ).join('\n');
    const report = await generateImagingReport(input, { level: 1 });
    const loaded = await PDFDocument.load(report.pdf as Uint8Array);
    assert.ok(loaded.getPageCount() >= 3, `expected several pages, got ${loaded.getPageCount()}`);
  });

  it('renders the same bytes for the same report', async () => {
    const input = sampleReportInput();
    input.document.id = { root: '1.2.250.1.999.7' };
    const a = await generateImagingReport(input, { level: 1 });
    const b = await generateImagingReport(input, { level: 1 });
    assert.deepEqual(a.pdf, b.pdf);
  });

  it('carries the host PDF unchanged, and refuses bytes that are not a PDF', async () => {
    const host = await PDFDocument.create();
    host.addPage();
    const bytes = await host.save();
    const input = sampleReportInput();
    input.content.pdf = bytes;
    const report = await generateImagingReport(input, { level: 1 });
    assert.deepEqual(report.pdf, bytes);

    input.content.pdf = new TextEncoder().encode('<html>not a pdf</html>');
    await assert.rejects(
      generateImagingReport(input, { level: 1 }),
      (e: unknown) => e instanceof ImagingReportError && e.code === 'TLR_ERR_REPORT_PDF_INVALID',
    );
  });

  it('keeps French text intact and spells or approximates the characters a standard font lacks', async () => {
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const charset = new Set(font.getCharacterSet());
    assert.equal(toDrawableText("Œdème à l'été, « çà » – 5 € ’", charset), "Œdème à l'été, « çà » – 5 € ’");
    assert.equal(toDrawableText('≥ 3 mm → ok', charset), '>= 3 mm -> ok');
    assert.equal(toDrawableText('Łódź Ştefan ő', charset), '?ódz Stefan o');
    assert.equal(toDrawableText('中\u0007', charset), '?');
  });
});
