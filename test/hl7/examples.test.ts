import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { tryParseMessage } from '../../src/hl7/index.js';
import { examplesDir, filesUnder } from '../helpers/paths.js';

const examples = filesUnder(examplesDir, '.hl7');
/** dcm4che test data declares 8859/1 but holds a UTF-8 en dash: the parser must say so. */
const DECLARED_8859_HOLDS_UTF8 = new Set(['OMI_O23-ImagingOrder.hl7', 'ORM_O01-GeneralOrder.hl7']);

describe('shared examples', () => {
  it('finds the example corpus beside the repository', () => {
    assert.ok(examples.length >= 25, `expected the shared examples, found ${examples.length}`);
  });

  for (const file of examples) {
    const name = basename(file);
    it(`parses ${name} and serializes it back byte for byte`, () => {
      const bytes = readFileSync(file);
      const result = tryParseMessage(bytes);
      assert.ok(result.message, `no message: ${result.errors.map((e) => e.describe()).join('; ')}`);
      if (DECLARED_8859_HOLDS_UTF8.has(name)) {
        assert.deepEqual(
          result.errors.map((e) => [e.code, e.location?.field]),
          [['TLR_ERR_CHARSET_MISMATCH', 18]],
        );
        assert.equal(result.message.charset, 'UNICODE UTF-8');
        assert.match(result.message.toString(), /from 12 \u201335\./);
      } else {
        assert.deepEqual(
          result.errors.map((e) => e.describe()),
          [],
        );
      }
      const normalised = Buffer.from(bytes.toString('latin1').replace(/\r\n|\n/g, '\r'), 'latin1');
      assert.ok(result.message.toBytes().equals(normalised), 'serialized bytes differ from the input');
    });
  }

  it('reads the flow-1 example by path', () => {
    const msg = tryParseMessage(readFileSync(join(examplesDir, 'teleradiologie', 'flux1_ORM_O01_transmission_demande.hl7'))).message!;
    assert.equal(msg.header.messageType, 'ORM^O01^ORM_O01');
    assert.equal(msg.get('MSH-21.2'), 'CISIS_TLR_HL7_V2');
    assert.equal(msg.get('ORC-1'), 'NW');
    assert.equal(msg.get('PID-3.4.2'), '1.2.250.1.213.1.4.10');
    assert.equal(msg.get('PID-3.5'), 'INS');
  });
});
