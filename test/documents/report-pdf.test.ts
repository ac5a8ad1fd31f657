import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pdfOfReport } from '../../src/documents/report-pdf.js';
import { repoRoot } from '../helpers/paths.js';

const fixtures = join(repoRoot, 'test', 'documents', 'fixtures', 'cda');

describe('the PDF of a level-1 report', () => {
  it('is the base64 text of the nonXMLBody, decoded', () => {
    const pdf = pdfOfReport(readFileSync(join(fixtures, 'cr-img-level1.xml')));
    assert.ok(pdf);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  });

  it('reads base64 written over several lines', () => {
    const pdf = pdfOfReport('<nonXMLBody><text mediaType="application/pdf" representation="B64">JVBE\n  Ri0x\r\nLjQK</text></nonXMLBody>');
    assert.equal(pdf?.toString('latin1'), '%PDF-1.4\n');
  });

  it('is absent from a level-3 report', () => {
    assert.equal(pdfOfReport(readFileSync(join(fixtures, 'cr-img-level3.xml'))), undefined);
  });
});
