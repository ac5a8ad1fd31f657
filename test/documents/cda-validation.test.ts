import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { detectCdaProfile, parseXmlForSchematron, validateCda, warmUpCdaValidation } from '../../src/documents/validation/index.js';
import type { CdaIssueSource, CdaValidationReport } from '../../src/documents/validation/index.js';
import { crImgLevel1File, crImgLevel3File, largeCrImgLevel3, readFixture, replaceOnce } from './cda-fixtures.js';

/**
 * These tests run the official ANS rule sets bundled in `rulesets/testcontenucda`, from the compiled forms
 * shipped in `rulesets/compiled` (loaded in seconds). When those do not match the kit, the rule sets are
 * compiled into the user cache (minutes on two cores), hence the long timeout.
 */
const COMPILE_TIMEOUT = 20 * 60 * 1000;

function errors(report: CdaValidationReport): CdaValidationReport['issues'] {
  return report.issues.filter((issue) => issue.severity === 'error');
}

describe('validateCda on the imaging report fixtures', { timeout: COMPILE_TIMEOUT }, () => {
  let level1: string;
  let level3: string;

  before(
    async () => {
      level1 = readFixture(crImgLevel1File);
      level3 = readFixture(crImgLevel3File);
      await warmUpCdaValidation();
    },
    { timeout: COMPILE_TIMEOUT },
  );

  it('accepts the level-1 report with no issue, checked by the XSD and the four transverse rule sets', async () => {
    const report = await validateCda(level1);
    assert.equal(report.profile, 'IMG-CR-IMG_N1');
    assert.deepEqual(report.issues, []);
    assert.equal(report.valid, true);
    assert.deepEqual(report.ruleSets, ['xsd', 'ASIP-STRUCT-MIN-StrucMin', 'IHE', 'CI-SIS_ModelesDeContenusCDA', 'CI-SIS_Modeles_ANS']);
  });

  it('accepts the level-3 report with no issue, adding the IMG-CR-IMG 2024.01 rule set', async () => {
    const report = await validateCda(level3);
    assert.equal(report.profile, 'IMG-CR-IMG_2024.01');
    assert.deepEqual(report.issues, []);
    assert.ok(report.ruleSets.includes('CI-SIS_IMG-CR-IMG_2024.01'));
    assert.ok(!report.ruleSets.includes('CI-SIS_IMG-DA-IMG_2024.01'));
  });

  it('accepts bytes as well as text', async () => {
    const report = await validateCda(new TextEncoder().encode(level1));
    assert.equal(report.valid, true);
    assert.equal(report.profile, 'IMG-CR-IMG_N1');
  });

  interface BrokenVariant {
    readonly name: string;
    readonly build: () => string;
    readonly source: CdaIssueSource;
    readonly rule?: string;
    readonly location: string;
    readonly message: RegExp;
  }

  const variants: readonly BrokenVariant[] = [
    {
      name: 'level 3 without the IMG-CR-IMG volet templateId',
      build: () => replaceOnce(level3, '<templateId root="1.2.250.1.213.1.1.1.45" extension="2024.01"/>', ''),
      source: 'CI-SIS_IMG-CR-IMG_2024.01',
      rule: 'Entete_IMG-CR-IMG',
      location: '/ClinicalDocument',
      message: /templateId "1\.2\.250\.1\.213\.1\.1\.1\.45" doit être présent/,
    },
    {
      name: 'level 3 with a document code other than LOINC 18748-4',
      build: () => replaceOnce(level3, '<code code="18748-4"', '<code code="11488-4"'),
      source: 'CI-SIS_IMG-CR-IMG_2024.01',
      rule: 'Entete_IMG-CR-IMG',
      location: '/ClinicalDocument',
      message: /@code="18748-4"/,
    },
    {
      name: 'level 1 with an INS but without the birth place (INS traits incomplete)',
      build: () => replaceOnce(level1, /<birthplace>[\s\S]*?<\/birthplace>\s*/, ''),
      source: 'ASIP-STRUCT-MIN-StrucMin',
      location: '/ClinicalDocument',
      message: /les traits de l'INS .* sont obligatoires/,
    },
    {
      name: 'level 1 with a local patient identifier lacking @extension',
      build: () => replaceOnce(level1, '<id root="1.2.250.1.213.4.5.2.4" extension="IPP101"/>', '<id root="1.2.250.1.213.4.5.2.4"/>'),
      source: 'ASIP-STRUCT-MIN-StrucMin',
      location: '/ClinicalDocument/recordTarget[1]/patientRole[1]/id[2]',
      message: /attribute @extension SHALL be present/,
    },
    {
      name: 'level 1 with a confidentiality code outside N/R/V',
      build: () => replaceOnce(level1, '<confidentialityCode code="N"', '<confidentialityCode code="X"'),
      source: 'ASIP-STRUCT-MIN-StrucMin',
      location: '/ClinicalDocument/confidentialityCode[1]',
      message: /value set '2\.16\.840\.1\.113883\.1\.11\.16926'/,
    },
    {
      name: 'level 1 with languageCode "fr" instead of "fr-FR"',
      build: () => replaceOnce(level1, '<languageCode code="fr-FR"/>', '<languageCode code="fr"/>'),
      source: 'ASIP-STRUCT-MIN-StrucMin',
      location: '/ClinicalDocument/languageCode[1]',
      message: /languageCode doit respecter la syntaxe/,
    },
    {
      name: 'level 1 declaring the IMG-CR-IMG templateId next to the XDS-SD one',
      build: () =>
        replaceOnce(
          level1,
          '<templateId root="1.3.6.1.4.1.19376.1.2.20"/>',
          '<templateId root="1.3.6.1.4.1.19376.1.2.20"/><templateId root="1.2.250.1.213.1.1.1.45"/>',
        ),
      source: 'ASIP-STRUCT-MIN-StrucMin',
      location: '/ClinicalDocument',
      message: /seuls les trois templateId/,
    },
    {
      name: 'XSD: languageCode after versionNumber (element order of POCD_MT000040.ClinicalDocument)',
      build: () =>
        replaceOnce(
          replaceOnce(level1, '<languageCode code="fr-FR"/>\n', ''),
          '<versionNumber value="1"/>',
          '<versionNumber value="1"/>\n  <languageCode code="fr-FR"/>',
        ),
      source: 'xsd',
      rule: 'xsd',
      location: 'line 19',
      message: /Element '\{urn:hl7-org:v3\}languageCode': This element is not expected/,
    },
    {
      name: 'XSD: a report that is not well-formed',
      build: () => replaceOnce(level1, '</title>', '</titl>'),
      source: 'xsd',
      rule: 'xml-well-formedness',
      location: 'line 14',
      message: /Opening and ending tag mismatch: title line 14 and titl/,
    },
    {
      name: 'level 3 without the FR-DICOM-Conclusion section',
      build: () =>
        replaceOnce(
          level3,
          / {6}<component>\n {8}<section>\n {10}<templateId root="1\.2\.840\.10008\.9\.5"\/>[\s\S]*?<\/section>\n {6}<\/component>\n/,
          '',
        ),
      source: 'CI-SIS_IMG-CR-IMG_2024.01',
      rule: 'principal',
      location: '/ClinicalDocument/component[1]/structuredBody[1]',
      message: /La section "FR-DICOM-Conclusion" \(1\.2\.250\.1\.213\.1\.1\.2\.209\) doit être présente/,
    },
    {
      name: 'level 3 with series modality "RM", not in JDV_ModaliteAcquisition',
      build: () =>
        replaceOnce(level3, '<value code="MR" codeSystem="1.2.840.10008.2.16.4"', '<value code="RM" codeSystem="1.2.840.10008.2.16.4"'),
      source: 'CI-SIS_IMG-CR-IMG_2024.01',
      rule: 'JDV_ModaliteAcquisition-CISIS',
      location:
        '/ClinicalDocument/component[1]/structuredBody[1]/component[1]/section[1]/component[1]/section[1]/entry[1]/act[1]' +
        '/entryRelationship[1]/act[1]/code[1]/qualifier[1]/value[1]',
      message: new RegExp(
        String.raw`\[RM:Résonance magnétique:1\.2\.840\.10008\.2\.16\.4\] doit faire partie du jeu de valeurs ` +
          String.raw`\.\.\/jeuxDeValeurs\/jdv-modalite-acquisition-cisis\.xml`,
      ),
    },
    {
      name: 'level 3 with an order but no accession number',
      build: () => replaceOnce(level3, '<ps3-20:accessionNumber root="1.2.250.1.213.4.5.2.5" extension="ACN102"/>', ''),
      source: 'CI-SIS_IMG-CR-IMG_2024.01',
      rule: 'Entete_IMG-CR-IMG',
      location: '/ClinicalDocument/inFulfillmentOf[1]',
      message: /accessionNumber est obligatoire/,
    },
    {
      name: 'level 3 with a laterality outside jdv-lateralite-technique-imagerie-cisis',
      build: () => replaceOnce(level3, '<value code="66459002"', '<value code="24028007"'),
      source: 'CI-SIS_IMG-CR-IMG_2024.01',
      rule: 'JDV_LateraliteTechniqueImagerie-CISIS',
      location:
        '/ClinicalDocument/component[1]/structuredBody[1]/component[1]/section[1]/entry[1]/procedure[1]' +
        '/targetSiteCode[1]/qualifier[1]/value[1]',
      message: /jdv-lateralite-technique-imagerie-cisis/,
    },
    {
      name: 'level 3 whose SOP instance text is not application/dicom',
      build: () => replaceOnce(level3, '<text mediaType="application/dicom">', '<text mediaType="text/plain">'),
      source: 'CI-SIS_IMG-CR-IMG_2024.01',
      rule: 'E_ExamenImagerie_IMG-CR-IMG',
      location:
        '/ClinicalDocument/component[1]/structuredBody[1]/component[1]/section[1]/component[1]/section[1]/entry[1]/act[1]' +
        '/entryRelationship[1]/act[1]/entryRelationship[1]/observation[1]/text[1]',
      message: /FR-DICOM-SOP-instance-observation/,
    },
  ];

  for (const variant of variants) {
    it(`flags ${variant.name}`, async () => {
      // The XSD run (half a second) is kept for the XSD variants only: the other edits are schema-valid.
      const report = await validateCda(variant.build(), { skipXsd: variant.source !== 'xsd' });
      assert.equal(report.valid, false);
      const found = errors(report);
      const match = found.find(
        (issue) =>
          issue.source === variant.source &&
          issue.location === variant.location &&
          variant.message.test(issue.message) &&
          (variant.rule === undefined || issue.rule === variant.rule),
      );
      assert.ok(
        match,
        `expected error not found; ` +
          `got:\n${found.map((issue) => `${issue.source} ${issue.rule} ${issue.location} ${issue.message}`).join('\n')}`,
      );
      // The edit breaks one requirement: nothing else may be reported as an error.
      assert.equal(found.length, 1, found.map((issue) => issue.message).join('\n'));
    });
  }

  it('detects an imaging order (DA-IMG) from its templateId and code, and runs the DA-IMG rule set instead', async () => {
    const order = replaceOnce(
      replaceOnce(
        level3,
        '<templateId root="1.2.250.1.213.1.1.1.45" extension="2024.01"/>',
        '<templateId root="1.2.250.1.213.1.1.1.47" extension="2024.01"/>',
      ),
      /<code code="18748-4"[^>]*>/,
      '<code code="55115-0" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Demande d\'acte d\'imagerie">',
    );
    const report = await validateCda(order);
    assert.equal(report.profile, 'IMG-DA-IMG_2024.01');
    assert.ok(report.ruleSets.includes('CI-SIS_IMG-DA-IMG_2024.01'));
    assert.ok(!report.ruleSets.includes('CI-SIS_IMG-CR-IMG_2024.01'));
    assert.ok(
      errors(report).some((issue) => issue.source === 'CI-SIS_IMG-DA-IMG_2024.01' && /FR-DICOM-informations-cliniques/.test(issue.message)),
      'a report body is not an order body',
    );
  });

  it('checks only the XML Schema of a document that is not a CDA ClinicalDocument', async () => {
    const report = await validateCda('<?xml version="1.0"?>\n<order xmlns="urn:example"/>');
    assert.equal(report.profile, 'unknown');
    assert.deepEqual(report.ruleSets, ['xsd']);
    assert.equal(report.issues[0]?.source, 'xsd');
    assert.equal(report.issues[0]?.line, 2);
  });

  // Its speed is measured by `npm run bench -- cda-validation`, not asserted here.
  it('runs the IMG-CR-IMG rules on a 40-exam report without findings and reports their timing', async () => {
    const large = largeCrImgLevel3(40);
    const options = { ruleSets: ['CI-SIS_IMG-CR-IMG_2024.01'] as const, skipXsd: true };
    const report = await validateCda(large, options);
    assert.deepEqual(report.issues, []);
    assert.deepEqual(report.ruleSets, ['CI-SIS_IMG-CR-IMG_2024.01']);
    assert.ok(Number.isFinite(report.timings['CI-SIS_IMG-CR-IMG_2024.01']), 'the rule set reports its duration');
  });
});

describe('detectCdaProfile', () => {
  it('tells level 1 from level 3 by the body and the volet by templateId or code', async () => {
    const level1 = detectCdaProfile(await parseXmlForSchematron(readFixture(crImgLevel1File)));
    assert.equal(level1.profile, 'IMG-CR-IMG_N1');
    assert.equal(level1.level, 1);
    assert.ok(!level1.ruleSets.includes('CI-SIS_IMG-CR-IMG_2024.01'), 'the volet rules fail by design on a level-1 body');
    const other = detectCdaProfile(
      await parseXmlForSchematron(replaceOnce(readFixture(crImgLevel1File), '<code code="18748-4"', '<code code="11488-4"')),
    );
    assert.equal(other.profile, 'CI-SIS_N1');
    assert.equal(detectCdaProfile(null).profile, 'unknown');
  });
});
