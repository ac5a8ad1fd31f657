import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Message, buildAck, parseMessage } from '../../src/hl7/index.js';
import {
  MllpAckTimeoutError,
  MllpClient,
  MllpClientPool,
  MllpFrameDecoder,
  MllpServer,
  acceptAllHandler,
  encodeFrame,
  reconnectDelay,
} from '../../src/mllp/index.js';
import { flow1Bytes, sampleMessage } from './helpers.js';

/** A hand-written receiver: calls `reply` for each frame so a test decides exactly what goes back. */
async function scriptedReceiver(reply: (payload: Buffer, socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const decoder = new MllpFrameDecoder();
    decoder.on('frame', (payload) => reply(payload, socket));
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  openSockets.set(server, sockets);
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { server, port: address.port };
}

function ackBytes(controlId: string, code: 'AA' | 'AE' | 'AR' = 'AA'): Buffer {
  return buildAck(parseMessage(sampleMessage(controlId)), { code }).toBytes();
}

const openSockets = new Map<Server, Set<Socket>>();

async function closeServer(server: Server): Promise<void> {
  for (const socket of openSockets.get(server) ?? []) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('MllpClient', () => {
  it('returns the ACK with MSA-1, the control id and a duration', async () => {
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    const client = new MllpClient({ host: '127.0.0.1', port });
    try {
      await client.connect();
      const result = await client.send(flow1Bytes());
      assert.equal(result.code, 'AA');
      assert.equal(result.controlId, '000001');
      assert.equal(result.ackMessage.get('MSA-2'), '000001');
      assert.ok(result.ack.toString('latin1').startsWith('MSH|'));
      assert.ok(result.durationMs >= 0 && result.durationMs < 5000);
      assert.deepEqual(result.errors, []);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('accepts a Message object and sends it encoded per its MSH-18', async () => {
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    const client = new MllpClient({ host: '127.0.0.1', port });
    try {
      await client.connect();
      const message = parseMessage(sampleMessage('OBJ1'));
      assert.ok(message instanceof Message);
      const result = await client.send(message);
      assert.equal(result.controlId, 'OBJ1');
      assert.equal(result.code, 'AA');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('ignores an ACK for another control id and resolves with the matching one', async () => {
    const { server, port } = await scriptedReceiver((payload, socket) => {
      const controlId = parseMessage(payload).header.controlId;
      socket.write(encodeFrame(ackBytes('SOMEONE-ELSE')));
      setTimeout(() => socket.write(encodeFrame(ackBytes(controlId, 'AE'))), 20);
    });
    const client = new MllpClient({ host: '127.0.0.1', port });
    const unmatched: string[] = [];
    client.on('unmatchedAck', (info) => unmatched.push(info.acknowledgedControlId));
    try {
      await client.connect();
      const result = await client.send(sampleMessage('MINE'));
      assert.equal(result.controlId, 'MINE');
      assert.equal(result.code, 'AE');
      assert.deepEqual(unmatched, ['SOMEONE-ELSE']);
      assert.equal(client.metrics.unmatchedAcks, 1);
    } finally {
      await client.close();
      await closeServer(server);
    }
  });

  it('rejects with TLR_ERR_MLLP_ACK_TIMEOUT, then ignores the late ACK instead of giving it to the next message', async () => {
    let count = 0;
    const { server, port } = await scriptedReceiver((payload, socket) => {
      const controlId = parseMessage(payload).header.controlId;
      // The first ACK comes after the sender gave up; the second one on time.
      setTimeout(() => socket.write(encodeFrame(ackBytes(controlId))), count++ === 0 ? 150 : 0);
    });
    const client = new MllpClient({ host: '127.0.0.1', port });
    try {
      await client.connect();
      const started = Date.now();
      await assert.rejects(client.send(sampleMessage('SLOW'), { timeoutMs: 80 }), (error: unknown) => {
        assert.ok(error instanceof MllpAckTimeoutError);
        assert.equal(error.code, 'TLR_ERR_MLLP_ACK_TIMEOUT');
        assert.equal(error.controlId, 'SLOW');
        return true;
      });
      assert.ok(Date.now() - started >= 75);
      const second = client.send(sampleMessage('NEXT'), { timeoutMs: 2000 });
      await sleep(150);
      const result = await second;
      assert.equal(result.controlId, 'NEXT');
      assert.equal(client.metrics.ackTimeouts, 1);
    } finally {
      await client.close();
      await closeServer(server);
    }
  });

  it('keeps one message in flight per connection and sends the queued ones in order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const order: string[] = [];
    const server = new MllpServer({
      handler: async (message) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        order.push(parseMessage(message).header.controlId);
        await sleep(5);
        inFlight--;
        return acceptAllHandler(message);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const client = new MllpClient({ host: '127.0.0.1', port });
    try {
      await client.connect();
      const ids = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6'];
      const results = await Promise.all(ids.map((id) => client.send(sampleMessage(id))));
      assert.deepEqual(
        results.map((r) => r.controlId),
        ids,
      );
      assert.deepEqual(order, ids);
      assert.equal(maxInFlight, 1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('rejects with TLR_ERR_MLLP_NOT_CONNECTED before connect() and TLR_ERR_MLLP_NO_CONTROL_ID without MSH-10', async () => {
    const client = new MllpClient({ host: '127.0.0.1', port: 9 });
    await assert.rejects(client.send(sampleMessage('X')), { code: 'TLR_ERR_MLLP_NOT_CONNECTED' });
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    const connected = new MllpClient({ host: '127.0.0.1', port });
    try {
      await connected.connect();
      await assert.rejects(connected.send(Buffer.from('MSH|^~\\&|A|B|C|D|20250101||ORM^O01|||P|2.5.1\r')), {
        code: 'TLR_ERR_MLLP_NO_CONTROL_ID',
      });
    } finally {
      await connected.close();
      await server.close();
    }
  });

  it('rejects connect() with TLR_ERR_MLLP_CONNECT_FAILED when nobody listens', async () => {
    const { server, port } = await scriptedReceiver(() => undefined);
    await closeServer(server);
    const client = new MllpClient({ host: '127.0.0.1', port });
    await assert.rejects(client.connect(), { code: 'TLR_ERR_MLLP_CONNECT_FAILED' });
  });

  it('rejects the message in flight with TLR_ERR_MLLP_CONNECTION_CLOSED when the partner hangs up', async () => {
    const { server, port } = await scriptedReceiver((_payload, socket) => socket.destroy());
    const client = new MllpClient({ host: '127.0.0.1', port, reconnect: false });
    try {
      await client.connect();
      await assert.rejects(client.send(sampleMessage('DROPPED')), { code: 'TLR_ERR_MLLP_CONNECTION_CLOSED' });
      await assert.rejects(client.send(sampleMessage('AFTER')), { code: 'TLR_ERR_MLLP_NOT_CONNECTED' });
    } finally {
      await client.close();
      await closeServer(server);
    }
  });

  it('reconnects with backoff after the server restarts and delivers the message queued meanwhile', async () => {
    const first = new MllpServer();
    const { port } = await first.listen(0, '127.0.0.1');
    const client = new MllpClient({ host: '127.0.0.1', port, reconnect: { baseDelayMs: 40, maxDelayMs: 160 } });
    const delays: number[] = [];
    client.on('reconnecting', (info) => delays.push(info.delayMs));
    try {
      await client.connect();
      assert.equal((await client.send(sampleMessage('BEFORE'))).code, 'AA');
      await first.close();
      await sleep(500);
      assert.equal(client.connected, false);
      const queued = client.send(sampleMessage('DURING'), { timeoutMs: 5000 });
      const second = new MllpServer();
      await second.listen(port, '127.0.0.1');
      try {
        const result = await queued;
        assert.equal(result.controlId, 'DURING');
        assert.equal(client.connected, true);
        assert.equal(client.metrics.reconnects, 1);
      } finally {
        await client.close();
        await second.close();
      }
      // Equal-jitter exponential backoff: attempt n waits within [d/2, d], d = min(160, 40·2^(n-1)).
      assert.ok(delays.length >= 3, `expected several attempts, got ${delays.length}`);
      delays.forEach((delay, i) => {
        const ceiling = Math.min(160, 40 * 2 ** i);
        assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${i + 1}: ${delay} ms outside [${ceiling / 2}, ${ceiling}]`);
      });
    } finally {
      await client.close();
    }
  });

  it('rejects a message queued during a disconnection with TLR_ERR_MLLP_NOT_CONNECTED when no connection comes in time', async () => {
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    const client = new MllpClient({ host: '127.0.0.1', port, reconnect: { baseDelayMs: 20, maxDelayMs: 40 } });
    try {
      await client.connect();
      await server.close();
      await sleep(50);
      await assert.rejects(client.send(sampleMessage('NOWHERE'), { timeoutMs: 120 }), { code: 'TLR_ERR_MLLP_NOT_CONNECTED' });
    } finally {
      await client.close();
    }
  });

  it('close() rejects queued messages as not sent and lets the one in flight finish', async () => {
    const server = new MllpServer({
      handler: async (message) => {
        await sleep(60);
        return acceptAllHandler(message);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const client = new MllpClient({ host: '127.0.0.1', port });
    try {
      await client.connect();
      const first = client.send(sampleMessage('FIRST'));
      const second = client.send(sampleMessage('SECOND'));
      await sleep(10);
      const closing = client.close();
      await assert.rejects(second, { code: 'TLR_ERR_MLLP_CLIENT_CLOSED' });
      assert.equal((await first).controlId, 'FIRST');
      await closing;
      await assert.rejects(client.send(sampleMessage('LATE')), { code: 'TLR_ERR_MLLP_CLIENT_CLOSED' });
    } finally {
      await server.close();
    }
  });
});

describe('reconnectDelay', () => {
  it('doubles from the base up to the ceiling, jittered in the upper half', () => {
    const backoff = { baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 10].map((n) => reconnectDelay(n, backoff, () => 1)),
      [100, 200, 400, 800, 1000, 1000],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4, 10].map((n) => reconnectDelay(n, backoff, () => 0)),
      [50, 100, 200, 400, 500, 500],
    );
  });
});

describe('MllpClientPool', () => {
  it('sends over N connections in parallel', async () => {
    const connectionsSeen = new Set<string>();
    const server = new MllpServer({
      handler: async (message, context) => {
        connectionsSeen.add(context.connectionId);
        await sleep(100);
        return acceptAllHandler(message);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const pool = new MllpClientPool({ host: '127.0.0.1', port, size: 4 });
    try {
      await pool.connect();
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.send(sampleMessage(`P${i}`))));
      const elapsed = Date.now() - started;
      assert.deepEqual(
        results.map((r) => r.controlId),
        Array.from({ length: 8 }, (_, i) => `P${i}`),
      );
      assert.equal(connectionsSeen.size, 4);
      // 8 messages of 100 ms over 4 connections: about 200 ms, far below the 800 ms of one connection.
      assert.ok(elapsed < 600, `took ${elapsed} ms`);
      assert.equal(pool.metrics.acknowledged, 8);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  it('spreads messages evenly in round-robin mode', async () => {
    const perConnection = new Map<string, number>();
    const server = new MllpServer({
      handler: async (message, context) => {
        perConnection.set(context.connectionId, (perConnection.get(context.connectionId) ?? 0) + 1);
        return acceptAllHandler(message);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const pool = new MllpClientPool({ host: '127.0.0.1', port, size: 3, strategy: 'round-robin' });
    try {
      await pool.connect();
      for (let i = 0; i < 9; i++) await pool.send(sampleMessage(`R${i}`));
      assert.deepEqual([...perConnection.values()], [3, 3, 3]);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
