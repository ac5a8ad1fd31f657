import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildAck, parseMessage } from '../../src/hl7/index.js';
import { MllpClient, MllpServer, acceptAllHandler } from '../../src/mllp/index.js';
import { createListenHandler } from '../../src/cli/commands/listen-handler.js';
import { createTestPki, exampleMessagePaths, flow1Bytes, sampleMessage, run } from './helpers.js';
import type { TestPki } from './helpers.js';

const harness = join(dirname(fileURLToPath(import.meta.url)), 'cli-harness.js');
const cli = (...args: string[]): ReturnType<typeof run> => run(process.execPath, [harness, ...args]);

/** Starts `listen` in a child process and resolves once it printed its address. */
async function startListen(
  args: string[],
): Promise<{ child: ChildProcessWithoutNullStreams; port: number; output: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [harness, 'listen', '--host', '127.0.0.1', '--port', '0', ...args]);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listen did not start: ${stdout}`)), 10_000);
    const check = (): void => {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', check);
    child.once('exit', () => reject(new Error(`listen exited: ${stdout}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    port,
    output: () => stdout,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('cisis-tlr send', () => {
  let pki: TestPki;
  let workDir: string;
  before(() => {
    pki = createTestPki();
    workDir = mkdtempSync(join(tmpdir(), 'tlr-send-'));
  });
  after(() => {
    pki.remove();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('sends every example and exits 0 when every ACK is AA, printing MSA-1 and MSA-2', async () => {
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const result = await cli('send', '--host', '127.0.0.1', '--port', String(port), ...exampleMessagePaths());
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trim().split('\n');
      assert.equal(lines.length, 4);
      for (const [i, path] of exampleMessagePaths().entries()) {
        assert.match(lines[i]!, new RegExp(`MSA-1=AA MSA-2=${parseMessage(readFileSync(path)).header.controlId} `));
      }
    } finally {
      await server.close();
    }
  });

  it('converts LF and CRLF line ends to CR before sending', async () => {
    const received: Buffer[] = [];
    const server = new MllpServer({
      handler: async (message) => {
        received.push(message);
        return acceptAllHandler(message);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const lf = join(workDir, 'lf.hl7');
    const crlf = join(workDir, 'crlf.hl7');
    writeFileSync(lf, flow1Bytes().toString('utf8').replace(/\r/g, '\n'));
    writeFileSync(crlf, flow1Bytes().toString('utf8').replace(/\r/g, '\r\n'));
    try {
      const result = await cli('send', '--host', '127.0.0.1', '--port', String(port), lf, crlf);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(received.length, 2);
      for (const bytes of received) assert.deepEqual(bytes, flow1Bytes());
    } finally {
      await server.close();
    }
  });

  it('exits 1 and prints the ERR lines when an ACK is not AA', async () => {
    const server = new MllpServer({
      handler: async (message) =>
        buildAck(parseMessage(message), {
          code: 'AE',
          errors: [
            {
              condition: '203',
              severity: 'E',
              location: { segment: 'MSH', field: 12 },
              message: 'Unsupported version',
              applicationCode: 'TLR-GEN-001',
            },
          ],
        }).toBytes(),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const result = await cli('send', '--host', '127.0.0.1', '--port', String(port), exampleMessagePaths()[0]!);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /MSA-1=AE MSA-2=000001/);
      assert.match(result.stdout, /ERR MSH-12 203 E \[TLR-GEN-001\]: Unsupported version/);
    } finally {
      await server.close();
    }
  });

  it('exits 2 on a connection error, an unreadable file or a bad port', async () => {
    const server = new MllpServer();
    const { port } = await server.listen(0, '127.0.0.1');
    await server.close();
    const refused = await cli('send', '--host', '127.0.0.1', '--port', String(port), exampleMessagePaths()[0]!);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /TLR_ERR_MLLP_CONNECT_FAILED/);
    const missing = await cli('send', '--host', '127.0.0.1', '--port', String(port), join(workDir, 'absent.hl7'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
    const badPort = await cli('send', '--host', '127.0.0.1', '--port', '70000', exampleMessagePaths()[0]!);
    assert.equal(badPort.code, 2);
  });

  it('honours --ack-timeout (and its former name --timeout): a silent partner fails the send after that time, exit 2', async () => {
    const server = new MllpServer({ handler: () => new Promise<Uint8Array>(() => undefined) });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      for (const flag of ['--ack-timeout', '--timeout']) {
        const started = Date.now();
        const result = await cli('send', '--host', '127.0.0.1', '--port', String(port), flag, '300', exampleMessagePaths()[0]!);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /TLR_ERR_MLLP_ACK_TIMEOUT.*300 ms/);
        assert.ok(Date.now() - started < 10_000, `${flag} took ${Date.now() - started} ms`);
      }
    } finally {
      await server.close();
    }
  });

  it('sends over mutual TLS with --ca, --cert and --key', async () => {
    const server = new MllpServer({ tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true } });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const result = await cli(
        'send',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--tls',
        '--ca',
        pki.paths.caCert,
        '--cert',
        pki.paths.clientCert,
        '--key',
        pki.paths.clientKey,
        exampleMessagePaths()[1]!,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /MSA-1=AA/);
    } finally {
      await server.close();
    }
  });
});

describe('cisis-tlr listen', () => {
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });
  after(() => pki.remove());

  it('answers AA and prints one summary line without the message content, then stops on SIGTERM', async () => {
    const listener = await startListen([]);
    const client = new MllpClient({ host: '127.0.0.1', port: listener.port });
    try {
      await client.connect();
      const result = await client.send(flow1Bytes());
      assert.equal(result.code, 'AA');
      assert.equal(result.controlId, '000001');
      const bad = await client.send(Buffer.from('MSH|^~\\&|RIS|H|TLR|P|20250101||ORM^O01^ORM_O01|BAD9|P|2.5.1\rzz|1\r'));
      assert.equal(bad.code, 'AE');
    } finally {
      await client.close();
    }
    assert.equal(await listener.stop(), 0);
    const output = listener.output();
    assert.match(output, /ORM\^O01\^ORM_O01 control id 000001 \d+ bytes -> AA/);
    assert.match(output, /control id BAD9 \d+ bytes -> AE/);
    // The flow 1 example's patient must not appear without --verbose.
    const patientName = parseMessage(flow1Bytes()).get('PID-5.1');
    assert.ok(patientName.length > 0);
    assert.ok(!output.includes(patientName), 'patient data printed without --verbose');
    assert.match(output, /stopped/);
  });

  it('prints the full message with --verbose', async () => {
    const listener = await startListen(['--verbose']);
    const client = new MllpClient({ host: '127.0.0.1', port: listener.port });
    try {
      await client.connect();
      await client.send(flow1Bytes());
    } finally {
      await client.close();
      await listener.stop();
    }
    assert.ok(listener.output().includes(parseMessage(flow1Bytes()).get('PID-5.1')));
  });

  it('answers a correctly addressed ACK with --validate, with or without the conformance validator', async () => {
    const listener = await startListen(['--validate']);
    const client = new MllpClient({ host: '127.0.0.1', port: listener.port });
    try {
      await client.connect();
      const result = await client.send(flow1Bytes());
      assert.ok(['AA', 'AE', 'AR'].includes(result.code), result.code);
      assert.equal(result.ackMessage.get('MSA-2'), '000001');
      assert.equal(result.ackMessage.get('MSH-9.2'), 'O01');
    } finally {
      await client.close();
      await listener.stop();
    }
  });

  it('requires a client certificate with --tls --require-client-cert', async () => {
    const listener = await startListen([
      '--tls',
      '--cert',
      pki.paths.serverCert,
      '--key',
      pki.paths.serverKey,
      '--ca',
      pki.paths.caCert,
      '--require-client-cert',
    ]);
    try {
      const client = new MllpClient({
        host: '127.0.0.1',
        port: listener.port,
        tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey },
      });
      await client.connect();
      assert.equal((await client.send(flow1Bytes())).code, 'AA');
      await client.close();
      const anonymous = new MllpClient({ host: '127.0.0.1', port: listener.port, reconnect: false, tls: { ca: pki.caCert } });
      const outcome = await anonymous
        .connect()
        .then(() => anonymous.send(flow1Bytes(), { timeoutMs: 2000 }))
        .then(
          (result) => `answered ${result.code}`,
          (error: Error & { code?: string }) => error.code ?? error.message,
        );
      await anonymous.close();
      assert.match(outcome, /^TLR_ERR_MLLP_(CONNECT_FAILED|CONNECTION_CLOSED)$/);
    } finally {
      await listener.stop();
    }
  });
});

describe('createListenHandler', () => {
  it('answers with the ACK built by the validation hook and prints its MSA-1', async () => {
    const lines: string[] = [];
    const handler = createListenHandler({
      validate: async (bytes) =>
        buildAck(parseMessage(bytes), {
          code: 'AR',
          errors: [{ condition: '207', severity: 'E', message: 'refused by profile' }],
        }).toBytes(),
      print: (line) => lines.push(line),
    });
    const ack = parseMessage(Buffer.from(await handler(sampleMessage('HOOK1'), { peer: '127.0.0.1:1', connectionId: '1' })));
    assert.equal(ack.get('MSA-1'), 'AR');
    assert.equal(ack.get('MSA-2'), 'HOOK1');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /127\.0\.0\.1:1 ORM\^O01\^ORM_O01 control id HOOK1 \d+ bytes -> AR$/);
  });
});
