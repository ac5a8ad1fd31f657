import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImagingReportError, generateImagingReport } from '../../../src/documents/report/index.js';
import { sampleReportInput } from './report-fixtures.js';
import { attr, parseXml, select } from './xml-query.js';

describe('imaging report versions and replacement', () => {
  it('gives every generated version a new document id', async () => {
    const a = await generateImagingReport(sampleReportInput(), { level: 3 });
    const b = await generateImagingReport(sampleReportInput(), { level: 3 });
    assert.notEqual(a.documentId.root, b.documentId.root);
  });

  it('a replacement keeps the setId, increments versionNumber, gets a new id and points at the replaced version with RPLC', async () => {
    const first = await generateImagingReport(sampleReportInput(), { level: 1 });
    const input = sampleReportInput();
    input.document.replaces = first;
    input.content.conclusion = 'Conclusion corrigée.';
    const second = await generateImagingReport(input, { level: 1 });
    assert.deepEqual(second.setId, first.setId);
    assert.equal(second.versionNumber, 2);
    assert.notEqual(second.documentId.root, first.documentId.root);

    const doc = parseXml(second.xml);
    assert.equal(attr(doc, 'ClinicalDocument/setId', 'root'), first.documentId.root);
    assert.equal(attr(doc, 'ClinicalDocument/versionNumber', 'value'), '2');
    assert.equal(attr(doc, 'ClinicalDocument/relatedDocument', 'typeCode'), 'RPLC');
    assert.equal(attr(doc, 'ClinicalDocument/relatedDocument/parentDocument/id', 'root'), first.documentId.root);
    assert.equal(select(doc, 'ClinicalDocument/relatedDocument/parentDocument/id').length, 1);

    const third = await generateImagingReport({ ...input, document: { ...input.document, replaces: second } }, { level: 1 });
    assert.equal(third.versionNumber, 3);
    assert.deepEqual(third.setId, first.setId);
    assert.equal(attr(parseXml(third.xml), 'ClinicalDocument/relatedDocument/parentDocument/id', 'root'), second.documentId.root);
  });

  it('rebuilds the DRIMbox viewer URL with the new id for each version', async () => {
    const first = await generateImagingReport(sampleReportInput(), { level: 3 });
    const input = sampleReportInput();
    input.document.replaces = first;
    const second = await generateImagingReport(input, { level: 3 });
    assert.ok(first.viewerUrl?.endsWith(`&idCDA=${first.documentId.root}`));
    assert.ok(second.viewerUrl?.endsWith(`&idCDA=${second.documentId.root}`));
  });

  it('keeps host-given ids and refuses a replacement that reuses the replaced id or changes the setId', async () => {
    const input = sampleReportInput();
    input.document.id = { root: '1.2.250.1.999.1.1' };
    input.document.setId = { root: '1.2.250.1.999.1' };
    const report = await generateImagingReport(input, { level: 1 });
    assert.deepEqual(report.documentId, { root: '1.2.250.1.999.1.1' });
    assert.deepEqual(report.setId, { root: '1.2.250.1.999.1' });

    const replacing = sampleReportInput();
    replacing.document.replaces = report;
    replacing.document.id = { root: '1.2.250.1.999.1.1' };
    replacing.document.setId = { root: '1.2.250.1.999.2' };
    await assert.rejects(generateImagingReport(replacing, { level: 1 }), (error: unknown) => {
      assert.ok(error instanceof ImagingReportError);
      assert.equal(error.code, 'TLR_ERR_REPORT_INPUT_INVALID');
      assert.deepEqual(error.problems.map((p) => p.path).sort(), ['document.id', 'document.setId']);
      return true;
    });
  });
});
