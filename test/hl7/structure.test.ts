import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Codec,
  DEFAULT_DELIMITERS,
  Hl7Error,
  Message,
  Segment,
  formatLocation,
  parseLocation,
  parseMessage,
  toErl,
} from '../../src/hl7/index.js';

const MSH = 'MSH|^~\\&|RIS|HOP|TLR|PLAT|20260106134418||ORM^O01^ORM_O01|42|P|2.5.1|||||FRA|UNICODE UTF-8\r';

describe('message structure and paths', () => {
  const msg = parseMessage(
    MSH +
      'PID|1||111^^^A&1.2.3&ISO^PI~279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||DUPONT^Jean^^^^^L||""|\r' +
      'OBX|1|CE|A\rOBX|2|NM|B||72\rOBX|3|TX|C||x&y&&z~second^c2\r',
  );

  it('treats MSH-1 and MSH-2 as the delimiters themselves', () => {
    assert.equal(msg.get('MSH-1'), '|');
    assert.equal(msg.get('MSH-2'), '^~\\&');
    assert.equal(msg.get('MSH-3'), 'RIS');
    assert.equal(msg.get('MSH-9.2'), 'O01');
  });

  it('addresses repetitions, components and sub-components', () => {
    assert.equal(msg.get('PID-3[2].1'), '279035121518989');
    assert.equal(msg.get('PID-3[2].4.2'), '1.2.250.1.213.1.4.10');
    assert.equal(msg.get('PID-3.4.1'), 'A');
    assert.equal(msg.get('PID-3[3].1'), '', 'a missing repetition reads as empty');
  });

  it('addresses segment occurrences', () => {
    assert.equal(msg.get('OBX[2]-5'), '72');
    assert.equal(msg.get('OBX[3]-5.1.4'), 'z');
    assert.equal(msg.get('OBX[3]-5.1.3'), '', 'an empty sub-component between delimiters');
    assert.equal(msg.get('OBX[3]-5[2].2'), 'c2');
    assert.equal(msg.get('OBX[4]-5'), '');
  });

  it('tells an empty field from the HL7 null ""', () => {
    const pid = msg.segment('PID')!;
    assert.equal(pid.field(6).isEmpty, true);
    assert.equal(pid.field(7).isNull, true);
    assert.equal(pid.field(7).isEmpty, false);
    assert.equal(pid.get(7), '""');
  });

  it('gives the raw ER7 of the addressed element', () => {
    assert.equal(msg.raw('PID-3[2].4'), 'ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO');
    assert.equal(msg.raw('OBX[3]-5'), 'x&y&&z~second^c2');
  });

  it('formats and parses locations the way the validator reports them', () => {
    assert.equal(formatLocation(parseLocation('OBX[3]-5.5')), 'OBX[3]-5.5');
    assert.equal(formatLocation({ segment: 'PID', occurrence: 1, field: 3, repetition: 2, component: 4, subcomponent: 2 }), 'PID-3[2].4.2');
    assert.equal(formatLocation({ segment: 'MSH', occurrence: 1, field: 12 }), 'MSH-12');
    assert.deepEqual(toErl({ segment: 'MSH', occurrence: 1, field: 12 }), ['MSH', '1', '12']);
    assert.throws(
      () => parseLocation('pid-3'),
      (e: unknown) => e instanceof Hl7Error && e.code === 'TLR_ERR_HL7_BAD_PATH',
    );
    assert.throws(() => parseLocation('PID-0'), Hl7Error);
  });

  it('builds a message with escaping and sub-components', () => {
    const m = Message.create({ charset: 'UNICODE UTF-8' });
    m.msh.setComponents(9, ['ORM', 'O01', 'ORM_O01']).set(10, 'X1');
    const pid = m.addSegment('PID');
    pid.setComponents('3', ['123', '', '', ['', '1.2.250.1.213.1.4.8', 'ISO'], 'INS']);
    pid.addRepetition(3, ['IPP1', '', '', ['HOP'], 'PI']);
    pid.set('5.1', 'D’Arc|Jeanne');
    pid.set(7, '""');
    assert.equal(
      m.toString(),
      'MSH|^~\\&|||||||ORM^O01^ORM_O01|X1||||||||' +
        'UNICODE UTF-8\rPID|||123^^^&1.2.250.1.213.1.4.8&ISO^INS~IPP1^^^HOP^PI||D’Arc\\F\\Jeanne||""\r',
    );
    const back = parseMessage(m.toBytes());
    assert.equal(back.get('PID-5.1'), 'D’Arc|Jeanne');
    assert.equal(back.get('PID-3[2].1'), 'IPP1');
  });

  it('sets a sub-component inside an existing field without disturbing its neighbours', () => {
    const m = parseMessage(`${MSH}PID|1||A^B^C^D&E&F^G\r`);
    m.segment('PID')!.set('3.4.2', 'X');
    assert.equal(m.raw('PID-3'), 'A^B^C^D&X&F^G');
    m.segment('PID')!.set('3[2].2', 'R2');
    assert.equal(m.raw('PID-3'), 'A^B^C^D&X&F^G~^R2');
  });

  it('splits a segment built from its ER7 text into fields when first read', () => {
    const codec = new Codec(DEFAULT_DELIMITERS, 'UNICODE UTF-8');
    const msh = new Segment('MSH', undefined, codec, MSH.slice(0, -1));
    assert.equal(msh.toString(), MSH.slice(0, -1), 'the text is kept as given');
    assert.equal(msh.rawField(1), '|');
    assert.equal(msh.rawField(2), '^~\\&');
    assert.equal(msh.get('9.2'), 'O01');
    assert.equal(msh.fieldCount, 18);
    const pid = new Segment('PID', undefined, codec, 'PID|1||A^B');
    pid.set('3.2', 'C');
    assert.equal(pid.toString(), 'PID|1||A^C');
    assert.deepEqual(pid.fields, ['PID', '1', '', 'A^C']);
  });

  it('reads a field again after it changed, through set or the fields array', () => {
    const m = parseMessage(`${MSH}PID|1||A^B\r`);
    const pid = m.segment('PID')!;
    assert.equal(pid.field(3).get(2), 'B');
    pid.set('3.2', 'C');
    assert.equal(pid.field(3).get(2), 'C');
    pid.fields[3] = 'D^E';
    assert.equal(pid.field(3).get(2), 'E');
    assert.equal(pid.get('3.1'), 'D');
    assert.equal(m.toString(), `${MSH}PID|1||D^E\r`);
  });

  it('refuses to overwrite MSH-1 or MSH-2', () => {
    assert.throws(() => Message.create().msh.set(2, 'x'), Hl7Error);
  });

  it('produces a JSON tree of decoded values', () => {
    const tree = msg.toJSON();
    const pid = tree.segments.find((s) => s.segment === 'PID')!;
    assert.deepEqual(pid.fields['3']![1], {
      1: '279035121518989',
      4: { 1: 'ASIP-SANTE-INS-NIR', 2: '1.2.250.1.213.1.4.10', 3: 'ISO' },
      5: 'INS',
    });
    assert.equal(tree.segments.filter((s) => s.segment === 'OBX')[2]!.occurrence, 3);
  });

  it('tolerates LF and CRLF segment separators and reports them', () => {
    for (const [sep, kind] of [
      ['\n', 'LF'],
      ['\r\n', 'CRLF'],
    ] as const) {
      const text = `${MSH}PID|1||X\r`.replace(/\r/g, sep);
      const m = parseMessage(Buffer.from(text));
      assert.equal(m.lineEnding, kind);
      assert.equal(m.get('PID-3'), 'X');
      assert.equal(m.toString(), `${MSH}PID|1||X\r`);
    }
  });
});
