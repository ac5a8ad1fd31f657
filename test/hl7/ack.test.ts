import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAck, parseMessage, readAck, tryParseMessage } from '../../src/hl7/index.js';

const original = parseMessage(
  Buffer.from(
    'MSH|^~\\&|StructureApp|StructureFacility|TLRapp|TLRfacility|20260106134418||ORM^O01^ORM_O01|12345|P|2.5.1|||||FRA|' +
      'UNICODE UTF-8|||1.0^CISIS_TLR_HL7_V2\r',
    'utf8',
  ),
);

describe('acknowledgement builder', () => {
  it('swaps MSH-3..6, keeps the trigger, copies MSH-11 and answers MSA-2 with the original MSH-10', () => {
    const ack = buildAck(original, { code: 'AA', controlId: 'ACK1', timestamp: new Date('2026-01-06T12:44:19Z') });
    assert.equal(
      ack.toString(),
      'MSH|^~\\&|TLRapp|TLRfacility|StructureApp|StructureFacility|20260106134419+0100||ACK^O01^ACK|ACK1|P|2.5.1|||||FRA|' +
        'UNICODE UTF-8\rMSA|AA|12345\r',
    );
  });

  it('writes one ERR per error with ERL location, table 0357 code, table 0516 severity and a user message', () => {
    const ack = buildAck(original, {
      code: 'AE',
      controlId: 'ACK2',
      errors: [
        {
          condition: '203',
          severity: 'E',
          location: { segment: 'MSH', occurrence: 1, field: 12 },
          message: 'Version 2.3 is not supported',
          applicationCode: 'TLR-MSH-011',
        },
      ],
    });
    assert.equal(
      ack.segment('ERR')!.toString(),
      'ERR||MSH^1^12|203^Unsupported version id^HL70357|E|TLR-MSH-011|||Version 2.3 is not supported',
    );
    const read = readAck(parseMessage(ack.toBytes()));
    assert.equal(read.code, 'AE');
    assert.equal(read.acknowledgedControlId, '12345');
    assert.deepEqual(read.errors[0]?.location, { segment: 'MSH', occurrence: 1, field: 12 });
    assert.equal(read.errors[0]?.condition, '203');
  });

  it('answers a message that could not be parsed, from its best-effort header', () => {
    const r = tryParseMessage(Buffer.from('MSH|^~\\&|A|B|C|D|2026||OMI^O23^OMI_O23|77|T|2.5.1|||||FRA|KLINGON\r', 'utf8'));
    assert.equal(r.message, undefined);
    const ack = buildAck(r.header!, {
      code: 'AE',
      errors: r.errors.map((e) => ({ condition: e.condition, severity: 'E' as const, location: e.location, message: e.message })),
    });
    assert.equal(ack.get('MSH-9.2'), 'O23');
    assert.equal(ack.get('MSH-11'), 'T');
    assert.equal(ack.get('MSH-18'), 'UNICODE UTF-8');
    assert.equal(ack.get('MSA-2'), '77');
    assert.equal(ack.get('ERR-2'), 'MSH');
    assert.equal(ack.get('ERR-2.3'), '18');
  });

  it('escapes delimiters in the user message', () => {
    const ack = buildAck(original, { code: 'AR', errors: [{ condition: '207', severity: 'E', message: 'state | refused ^ now' }] });
    assert.equal(parseMessage(ack.toBytes()).get('ERR-8'), 'state | refused ^ now');
  });
});

describe('an acknowledgement is valid ER7 whatever the original held (found by fuzzing)', () => {
  const answerTo = (msh: string): ReturnType<typeof tryParseMessage> => {
    const header = tryParseMessage(Buffer.from(`${msh}\rPID|||1\r`, 'latin1')).header!;
    return tryParseMessage(buildAck(header, { code: 'AE', errors: [{ condition: '100', severity: 'E', message: 'refusé' }] }).toBytes());
  };
  it('writes an unmatched escape character of MSH-3..6 as \\E\\', () => {
    const r = answerTo('MSH|^~\\&|RIS_CISIS_TLR|STRUCTURE_I\\AGERIE|TLR|PLAT|20260101||ORM^O01^ORM_O01|C1|P|2.5.1');
    assert.deepEqual(r.errors, []);
    assert.equal(r.message!.get('MSH-5'), 'RIS_CISIS_TLR');
    assert.equal(r.message!.get('MSH-6'), 'STRUCTURE_I\\AGERIE');
  });
  it('drops control characters of the original from what it echoes', () => {
    const r = answerTo('MSH|^~\\&|RIS\u007f|FAC\u0001|TLR|PLAT|20260101||ORM^O\u001b01^ORM_O01|C\u00002|P|2.5.1');
    assert.deepEqual(r.errors, []);
    assert.equal(r.message!.get('MSA-2'), 'C2');
  });
  it('answers in UTF-8 an 8859/15 message whose echoed text 8859/15 cannot write', () => {
    const header = tryParseMessage(
      Buffer.from('MSH|^~\\&|RIS’|FAC|TLR|PLAT|20260101||ORM^O01^ORM_O01|C3|P|2.5.1|||||FRA|8859/15\rPID|||1\r', 'utf8'),
    ).header!;
    const ack = buildAck(header, { code: 'AE' });
    assert.equal(ack.get('MSH-18'), 'UNICODE UTF-8');
    assert.deepEqual(tryParseMessage(ack.toBytes()).errors, []);
  });
});
