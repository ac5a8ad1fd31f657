import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateImagingReport } from '../../../src/documents/report/index.js';
import { sampleReportInput } from './report-fixtures.js';
import { attr, parseXml, select, text } from './xml-query.js';

const CD = 'ClinicalDocument';

describe('imaging report header', () => {
  for (const level of [1, 3] as const) {
    it(`level ${level}: carries every header element of the CI-SIS imaging report, in XSD order`, async () => {
      const input = sampleReportInput();
      const report = await generateImagingReport(input, { level });
      const doc = parseXml(report.xml);
      const root = select(doc, CD)[0];
      assert.ok(root, 'ClinicalDocument root');
      assert.equal(root['@xmlns'], 'urn:hl7-org:v3');
      assert.equal(root['@xmlns:ps3-20'], 'urn:dicom-org:ps3-20');

      const order = Object.keys(root).filter((k) => !k.startsWith('@') && k !== '#text');
      const expectedOrder = [
        'realmCode',
        'typeId',
        'templateId',
        'id',
        'code',
        'title',
        'effectiveTime',
        'confidentialityCode',
        'languageCode',
        'setId',
        'versionNumber',
        'recordTarget',
        'author',
        'custodian',
        'legalAuthenticator',
        'inFulfillmentOf',
        'documentationOf',
        'componentOf',
        'component',
      ];
      assert.deepEqual(order, expectedOrder);

      assert.equal(attr(doc, `${CD}/realmCode`, 'code'), 'FR');
      assert.equal(attr(doc, `${CD}/typeId`, 'extension'), 'POCD_HD000040');
      const templateIds = select(doc, `${CD}/templateId`).map((t) => t['@root']);
      if (level === 1) assert.deepEqual(templateIds, ['2.16.840.1.113883.2.8.2.1', '1.2.250.1.213.1.1.1.1', '1.3.6.1.4.1.19376.1.2.20']);
      else {
        assert.deepEqual(templateIds, [
          '2.16.840.1.113883.2.8.2.1',
          '1.2.250.1.213.1.1.1.1',
          '1.2.840.10008.9.1',
          '1.2.840.10008.9.20',
          '1.2.840.10008.9.21',
          '1.2.250.1.213.1.1.1.45',
        ]);
        assert.equal(select(doc, `${CD}/templateId`)[5]?.['@extension'], '2024.01');
      }

      assert.equal(attr(doc, `${CD}/id`, 'root'), report.documentId.root);
      assert.match(report.documentId.root, /^2\.25\.\d+$/);
      assert.equal(attr(doc, `${CD}/id`, 'extension'), undefined, 'plain OID id, no extension (DMP uniqueId)');
      assert.equal(attr(doc, `${CD}/code`, 'code'), '18748-4');
      assert.equal(attr(doc, `${CD}/code`, 'codeSystem'), '2.16.840.1.113883.6.1');
      assert.ok(attr(doc, `${CD}/code`, 'displayName'));
      assert.equal(attr(doc, `${CD}/code/translation`, 'code'), '24590-2');
      assert.equal(text(select(doc, `${CD}/title`)[0]), "CR d'imagerie médicale - IRM cerveau");
      assert.equal(attr(doc, `${CD}/effectiveTime`, 'value'), '20260107111700+0100');
      assert.equal(attr(doc, `${CD}/confidentialityCode`, 'code'), 'N');
      assert.equal(attr(doc, `${CD}/confidentialityCode`, 'displayName'), 'Normal');
      assert.equal(attr(doc, `${CD}/languageCode`, 'code'), 'fr-FR');
      assert.equal(attr(doc, `${CD}/setId`, 'root'), report.documentId.root, 'first version: setId = id');
      assert.equal(attr(doc, `${CD}/versionNumber`, 'value'), '1');

      const ids = select(doc, `${CD}/recordTarget/patientRole/id`);
      assert.deepEqual(
        ids.map((i) => [i['@root'], i['@extension']]),
        [
          ['1.2.250.1.213.1.4.10', '279035121518989'],
          ['1.2.250.1.213.4.5.2.4', 'IPP101'],
        ],
      );
      const name = select(doc, `${CD}/recordTarget/patientRole/patient/name`)[0] ?? {};
      const families = select(name, 'family').map((f) => [f['@qualifier'], text(f)]);
      const givens = select(name, 'given').map((g) => [g['@qualifier'], text(g)]);
      assert.deepEqual(families, [['BR', 'PAT-TROIS']]);
      assert.deepEqual(givens, [
        [undefined, 'DOMINIQUE MARIE-LOUISE'],
        ['BR', 'DOMINIQUE'],
        ['CL', 'DOMINIQUE'],
      ]);
      assert.equal(attr(doc, `${CD}/recordTarget/patientRole/patient/administrativeGenderCode`, 'code'), 'F');
      assert.equal(attr(doc, `${CD}/recordTarget/patientRole/patient/birthTime`, 'value'), '19790328');
      assert.equal(text(select(doc, `${CD}/recordTarget/patientRole/patient/birthplace/place/addr/county`)[0]), '63220');

      assert.equal(attr(doc, `${CD}/author/assignedAuthor/id`, 'root'), '1.2.250.1.71.4.2.1');
      assert.equal(attr(doc, `${CD}/author/assignedAuthor/id`, 'extension'), '801234560801');
      assert.equal(attr(doc, `${CD}/author/assignedAuthor/code`, 'code'), 'G15_10/SM44');
      assert.equal(attr(doc, `${CD}/author/assignedAuthor/representedOrganization/id`, 'extension'), '1920008059');
      assert.equal(attr(doc, `${CD}/custodian/assignedCustodian/representedCustodianOrganization/id`, 'root'), '1.2.250.1.71.4.2.2');
      assert.equal(attr(doc, `${CD}/custodian/assignedCustodian/representedCustodianOrganization/id`, 'extension'), '101235555');
      assert.equal(attr(doc, `${CD}/legalAuthenticator/signatureCode`, 'code'), 'S');
      assert.equal(attr(doc, `${CD}/legalAuthenticator/assignedEntity/id`, 'extension'), '801234560801');
      assert.equal(text(select(doc, `${CD}/legalAuthenticator/assignedEntity/assignedPerson/name/family`)[0]), 'BIDEAULT');

      assert.equal(attr(doc, `${CD}/inFulfillmentOf/order/id`, 'root'), '1.2.250.1.748.12345678.12');
      assert.equal(attr(doc, `${CD}/inFulfillmentOf/order/id`, 'extension'), 'OPN101');
      assert.equal(attr(doc, `${CD}/inFulfillmentOf/order/ps3-20:accessionNumber`, 'root'), '1.2.250.1.925.994044.27');
      assert.equal(attr(doc, `${CD}/inFulfillmentOf/order/ps3-20:accessionNumber`, 'extension'), 'ACN101');

      const event = `${CD}/documentationOf/serviceEvent`;
      assert.equal(attr(doc, event, 'classCode'), 'ACT');
      assert.equal(attr(doc, `${event}/id`, 'root'), '1.2.250.1.213.4.5.2.1.101');
      assert.equal(attr(doc, `${event}/id`, 'extension'), undefined);
      assert.equal(attr(doc, `${event}/code`, 'code'), '24590-2');
      const translations = select(doc, `${event}/code/translation`);
      assert.deepEqual(
        translations.map((t) => t['@code']),
        ['MR', '774007'],
      );
      assert.equal(attr(translations[0] ?? {}, 'qualifier/name', 'code'), '121139');
      assert.equal(attr(translations[1] ?? {}, 'qualifier/name', 'code'), '39111-0');
      assert.equal(attr(doc, `${event}/effectiveTime/low`, 'value'), '20260106184418+0100');
      assert.equal(attr(doc, `${event}/performer`, 'typeCode'), 'PRF');
      assert.equal(attr(doc, `${event}/performer/assignedEntity/representedOrganization/standardIndustryClassCode`, 'code'), 'AMBULATOIRE');

      assert.equal(select(doc, `${CD}/relatedDocument`).length, 0, 'no RPLC on a first version');
      assert.equal(attr(doc, `${CD}/componentOf/encompassingEncounter/code`, 'code'), 'AMB');
      assert.equal(attr(doc, `${CD}/componentOf/encompassingEncounter/location/healthCareFacility/code`, 'code'), 'SA08');
    });
  }

  it('level 1: the body is the PDF in base64 and nothing else', async () => {
    const report = await generateImagingReport(sampleReportInput(), { level: 1 });
    const doc = parseXml(report.xml);
    const body = select(doc, `${CD}/component/nonXMLBody/text`)[0] ?? {};
    assert.equal(body['@mediaType'], 'application/pdf');
    assert.equal(body['@representation'], 'B64');
    const bytes = Buffer.from(text(body).trim(), 'base64');
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.deepEqual(new Uint8Array(bytes), report.pdf);
    assert.equal(select(doc, `${CD}/component/structuredBody`).length, 0);
  });

  it('level 3: structured body with the mandatory IMG-CR-IMG sections and the completed viewer URL in the SOP instance entry', async () => {
    const report = await generateImagingReport(sampleReportInput(), { level: 3 });
    const doc = parseXml(report.xml);
    const sections = select(doc, `${CD}/component/structuredBody/component/section`);
    const ciSisTemplate = (s: Record<string, unknown>): unknown => select(s, 'templateId')[1]?.['@root'];
    assert.deepEqual(sections.map(ciSisTemplate), [
      '1.2.250.1.213.1.1.2.205',
      '1.2.250.1.213.1.1.2.206',
      '1.2.250.1.213.1.1.2.208',
      '1.2.250.1.213.1.1.2.209',
    ]);
    const acte = sections[1] ?? {};
    assert.equal(attr(acte, 'entry/procedure/targetSiteCode', 'code'), '302548004');
    const study = select(acte, 'component/section/entry/act')[0] ?? {};
    assert.equal(attr(study, 'id', 'root'), '1.2.250.1.213.4.5.2.1.101');
    const sop = select(study, 'entryRelationship/act/entryRelationship/observation')[0] ?? {};
    assert.equal(sop['@classCode'], 'DGIMG');
    assert.equal(attr(sop, 'text', 'mediaType'), 'application/dicom');
    assert.equal(
      attr(sop, 'text/reference', 'value'),
      `https://drimbox.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=1.2.250.1.213.4.5.2.1.101` +
        `&Accessionnumber=1.2.250.1.925.994044.27.ACN101&idCDA=${report.documentId.root}`,
    );
    assert.equal(report.viewerUrl, attr(sop, 'text/reference', 'value'));
    assert.equal(attr(sop, 'code', 'code'), '1.2.840.10008.5.1.4.1.1.4', 'MR Image Storage for an MR exam');
  });

  const responsibleTest =
    'puts the facility responsible physician as second author and legal authenticator when asked, the radiologist as authenticator';
  it(responsibleTest, async () => {
    const input = sampleReportInput();
    input.facility.responsiblePhysician = {
      idNat: '801234560804',
      familyName: 'DART',
      givenName: 'Thierry',
      identifierType: 'IDNPS',
      prefix: 'DR',
    };
    input.legalAuthenticator = 'facility-responsible-physician';
    const doc = parseXml((await generateImagingReport(input, { level: 1 })).xml);
    const authors = select(doc, `${CD}/author`);
    assert.equal(authors.length, 2);
    assert.equal(attr(authors[1] ?? {}, 'functionCode', 'code'), 'ATTPHYS');
    assert.equal(attr(doc, `${CD}/legalAuthenticator/assignedEntity/id`, 'extension'), '801234560804');
    assert.equal(attr(doc, `${CD}/legalAuthenticator/assignedEntity/representedOrganization/id`, 'extension'), '101235555');
    assert.equal(attr(doc, `${CD}/authenticator/assignedEntity/id`, 'extension'), '801234560801');
  });
});
