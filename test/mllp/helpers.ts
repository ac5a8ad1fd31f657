import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MllpFrameDecoder } from '../../src/mllp/index.js';

/** Repository root, found from the compiled test location (dist/test/mllp). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
})();

/** The Téléradiologie example messages of the shared data, beside the repository. */
export const teleradiologieExamplesDir = resolve(repoRoot, '..', 'shared', 'data', 'examples', 'teleradiologie');

/** Paths of the example business messages (flows 1–4), not the ACK examples. */
export function exampleMessagePaths(): string[] {
  return readdirSync(teleradiologieExamplesDir)
    .filter((name) => /^flux\d.*\.hl7$/.test(name))
    .sort()
    .map((name) => join(teleradiologieExamplesDir, name));
}

/** The flow 1 example (ORM^O01, MSH-10 = 000001 in the published guide). */
export function flow1Bytes(): Buffer {
  return readFileSync(join(teleradiologieExamplesDir, 'flux1_ORM_O01_transmission_demande.hl7'));
}

/** A small valid message with the given control id. */
export function sampleMessage(controlId: string, extraSegments = ''): Buffer {
  return Buffer.from(
    `MSH|^~\\&|RIS|HOSP|TLR|PLATFORM|20250101120000||ORM^O01^ORM_O01|${controlId}|P|2.5.1|||||FRA|UNICODE UTF-8\r` +
      `PID|1||123456^^^HOSP^PI||DUPONT^JEAN\r${extraSegments}`,
    'utf8',
  );
}

export function frame(payload: Buffer | string): Buffer {
  return Buffer.concat([Buffer.of(0x0b), Buffer.isBuffer(payload) ? payload : Buffer.from(payload), Buffer.of(0x1c, 0x0d)]);
}

/**
 * A raw TCP peer that writes whatever a test wants and collects the frames it receives, to play
 * the misbehaving partners our transport must survive.
 */
export class RawPeer {
  readonly socket: Socket;
  readonly frames: Buffer[] = [];
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    const decoder = new MllpFrameDecoder();
    decoder.on('frame', (payload) => {
      this.frames.push(payload);
      this.wake();
    });
    decoder.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** `localAddress` picks the source address (any of 127.0.0.0/8 on loopback), to play several peers. */
  static async connect(port: number, options: { host?: string; localAddress?: string } = {}): Promise<RawPeer> {
    const socket = connect({
      host: options.host ?? '127.0.0.1',
      port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    await new Promise<void>((ok, ko) => {
      socket.once('connect', ok);
      socket.once('error', ko);
    });
    return new RawPeer(socket);
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((ok, ko) => this.socket.write(bytes, (error) => (error ? ko(error) : ok())));
  }

  /** Resolves once `count` frames were received (or rejects after `timeoutMs`). */
  async waitForFrames(count: number, timeoutMs = 5000): Promise<Buffer[]> {
    await this.waitFor(() => this.frames.length >= count, timeoutMs, `${count} frames (got ${this.frames.length})`);
    return this.frames.slice(0, count);
  }

  async waitForClose(timeoutMs = 5000): Promise<void> {
    await this.waitFor(() => this.closed, timeoutMs, 'the connection to close');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/** MSA-1 and MSA-2 of an ACK payload, read without our parser (independent check). */
export function msaOf(ack: Buffer): { code: string; controlId: string } {
  const msa = ack
    .toString('latin1')
    .split('\r')
    .find((segment) => segment.startsWith('MSA|'));
  if (!msa) throw new Error(`no MSA in ${JSON.stringify(ack.toString('latin1'))}`);
  const fields = msa.split('|');
  return { code: fields[1] ?? '', controlId: fields[2] ?? '' };
}

/** Certificates for TLS tests, generated with the openssl command line into a temporary folder. */
export interface TestPki {
  dir: string;
  caCert: Buffer;
  serverKey: Buffer;
  /** Server certificate for DNS `localhost` and IP 127.0.0.1. */
  serverCert: Buffer;
  /** Server certificate for `other.example` only, to test hostname verification. */
  wrongNameKey: Buffer;
  wrongNameCert: Buffer;
  clientKey: Buffer;
  /** Client certificate `CN=ris.test.local, O=Hopital Test`, signed by the CA. */
  clientCert: Buffer;
  /** A client certificate signed by another CA, which the server must refuse. */
  rogueClientKey: Buffer;
  rogueClientCert: Buffer;
  paths: Record<'caCert' | 'serverKey' | 'serverCert' | 'clientKey' | 'clientCert', string>;
  remove(): void;
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'tlr-mllp-pki-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const key = (name: string): void => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const ca = (name: string, subject: string): void => {
    key(name);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      subject,
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  };
  const leaf = (name: string, caName: string, subject: string, extensions: string): void => {
    key(name);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.crt`,
      '-CAkey',
      `${caName}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
  };
  ca('ca', '/CN=Test Teleradiology CA');
  ca('rogue-ca', '/CN=Rogue CA');
  leaf('server', 'ca', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('wrong-name', 'ca', '/CN=other.example', 'subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'ca', '/CN=ris.test.local/O=Hopital Test', 'extendedKeyUsage=clientAuth\n');
  leaf('rogue-client', 'rogue-ca', '/CN=intruder', 'extendedKeyUsage=clientAuth\n');
  const read = (file: string): Buffer => readFileSync(join(dir, file));
  return {
    dir,
    caCert: read('ca.crt'),
    serverKey: read('server.key'),
    serverCert: read('server.crt'),
    wrongNameKey: read('wrong-name.key'),
    wrongNameCert: read('wrong-name.crt'),
    clientKey: read('client.key'),
    clientCert: read('client.crt'),
    rogueClientKey: read('rogue-client.key'),
    rogueClientCert: read('rogue-client.crt'),
    paths: {
      caCert: join(dir, 'ca.crt'),
      serverKey: join(dir, 'server.key'),
      serverCert: join(dir, 'server.crt'),
      clientKey: join(dir, 'client.key'),
      clientCert: join(dir, 'client.crt'),
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a command and resolves with its exit code and outputs (never rejects on a non-zero exit). */
export function run(
  command: string,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(command, args, { timeout: options.timeoutMs ?? 20_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      ok({ code, stdout, stderr });
    });
  });
}
