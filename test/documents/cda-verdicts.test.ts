import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { validateCda, warmUpCdaValidation } from '../../src/documents/validation/index.js';
import { readVerdictCorpus, readVerdicts, verdictOf } from './cda-verdict-corpus.js';

/**
 * Holds `validateCda` to the verdicts recorded in `fixtures/cda-verdicts/verdicts.json` (by
 * `scripts/record-cda-verdicts.mjs`, before the validator was made faster): same profile, same rule sets,
 * same issues (source, severity, rule, location, test and message) on every document of the stored corpus.
 */
describe('CDA verdicts on the stored corpus', { timeout: 10 * 60 * 1000 }, () => {
  const corpus = readVerdictCorpus();
  const expected = new Map(readVerdicts().map((verdict) => [verdict.name, verdict]));

  before(async () => {
    await warmUpCdaValidation();
  });

  it('has a recorded verdict for every document of the corpus', () => {
    assert.deepEqual(
      corpus.map((document) => document.name),
      [...expected.keys()],
    );
    assert.ok(corpus.length >= 70, `${corpus.length} documents`);
  });

  it('finds exactly the recorded issues on each of the documents', async () => {
    const differing: string[] = [];
    for (const { name, xml } of corpus) {
      const actual = verdictOf(name, await validateCda(xml));
      try {
        assert.deepEqual(actual, expected.get(name));
      } catch (error) {
        differing.push(`${name}: ${(error as Error).message}`);
      }
    }
    assert.deepEqual(differing, []);
  });

  it('gives the same verdicts when the document comes as bytes', async () => {
    const { name, xml } = corpus.find((document) => document.name.startsWith('level 3 with code #'))!;
    assert.deepEqual(verdictOf(name, await validateCda(new TextEncoder().encode(xml))), expected.get(name));
  });
});
