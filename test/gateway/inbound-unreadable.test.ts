import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseMessage } from '../../src/hl7/index.js';
import type { GatewayPair } from '../helpers/gateway-pair.js';
import { startGatewayPair } from '../helpers/gateway-pair.js';

/** Sends one MLLP frame on a raw socket and returns the acknowledgement frame's content. */
function sendFrame(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([Buffer.from([0x0b]), payload, Buffer.from([0x1c, 0x0d])])));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf(0x1c);
      if (end > 0) {
        socket.end();
        resolve(data.subarray(1, end));
      }
    });
    socket.on('error', reject);
    setTimeout(() => reject(new Error('no acknowledgement')), 10_000).unref();
  });
}

describe('a half-connector receiving what is not a readable message', () => {
  let pair: GatewayPair;
  before(async () => {
    pair = await startGatewayPair();
  });
  after(async () => pair?.stop());

  it('answers AE to bytes without an MSH and keeps them in the journal (never silent loss)', async () => {
    const ack = parseMessage(await sendFrame(pair.platform.mllpPort, Buffer.from('this is not HL7\rPID|1\r')));
    assert.equal(ack.get('MSA-1'), 'AE');
    assert.equal(ack.get('ERR-3.1'), '100');
    const journal = await pair.platform.store.listMessages({ direction: 'inbound', flow: 'unknown' });
    assert.equal(journal.total, 1);
    assert.equal(journal.items[0]!.ackCode, 'AE');
    assert.match(journal.items[0]!.findings[0]!.message, /must start with an MSH segment/);
  });

  it('answers AE with the location when the charset is unknown, addressed from the readable header', async () => {
    const bytes = Buffer.from(
      'MSH|^~\\&|RIS|HOP|TLR|PLAT|20260106134418||ORM^O01^ORM_O01|BAD-CS-1|P|2.5.1|||||FRA|KLINGON|||1.0^CISIS_TLR_HL7_V2\rPID|1\r',
    );
    const ack = parseMessage(await sendFrame(pair.platform.mllpPort, bytes));
    assert.equal(ack.get('MSA-1'), 'AE');
    assert.equal(ack.get('MSA-2'), 'BAD-CS-1');
    assert.equal(ack.get('MSH-9'), 'ACK');
    assert.equal(ack.get('MSH-9.2'), 'O01');
    assert.equal(ack.get('ERR-2'), 'MSH');
    assert.equal(ack.get('ERR-2.3'), '18');
  });

  it('answers AE 200 to a message type this role does not receive', async () => {
    const ack = parseMessage(
      await sendFrame(
        pair.platform.mllpPort,
        Buffer.from(
          'MSH|^~\\&|RIS|HOP|TLR|PLAT|20260106134418||ADT^A01^ADT_A01|ADT-1|P|2.5.1|||||FRA|' +
            'UNICODE UTF-8\rEVN|A01|20260106\rPID|1||123^^^HOP^PI||DUPONT^JEAN\rPV1|1|O\r',
        ),
      ),
    );
    assert.equal(ack.get('MSA-1'), 'AE');
    assert.ok(
      ack.all('ERR').some((e) => e.get('3.1') === '200' || e.get('3.1') === '201'),
      ack.toString(),
    );
  });
});
