import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  edBytes,
  formatTS,
  isBase64,
  parseMessage,
  parisOffsetMinutes,
  readCE,
  readCWE,
  readCX,
  readED,
  readEI,
  readHD,
  readNM,
  readTS,
  readXCN,
  readXON,
  timeStampToDate,
} from '../../src/hl7/index.js';

const msg = parseMessage(
  Buffer.from(
    'MSH|^~\\&|RIS^1.2.3^ISO|HOP|TLR|PLAT|20260106134418+0100||ORU^R01^ORU_R01|42|P|2.5.1|||||FRA|UNICODE UTF-8\r' +
      'PID|1||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS\r' +
      'ORC|OK|OPN101^^1.2.250.1.748.12345678.12^ISO||||||||||' +
      '801234564895^Eric^Thomas^^^DR^^^ASIP-SANTE- PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS|||||||||' +
      'Hôpital^^^^^ASIP-SANTE-ST&1.2.250.1.71.4.2.2&ISO^FINEG^^^750712184\r' +
      'OBX|1|ED|PROTOCOLE_IMAGERIE^Protocole^TLR_OBSERVATION||^TEXT^^Base64^SGVsbG8=||||||F\r' +
      'OBX|2|CE|MODALITE_IMAGERIE^Modalité^TLR_OBSERVATION||CT^Scanner^DCM^^^^2023^^scan||||||F\r',
    'utf8',
  ),
);

describe('typed readers', () => {
  it('reads HD from MSH-3', () =>
    assert.deepEqual(readHD(msg.msh.field(3)), { namespaceId: 'RIS', universalId: '1.2.3', universalIdType: 'ISO' }));
  it('reads EI from ORC-2', () => {
    assert.deepEqual(readEI(msg.segment('ORC')!.field(2)), {
      entityIdentifier: 'OPN101',
      namespaceId: '',
      universalId: '1.2.250.1.748.12345678.12',
      universalIdType: 'ISO',
    });
  });
  it('reads CX with its assigning authority sub-components (INS)', () => {
    const cx = readCX(msg.segment('PID')!.field(3));
    assert.equal(cx.id, '279035121518989');
    assert.deepEqual(cx.assigningAuthority, {
      namespaceId: 'ASIP-SANTE-INS-NIR',
      universalId: '1.2.250.1.213.1.4.10',
      universalIdType: 'ISO',
    });
    assert.equal(cx.identifierTypeCode, 'INS');
  });
  it('reads XCN (PS_IdNat of ORC-12)', () => {
    const p = readXCN(msg.segment('ORC')!.field(12));
    assert.equal(p.id, '801234564895');
    assert.equal(p.familyName, 'Eric');
    assert.equal(p.givenName, 'Thomas');
    assert.equal(p.prefix, 'DR');
    assert.equal(p.assigningAuthority.universalId, '1.2.250.1.71.4.2.1');
    assert.equal(p.nameTypeCode, 'D');
    assert.equal(p.identifierTypeCode, 'IDNPS');
  });
  it('reads XON (ORC-21, FINESS)', () => {
    const o = readXON(msg.segment('ORC')!.field(21));
    assert.equal(o.organizationName, 'Hôpital');
    assert.equal(o.assigningAuthority.universalId, '1.2.250.1.71.4.2.2');
    assert.equal(o.identifierTypeCode, 'FINEG');
    assert.equal(o.organizationIdentifier, '750712184');
  });
  it('reads CE and CWE', () => {
    const obx = msg.segment('OBX', 2)!;
    assert.deepEqual(readCE(obx.field(3)), {
      identifier: 'MODALITE_IMAGERIE',
      text: 'Modalité',
      codingSystem: 'TLR_OBSERVATION',
      alternateIdentifier: '',
      alternateText: '',
      alternateCodingSystem: '',
    });
    const cwe = readCWE(obx.field(5));
    assert.equal(cwe.codingSystemVersion, '2023');
    assert.equal(cwe.originalText, 'scan');
  });
  it('reads ED and decodes its base64 data', () => {
    const ed = readED(msg.segment('OBX', 1)!.field(5));
    assert.equal(ed.typeOfData, 'TEXT');
    assert.equal(ed.encoding, 'Base64');
    assert.equal(edBytes(ed)?.toString(), 'Hello');
    assert.equal(edBytes({ ...ed, data: 'Pendggfbubzbdy12gggvt' }), undefined, 'invalid base64 is refused');
  });
  it('checks base64 strictly', () => {
    assert.equal(isBase64('SGVsbG8='), true);
    assert.equal(isBase64('SGVsbG8'), false);
    assert.equal(isBase64(''), false);
    assert.equal(isBase64('SGV$bG8='), false);
  });
  it('reads NM', () => {
    assert.equal(readNM('72.5'), 72.5);
    assert.equal(readNM('-.5'), -0.5);
    assert.equal(readNM('+3'), 3);
    assert.equal(readNM('1e3'), undefined);
    assert.equal(readNM('72 kg'), undefined);
  });
});

describe('TS / DTM', () => {
  it('reads every precision', () => {
    assert.equal(readTS('2026')?.precision, 'year');
    assert.equal(readTS('202601')?.precision, 'month');
    assert.equal(readTS('20260106')?.precision, 'day');
    assert.equal(readTS('2026010613')?.precision, 'hour');
    assert.equal(readTS('202601061344')?.precision, 'minute');
    assert.equal(readTS('20260106134418')?.precision, 'second');
    assert.equal(readTS('20260106134418.1234')?.precision, 'fraction');
  });
  it('reads the UTC offset', () => {
    assert.equal(readTS('20260106134418+0100')?.offsetMinutes, 60);
    assert.equal(readTS('20260106134418-0530')?.offsetMinutes, -330);
    assert.equal(readTS('20260106134418')?.offsetMinutes, undefined);
    assert.equal(timeStampToDate(readTS('20260106134418+0100')!).toISOString(), '2026-01-06T12:44:18.000Z');
  });
  it('refuses impossible dates and times', () => {
    for (const bad of [
      '20260230',
      '20250229',
      '20261301',
      '2026010624',
      '202601061360',
      '2026-01-06',
      '20260106134418+2500',
      '2026010613441',
    ]) {
      assert.equal(readTS(bad), undefined, bad);
    }
    assert.ok(readTS('20240229'), 'leap day of a leap year');
  });
  it('formats in the Paris offset by default', () => {
    const winter = new Date('2026-01-06T12:44:18Z');
    const summer = new Date('2026-07-06T12:44:18Z');
    assert.equal(parisOffsetMinutes(winter), 60);
    assert.equal(parisOffsetMinutes(summer), 120);
    assert.equal(formatTS(winter), '20260106134418+0100');
    assert.equal(formatTS(summer), '20260706144418+0200');
    assert.equal(formatTS(winter, 'day'), '20260106');
    assert.equal(formatTS(winter, 'minute', 0, false), '202601061244');
  });
});
