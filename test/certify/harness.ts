import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ActionRequest, CertifyPlan, CertifyReport, Operator } from '../../src/certify/index.js';
import { GatewayDriver, HookOperator, loadPlan, runCertification, shippedPlanPath } from '../../src/certify/index.js';
import type { Role } from '../../src/gateway/config.js';
import { loadConfig } from '../../src/gateway/config.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startGateway } from '../../src/gateway/start.js';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import { freePort } from '../helpers/ports.js';
import type { Spoiler } from './broken-partners.js';
import { startBrokenProxy } from './broken-partners.js';

export const API_KEY = 'certify-test-key-0123456789';
/** The half's own ACK timeout, and the kit's late answer in the slow-partner step (longer). */
export const PARTNER_ACK_TIMEOUT_MS = 1000;
export const HOLD_ACK_MS = 2500;

/** One of our half-connectors, in this process, sending to the kit's listener. */
export interface TestedHalf {
  gateway: Gateway;
  mllpPort: number;
  apiUrl: string;
  stop(): Promise<void>;
}

export async function startHalf(role: Role, kitPort: number): Promise<TestedHalf> {
  const dir = mkdtempSync(join(tmpdir(), `tlr-certify-${role}-`));
  const mllpPort = await freePort();
  const config = await loadConfig({
    env: {},
    overrides: {
      role,
      dataDir: dir,
      processingId: 'T',
      api: { port: 0, keys: [API_KEY] },
      mllp: { port: mllpPort },
      partner: { host: '127.0.0.1', port: kitPort, ackTimeoutMs: PARTNER_ACK_TIMEOUT_MS },
      outbox: { baseDelayMs: 100, maxDelayMs: 1000 },
    },
  });
  const gateway = await startGateway(config, { logger: pino({ level: process.env['TLR_TEST_LOG'] ?? 'silent' }), pollMs: 50 });
  return {
    gateway,
    mllpPort,
    apiUrl: `http://127.0.0.1:${gateway.apiPort}`,
    async stop() {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The vendor's hook, as a vendor would write it: an HTTP server that receives the kit's POSTs and acts on its system. */
export async function startHook(
  act: (a: ActionRequest) => Promise<void>,
): Promise<{ url: string; received: ActionRequest[]; stop(): Promise<void> }> {
  const received: ActionRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const a = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ActionRequest;
      received.push(a);
      act(a).then(
        () => res.writeHead(204).end(),
        (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end((e as Error).message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/certify-hook`, received, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface CertifyRun {
  report: CertifyReport;
  hookCalls: ActionRequest[];
}

/**
 * Certifies one of our halves (or a broken partner in front of it) with the shipped plan: the
 * operator steps go through the HTTP hook, which drives the half's REST API.
 */
export async function certifyHalf(
  role: Role,
  options: {
    plan?: CertifyPlan;
    /** The kit's wait for an acknowledgement (default 3 s; a RIS validates a first report's CDA against the schematrons first). */
    ackTimeoutMs?: number;
    /** A broken partner: a proxy spoiling what the kit sends to the half (`toHalf`) or what the half sends to the kit (`toKit`). */
    broken?: { toHalf?: Spoiler; toKit?: Spoiler };
  } = {},
): Promise<CertifyRun> {
  const kitPort = await freePort();
  const toKitPort = options.broken?.toKit ? await freePort() : kitPort;
  const half = await startHalf(role, toKitPort);
  const proxies: Array<{ stop(): Promise<void> }> = [];
  let targetPort = half.mllpPort;
  if (options.broken?.toKit)
    proxies.push(await startBrokenProxy({ listenPort: toKitPort, upstreamPort: kitPort, ...options.broken.toKit }));
  if (options.broken?.toHalf) {
    targetPort = await freePort();
    proxies.push(await startBrokenProxy({ listenPort: targetPort, upstreamPort: half.mllpPort, ...options.broken.toHalf }));
  }
  const driver = new GatewayDriver({ url: half.apiUrl, apiKey: API_KEY }, new ClinicalDataGenerator({ seed: 7, processingId: 'T' }));
  const hook = await startHook((a) => driver.request(a));
  const operator: Operator = new HookOperator(hook.url);
  try {
    const report = await runCertification({
      plan: options.plan ?? (await loadPlan(shippedPlanPath(role))),
      target: { host: '127.0.0.1', port: targetPort },
      listen: { host: '127.0.0.1', port: kitPort },
      operator,
      ackTimeoutMs: options.ackTimeoutMs ?? 3000,
      stepTimeoutMs: 15_000,
      holdAckMs: HOLD_ACK_MS,
      system: { name: `cisis-tlr ${role}`, version: 'test' },
      seed: 11,
    });
    return { report, hookCalls: hook.received };
  } finally {
    await hook.stop();
    for (const p of proxies) await p.stop();
    await half.stop();
  }
}

export const failedIds = (r: CertifyReport): string[] => r.steps.filter((s) => s.status === 'fail').map((s) => s.id);
