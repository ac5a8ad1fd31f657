import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { GatewayConfigInput, Role } from '../../src/gateway/config.js';
import { loadConfig } from '../../src/gateway/config.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { freePort } from './ports.js';

/** One log line as pino wrote it (JSON parsed). */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A headless gateway (no REST API) on loopback with its own SQLite file, and every log line it wrote. */
export interface HeadlessGateway {
  gateway: Gateway;
  logs: LogLine[];
  stop(): Promise<void>;
}

/**
 * Starts one half-connector without API or documents layer, for transport tests that need the real
 * MLLP listener as the gateway configures it. Its logs are kept in memory (level `info` unless
 * `TLR_TEST_LOG` says otherwise) so that tests can check what was logged, and what was not.
 */
export async function startHeadlessGateway(role: Role, overrides: GatewayConfigInput = {}): Promise<HeadlessGateway> {
  const dir = mkdtempSync(join(tmpdir(), `tlr-${role}-`));
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = pino({ level: process.env['TLR_TEST_LOG'] ?? 'info' }, sink);
  const config = await loadConfig({
    env: {},
    overrides: {
      role,
      dataDir: dir,
      processingId: 'T',
      api: { port: 0 },
      ...overrides,
      mllp: { port: await freePort(), ...overrides.mllp },
      partner: { host: '127.0.0.1', port: await freePort(), ...overrides.partner },
    },
  });
  const gateway = await Gateway.start(config, { logger, pollMs: 50 });
  return {
    gateway,
    logs,
    async stop() {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Value of a counter or gauge of the gateway's registry for the given labels (0 when never incremented). */
export async function metricValue(gateway: Gateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = gateway.metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return match?.value ?? 0;
}
