import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { basename } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Message as PeerMessage } from 'node-hl7-client';
import { Server as PeerServer } from 'node-hl7-server';
import { parseMessage } from '../../src/hl7/index.js';
import { MllpClient, MllpServer } from '../../src/mllp/index.js';
import { createTestPki, exampleMessagePaths, msaOf, run } from './helpers.js';
import type { TestPki } from './helpers.js';

const mllpSendPath = (() => {
  try {
    return execFileSync('which', ['mllp_send'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

function controlIdOf(path: string): string {
  return parseMessage(readFileSync(path)).header.controlId;
}

/** Sends one message with node-hl7-client and resolves with the raw ACK text it received. */
async function sendWithNodeHl7Client(port: number, text: string, tls?: Record<string, unknown>): Promise<string> {
  const client = new Client({ host: '127.0.0.1', ...(tls ? { tls } : {}) });
  let connection: ReturnType<Client['createConnection']> | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('node-hl7-client got no ACK')), 5000);
      connection = client.createConnection({ port, waitAck: true }, async (response) => {
        clearTimeout(timer);
        resolve(response.getMessage().toString());
      });
      connection.on('connect', () => void connection!.sendMessage(new PeerMessage({ text })));
    });
  } finally {
    await connection?.close();
  }
}

describe('interoperability with MLLP peers written by others', () => {
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });
  after(() => pki.remove());

  it('answers each Téléradiologie example sent by mllp_send (Debian python3-hl7)', {
    skip: mllpSendPath === '' && 'mllp_send is not installed (apt-get install python3-hl7)',
  }, async () => {
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const paths = exampleMessagePaths();
      assert.equal(paths.length, 4);
      for (const path of paths) {
        // --loose: the example files are bare ER7, one message per file, without MLLP framing.
        const result = await run(mllpSendPath, ['--loose', '--file', path, '--port', String(port), '127.0.0.1']);
        assert.equal(result.code, 0, `${basename(path)}: ${result.stderr}`);
        const ack = Buffer.from(result.stdout.replace(/\n$/, ''), 'latin1');
        assert.deepEqual(
          msaOf(Buffer.from(ack.toString('latin1').replace(/[\x0b\x1c]/g, ''))),
          { code: 'AA', controlId: controlIdOf(path) },
          basename(path),
        );
      }
      assert.equal(server.metrics.acksSent, 4);
    } finally {
      await server.close();
    }
  });

  it('answers node-hl7-client 3.2.0 for every example, over TCP', async () => {
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      for (const path of exampleMessagePaths()) {
        const ack = await sendWithNodeHl7Client(port, readFileSync(path, 'utf8'));
        assert.deepEqual(msaOf(Buffer.from(ack)), { code: 'AA', controlId: controlIdOf(path) }, basename(path));
      }
    } finally {
      await server.close();
    }
  });

  it('answers node-hl7-client 3.2.0 over mutual TLS', async () => {
    const server = new MllpServer({ tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true } });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const path = exampleMessagePaths()[0]!;
      const ack = await sendWithNodeHl7Client(port, readFileSync(path, 'utf8'), {
        ca: pki.caCert,
        cert: pki.clientCert,
        key: pki.clientKey,
      });
      assert.deepEqual(msaOf(Buffer.from(ack)), { code: 'AA', controlId: controlIdOf(path) });
    } finally {
      await server.close();
    }
  });

  async function startPeerServer(tls?: Record<string, unknown>): Promise<{ port: number; close: () => Promise<unknown> }> {
    const peer = new PeerServer({ bindAddress: '127.0.0.1', ...(tls ? { tls } : {}) });
    const inbound = peer.createInbound({ port: 0 }, async (_request, response) => {
      await response.sendResponse('AA');
    });
    await new Promise<void>((resolve) => inbound.once('listen', () => resolve()));
    // node-hl7-server exposes no accessor for the bound port; its listener is the `_socket` field.
    const listener = (inbound as unknown as { _socket: NetServer })._socket;
    return { port: (listener.address() as AddressInfo).port, close: () => inbound.close() };
  }

  it('gets the ACK of each example from node-hl7-server 2.5.0, correlated by MSA-2', async () => {
    const peer = await startPeerServer();
    const client = new MllpClient({ host: '127.0.0.1', port: peer.port });
    try {
      await client.connect();
      for (const path of exampleMessagePaths()) {
        const result = await client.send(readFileSync(path));
        assert.equal(result.code, 'AA');
        assert.equal(result.controlId, controlIdOf(path));
        assert.equal(result.ackMessage.get('MSA-2'), controlIdOf(path));
      }
    } finally {
      await client.close();
      await peer.close();
    }
  });

  it('gets an ACK from node-hl7-server 2.5.0 over mutual TLS with host name verification', async () => {
    const peer = await startPeerServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true });
    const client = new MllpClient({
      host: '127.0.0.1',
      port: peer.port,
      tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey },
    });
    try {
      await client.connect();
      const path = exampleMessagePaths()[3]!;
      const result = await client.send(readFileSync(path));
      assert.equal(result.code, 'AA');
      assert.equal(result.controlId, controlIdOf(path));
    } finally {
      await client.close();
      await peer.close();
    }
  });
});
