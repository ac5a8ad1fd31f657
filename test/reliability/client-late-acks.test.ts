import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MllpAckTimeoutError, MllpClient, MllpFrameDecoder, encodeFrame, peekHeader } from '../../src/mllp/index.js';
import type { MllpSendResult } from '../../src/mllp/index.js';
import { sampleMessage } from '../mllp/helpers.js';

function ackFor(controlId: string, code = 'AA'): Buffer {
  return Buffer.from(`MSH|^~\\&|P|P|S|S|20250101120000||ACK|A-${controlId}|T|2.5.1\rMSA|${code}|${controlId}\r`);
}

/** A receiver whose answers are scripted by the test: `answer(controlId, delayMs)` per received frame. */
async function scriptedPartner(
  delayOf: (controlId: string, copy: number) => number,
): Promise<{ port: number; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const decoder = new MllpFrameDecoder();
    decoder.on('frame', (payload) => {
      const controlId = peekHeader(payload)?.controlId ?? '';
      received.push(controlId);
      const copy = received.filter((id) => id === controlId).length;
      setTimeout(
        () => {
          if (!socket.destroyed) socket.write(encodeFrame(ackFor(controlId)));
        },
        delayOf(controlId, copy),
      );
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('MllpClient and acknowledgements after the timeout', () => {
  const lateAckTest =
    'reports the late ACK of a timed-out message as lateAck while the next message is in flight, ' +
    'and gives each ACK to its own message';
  it(lateAckTest, async (t) => {
    const partner = await scriptedPartner((controlId) => ({ FIRST: 300, SECOND: 0, THIRD: 400 })[controlId] ?? 0);
    t.after(() => partner.close());
    const client = new MllpClient({ host: '127.0.0.1', port: partner.port });
    t.after(() => client.close());
    const late: Array<MllpSendResult & { timeoutMs: number }> = [];
    client.on('lateAck', (result) => late.push(result));
    await client.connect();
    await assert.rejects(client.send(sampleMessage('FIRST'), { timeoutMs: 100 }), MllpAckTimeoutError);
    // SECOND is answered at once; FIRST's ACK arrives while THIRD is in flight.
    const second = await client.send(sampleMessage('SECOND'), { timeoutMs: 1000 });
    assert.equal(second.controlId, 'SECOND');
    const third = client.send(sampleMessage('THIRD'), { timeoutMs: 1000 });
    assert.equal((await third).controlId, 'THIRD');
    assert.equal(late.length, 1);
    assert.equal(late[0]!.controlId, 'FIRST');
    assert.equal(late[0]!.code, 'AA');
    assert.equal(late[0]!.timeoutMs, 100);
    assert.ok(late[0]!.durationMs >= 250, `late by ${late[0]!.durationMs} ms`);
    assert.deepEqual({ late: client.metrics.lateAcks, unmatched: client.metrics.unmatchedAcks }, { late: 1, unmatched: 0 });
  });

  it('takes the first ACK of a resent message for the resend and ignores the second as a duplicate', async (t) => {
    const partner = await scriptedPartner((_controlId, copy) => (copy === 1 ? 250 : 400));
    t.after(() => partner.close());
    const client = new MllpClient({ host: '127.0.0.1', port: partner.port });
    t.after(() => client.close());
    let lateAcks = 0;
    client.on('lateAck', () => lateAcks++);
    await client.connect();
    await assert.rejects(client.send(sampleMessage('AGAIN'), { timeoutMs: 100 }), MllpAckTimeoutError);
    const resent = await client.send(sampleMessage('AGAIN'), { timeoutMs: 1000 });
    assert.equal(resent.controlId, 'AGAIN');
    await sleep(500);
    assert.deepEqual(partner.received, ['AGAIN', 'AGAIN']);
    assert.equal(lateAcks, 0, 'the resend was in flight: its ACK is a result, not a late ACK');
    assert.deepEqual(
      { duplicates: client.metrics.duplicateAcks, unmatched: client.metrics.unmatchedAcks },
      { duplicates: 1, unmatched: 0 },
    );
  });
});
