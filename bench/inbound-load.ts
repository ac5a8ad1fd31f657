/**
 * The inbound load shared by the storage benchmark and the memory run: distinct valid flow-1 orders
 * (new placer number and MSH-10 each), the platform gateway they go to, and the closed loop that
 * sends them over MLLP (each connection sends its next message when the previous one is acknowledged).
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../src/gateway/config.js';
import { Gateway } from '../src/gateway/gateway.js';
import type { MllpClientPool } from '../src/mllp/index.js';
import { DEFAULT_GROUP_COMMIT } from '../src/store/index.js';
import { buildOrderMessage } from '../src/tlr/index.js';
import { order } from '../test/tlr/fixtures.js';

const PLACER_TOKEN = 'QPLACERQ00000000';
const CONTROL_TOKEN = 'QCONTROLQ0000000';
/** A flow-1 order with tokens where the placer number and MSH-10 go, filled per message. */
const template = buildOrderMessage(
  { ...order, placerOrderNumber: { value: PLACER_TOKEN, authorityOid: order.placerOrderNumber.authorityOid } },
  {
    sendingApplication: 'RIS_CISIS_TLR',
    sendingFacility: 'STRUCTURE_IMAGERIE',
    receivingApplication: 'TLR_CISIS_TLR',
    receivingFacility: 'PLATEFORME_TLR',
    controlId: CONTROL_TOKEN,
    processingId: 'T',
  },
).toString();
const templateParts = template.split(PLACER_TOKEN).map((part) => part.split(CONTROL_TOKEN));
const run = randomBytes(3).toString('hex').toUpperCase();
let sequence = 0;

/** The next distinct message: placer number and MSH-10 unique in this process and run. */
export function nextMessage(): Buffer {
  const n = (++sequence).toString(36).toUpperCase().padStart(10, '0');
  const placer = `P${run}${n}`;
  const control = `C${run}${n}`;
  return Buffer.from(templateParts.map((p) => p.join(control)).join(placer), 'utf8');
}

/** A number unique in this run, for keys the benchmarks make up themselves. */
export function nextSequence(): string {
  return `${run}${++sequence}`;
}

export interface Endpoint {
  port: number;
  close: () => Promise<void>;
}

/**
 * The platform gateway on `storageUrl`, logging nothing; `grouped: false` gives every message its own
 * commit (`storage.groupCommit.maxMessages: 1`).
 */
export async function platformGateway(storageUrl: string, dataDir: string, grouped = true): Promise<Endpoint & { gateway: Gateway }> {
  const config = await loadConfig({
    env: {},
    overrides: {
      role: 'platform',
      storage: { url: storageUrl, groupCommit: grouped ? DEFAULT_GROUP_COMMIT : { maxMessages: 1 } },
      dataDir,
      mllp: { host: '127.0.0.1', port: 0 },
      api: { port: 0 },
      logLevel: 'silent',
    },
  });
  const gw = await Gateway.start(config, { logger: pino({ level: 'silent' }) });
  return { port: gw.mllpPort, close: () => gw.stop(), gateway: gw };
}

/**
 * Closed loop over `connections` until `ms` milliseconds or `messages` messages have passed (whichever
 * comes first); every ACK must be AA. Returns the number of messages acknowledged.
 */
export async function closedLoop(
  pool: MllpClientPool,
  connections: number,
  ms: number,
  latencies?: number[],
  messages = Number.POSITIVE_INFINITY,
): Promise<number> {
  let sent = 0;
  let done = 0;
  const deadline = performance.now() + ms;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline && sent < messages) {
        sent++;
        const t0 = performance.now();
        const result = await pool.send(nextMessage());
        if (result.code !== 'AA') throw new Error(`unexpected ${result.code}: ${result.ack.toString('latin1')}`);
        latencies?.push(performance.now() - t0);
        done++;
      }
    }),
  );
  return done;
}
