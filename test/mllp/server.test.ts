import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildAck, parseMessage, tryParseMessage } from '../../src/hl7/index.js';
import { MllpServer, acceptAllHandler } from '../../src/mllp/index.js';
import type { MllpMessageHandler } from '../../src/mllp/index.js';
import { RawPeer, flow1Bytes, frame, msaOf, sampleMessage } from './helpers.js';

/** Every adversarial case ends by checking that a fresh, well-behaved client still gets its ACK. */
async function assertStillAnswers(port: number, controlId: string): Promise<void> {
  const peer = await RawPeer.connect(port);
  await peer.write(frame(sampleMessage(controlId)));
  const [ack] = await peer.waitForFrames(1);
  assert.deepEqual(msaOf(ack!), { code: 'AA', controlId });
  peer.destroy();
}

describe('MllpServer on real sockets', () => {
  let server: MllpServer;
  let port: number;

  before(async () => {
    server = new MllpServer({ maxFrameBytes: 64 * 1024, idleTimeoutMs: 300 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  after(async () => {
    await server.close();
  });

  it('answers the flow 1 example with AA whose MSA-2 is its MSH-10', async () => {
    const peer = await RawPeer.connect(port);
    await peer.write(frame(flow1Bytes()));
    const [ack] = await peer.waitForFrames(1);
    const parsed = parseMessage(ack!);
    assert.equal(parsed.get('MSA-1'), 'AA');
    assert.equal(parsed.get('MSA-2'), '000001');
    assert.equal(parsed.get('MSH-9'), 'ACK');
    assert.equal(parsed.get('MSH-9.2'), 'O01');
    peer.destroy();
  });

  it('reassembles a frame split at every byte boundary', async () => {
    const peer = await RawPeer.connect(port);
    peer.socket.setNoDelay(true);
    const bytes = frame(sampleMessage('SPLIT1'));
    for (let i = 0; i < bytes.length; i++) {
      await peer.write(bytes.subarray(i, i + 1));
      if (i % 16 === 0) await sleep(0);
    }
    const [ack] = await peer.waitForFrames(1);
    assert.deepEqual(msaOf(ack!), { code: 'AA', controlId: 'SPLIT1' });
    peer.destroy();
  });

  it('answers 1,000 frames written in one chunk, in order', async () => {
    const peer = await RawPeer.connect(port);
    const ids = Array.from({ length: 1000 }, (_, i) => `BULK${i}`);
    await peer.write(Buffer.concat(ids.map((id) => frame(sampleMessage(id)))));
    const acks = await peer.waitForFrames(1000, 20_000);
    assert.deepEqual(
      acks.map((ack) => msaOf(ack).controlId),
      ids,
    );
    assert.ok(acks.every((ack) => msaOf(ack).code === 'AA'));
    peer.destroy();
  });

  it('skips garbage bytes between frames and answers both frames', async () => {
    const before = server.metrics.bytesSkipped;
    const peer = await RawPeer.connect(port);
    await peer.write(
      Buffer.concat([
        Buffer.from('GET / HTTP/1.1\r\n\r\n'),
        frame(sampleMessage('G1')),
        Buffer.from([0, 1, 2, 0xff]),
        frame(sampleMessage('G2')),
      ]),
    );
    const acks = await peer.waitForFrames(2);
    assert.deepEqual(
      acks.map((ack) => msaOf(ack).controlId),
      ['G1', 'G2'],
    );
    assert.equal(server.metrics.bytesSkipped - before, 18 + 4);
    peer.destroy();
  });

  it('answers AE with located ERR segments for a framed message that does not parse', async () => {
    const peer = await RawPeer.connect(port);
    await peer.write(frame('MSH|^~\\&|RIS|HOSP|TLR|PF|20250101||ORM^O01^ORM_O01|BAD1|P|2.5.1\rpid|lowercase\r'));
    const [ack] = await peer.waitForFrames(1);
    const parsed = parseMessage(ack!);
    assert.equal(parsed.get('MSA-1'), 'AE');
    assert.equal(parsed.get('MSA-2'), 'BAD1');
    assert.ok(parsed.all('ERR').length >= 1);
    peer.destroy();
  });

  it('holds a frame with no end block, then closes the connection at the idle timeout', async () => {
    const peer = await RawPeer.connect(port);
    await peer.write(Buffer.concat([Buffer.of(0x0b), sampleMessage('NOEND')]));
    await sleep(100);
    assert.equal(peer.closed, false);
    await peer.waitForClose(3000);
    assert.equal(peer.frames.length, 0);
    await assertStillAnswers(port, 'AFTER-NOEND');
  });

  it('closes a connection that sends nothing after the idle timeout', async () => {
    const started = Date.now();
    const peer = await RawPeer.connect(port);
    await peer.waitForClose(3000);
    assert.ok(Date.now() - started >= 250, 'closed before the idle timeout');
    await assertStillAnswers(port, 'AFTER-IDLE');
  });

  it('survives an abrupt disconnect in the middle of a frame', async () => {
    const before = server.metrics.bytesSkipped;
    const peer = await RawPeer.connect(port);
    const bytes = frame(sampleMessage('CUT'));
    await peer.write(bytes.subarray(0, 40));
    await sleep(30);
    peer.socket.resetAndDestroy();
    await sleep(50);
    assert.equal(server.metrics.bytesSkipped - before, 39);
    await assertStillAnswers(port, 'AFTER-CUT');
  });

  it('answers AR 100 "frame too large" addressed from the MSH of an oversized frame, then closes it', async () => {
    const errorsBefore = server.metrics.errors;
    const peer = await RawPeer.connect(port);
    const huge = Buffer.concat([sampleMessage('HUGE1', 'OBX|1|ED|PDF||'), Buffer.alloc(200 * 1024, 0x41), Buffer.from('\r')]);
    peer.write(frame(huge)).catch(() => undefined);
    const [ack] = await peer.waitForFrames(1);
    await peer.waitForClose();
    const parsed = parseMessage(ack!);
    assert.equal(parsed.get('MSA-1'), 'AR');
    assert.equal(parsed.get('MSA-2'), 'HUGE1');
    assert.equal(parsed.get('ERR-3'), '100');
    assert.match(parsed.get('ERR-8'), /frame too large/);
    assert.equal(parsed.get('MSH-5'), 'RIS', 'the rejection is addressed to the sender');
    assert.equal(server.metrics.errors - errorsBefore, 1);
    await assertStillAnswers(port, 'AFTER-HUGE');
  });

  it('answers the messages received before an oversized frame before rejecting it', async () => {
    const peer = await RawPeer.connect(port);
    const huge = Buffer.concat([sampleMessage('HUGE2'), Buffer.alloc(100 * 1024, 0x42)]);
    peer.write(Buffer.concat([frame(sampleMessage('BEFORE1')), frame(sampleMessage('BEFORE2')), frame(huge)])).catch(() => undefined);
    const acks = await peer.waitForFrames(3);
    assert.deepEqual(acks.map(msaOf), [
      { code: 'AA', controlId: 'BEFORE1' },
      { code: 'AA', controlId: 'BEFORE2' },
      { code: 'AR', controlId: 'HUGE2' },
    ]);
    await peer.waitForClose();
  });

  it('keeps answering a well-behaved client while another one misbehaves', async () => {
    const noisy = await RawPeer.connect(port);
    const good = await RawPeer.connect(port);
    await noisy.write(Buffer.concat([Buffer.of(0x0b), Buffer.alloc(1000, 0x20)]));
    for (let i = 0; i < 5; i++) await good.write(frame(sampleMessage(`GOOD${i}`)));
    const acks = await good.waitForFrames(5);
    assert.deepEqual(
      acks.map((ack) => msaOf(ack).controlId),
      ['GOOD0', 'GOOD1', 'GOOD2', 'GOOD3', 'GOOD4'],
    );
    noisy.destroy();
    good.destroy();
  });
});

describe('MllpServer handler contract', () => {
  it('writes ACKs in arrival order even when the handler would finish them out of order', async () => {
    const delays = [60, 5, 30, 0, 15];
    let index = 0;
    const handler: MllpMessageHandler = async (message) => {
      await sleep(delays[index++ % delays.length]!);
      return acceptAllHandler(message);
    };
    const server = new MllpServer({ handler });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const peer = await RawPeer.connect(port);
      const ids = ['O1', 'O2', 'O3', 'O4', 'O5'];
      await peer.write(Buffer.concat(ids.map((id) => frame(sampleMessage(id)))));
      const acks = await peer.waitForFrames(5);
      assert.deepEqual(
        acks.map((ack) => msaOf(ack).controlId),
        ids,
      );
      peer.destroy();
    } finally {
      await server.close();
    }
  });

  it('answers AR 207 when the handler throws, and stays up for the next message', async () => {
    const handler: MllpMessageHandler = async (message) => {
      if (tryParseMessage(message).header?.controlId === 'BOOM') throw new Error('database unavailable');
      return acceptAllHandler(message);
    };
    const server = new MllpServer({ handler });
    const { port } = await server.listen(0, '127.0.0.1');
    const failures: unknown[] = [];
    server.on('connectionError', (error) => failures.push(error));
    try {
      const peer = await RawPeer.connect(port);
      await peer.write(Buffer.concat([frame(flow1Bytes().toString('latin1').replace('|000001|', '|BOOM|')), frame(sampleMessage('CALM'))]));
      const [first, second] = await peer.waitForFrames(2);
      const rejected = parseMessage(first!);
      assert.equal(rejected.get('MSA-1'), 'AR');
      assert.equal(rejected.get('MSA-2'), 'BOOM');
      assert.equal(rejected.get('ERR-3'), '207');
      assert.equal(rejected.get('MSH-5'), 'StructureApp', 'addressed to the sender of flow 1');
      assert.deepEqual(msaOf(second!), { code: 'AA', controlId: 'CALM' });
      assert.equal(failures.length, 1);
      peer.destroy();
    } finally {
      await server.close();
    }
  });

  it('passes the peer address and a connection id to the handler', async () => {
    const seen: string[] = [];
    const server = new MllpServer({
      handler: async (message, context) => {
        seen.push(`${context.connectionId}@${context.peer}`);
        return buildAck(parseMessage(message), { code: 'AA' }).toBytes();
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const peer = await RawPeer.connect(port);
      await peer.write(frame(sampleMessage('CTX')));
      await peer.waitForFrames(1);
      assert.equal(seen.length, 1);
      assert.match(seen[0]!, /^\d+@127\.0\.0\.1:\d+$/);
      assert.ok(seen[0]!.endsWith(`:${peer.socket.localPort}`));
      peer.destroy();
    } finally {
      await server.close();
    }
  });

  it('refuses a connection beyond maxConnections only when every connection is processing a message', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = new MllpServer({
      maxConnections: 2,
      handler: async (message) => {
        await gate;
        return acceptAllHandler(message);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const a = await RawPeer.connect(port);
      const b = await RawPeer.connect(port);
      await a.write(frame(sampleMessage('BUSY-A')));
      await b.write(frame(sampleMessage('BUSY-B')));
      await sleep(30);
      const c = await RawPeer.connect(port);
      await c.waitForClose();
      assert.equal(server.metrics.connectionsRefused, 1);
      assert.equal(server.metrics.connectionsEvicted, 0);
      release();
      assert.equal(msaOf((await a.waitForFrames(1))[0]!).controlId, 'BUSY-A');
      assert.equal(msaOf((await b.waitForFrames(1))[0]!).controlId, 'BUSY-B');
      a.destroy();
      b.destroy();
    } finally {
      release();
      await server.close();
    }
  });

  it('close() lets the message in flight be answered before closing the connection', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = new MllpServer({
      handler: async (message) => {
        await gate;
        return acceptAllHandler(message);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const peer = await RawPeer.connect(port);
    await peer.write(frame(sampleMessage('INFLIGHT')));
    await sleep(50);
    const closing = server.close();
    await sleep(20);
    // No new connection is accepted once closing started.
    await assert.rejects(RawPeer.connect(port).then((p) => p.waitForClose(1000)));
    release();
    await closing;
    const [ack] = await peer.waitForFrames(1);
    assert.deepEqual(msaOf(ack!), { code: 'AA', controlId: 'INFLIGHT' });
    await peer.waitForClose();
  });

  it('counts connections, frames and ACKs in its metrics', async () => {
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const peer = await RawPeer.connect(port);
      await peer.write(Buffer.concat([frame(sampleMessage('M1')), frame(sampleMessage('M2'))]));
      await peer.waitForFrames(2);
      const m = server.metrics;
      assert.equal(m.connectionsOpened, 1);
      assert.equal(m.connectionsActive, 1);
      assert.equal(m.framesReceived, 2);
      assert.equal(m.acksSent, 2);
      peer.destroy();
    } finally {
      await server.close();
    }
  });
});
