import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { generateImagingReport } from '../../../src/documents/report/index.js';
import { validateCda, warmUpCdaValidation } from '../../../src/documents/validation/index.js';
import type { CdaValidationReport } from '../../../src/documents/validation/index.js';
import { reportVariation, sampleReportInput } from './report-fixtures.js';

/**
 * Generated reports against the official ANS rules (XSD + every Schematron rule set the document's
 * profile selects), run offline by `validateCda`. Validation costs about 2 s per document on the
 * reference machine, so this file runs the sample and 16 seeded variations; `bench/cda.bench.ts`
 * runs 200 variations.
 */

const VARIATIONS = 16;

function errorsOf(report: CdaValidationReport): string[] {
  return report.issues
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.source} ${i.rule} ${i.location}: ${i.message.replace(/\s+/g, ' ').trim()}`);
}

describe('imaging report conformance (XSD + official ANS schematrons)', { timeout: 900_000 }, () => {
  before(async () => {
    // Compiles the rule sets into the on-disk cache on first use (minutes when the cache is cold).
    await warmUpCdaValidation();
  });

  for (const level of [1, 3] as const) {
    const expectedProfile = level === 1 ? 'IMG-CR-IMG_N1' : 'IMG-CR-IMG_2024.01';
    it(`level ${level}: the sample report has zero errors and is recognised as ${expectedProfile}`, async () => {
      const report = await generateImagingReport(sampleReportInput(), { level });
      const validation = await validateCda(report.xml);
      assert.deepEqual(errorsOf(validation), []);
      assert.equal(validation.valid, true);
      assert.equal(validation.profile, level === 1 ? 'IMG-CR-IMG_N1' : 'IMG-CR-IMG_2024.01');
      if (level === 3) assert.ok(validation.ruleSets.includes('CI-SIS_IMG-CR-IMG_2024.01'));
    });
  }

  it(`${VARIATIONS} seeded variations (both levels, replacements, both legal-authenticator patterns) have zero errors`, async () => {
    const failures: string[] = [];
    for (let seed = 1000; seed < 1000 + VARIATIONS; seed++) {
      const level = seed % 2 === 0 ? 1 : 3;
      const report = await generateImagingReport(reportVariation(seed), { level });
      const errors = errorsOf(await validateCda(report.xml));
      if (errors.length > 0) failures.push(`seed ${seed} level ${level}:\n  ${errors.join('\n  ')}`);
    }
    assert.deepEqual(failures, []);
  });
});
