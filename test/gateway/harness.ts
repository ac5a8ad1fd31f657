/**
 * Real processes for the end-to-end tests: `cisis-tlr serve` half-connectors started as child
 * processes on free ports with a configuration file written by the test, a bearer-authenticated
 * API client, a webhook receiver on a local HTTP server, and the CLI run to completion.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findFreePort } from '../../src/simulate/index.js';
import { cliPath, repoRoot } from '../helpers/paths.js';

export const API_KEY = `test-key-${randomBytes(12).toString('hex')}`;
export const WEBHOOK_SECRET = `whsec-${randomBytes(12).toString('hex')}`;

/** `postgres://…`; the PostgreSQL runs are skipped without it. */
export const pgUrl = process.env['CISIS_TLR_TEST_PG'] ?? '';
export const pgSkip: string | false = pgUrl === '' ? 'CISIS_TLR_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/test)' : false;

/** A temporary directory removed by `dispose`. */
export async function tempDir(label: string): Promise<{ path: string; dispose: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `cisis-tlr-e2e-${label}-`));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** A PostgreSQL schema of its own for one gateway, dropped by `dispose`. */
export function postgresSchemaUrl(label: string): { url: string; dispose: () => Promise<void> } {
  const schema = `tlr_e2e_${label}_${randomBytes(4).toString('hex')}`;
  const url = new URL(pgUrl);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    dispose: async () => {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A webhook delivery as the receiver saw it. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  event: {
    id: string;
    type: string;
    attempt: number;
    data: { type: string; orderKey?: string; placerOrderNumber?: string; state?: string; data?: Record<string, unknown> };
  };
}

/** A local HTTP server that records every POST (answering 204). */
export async function startWebhookReceiver(): Promise<{ url: string; received: ReceivedWebhook[]; close: () => Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, event: JSON.parse(body) as ReceivedWebhook['event'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A `cisis-tlr serve` child process. */
export interface ServedGateway {
  role: 'ris' | 'platform';
  mllpPort: number;
  apiPort: number;
  api: ApiClient;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

export interface ServeOptions {
  role: 'ris' | 'platform';
  mllpPort: number;
  partnerPort: number;
  dataDir: string;
  storageUrl?: string;
  webhookUrl?: string;
}

/**
 * Starts `node bin/cisis-tlr.js serve --config <file>` with a configuration written here: test
 * processing mode, short retry delays, logs at warn; the API key comes from `CISIS_TLR_API_KEYS`.
 * Resolves once `/health` answers.
 */
export async function serve(o: ServeOptions): Promise<ServedGateway> {
  const apiPort = await findFreePort();
  const config = {
    role: o.role,
    mllp: { port: o.mllpPort },
    api: { port: apiPort },
    partner: { host: '127.0.0.1', port: o.partnerPort, ackTimeoutMs: 10_000 },
    dataDir: o.dataDir,
    ...(o.storageUrl ? { storage: { url: o.storageUrl } } : {}),
    processingId: 'T',
    logLevel: 'warn',
    outbox: { baseDelayMs: 100, maxDelayMs: 2_000 },
    ...(o.webhookUrl ? { webhooks: [{ url: o.webhookUrl, secret: WEBHOOK_SECRET, events: ['*'] }] } : {}),
  };
  const file = join(o.dataDir, `${o.role}.config.json`);
  await writeFile(file, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, [cliPath, 'serve', '--config', file], {
    cwd: repoRoot,
    env: { ...process.env, CISIS_TLR_API_KEYS: API_KEY, CISIS_TLR_LOG_LEVEL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const api = new ApiClient(`http://127.0.0.1:${apiPort}`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve ${o.role} exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${api.base}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`serve ${o.role} did not answer /health within 20 s:\n${out}`);
    }
    await sleep(100);
  }
  return {
    role: o.role,
    mllpPort: o.mllpPort,
    apiPort,
    api,
    process: child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Starts both gateways of a pair; when one fails to start, the other is stopped before the error is thrown, so that
 * no child process outlives the test file.
 */
export async function servePair(ris: ServeOptions, platform: ServeOptions): Promise<[ServedGateway, ServedGateway]> {
  const started = await Promise.allSettled([serve(ris), serve(platform)]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  return started.map((r) => (r as PromiseFulfilledResult<ServedGateway>).value) as [ServedGateway, ServedGateway];
}

/**
 * A parsed JSON response body. Typed loosely on purpose: each test reads the shape it asserts, and
 * `assert` fails on anything unexpected.
 */
// biome-ignore lint/suspicious/noExplicitAny: a response body read by each test in the shape it asserts (above).
export type Json = any;

/** Minimal JSON client of a gateway's REST API, authenticated with {@link API_KEY} unless told otherwise. */
export class ApiClient {
  constructor(readonly base: string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { authorization: `Bearer ${API_KEY}` },
  ): Promise<{ status: number; contentType: string; json: Json; text: string }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', json, text };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body: unknown = {}) {
    return this.request('POST', path, body);
  }
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The state of an order on one side, through its API. */
export async function stateOf(gw: ServedGateway, placer: string): Promise<string | undefined> {
  const r = await gw.api.get(`/api/orders/${encodeURIComponent(placer)}`);
  return r.status === 200 ? (r.json as { state: string }).state : undefined;
}

/** Waits until the order has `state` on that side. */
export function waitForState(gw: ServedGateway, placer: string, state: string, timeoutMs = 15_000): Promise<true> {
  return waitFor(`${placer} ${state} on the ${gw.role}`, async () => (await stateOf(gw, placer)) === state, timeoutMs);
}

/** Runs the CLI to completion: exit code and output. */
export function runCli(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cisis-tlr ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
