import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { metricValue, startHeadlessGateway } from '../helpers/headless-gateway.js';
import type { LogLine } from '../helpers/headless-gateway.js';
import { RawPeer, frame, msaOf, sampleMessage } from '../mllp/helpers.js';

const WARN = 40;

function warningsOf(logs: LogLine[], connectionId: unknown): LogLine[] {
  return logs.filter((line) => line.level >= WARN && line['connectionId'] === connectionId);
}

describe('bytes that never form an MLLP frame', () => {
  it('are counted per peer address and logged once per connection, by count and without content', async (t) => {
    const { gateway, logs, stop } = await startHeadlessGateway('platform');
    t.after(stop);
    const port = gateway.mllpPort;

    // No start block at all, in five chunks (an HTTP probe, a misconfigured sender).
    const noise = await RawPeer.connect(port, { localAddress: '127.0.0.7' });
    const chunks = ['GET / HTTP/1.1\r\n', 'Host: ris\r\n', 'X-Patient: DUPONT^JEAN\r\n', '\r\n', 'PID|1||123456\r'];
    for (const chunk of chunks) {
      await noise.write(Buffer.from(chunk, 'latin1'));
      await sleep(20);
    }
    const noiseBytes = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk, 'latin1'), 0);
    noise.destroy();

    // A frame started and never terminated, then the connection closed.
    const cut = await RawPeer.connect(port, { localAddress: '127.0.0.8' });
    const unterminated = Buffer.concat([Buffer.of(0x0b), sampleMessage('CUT-1')]);
    await cut.write(unterminated);
    await sleep(50);
    cut.destroy();

    await waitUntil(async () => (await metricValue(gateway, 'cisis_tlr_mllp_unframed_bytes_total', { peer: '127.0.0.8' })) > 0);
    await waitUntil(async () => (await metricValue(gateway, 'cisis_tlr_mllp_unframed_bytes_total', { peer: '127.0.0.7' })) >= noiseBytes);

    assert.equal(await metricValue(gateway, 'cisis_tlr_mllp_unframed_bytes_total', { peer: '127.0.0.7' }), noiseBytes);
    assert.ok((await metricValue(gateway, 'cisis_tlr_mllp_unframed_events_total', { peer: '127.0.0.7' })) >= 1);
    // The start block is consumed as framing; every byte after it is counted.
    assert.equal(await metricValue(gateway, 'cisis_tlr_mllp_unframed_bytes_total', { peer: '127.0.0.8' }), unterminated.length - 1);
    assert.equal(await metricValue(gateway, 'cisis_tlr_mllp_unframed_events_total', { peer: '127.0.0.8' }), 1);

    const opened = (peer: string): unknown =>
      logs.find((line) => line.msg === 'connection opened' && String(line['peer']).startsWith(`${peer}:`))?.['connectionId'];
    const noiseWarnings = warningsOf(logs, opened('127.0.0.7'));
    assert.equal(noiseWarnings.length, 1, JSON.stringify(noiseWarnings));
    assert.equal(typeof noiseWarnings[0]!['bytes'], 'number');
    const cutWarnings = warningsOf(logs, opened('127.0.0.8'));
    assert.equal(cutWarnings.length, 1, JSON.stringify(cutWarnings));
    assert.equal(cutWarnings[0]!['bytes'], unterminated.length - 1);
    assert.match(cutWarnings[0]!.msg, /closed in the middle of a frame/);
    const closedLine = logs.find((line) => line.msg === 'connection closed' && line['connectionId'] === opened('127.0.0.7'));
    assert.equal(closedLine?.['unframedBytes'], noiseBytes);

    const everything = JSON.stringify(logs);
    for (const secret of ['DUPONT', '123456', 'X-Patient', 'CUT-1'])
      assert.ok(!everything.includes(secret), `${secret} appears in the logs`);

    // Nothing was journaled for them, and the listener still answers a real message.
    assert.equal((await gateway.store.listMessages({ direction: 'inbound' })).total, 0);
    const peer = await RawPeer.connect(port);
    await peer.write(frame(sampleMessage('AFTER-NOISE')));
    assert.equal(msaOf((await peer.waitForFrames(1))[0]!).controlId, 'AFTER-NOISE');
    peer.destroy();
  });
});

async function waitUntil(done: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}
