import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateImagingReport } from '../../../src/documents/report/index.js';
import { sampleReportInput } from './report-fixtures.js';
import { parseXml, select, text } from './xml-query.js';

const NASTY = `Œdème & "prise" <de> contraste ]]> l'été — à 5 mm ≥ 3 mm → 𝛼 \u0001\u0008\uFFFE fin`;

describe('imaging report text escaping', () => {
  for (const level of [1, 3] as const) {
    it(`level ${level}: accents and XML special characters in host text are escaped and read back unchanged`, async () => {
      const input = sampleReportInput();
      input.patient.birthName = `L'ÉLÉPHANT & <FILS>`;
      input.document.title = 'CR "IRM" <cerveau> & suites';
      input.content.conclusion = NASTY;
      const report = await generateImagingReport(input, { level });
      assert.ok(!report.xml.includes('<FILS>'));
      assert.ok(!report.xml.includes('<de>'));
      assert.ok(!report.xml.includes('\u0001'), 'characters XML 1.0 forbids are removed');
      const doc = parseXml(report.xml);
      assert.equal(text(select(doc, 'ClinicalDocument/title')[0]), 'CR "IRM" <cerveau> & suites');
      const family = select(doc, 'ClinicalDocument/recordTarget/patientRole/patient/name/family')[0];
      assert.equal(text(family), `L'ÉLÉPHANT & <FILS>`);
      if (level === 3) {
        const conclusion = select(doc, 'ClinicalDocument/component/structuredBody/component/section').at(-1) ?? {};
        assert.equal(text(select(conclusion, 'text/paragraph')[0]), NASTY.replace(/[\u0001\u0008\uFFFE]/g, ''));
      }
    });
  }

  it('does not let host text open a CDATA section or a comment', async () => {
    const input = sampleReportInput();
    input.content.findings = '<![CDATA[ x ]]> <!-- y --> <?pi z?>';
    const report = await generateImagingReport(input, { level: 3 });
    assert.ok(!report.xml.includes('<![CDATA['));
    assert.ok(!report.xml.includes('<!--'));
    assert.ok(!report.xml.includes('<?pi'));
    parseXml(report.xml);
  });
});
