import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Hl7Error, formatLocation, parseMessage, tryParseMessage } from '../../src/hl7/index.js';
import type { Hl7ErrorCode } from '../../src/hl7/index.js';
import { examplesDir } from '../helpers/paths.js';

const MSH = 'MSH|^~\\&|RIS|HOP|TLR|PLAT|20260106134418||ORM^O01^ORM_O01|42|P|2.5.1|||||FRA|UNICODE UTF-8\r';
const utf8 = (s: string) => Buffer.from(s, 'utf8');

interface Case {
  name: string;
  input: Buffer;
  code: Hl7ErrorCode;
  at: string;
  options?: { maxMessageBytes?: number };
}

const cases: Case[] = [
  { name: 'empty input', input: Buffer.alloc(0), code: 'TLR_ERR_HL7_EMPTY', at: 'MSH' },
  { name: 'only blank lines', input: utf8('\r\n\r\n  '), code: 'TLR_ERR_HL7_EMPTY', at: 'MSH' },
  { name: 'no MSH (starts with PID)', input: utf8('PID|1||123\r'), code: 'TLR_ERR_HL7_NO_MSH', at: 'MSH' },
  { name: 'bytes before MSH', input: utf8(`xx${MSH}`), code: 'TLR_ERR_HL7_NO_MSH', at: 'MSH' },
  {
    name: 'binary garbage',
    input: Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0b, 0x1c, 0x0d, 0x80, 0x81]),
    code: 'TLR_ERR_HL7_NO_MSH',
    at: 'MSH',
  },
  { name: 'alphanumeric field separator', input: utf8('MSHX^~\\&XAXB\r'), code: 'TLR_ERR_HL7_BAD_FIELD_SEPARATOR', at: 'MSH-1' },
  {
    name: 'MSH-2 too short',
    input: utf8('MSH|^~|A|B|C|D|2026||ORM^O01|1|P|2.5.1\r'),
    code: 'TLR_ERR_HL7_BAD_ENCODING_CHARACTERS',
    at: 'MSH-2',
  },
  {
    name: 'MSH-2 with a repeated delimiter',
    input: utf8('MSH|^^\\&|A|B|C|D|2026||ORM^O01|1|P|2.5.1\r'),
    code: 'TLR_ERR_HL7_BAD_ENCODING_CHARACTERS',
    at: 'MSH-2',
  },
  { name: 'MSH-2 using the field separator', input: utf8('MSH|^~|&|A|B\r'), code: 'TLR_ERR_HL7_BAD_ENCODING_CHARACTERS', at: 'MSH-2' },
  { name: 'truncated MSH', input: utf8('MSH|^~\\&|RIS|HOP|TLR'), code: 'TLR_ERR_HL7_TRUNCATED_MSH', at: 'MSH-6' },
  {
    name: 'empty MSH-9',
    input: utf8('MSH|^~\\&|RIS|HOP|TLR|PLAT|2026|||42|P|2.5.1\r'),
    code: 'TLR_ERR_HL7_MISSING_MESSAGE_TYPE',
    at: 'MSH-9',
  },
  {
    name: 'empty MSH-10',
    input: utf8('MSH|^~\\&|RIS|HOP|TLR|PLAT|2026||ORM^O01^ORM_O01||P|2.5.1\r'),
    code: 'TLR_ERR_HL7_MISSING_CONTROL_ID',
    at: 'MSH-10',
  },
  { name: 'NUL byte inside a field', input: utf8(`${MSH}PID|1||123||DUP\u0000ONT\r`), code: 'TLR_ERR_HL7_CONTROL_CHARACTER', at: 'PID-5' },
  {
    name: 'MLLP end-block byte inside a message',
    input: utf8(`${MSH}PID|1||123\rOBX|1|TX|X||a\u001cb\r`),
    code: 'TLR_ERR_HL7_CONTROL_CHARACTER',
    at: 'OBX-5',
  },
  { name: 'lower-case segment id', input: utf8(`${MSH}pid|1||123\r`), code: 'TLR_ERR_HL7_BAD_SEGMENT_ID', at: 'pid' },
  { name: 'segment id of two characters', input: utf8(`${MSH}PI|1\r`), code: 'TLR_ERR_HL7_BAD_SEGMENT_ID', at: 'PI|' },
  { name: 'second MSH (two messages in one)', input: utf8(`${MSH}PID|1\r${MSH}`), code: 'TLR_ERR_HL7_SECOND_MSH', at: 'MSH[2]' },
  { name: 'unterminated escape sequence', input: utf8(`${MSH}NTE|1||texte \\F\r`), code: 'TLR_ERR_HL7_BAD_ESCAPE', at: 'NTE-3.1.1' },
  { name: 'invalid hexadecimal escape', input: utf8(`${MSH}OBX|1|TX|X|1|a^b&\\XG1\\\r`), code: 'TLR_ERR_HL7_BAD_ESCAPE', at: 'OBX-5.2.2' },
  {
    name: 'wrong charset: 8859/15 declared, UTF-8 bytes',
    input: utf8(`${MSH.replace('UNICODE UTF-8', '8859/15')}NTE|1||Hématome\r`),
    code: 'TLR_ERR_CHARSET_MISMATCH',
    at: 'MSH-18',
  },
  {
    name: 'wrong charset: UTF-8 declared, Latin-1 bytes',
    input: Buffer.concat([utf8(`${MSH}NTE|1||H`), Buffer.from([0xe9]), utf8('matome\r')]),
    code: 'TLR_ERR_CHARSET_MISMATCH',
    at: 'MSH-18',
  },
  {
    name: 'UTF-8 cut in the middle of a character',
    input: utf8(`${MSH}NTE|1||€`).subarray(0, Buffer.byteLength(`${MSH}NTE|1||€`) - 1),
    code: 'TLR_ERR_CHARSET_MISMATCH',
    at: 'MSH-18',
  },
  { name: 'unsupported charset', input: utf8(MSH.replace('UNICODE UTF-8', 'EBCDIC')), code: 'TLR_ERR_CHARSET_UNSUPPORTED', at: 'MSH-18' },
  {
    name: 'message over the size limit',
    input: utf8(`${MSH}NTE|1||${'x'.repeat(2000)}\r`),
    code: 'TLR_ERR_HL7_MESSAGE_TOO_LARGE',
    at: 'MSH',
    options: { maxMessageBytes: 1024 },
  },
];

