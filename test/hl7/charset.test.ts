import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { Hl7Error, Message, parseMessage, tryParseMessage } from '../../src/hl7/index.js';

const header = (charset: string) =>
  `MSH|^~\\&|RIS|HOP|TLR|PLAT|20260106134418||ORM^O01^ORM_O01|42|P|2.5.1|||||FRA|${charset}|||1.0^CISIS_TLR_HL7_V2\r`;
const body = 'NTE|1||Hématome à l’épaule, coût 5 €\r';

describe('character sets (MSH-18)', () => {
  it('reads UNICODE UTF-8 with é and €', () => {
    const msg = parseMessage(Buffer.from(`${header('UNICODE UTF-8')}NTE|1||Hématome 5 €\r`, 'utf8'));
    assert.equal(msg.get('NTE-3'), 'Hématome 5 €');
    assert.equal(msg.charset, 'UNICODE UTF-8');
  });

  it('reads ISO 8859-15 with é (0xE9) and € (0xA4)', () => {
    const bytes = iconv.encode(`${header('8859/15')}NTE|1||Hématome 5 €\r`, 'iso-8859-15');
    assert.ok(bytes.includes(0xa4) && bytes.includes(0xe9));
    const msg = parseMessage(bytes);
    assert.equal(msg.get('NTE-3'), 'Hématome 5 €');
    assert.ok(msg.toBytes().equals(bytes), 'ISO 8859-15 round trip is byte-identical');
  });

  it('accepts a UTF-8 byte order mark and writes it back', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(header('UNICODE UTF-8') + body, 'utf8')]);
    const msg = parseMessage(bytes);
    assert.equal(msg.header.controlId, '42');
    assert.ok(msg.toBytes().equals(bytes));
  });

  it('reports 8859/15 declared over UTF-8 bytes as a mismatch at MSH-18 and reads the real text', () => {
    const r = tryParseMessage(Buffer.from(header('8859/15') + body, 'utf8'));
    assert.deepEqual(
      r.errors.map((e) => [e.code, e.location?.field]),
      [['TLR_ERR_CHARSET_MISMATCH', 18]],
    );
    assert.equal(r.message?.get('NTE-3'), 'Hématome à l’épaule, coût 5 €');
  });

  it('reports UTF-8 declared over ISO 8859-15 bytes as a mismatch', () => {
    const r = tryParseMessage(iconv.encode(`${header('UNICODE UTF-8')}NTE|1||Hématome 5 €\r`, 'iso-8859-15'));
    assert.equal(r.errors[0]?.code, 'TLR_ERR_CHARSET_MISMATCH');
    assert.equal(r.message?.get('NTE-3'), 'Hématome 5 €');
  });

  it('refuses an unknown character set with a located error', () => {
    const r = tryParseMessage(Buffer.from(header('KLINGON') + body, 'utf8'));
    assert.equal(r.message, undefined);
    assert.equal(r.errors[0]?.code, 'TLR_ERR_CHARSET_UNSUPPORTED');
    assert.equal(r.header?.controlId, '42', 'the header is still readable for the NACK');
  });

  it('refuses to write a character that ISO 8859-15 cannot hold (no silent "?")', () => {
    const msg = Message.create({ charset: '8859/15' });
    msg.addSegment('NTE').set(3, 'l’épaule');
    assert.throws(
      () => msg.toBytes(),
      (e: unknown) => e instanceof Hl7Error && e.code === 'TLR_ERR_CHARSET_UNREPRESENTABLE',
    );
  });

  it('reads and writes the eight characters where ISO 8859-15 differs from Latin-1', () => {
    const text = '€Š šŽ žŒœŸ';
    const bytes = Buffer.concat([
      Buffer.from(`${header('8859/15')}NTE|1||`, 'latin1'),
      Buffer.from([0xa4, 0xa6, 0x20, 0xa8, 0xb4, 0x20, 0xb8, 0xbc, 0xbd, 0xbe]),
      Buffer.from('\r', 'latin1'),
    ]);
    const msg = parseMessage(bytes);
    assert.equal(msg.get('NTE-3'), text);
    const built = Message.create({ charset: '8859/15' });
    built.addSegment('NTE').set(3, text);
    assert.ok(built.toBytes().includes(Buffer.from([0xa4, 0xa6, 0x20, 0xa8, 0xb4, 0x20, 0xb8, 0xbc, 0xbd, 0xbe])));
    // Their Latin-1 counterparts (¤ ¦ ¨ ´ ¸ ¼ ½ ¾) have no byte in ISO 8859-15.
    for (const latin1Only of ['¤', '¦', '¨', '´', '¸', '¼', '½', '¾']) {
      const m = Message.create({ charset: '8859/15' });
      m.addSegment('NTE').set(3, `a${latin1Only}`);
      assert.throws(
        () => m.toBytes(),
        (e: unknown) => e instanceof Hl7Error && e.code === 'TLR_ERR_CHARSET_UNREPRESENTABLE',
        latin1Only,
      );
    }
  });

  it('writes é and € in ISO 8859-15 as single bytes', () => {
    const msg = Message.create({ charset: '8859/15' });
    msg.addSegment('NTE').set(3, 'é€');
    const bytes = msg.toBytes();
    assert.ok(bytes.includes(Buffer.from([0xe9, 0xa4])));
  });
});
