import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { GatewayConfigInput } from '../../src/gateway/config.js';
import { loadConfig } from '../../src/gateway/config.js';
import type { GatewayEvent } from '../../src/gateway/events.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startGateway } from '../../src/gateway/start.js';
import { order, postExamInfo, remoteRadiologist } from '../tlr/fixtures.js';
import { freePort } from './ports.js';

export const API_KEY = 'test-api-key-0123456789';

export interface GatewayPair {
  ris: Gateway;
  platform: Gateway;
  events: { ris: GatewayEvent[]; platform: GatewayEvent[] };
  /** Resolves when `side` has emitted an event matching `predicate` (checks past events too). */
  waitFor(side: 'ris' | 'platform', predicate: (e: GatewayEvent) => boolean, timeoutMs?: number): Promise<GatewayEvent>;
  stop(): Promise<void>;
}

/** A RIS and a platform half-connector, in this process, on loopback with their own SQLite files. */
export async function startGatewayPair(extra: { ris?: GatewayConfigInput; platform?: GatewayConfigInput } = {}): Promise<GatewayPair> {
  const [risMllp, platMllp] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'tlr-pair-'));
  const logger = pino({ level: process.env['TLR_TEST_LOG'] ?? 'silent' });
  const common = (role: 'ris' | 'platform'): GatewayConfigInput => ({
    role,
    dataDir: join(dir, role),
    api: { port: 0, keys: [API_KEY] },
    processingId: 'T',
    mllp: { port: role === 'ris' ? risMllp : platMllp },
    partner: { host: '127.0.0.1', port: role === 'ris' ? platMllp : risMllp, ackTimeoutMs: 20_000 },
  });
  const platform = await startGateway(await loadConfig({ env: {}, overrides: { ...common('platform'), ...extra.platform } }), {
    logger,
    pollMs: 100,
  });
  const ris = await startGateway(await loadConfig({ env: {}, overrides: { ...common('ris'), ...extra.ris } }), { logger, pollMs: 100 });
  const events = { ris: [] as GatewayEvent[], platform: [] as GatewayEvent[] };
  ris.on('event', (e) => events.ris.push(e));
  platform.on('event', (e) => events.platform.push(e));
  return {
    ris,
    platform,
    events,
    waitFor(side, predicate, timeoutMs = 30_000) {
      const gw = side === 'ris' ? ris : platform;
      const past = events[side].find(predicate);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          gw.off('event', on);
          reject(new Error(`no matching ${side} event within ${timeoutMs} ms; saw ${events[side].map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        const on = (e: GatewayEvent): void => {
          if (predicate(e)) {
            clearTimeout(timer);
            gw.off('event', on);
            resolve(e);
          }
        };
        gw.on('event', on);
      });
    },
    async stop() {
      await ris.stop();
      await platform.stop();
    },
  };
}

/**
 * The fixture order taken to the point where the platform can report it: sent (flow 1), accepted with
 * a protocol (flow 3), post-exam information sent (flow 4); each step waited for on the other side.
 */
export async function bringOrderToReport(pair: GatewayPair): Promise<void> {
  const key = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
  await pair.ris.ris.createOrder(order);
  await pair.waitFor('platform', (e) => e.type === 'order.received');
  await pair.platform.platform.accept(key, { remoteRadiologist, protocols: [{ kind: 'text', text: 'IRM T1 T2 FLAIR' }] });
  await pair.waitFor('ris', (e) => e.type === 'decision.received');
  await pair.ris.ris.sendPostExamInfo(key, postExamInfo.exams);
  await pair.waitFor('platform', (e) => e.type === 'postexam.received');
}
