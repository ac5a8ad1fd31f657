import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseMessage } from '../../../src/hl7/index.js';
import { ImagingReportError, generateImagingReport, imagingReportInputFromPostExam } from '../../../src/documents/report/index.js';
import type { PlatformReportContext } from '../../../src/documents/report/index.js';
import { postExamInfoFromMessage } from '../../../src/tlr/index.js';
import { examplesDir } from '../../helpers/paths.js';
import { sampleReportInput } from './report-fixtures.js';
import { attr, parseXml } from './xml-query.js';

function flow4() {
  const bytes = readFileSync(join(examplesDir, 'teleradiologie', 'flux4_OMI_O23_complement_post_examen.hl7'));
  return postExamInfoFromMessage(parseMessage(bytes)).postExamInfo;
}

function context(): PlatformReportContext {
  const sample = sampleReportInput();
  return {
    document: sample.document,
    radiologist: {
      professional: { idNat: '801234560801', familyName: 'BIDEAULT', givenName: 'Jacques', prefix: 'DR', identifierType: 'IDNPS' },
      specialty: sample.radiologist.specialty!,
    },
    platform: { organisation: { name: 'Plateforme TLR', identifierType: 'IDNST', identifier: '1920008059' } },
    facility: {
      organisation: { name: 'Centre de radiologie', identifierType: 'FINEG', identifier: '750000001' },
      facilityType: sample.facility.facilityType,
      practiceSetting: sample.facility.practiceSetting,
    },
    anatomicalLocation: sample.exam.anatomicalLocation!,
    content: sample.content,
  };
}

describe('imaging report input from the flow-4 post-exam information', () => {
  const flow4Test =
    'maps the ANS flow 4 example (patient INS and traits, order, accession, study, act, modality, region, viewer) into a report';
  it(flow4Test, async () => {
    const postExam = flow4();
    const exam = postExam.exams[0];
    assert.ok(exam);
    // The guide's example carries a placeholder instead of a base64 URL: use the drimbox.md test vector.
    exam.viewerUrl =
      'https://drimbox.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=1.2.250.1.213.4.5.2.1.101' +
      '&Accessionnumber=1.2.250.1.925.994044.27.ACN101';
    const input = imagingReportInputFromPostExam(postExam, context());
    const report = await generateImagingReport(input, { level: 3 });
    const doc = parseXml(report.xml);
    const CD = 'ClinicalDocument';
    assert.equal(attr(doc, `${CD}/recordTarget/patientRole/id`, 'extension'), '279035121518989');
    assert.equal(attr(doc, `${CD}/recordTarget/patientRole/id`, 'root'), '1.2.250.1.213.1.4.10');
    assert.equal(attr(doc, `${CD}/recordTarget/patientRole/patient/birthTime`, 'value'), '19790328');
    assert.equal(attr(doc, `${CD}/inFulfillmentOf/order/id`, 'extension'), 'OPN101');
    assert.equal(attr(doc, `${CD}/inFulfillmentOf/order/ps3-20:accessionNumber`, 'extension'), 'ACN101');
    assert.equal(attr(doc, `${CD}/documentationOf/serviceEvent/id`, 'root'), '1.2.250.1.213.4.5.2.1.101');
    assert.equal(attr(doc, `${CD}/documentationOf/serviceEvent/code`, 'code'), '24590-2');
    assert.equal(attr(doc, `${CD}/documentationOf/serviceEvent/code/translation`, 'code'), 'MR');
    assert.equal(
      attr(doc, `${CD}/componentOf/encompassingEncounter/location/healthCareFacility/id`, 'extension'),
      '1750000001',
      'FINESS → 1 + FINESS',
    );
    assert.equal(input.viewer?.imageRetentionDays, 730);
    assert.ok(report.viewerUrl?.endsWith(`idCDA=${report.documentId.root}`));
  });

  it('refuses a post-exam information whose patient has no qualified INS', () => {
    const postExam = flow4();
    delete postExam.patient.ins;
    assert.throws(
      () => imagingReportInputFromPostExam(postExam, context()),
      (e: unknown) => e instanceof ImagingReportError && e.problems.some((p) => p.path === 'patient.ins'),
    );
  });
});
