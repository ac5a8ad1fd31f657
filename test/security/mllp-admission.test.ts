import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/gateway/config.js';
import { MllpClient, MllpServer, PeerAllowList } from '../../src/mllp/index.js';
import { metricValue, startHeadlessGateway } from '../helpers/headless-gateway.js';
import { RawPeer, createTestPki, frame, msaOf, sampleMessage } from '../mllp/helpers.js';

/** Opens `count` TCP connections from `localAddress` that never send a byte, as a locking-out peer would. */
async function openIdle(port: number, count: number, localAddress: string): Promise<Socket[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port, localAddress });
          socket.once('connect', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  for (const socket of sockets) socket.on('error', () => undefined);
  return sockets;
}

function stillOpen(sockets: Socket[]): number {
  return sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open').length;
}

/** Polls until `done()` (sockets close asynchronously after the server's RST/FIN). */
async function eventually(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A well-behaved peer still gets the acknowledgement of its message (AA from a bare server; the gateway validates and may answer AE). */
async function assertAnswered(
  port: number,
  controlId: string,
  options: { host?: string; localAddress?: string; code?: RegExp } = {},
): Promise<void> {
  const peer = await RawPeer.connect(port, options);
  await peer.write(frame(sampleMessage(controlId)));
  const [ack] = await peer.waitForFrames(1);
  const msa = msaOf(ack!);
  assert.equal(msa.controlId, controlId);
  assert.match(msa.code, options.code ?? /^AA$/);
  peer.destroy();
}

describe('MLLP admission: idle sockets cannot lock the partner out', () => {
  it('a real client gets its ACKs from the gateway while 500 idle connections are held against it', async (t) => {
    const { gateway, stop } = await startHeadlessGateway('platform');
    t.after(stop);
    const port = gateway.mllpPort;
    // 500 idle sockets, 100 from each of five loopback addresses — one of them the client's own.
    const idle: Socket[] = [];
    for (const address of ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'])
      idle.push(...(await openIdle(port, 100, address)));
    t.after(() => {
      for (const socket of idle) socket.destroy();
    });
    await sleep(100);

    const client = new MllpClient({ host: '127.0.0.1', port, ackTimeoutMs: 5000, reconnect: false });
    await client.connect();
    t.after(() => client.close());
    for (let i = 1; i <= 5; i++) {
      const result = await client.send(sampleMessage(`LOCKOUT-${i}`));
      assert.equal(result.controlId, `LOCKOUT-${i}`);
    }
    // A second wave after the client has talked: its connection, which delivered frames, is not the one closed.
    idle.push(...(await openIdle(port, 200, '127.0.0.1')));
    await sleep(100);
    for (let i = 6; i <= 10; i++) assert.equal((await client.send(sampleMessage(`LOCKOUT-${i}`))).controlId, `LOCKOUT-${i}`);
    assert.equal(client.metrics.acknowledged, 10);
    assert.equal(client.metrics.reconnects, 0);

    // The evicted sockets see their close asynchronously.
    const { maxConnections } = gateway.config.mllp;
    await eventually(() => stillOpen(idle) <= maxConnections, `at most ${maxConnections} idle sockets open (now ${stillOpen(idle)})`);
    const evicted =
      (await metricValue(gateway, 'cisis_tlr_mllp_connections_evicted_total', { reason: 'max-connections' })) +
      (await metricValue(gateway, 'cisis_tlr_mllp_connections_evicted_total', { reason: 'max-connections-per-peer' }));
    assert.ok(evicted >= 600, `evicted ${evicted}`);
    assert.equal(await metricValue(gateway, 'cisis_tlr_mllp_connections_refused_total', { reason: 'max-connections' }), 0);
  });

  it('one peer address holds at most maxConnectionsPerPeer connections; its own idlest one makes room', async (t) => {
    const server = new MllpServer({ maxConnections: 50, maxConnectionsPerPeer: 5 });
    const { port } = await server.listen(0, '127.0.0.1');
    t.after(() => server.close());
    const evicted: string[] = [];
    server.on('connectionEvicted', (context, reason) => evicted.push(`${context.peerAddress} ${reason}`));
    const greedy = await openIdle(port, 20, '127.0.0.2');
    const other = await openIdle(port, 10, '127.0.0.3');
    t.after(() => {
      for (const socket of [...greedy, ...other]) socket.destroy();
    });
    await eventually(() => stillOpen(greedy) === 5, `5 sockets of 127.0.0.2 open (now ${stillOpen(greedy)})`);
    assert.equal(stillOpen(greedy.slice(15)), 5, 'the newest five are the ones kept');
    await eventually(() => stillOpen(other) === 5, '5 sockets of 127.0.0.3');
    assert.equal(server.metrics.connectionsEvicted, 20);
    assert.ok(evicted.every((line) => line.endsWith('max-connections-per-peer')));
    await assertAnswered(port, 'PER-PEER', { localAddress: '127.0.0.4' });
  });

  it('at maxConnections closes a connection that never sent a frame before one that did, then the longest idle', async (t) => {
    const server = new MllpServer({ maxConnections: 3, maxConnectionsPerPeer: 3 });
    const { port } = await server.listen(0, '127.0.0.1');
    t.after(() => server.close());
    const talker = await RawPeer.connect(port, { localAddress: '127.0.0.2' });
    await talker.write(frame(sampleMessage('TALKER-1')));
    await talker.waitForFrames(1);
    const [quietOld] = await openIdle(port, 1, '127.0.0.3');
    await sleep(20);
    const [quietNew] = await openIdle(port, 1, '127.0.0.4');
    await sleep(20);
    const [newcomer] = await openIdle(port, 1, '127.0.0.5');
    await eventually(() => quietOld!.destroyed || quietOld!.readyState !== 'open', 'the oldest silent connection to close');
    assert.equal(stillOpen([quietNew!, newcomer!]), 2);
    await talker.write(frame(sampleMessage('TALKER-2')));
    assert.equal(msaOf((await talker.waitForFrames(2))[1]!).controlId, 'TALKER-2');
    assert.equal(server.metrics.connectionsEvicted, 1);
    assert.equal(server.metrics.connectionsRefused, 0);
    talker.destroy();
    quietNew!.destroy();
    newcomer!.destroy();
  });
});

describe('MLLP admission: slow and noisy peers', () => {
  it('closes a connection whose frame does not end within frameTimeoutMs, however steadily its bytes trickle in', async (t) => {
    const server = new MllpServer({ idleTimeoutMs: 10_000, frameTimeoutMs: 300 });
    const { port } = await server.listen(0, '127.0.0.1');
    t.after(() => server.close());
    const peer = await RawPeer.connect(port);
    await peer.write(Buffer.from('\x0bMSH|^~\\&|'));
    const started = Date.now();
    const trickle = setInterval(() => {
      if (!peer.closed) peer.socket.write('A');
    }, 50);
    t.after(() => clearInterval(trickle));
    await peer.waitForClose(3000);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 2000, `closed after ${elapsed} ms`);
    assert.equal(server.metrics.frameTimeouts, 1);
    assert.equal(peer.frames.length, 0);
    await assertAnswered(port, 'AFTER-SLOWLORIS');
  });

  it('lets a frame that completes within frameTimeoutMs through, and the connection serve the next one', async (t) => {
    const server = new MllpServer({ idleTimeoutMs: 10_000, frameTimeoutMs: 400 });
    const { port } = await server.listen(0, '127.0.0.1');
    t.after(() => server.close());
    const peer = await RawPeer.connect(port);
    const bytes = frame(sampleMessage('SLOW-BUT-OK'));
    for (let i = 0; i < bytes.length; i += 40) {
      await peer.write(bytes.subarray(i, i + 40));
      await sleep(15);
    }
    assert.equal(msaOf((await peer.waitForFrames(1))[0]!).controlId, 'SLOW-BUT-OK');
    await sleep(500);
    await peer.write(frame(sampleMessage('NEXT')));
    assert.equal(msaOf((await peer.waitForFrames(2))[1]!).controlId, 'NEXT');
    assert.equal(server.metrics.frameTimeouts, 0);
    peer.destroy();
  });

  it('does not count bytes outside frames as activity: a peer dribbling noise is closed by the idle timeout', async (t) => {
    const server = new MllpServer({ idleTimeoutMs: 300 });
    const { port } = await server.listen(0, '127.0.0.1');
    t.after(() => server.close());
    const peer = await RawPeer.connect(port);
    const dribble = setInterval(() => {
      if (!peer.closed) peer.socket.write('x');
    }, 50);
    t.after(() => clearInterval(dribble));
    await peer.waitForClose(3000);
    assert.equal(server.metrics.idleTimeouts, 1);
  });
});

describe('MLLP admission: allowed peers', () => {
  it('closes connections from addresses outside mllp.allowedPeers before reading them, and counts them', async (t) => {
    const { gateway, logs, stop } = await startHeadlessGateway('platform', { mllp: { allowedPeers: ['127.0.0.1/32', '2001:db8::/32'] } });
    t.after(stop);
    const port = gateway.mllpPort;
    const stranger = await RawPeer.connect(port, { localAddress: '127.0.0.9' });
    await stranger.write(frame(sampleMessage('STRANGER'))).catch(() => undefined);
    await stranger.waitForClose();
    assert.equal(stranger.frames.length, 0);
    assert.equal(await metricValue(gateway, 'cisis_tlr_mllp_connections_refused_total', { reason: 'not-allowed' }), 1);
    const refusal = logs.find((line) => line.msg === 'connection refused');
    assert.equal(refusal?.['reason'], 'not-allowed');
    assert.match(String(refusal?.['peer']), /^127\.0\.0\.9:\d+$/);
    await assertAnswered(port, 'ALLOWED', { code: /^A[AER]$/ });
    assert.equal((await gateway.store.listMessages({ direction: 'inbound' })).total, 1, 'only the allowed peer reached the store');
  });

  it('matches an IPv4 rule against the IPv4-mapped address of a dual-stack listener, and IPv6 rules against IPv6 peers', async (t) => {
    const server = new MllpServer({ allowedPeers: ['127.0.0.0/30', '::1'] });
    const { port } = await server.listen(0, '::');
    t.after(() => server.close());
    const peers: string[] = [];
    server.on('connection', (context) => peers.push(context.peerAddress ?? ''));
    await assertAnswered(port, 'MAPPED', { host: '127.0.0.1', localAddress: '127.0.0.2' });
    await assertAnswered(port, 'IPV6', { host: '::1' });
    const outside = await RawPeer.connect(port, { host: '127.0.0.1', localAddress: '127.0.0.5' });
    await outside.waitForClose();
    assert.deepEqual(peers, ['127.0.0.2', '::1']);
    assert.equal(server.metrics.connectionsRefused, 1);
  });

  it('reads addresses and CIDR blocks of both families, mapped ones included', () => {
    const list = new PeerAllowList(['10.0.0.0/8', '192.168.1.20', '2001:db8::/32', '::ffff:172.16.0.0/108']);
    assert.equal(list.allows('10.200.3.4'), true);
    assert.equal(list.allows('::ffff:10.200.3.4'), true);
    assert.equal(list.allows('192.168.1.20'), true);
    assert.equal(list.allows('192.168.1.21'), false);
    assert.equal(list.allows('2001:db8:1::5'), true);
    assert.equal(list.allows('2001:db9::5'), false);
    assert.equal(list.allows('172.31.255.1'), true);
    assert.equal(list.allows('172.32.0.1'), false);
    assert.equal(list.allows(undefined), false);
  });

  it('refuses a configuration whose allowed peers or limits do not make sense, with a clear message', async () => {
    for (const [allowedPeers, pattern] of [
      [['10.0.0.0/33'], /10\.0\.0\.0\/33.*at most 32/],
      [['ris.example.org'], /ris\.example\.org.*not an IPv4 or IPv6 address/],
      [['::ffff:10.0.0.0/8'], /at least 96/],
    ] as const) {
      await assert.rejects(loadConfig({ env: {}, overrides: { mllp: { allowedPeers: [...allowedPeers] } } }), (e: Error) =>
        pattern.test(e.message),
      );
    }
    await assert.rejects(
      loadConfig({ env: {}, overrides: { mllp: { maxConnections: 10, maxConnectionsPerPeer: 20 } } }),
      /maxConnectionsPerPeer must be at most/,
    );
    const fromEnv = await loadConfig({
      env: {
        CISIS_TLR_MLLP_ALLOWED_PEERS: '10.1.0.0/16, ::1',
        CISIS_TLR_MLLP_MAX_CONNECTIONS: '40',
        CISIS_TLR_MLLP_MAX_CONNECTIONS_PER_PEER: '4',
        CISIS_TLR_MLLP_FRAME_TIMEOUT_MS: '5000',
      },
    });
    assert.deepEqual(fromEnv.mllp.allowedPeers, ['10.1.0.0/16', '::1']);
    assert.equal(fromEnv.mllp.maxConnections, 40);
    assert.equal(fromEnv.mllp.maxConnectionsPerPeer, 4);
    assert.equal(fromEnv.mllp.frameTimeoutMs, 5000);
  });
});

describe('MLLP admission over TLS', () => {
  it('closes a peer outside allowedPeers before the TLS handshake, and still serves an allowed one', async (t) => {
    const pki = createTestPki();
    t.after(() => pki.remove());
    const server = new MllpServer({ tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert }, allowedPeers: ['127.0.0.1'] });
    const { port } = await server.listen(0, '127.0.0.1');
    t.after(() => server.close());
    const errors: unknown[] = [];
    server.on('connectionError', (error) => errors.push(error));
    let handshook = false;
    const tcp = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.6' });
    tcp.on('error', () => undefined);
    const stranger = tlsConnect({ socket: tcp, ca: pki.caCert, servername: 'localhost' }, () => {
      handshook = true;
    });
    await new Promise<void>((resolve) => {
      stranger.once('close', () => resolve());
      stranger.on('error', () => undefined);
    });
    assert.equal(handshook, false);
    assert.equal(server.metrics.connectionsRefused, 1);
    assert.equal(server.metrics.errors, 0, 'a refused peer is not reported as a TLS failure');
    const client = new MllpClient({ host: '127.0.0.1', port, tls: { ca: pki.caCert, servername: 'localhost' }, reconnect: false });
    await client.connect();
    t.after(() => client.close());
    assert.equal((await client.send(sampleMessage('TLS-ALLOWED'))).code, 'AA');
    assert.deepEqual(errors, []);
  });
});
