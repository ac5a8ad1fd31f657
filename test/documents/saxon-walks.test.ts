import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { BUNDLED_CDA_KIT_DIR, BUNDLED_COMPILED_DIR, CDA_RULE_SETS, loadCompiledSchematron, parseXmlForSchematron } from '../../src/documents/validation/index.js';
import { SaxonJS, shortenPerTransformWalks } from '../../src/documents/validation/saxon.js';
import { crImgLevel3File, readFixture, replaceOnce } from './cda-fixtures.js';

/**
 * `shortenPerTransformWalks` relies on how SaxonJS 2.7 sets a transform up; these tests notice when an upgrade
 * stops it from applying (the figures of docs/performance.md would no longer hold) and check, on a report with
 * findings, that a shortened stylesheet gives the very output of an untouched one.
 */
describe('SaxonJS per-transform walk of the compiled stylesheet', { timeout: 120_000 }, () => {
  const file = path.join(BUNDLED_CDA_KIT_DIR, CDA_RULE_SETS['CI-SIS_IMG-CR-IMG_2024.01']);
  const broken = replaceOnce(
    replaceOnce(readFixture(crImgLevel3File), '<value code="MR" codeSystem="1.2.840.10008.2.16.4"', '<value code="RM" codeSystem="1.2.840.10008.2.16.4"'),
    '<code code="18748-4"',
    '<code code="11488-4"',
  );
  const run = async (sef: unknown): Promise<string> =>
    String(
      SaxonJS.transform(
        { stylesheetInternal: sef, stylesheetBaseURI: pathToFileURL(file).href, sourceNode: await parseXmlForSchematron(broken), destination: 'serialized' },
        'sync',
      ).principalResult,
    );

  it('is shortened only once the stylesheet is primed, and then gives the same findings', async () => {
    const untouched = (await loadCompiledSchematron(file, { precompiledDirs: [BUNDLED_COMPILED_DIR] })).sef;
    const shortened = (await loadCompiledSchematron(file, { precompiledDirs: [BUNDLED_COMPILED_DIR] })).sef;
    assert.equal(shortenPerTransformWalks(shortened), false, 'not primed yet');
    const first = await run(shortened);
    assert.equal(shortenPerTransformWalks(shortened), true);
    const expected = await run(untouched);
    assert.equal(first, expected);
    assert.equal(await run(shortened), expected);
    assert.ok((JSON.parse(expected) as unknown[]).length >= 2, expected);
  });
});
