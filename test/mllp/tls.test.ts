import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MllpClient, MllpServer, acceptAllHandler } from '../../src/mllp/index.js';
import type { MllpConnectionContext, MllpSendResult } from '../../src/mllp/index.js';
import { createTestPki, sampleMessage } from './helpers.js';
import type { TestPki } from './helpers.js';

describe('MLLP over TLS', () => {
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });
  after(() => pki.remove());

  async function startServer(
    requestCert: boolean,
    seen: MllpConnectionContext[] = [],
    cert: 'server' | 'wrong-name' = 'server',
  ): Promise<{ server: MllpServer; port: number }> {
    const server = new MllpServer({
      tls: {
        key: cert === 'server' ? pki.serverKey : pki.wrongNameKey,
        cert: cert === 'server' ? pki.serverCert : pki.wrongNameCert,
        ca: pki.caCert,
        requestCert,
      },
      handler: async (message, context) => {
        seen.push(context);
        return acceptAllHandler(message);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    return { server, port };
  }

  /** Either the handshake or the first exchange must fail; the message must never reach the handler. */
  async function attemptRefused(client: MllpClient): Promise<Error> {
    try {
      await client.connect();
      const result: MllpSendResult = await client.send(sampleMessage('INTRUDER'), { timeoutMs: 2000 });
      assert.fail(`a refused client got an answer: ${result.code}`);
    } catch (error) {
      assert.ok(error instanceof Error);
      return error;
    } finally {
      await client.close();
    }
  }

  it('exchanges a message with mutual authentication and tells the handler who the client is', async () => {
    const seen: MllpConnectionContext[] = [];
    const { server, port } = await startServer(true, seen);
    const client = new MllpClient({ host: '127.0.0.1', port, tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey } });
    try {
      await client.connect();
      const result = await client.send(sampleMessage('MTLS1'));
      assert.equal(result.code, 'AA');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.tls?.authorized, true);
      assert.match(seen[0]!.tls?.peerCertificateSubject ?? '', /CN=ris\.test\.local/);
      assert.match(seen[0]!.tls?.peerCertificateSubject ?? '', /O=Hopital Test/);
      assert.match(seen[0]!.tls?.peerCertificateFingerprint256 ?? '', /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('refuses a client without a certificate when client certificates are required', async () => {
    const seen: MllpConnectionContext[] = [];
    const { server, port } = await startServer(true, seen);
    try {
      const error = await attemptRefused(new MllpClient({ host: '127.0.0.1', port, reconnect: false, tls: { ca: pki.caCert } }));
      assert.match((error as { code?: string }).code ?? '', /^TLR_ERR_MLLP_(CONNECT_FAILED|CONNECTION_CLOSED)$/);
      assert.equal(seen.length, 0);
      assert.ok(server.metrics.errors >= 1, 'the failed handshake is counted');
    } finally {
      await server.close();
    }
  });

  it('refuses a client whose certificate was signed by another authority', async () => {
    const seen: MllpConnectionContext[] = [];
    const { server, port } = await startServer(true, seen);
    try {
      await attemptRefused(
        new MllpClient({
          host: '127.0.0.1',
          port,
          reconnect: false,
          tls: { ca: pki.caCert, cert: pki.rogueClientCert, key: pki.rogueClientKey },
        }),
      );
      assert.equal(seen.length, 0);
    } finally {
      await server.close();
    }
  });

  it('serves server-only TLS to a client without a certificate and reports it unauthenticated', async () => {
    const seen: MllpConnectionContext[] = [];
    const { server, port } = await startServer(false, seen);
    const client = new MllpClient({ host: '127.0.0.1', port, tls: { ca: pki.caCert } });
    try {
      await client.connect();
      assert.equal((await client.send(sampleMessage('TLS1'))).code, 'AA');
      assert.equal(seen[0]!.tls?.authorized, false);
      assert.equal(seen[0]!.tls?.peerCertificateSubject, undefined);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('verifies the server host name: a certificate for another name is refused', async () => {
    const { server, port } = await startServer(false, [], 'wrong-name');
    try {
      const client = new MllpClient({ host: '127.0.0.1', port, reconnect: false, tls: { ca: pki.caCert } });
      await assert.rejects(client.connect(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'TLR_ERR_MLLP_CONNECT_FAILED');
        assert.match(error.message, /altnames|Hostname|IP/i);
        return true;
      });
      // The same certificate is accepted when the expected name is the one it carries.
      const named = new MllpClient({ host: '127.0.0.1', port, tls: { ca: pki.caCert, servername: 'other.example' } });
      await named.connect();
      assert.equal((await named.send(sampleMessage('NAMED'))).code, 'AA');
      await named.close();
    } finally {
      await server.close();
    }
  });

  it('refuses a server certificate from an authority the client does not trust', async () => {
    const { server, port } = await startServer(false);
    try {
      const client = new MllpClient({ host: '127.0.0.1', port, reconnect: false, tls: {} });
      await assert.rejects(client.connect(), { code: 'TLR_ERR_MLLP_CONNECT_FAILED' });
    } finally {
      await server.close();
    }
  });
});