describe('malformed input gives a typed, located error', () => {
  for (const c of cases) {
    it(`reports ${c.code} at ${c.at} for ${c.name}`, () => {
      const r = tryParseMessage(c.input, c.options);
      const e = r.errors[0];
      assert.ok(e, 'an error is reported');
      assert.ok(e instanceof Hl7Error);
      assert.equal(e.code, c.code);
      assert.ok(e.location, 'the error has a location');
      assert.equal(formatLocation(e.location), c.at);
      assert.ok(e.message.length > 10, 'the message explains the problem');
      assert.throws(
        () => parseMessage(c.input, c.options),
        (x: unknown) => x instanceof Hl7Error && x.code === c.code,
      );
    });
  }

  it('reports a 50 MB single field as too long, located at the field', () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    const input = Buffer.concat([utf8(`${MSH}OBX|1|ED|X||^TEXT^^Base64^`), big, utf8('\r')]);
    const r = tryParseMessage(input);
    assert.equal(r.errors[0]?.code, 'TLR_ERR_HL7_FIELD_TOO_LONG');
    assert.equal(formatLocation(r.errors[0]!.location!), 'OBX-5');
    assert.equal(r.header?.controlId, '42', 'the header stays readable for the acknowledgement');
  });

  it('finds a control character at any position of the bytes, whatever their alignment in memory', () => {
    const prefix = `${MSH}PID|1||123||`;
    for (const control of [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x0e, 0x1b, 0x1c, 0x1f, 0x7f]) {
      for (let pad = 0; pad < 9; pad++) {
        for (let offset = 0; offset < 4; offset++) {
          const body = utf8(prefix + 'é'.repeat(pad));
          const bytes = Buffer.concat([Buffer.alloc(offset), body, Buffer.from([control]), utf8('x\tz\r')]).subarray(offset);
          const r = tryParseMessage(bytes);
          assert.equal(r.errors.length, 1, `0x${control.toString(16)} after ${pad} é at offset ${offset}`);
          assert.equal(r.errors[0]!.code, 'TLR_ERR_HL7_CONTROL_CHARACTER');
          assert.equal(formatLocation(r.errors[0]!.location!), 'PID-5');
        }
      }
    }
    // TAB, and bytes of 0x80 and above (é is 0xC3 0xA9), are not control characters.
    for (let offset = 0; offset < 4; offset++) {
      const bytes = Buffer.concat([Buffer.alloc(offset), utf8(`${prefix}a\té\u00a0ÿ~ \r`)]).subarray(offset);
      assert.deepEqual(tryParseMessage(bytes).errors, []);
    }
  });

  it('keeps the header of a message whose body is broken, for the NACK', () => {
    const r = tryParseMessage(utf8(`${MSH}pid|1\r`));
    assert.equal(r.header?.controlId, '42');
    assert.equal(r.header?.sendingApplication, 'RIS');
  });

  it('never throws anything but Hl7Error on 3,000 random mutations of a real message', () => {
    const base = readFileSync(join(examplesDir, 'teleradiologie', 'flux4_OMI_O23_complement_post_examen.hl7'));
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(base);
      const edits = 1 + rand(8);
      for (let k = 0; k < edits; k++) {
        const op = rand(3);
        const at = rand(b.length);
        if (op === 0) b[at] = rand(256);
        else if (op === 1) b[at] = [0x7c, 0x5e, 0x7e, 0x5c, 0x26, 0x0d, 0x0a][rand(7)]!;
        else b.fill(0x5c, at, Math.min(b.length, at + rand(4)));
      }
      const cut = rand(4) === 0 ? b.subarray(0, rand(b.length)) : b;
      const r = tryParseMessage(cut);
      for (const e of [...r.errors, ...r.warnings]) assert.ok(e instanceof Hl7Error);
      try {
        const m = parseMessage(cut);
        m.toString();
        m.toJSON();
      } catch (e) {
        assert.ok(e instanceof Hl7Error, `untyped exception: ${String(e)}`);
      }
    }
  });
});
