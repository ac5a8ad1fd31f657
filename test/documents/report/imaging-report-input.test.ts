import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImagingReportError, checkImagingReportInput, generateImagingReport } from '../../../src/documents/report/index.js';
import { sampleReportInput } from './report-fixtures.js';

describe('imaging report input checks', () => {
  it('accepts the sample report at both levels', () => {
    assert.deepEqual(checkImagingReportInput(sampleReportInput(), 1), []);
    assert.deepEqual(checkImagingReportInput(sampleReportInput(), 3), []);
  });

  it('lists every problem at once, located by its path', async () => {
    const input = sampleReportInput();
    input.patient.ins!.authorityOid = '1.2.3';
    input.patient.birthplaceCode = 'Paris';
    input.exam.studyInstanceUid = 'not-a-uid';
    input.exam.modality.codeSystem = '2.16.840.1.113883.6.96';
    input.order.placerOrderNumber.authorityOid = 'ISO';
    input.radiologist.telecoms = [{ value: '0146000000' }];
    await assert.rejects(generateImagingReport(input, { level: 1 }), (error: unknown) => {
      assert.ok(error instanceof ImagingReportError);
      assert.equal(error.code, 'TLR_ERR_REPORT_INPUT_INVALID');
      assert.deepEqual(error.problems.map((p) => p.path).sort(), [
        'exam.modality.codeSystem',
        'exam.studyInstanceUid',
        'order.placerOrderNumber.authorityOid',
        'patient.birthplaceCode',
        'patient.ins.authorityOid',
        'radiologist.telecoms[0].value',
      ]);
      assert.match(error.describe(), /^TLR_ERR_REPORT_INPUT_INVALID: /);
      return true;
    });
  });

  it('requires the technique anatomical location for level 3 only', () => {
    const input = sampleReportInput();
    delete input.exam.anatomicalLocation;
    assert.deepEqual(checkImagingReportInput(input, 1), []);
    assert.deepEqual(
      checkImagingReportInput(input, 3).map((p) => p.path),
      ['exam.anatomicalLocation'],
    );
  });

  it('requires the facility responsible physician when they are the legal authenticator', () => {
    const input = sampleReportInput();
    input.legalAuthenticator = 'facility-responsible-physician';
    assert.deepEqual(
      checkImagingReportInput(input, 1).map((p) => p.path),
      ['facility.responsiblePhysician'],
    );
  });
});
