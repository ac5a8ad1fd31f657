import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { BUNDLED_CDA_KIT_DIR, CDA_XSD, CdaXsdValidator } from '../../src/documents/validation/index.js';
import { crImgLevel1File, crImgLevel3File, readFixture, replaceOnce } from './cda-fixtures.js';

/**
 * The XML Schema step parses the schema once and validates every document against it (libxml2-wasm); these
 * tests hold it to what `xmllint --schema` (xmllint-wasm, the engine it replaced) answers on documents that
 * are wrong in the ways where the two could part: well-formedness, namespaces, encodings, line numbers.
 */
describe('XML Schema validation against one parsed schema', { timeout: 120_000 }, () => {
  let validator: CdaXsdValidator;
  const level1 = readFixture(crImgLevel1File);
  const level3 = readFixture(crImgLevel3File);

  before(async () => {
    validator = await CdaXsdValidator.load(path.join(BUNDLED_CDA_KIT_DIR, CDA_XSD));
  });

  const latin = (xml: string, encoding: string): Uint8Array =>
    Buffer.from(xml.replace('encoding="UTF-8"', `encoding="${encoding}"`), 'latin1');
  const manyLines = (): string => {
    const filler = Array.from({ length: 70_000 }, (_, i) => `<!-- ${i} -->`).join('\n');
    return replaceOnce(
      replaceOnce(level1, '<realmCode', `${filler}\n<realmCode`),
      '<languageCode code="fr-FR"/>',
      '<languageCode code="fr-FR"/><unknown/>',
    );
  };
  const cases: Record<string, () => string | Uint8Array> = {
    'a valid level-1 report': () => level1,
    'a valid level-3 report': () => level3,
    'an element out of order': () =>
      replaceOnce(level1, '<languageCode code="fr-FR"/>', '<languageCode code="fr-FR"/><realmCode code="FR"/>'),
    'two violations': () => replaceOnce(replaceOnce(level3, '<languageCode code="fr-FR"/>', ''), '<setId ', '<title>x</title><setId '),
    'an attribute of the wrong type': () => replaceOnce(level1, '<versionNumber value="1"/>', '<versionNumber value="un"/>'),
    'mismatched tags': () => replaceOnce(level1, '</title>', '</titl>'),
    'an attribute given twice': () => replaceOnce(level1, '<languageCode code="fr-FR"/>', '<languageCode code="fr-FR" code="fr"/>'),
    'text after the root element': () => `${level1}trailing`,
    'a truncated document': () => level3.slice(0, level3.length / 2),
    'an undeclared namespace prefix': () => replaceOnce(level1, '<realmCode', '<foo:bar/><realmCode'),
    'an undeclared prefix in a valid place': () =>
      replaceOnce(level1, '<languageCode code="fr-FR"/>', '<languageCode code="fr-FR" foo:x="1"/>'),
    'a namespace URI that is not a URI': () => replaceOnce(level1, '<ClinicalDocument ', '<ClinicalDocument xmlns:q="a b" '),
    'ISO-8859-1 bytes': () => latin(level1, 'ISO-8859-1'),
    'UTF-16 bytes with a byte order mark': () =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(level1.replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le')]),
    'UTF-8 bytes declared as UTF-8 with a BOM': () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(level1, 'utf8')]),
    'an internal DTD with an entity': () =>
      level1
        .replace('<ClinicalDocument ', '<!DOCTYPE ClinicalDocument [<!ENTITY who "THOMAS">]>\n<ClinicalDocument ')
        .replace('>MARTIN<', '>&who;<'),
    'an undefined entity': () => replaceOnce(level1, '>MARTIN<', '>&who;<'),
    'a violation past line 65,535': manyLines,
    'not XML at all': () => 'MSH|^~\\&|',
    'an empty document': () => '',
  };

  for (const [name, build] of Object.entries(cases)) {
    it(`answers as xmllint on ${name}`, async () => {
      const xml = build();
      const expected = await validator.validateWithXmllint(xml);
      assert.deepEqual(await validator.validate(xml), expected);
      if (typeof xml === 'string') assert.deepEqual(await validator.validate(Buffer.from(xml, 'utf8')), expected);
    });
  }

  // The one place where the engines part, on purpose: xmllint-wasm has no ISO-8859-15 decoder and reported
  // "Unsupported encoding" on such documents (8859/15 is a charset of the volet's messages); libxml2-wasm reads them.
  it('reads ISO-8859-15 documents, which xmllint-wasm rejected as an unsupported encoding', async () => {
    const broken = replaceOnce(level1, '<versionNumber value="1"/>', '<versionNumber value="é€"/>');
    assert.deepEqual(await validator.validate(latin(level1, 'ISO-8859-15')), []);
    assert.deepEqual(
      await validator.validate(Buffer.from(broken.replace('encoding="UTF-8"', 'encoding="ISO-8859-15"').replace('€', '\xa4'), 'latin1')),
      await validator.validate(broken),
    );
    assert.match(
      (await validator.validateWithXmllint(latin(level1, 'ISO-8859-15')))[0]?.message ?? '',
      /Unsupported encoding: ISO-8859-15/,
    );
  });

  it('validates a report in a few milliseconds once the schema is parsed', async () => {
    await validator.validate(level3);
    const start = performance.now();
    for (let i = 0; i < 20; i += 1) await validator.validate(level3);
    const perDocument = (performance.now() - start) / 20;
    assert.ok(perDocument < 50, `${perDocument.toFixed(1)} ms per document`);
  });
});
