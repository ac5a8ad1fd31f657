import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { XdsError, buildXdsMetadata, xdsTimeFromCda } from '../../../src/documents/xds/index.js';
import type { XdsPublicationContext } from '../../../src/documents/xds/index.js';
import { crImgLevel1File, crImgLevel3File, replaceOnce } from '../cda-fixtures.js';

const context: XdsPublicationContext = {
  sourceId: '1.2.250.1.213.4.5.9.1',
  author: { person: { id: '801234567894', family: 'BERNARD', given: 'Claire' }, institution: { name: 'CH démo', id: '1750000001' } },
  contentTypeCode: { code: '07', codingScheme: '1.2.250.1.213.2.2', displayName: 'Consultation externe' },
  submissionUniqueId: '2.25.1',
  submissionTime: new Date('2026-03-12T10:45:00Z'),
};

const level1 = (): Buffer => readFileSync(crImgLevel1File);
const level3 = (): Buffer => readFileSync(crImgLevel3File);

function expectXdsError(build: () => unknown, code: XdsError['code'], path: RegExp): void {
  assert.throws(build, (e: unknown) => {
    assert.ok(e instanceof XdsError, String(e));
    assert.equal(e.code, code);
    assert.match(e.path, path);
    return true;
  });
}

describe('XDS metadata of a CR-IMG for the DMP', () => {
  it('builds the DocumentEntry of the level-1 report from its CDA header (CI-SIS mapping)', () => {
    const cda = level1();
    const { documentEntry: d, submissionSet: s } = buildXdsMetadata(cda, context);
    assert.equal(d.uniqueId, '1.2.250.1.213.4.5.2.7.1001');
    assert.equal(d.patientId, '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH');
    assert.equal(d.sourcePatientId, 'IPP101^^^&1.2.250.1.213.4.5.2.4&ISO^PI');
    assert.deepEqual(d.typeCode, { code: '18748-4', codingScheme: '2.16.840.1.113883.6.1', displayName: "CR d'imagerie médicale" });
    assert.deepEqual(d.classCode, { code: '31', codingScheme: '1.2.250.1.213.1.1.4.1', displayName: 'Imagerie médicale' });
    assert.equal(d.formatCode.code, 'urn:ihe:iti:xds-sd:pdf:2008');
    assert.deepEqual(d.healthcareFacilityTypeCode, {
      code: 'SA01',
      codingScheme: '1.2.250.1.71.4.2.4',
      displayName: 'Etablissement public de santé',
    });
    // The performer's organisation (documentationOf), not the author's.
    assert.equal(d.practiceSettingCode.code, 'ETABLISSEMENT');
    assert.deepEqual(
      d.confidentialityCodes.map((c) => c.code),
      ['N'],
    );
    assert.equal(d.creationTime, '20260312103000', 'effectiveTime 11:30 +0100 in UTC');
    assert.equal(d.serviceStartTime, '20260312092500');
    assert.equal(d.serviceStopTime, '20260312101700');
    assert.equal(d.languageCode, 'fr-FR');
    assert.equal(d.legalAuthenticator, '801234567894^BERNARD^Claire^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS');
    assert.equal(d.authors.length, 1);
    assert.equal(d.authors[0]?.person, '801234567893^MARTIN^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS');
    assert.deepEqual(d.authors[0]?.institutions, ['Téléradiologie de démonstration^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1750000000']);
    assert.deepEqual(d.authors[0]?.specialties, ['G15_10/SM44^Médecin - Radio-diagnostic (SM)^1.2.250.1.213.1.1.4.5']);
    assert.equal(d.hash, createHash('sha1').update(cda).digest('hex'));
    assert.equal(d.size, cda.length);
    assert.deepEqual(d.referenceIds, [
      'ACN102^^^&1.2.250.1.213.4.5.2.5&ISO^urn:ihe:iti:xds:2013:accession',
      'OPN102^^^&1.2.250.1.213.4.5.2.6&ISO^urn:ihe:iti:xds:2013:order',
      '1.2.250.1.213.4.5.2.1.102^^^^urn:ihe:iti:xds:2016:studyInstanceUID',
    ]);
    assert.deepEqual(d.eventCodes, [{ code: 'MR', codingScheme: '1.2.250.1.213.1.1.5.618', displayName: 'Magnetic Resonance' }]);
    assert.deepEqual(d.sourcePatientInfo, ['PID-5|DUPONT^Marie Louise^^^^^L', 'PID-7|19790315', 'PID-8|F']);
    assert.equal(s.patientId, d.patientId);
    assert.equal(s.uniqueId, '2.25.1');
    assert.equal(s.submissionTime, '20260312104500');
    assert.equal(s.author.person, '801234567894^BERNARD^Claire^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS');
    assert.deepEqual(s.author.institutions, ['CH démo^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1750000001']);
  });

  it('gives the level-3 report the structured imaging-report formatCode', () => {
    const { documentEntry } = buildXdsMetadata(level3(), context);
    assert.equal(documentEntry.formatCode.code, 'urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013');
    assert.equal(documentEntry.uniqueId, '1.2.250.1.213.4.5.2.7.1002');
  });

  it('adds the DMP masking codes after the CDA confidentiality, once each, and the RPLC target', () => {
    const m = buildXdsMetadata(level1(), {
      ...context,
      confidentiality: ['MASQUE_PS', 'INVISIBLE_REPRESENTANTS_LEGAUX', 'MASQUE_PS'],
      replaces: { entryUUID: 'urn:uuid:0f0e0d0c-0b0a-4909-8807-060504030201' },
    });
    assert.deepEqual(
      m.documentEntry.confidentialityCodes.map((c) => [c.code, c.codingScheme]),
      [
        ['N', '2.16.840.1.113883.5.25'],
        ['MASQUE_PS', '1.2.250.1.213.1.1.4.13'],
        ['INVISIBLE_REPRESENTANTS_LEGAUX', '1.2.250.1.213.1.1.4.13'],
      ],
    );
    assert.deepEqual(m.replaces, { entryUUID: 'urn:uuid:0f0e0d0c-0b0a-4909-8807-060504030201' });
  });

  it('refuses a CDA without qualified INS, naming the recordTarget', () => {
    const cda = replaceOnce(level1().toString('utf8'), '<id root="1.2.250.1.213.1.4.10" extension="279035121518989"/>', '');
    expectXdsError(() => buildXdsMetadata(Buffer.from(cda), context), 'TLR_ERR_XDS_MISSING_VALUE', /recordTarget/);
  });

  it('accepts the production INS root', () => {
    const cda = replaceOnce(level1().toString('utf8'), 'root="1.2.250.1.213.1.4.10"', 'root="1.2.250.1.213.1.4.8"');
    assert.equal(buildXdsMetadata(Buffer.from(cda), context).documentEntry.patientId, '279035121518989^^^&1.2.250.1.213.1.4.8&ISO^NH');
  });

  it('accepts the INS-NIR of a patient born in Corsica (department 2A or 2B) and refuses one of the wrong form', () => {
    for (const nir of ['213102A00446967', '179032B12345642']) {
      const cda = replaceOnce(level1().toString('utf8'), 'extension="279035121518989"', `extension="${nir}"`);
      assert.equal(buildXdsMetadata(Buffer.from(cda), context).documentEntry.patientId, `${nir}^^^&1.2.250.1.213.1.4.10&ISO^NH`);
    }
    for (const nir of ['2131A2000446967', '27903512151898', '579035121518989']) {
      const cda = replaceOnce(level1().toString('utf8'), 'extension="279035121518989"', `extension="${nir}"`);
      expectXdsError(() => buildXdsMetadata(Buffer.from(cda), context), 'TLR_ERR_XDS_INVALID_VALUE', /recordTarget/);
    }
  });

  it('refuses a document id with an extension (the DMP takes a plain OID)', () => {
    const cda = replaceOnce(
      level1().toString('utf8'),
      '<id root="1.2.250.1.213.4.5.2.7.1001"/>',
      '<id root="1.2.250.1.213.4.5.2.7" extension="1001"/>',
    );
    expectXdsError(() => buildXdsMetadata(Buffer.from(cda), context), 'TLR_ERR_XDS_INVALID_VALUE', /^cda\.id$/);
  });

  it('refuses a CDA without legal authenticator, healthcare facility type, practice setting or service start', () => {
    const text = level1().toString('utf8');
    const cases: Array<[string | RegExp, RegExp]> = [
      [/<legalAuthenticator>[\s\S]*?<\/legalAuthenticator>/, /legalAuthenticator/],
      [/<healthCareFacility>[\s\S]*?<\/healthCareFacility>/, /healthCareFacility/],
      [/<standardIndustryClassCode code="ETABLISSEMENT"[^>]*\/>/, /standardIndustryClassCode/],
      ['<low value="20260312102500+0100"/>\n        <high', /serviceEvent\.effectiveTime\.low/],
    ];
    for (const [search, path] of cases) {
      const by = typeof search === 'string' ? '<high' : '';
      expectXdsError(() => buildXdsMetadata(Buffer.from(replaceOnce(text, search, by)), context), 'TLR_ERR_XDS_MISSING_VALUE', path);
    }
  });

  it('refuses bytes that are not a CDA', () => {
    expectXdsError(() => buildXdsMetadata(Buffer.from('<html/>'), context), 'TLR_ERR_XDS_NOT_CDA', /^document$/);
  });

  it('converts CDA times to UTC DTM at their precision', () => {
    assert.equal(xdsTimeFromCda('20210108111700+0100'), '20210108101700');
    assert.equal(xdsTimeFromCda('202101080030-0230'), '202101080300');
    assert.equal(xdsTimeFromCda('20210101003000+0100'), '20201231233000');
    assert.equal(xdsTimeFromCda('20210108'), '20210108');
    assert.equal(xdsTimeFromCda('2021-01-08'), undefined);
  });
});
