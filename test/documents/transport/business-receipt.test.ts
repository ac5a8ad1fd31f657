import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusinessReceipt } from '../../../src/documents/transport/index.js';
import {
  DocumentTransportError,
  buildBusinessReceipt,
  buildDocumentAck,
  readBusinessReceipt,
} from '../../../src/documents/transport/index.js';

const CONTEXT = {
  sendingApplication: 'RIS',
  sendingFacility: 'CHU_X',
  receivingApplication: 'SI-TLR',
  receivingFacility: 'PLAT-TLR',
  controlId: 'ZAM-1',
};

describe('business receipts (ZAM)', () => {
  const receipts: Array<[string, BusinessReceipt]> = [
    ['Z01', { kind: 'dmp', acknowledgedControlId: 'CR-initial', success: true, eventTime: '20260312114500+0100' }],
    [
      'Z01',
      {
        kind: 'dmp',
        acknowledgedControlId: 'CR-initial',
        success: false,
        eventTime: '20260312114500+0100',
        error: { severity: 'E', code: 'DMPClosed', label: 'DMP fermé' },
      },
    ],
    [
      'Z02',
      {
        kind: 'mss-delivery',
        acknowledgedControlId: 'CR-initial',
        success: false,
        eventTime: '20260312114500+0100',
        mailbox: { address: 'adam.hoda@test-ci-sis.mssante.fr' },
        error: { severity: 'E', code: '550', label: 'Mailbox unavailable' },
      },
    ],
    [
      'Z03',
      {
        kind: 'mss-read',
        acknowledgedControlId: 'CR-initial',
        success: true,
        eventTime: '20260312114500+0100',
        mailbox: { address: 'adam.hoda@test-ci-sis.mssante.fr', recipientId: '801234567897' },
      },
    ],
  ];
  for (const [event, receipt] of receipts) {
    it(`builds ZAM^${event} (${receipt.success ? 'success' : 'failure'}) that validates and reads back equal`, () => {
      const msg = buildBusinessReceipt(receipt, CONTEXT);
      assert.equal(msg.raw('MSH-9'), `ZAM^${event}^ZAM_Z01`);
      assert.equal(msg.get('MSH-12'), '2.6');
      assert.equal(msg.raw('MSH-21'), '2.1^CISIS_CDA_HL7_V2');
      assert.equal(msg.get('OBX-4'), 'CR-initial');
      const { value, report } = readBusinessReceipt(msg.toBytes());
      assert.deepEqual(report.issues, []);
      assert.ok(value);
      const { header, ...rest } = value;
      assert.equal(header.controlId, 'ZAM-1');
      assert.deepEqual(rest, receipt);
    });
  }

  it('writes the ERR of a failed DMP receipt as 207 with the DMP error code', () => {
    const msg = buildBusinessReceipt(receipts[1]![1], CONTEXT);
    assert.equal(msg.raw('ERR-3'), '207^Application error^messageErrorCondition');
    assert.equal(msg.raw('ERR-5'), 'DMPClosed^DMP fermé^DMP_ERROR_CODE');
  });

  it('refuses a receipt that cannot be conformant', () => {
    const cases: Array<[string, BusinessReceipt]> = [
      ['mailbox.address', { kind: 'mss-delivery', acknowledgedControlId: 'X', success: true }],
      ['mailbox', { kind: 'dmp', acknowledgedControlId: 'X', success: true, mailbox: { address: 'a@b.fr' } }],
      ['error', { kind: 'dmp', acknowledgedControlId: 'X', success: false }],
      ['acknowledgedControlId', { kind: 'dmp', acknowledgedControlId: ' ', success: true }],
    ];
    for (const [path, bad] of cases) {
      assert.throws(
        () => buildBusinessReceipt(bad, CONTEXT),
        (e: unknown) => e instanceof DocumentTransportError && e.path === path,
        path,
      );
    }
  });

  it('acknowledges a ZAM with ACK^Z02^ACK in 2.6', () => {
    const zam = buildBusinessReceipt(receipts[2]![1], CONTEXT);
    const ack = buildDocumentAck(zam, { code: 'AA' });
    assert.equal(ack.raw('MSH-9'), 'ACK^Z02^ACK');
    assert.equal(ack.get('MSH-12'), '2.6');
    assert.equal(ack.get('MSA-2'), 'ZAM-1');
  });

  it('gives no receipt for a message that is not a ZAM', () => {
    const { value, report } = readBusinessReceipt('MSH|^~\\&|A|B|C|D|20260312||ADT^A01^ADT_A01|1|P|2.5|||||FRA|UNICODE UTF-8\rPID|||1\r');
    assert.equal(value, undefined);
    assert.equal(report.issues[0]?.rule, 'TDOC-MSH-009');
  });
});
