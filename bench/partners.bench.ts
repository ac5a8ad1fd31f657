/**
 * Many partners: one platform gateway serving 200 simulated RIS partners at once against the same load
 * from 1 partner — throughput, p99 ACK latency and resident memory, reported as ratios.
 *
 * Run: `npx tsc -p tsconfig.json && node --expose-gc dist/bench/partners.bench.js [options]`
 *   --partners N   partners of the many-partner run (default 200)
 *   --seconds N    length of one timed run (default 8)
 *   --rounds N     runs of each configuration, alternated, median kept (default 3)
 *
 * Both configurations get the same load: N connections, each from its own loopback address
 * (127.0.0.2 … on `lo`), each a closed loop sending its next message as soon as the previous one is
 * acknowledged. In the many-partner run connection i is partner `ris-i` (its own MSH-3/MSH-4, admitted
 * by its address, its own outbound lane and MLLP client to a RIS listener); in the one-partner run every
 * connection is the single partner (admitted by 127.0.0.0/24). The flows are the simulators': a flow-1
 * order from `ClinicalDataGenerator`, then, alternately, its cancellation (flow 2), or its acceptance by
 * the platform (flow 3 sent back over the partner's lane) followed by the post-exam information
 * (flow 4). Client, gateway and RIS listener share this process (one event loop), as in the storage
 * benchmark, so the client's cost is in both figures alike. Each run gets a fresh SQLite database; every
 * partner's MLLP client is connected before the run (steady state: partners stay connected).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/gateway/config.js';
import type { GatewayConfigInput } from '../src/gateway/config.js';
import { Gateway } from '../src/gateway/gateway.js';
import { MllpFrameDecoder, MllpServer, encodeFrame } from '../src/mllp/index.js';
import { ClinicalDataGenerator } from '../src/simulate/index.js';
import type { ImagingOrder, MessageContextInput } from '../src/tlr/index.js';
import { buildCancellationMessage, buildOrderMessage, buildPostExamMessage } from '../src/tlr/index.js';
import { collectGarbage, markdownTable, median } from './measure.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const PARTNERS = option('partners', 200);
const SECONDS = option('seconds', 8);
const ROUNDS = option('rounds', 3);
const WARMUP_MS = 1500;
const silent = pino({ level: 'silent' });

/** One connection of a simulated RIS: a closed loop over its own socket. */
class RisConnection {
  readonly #socket: Socket;
  readonly #decoder = new MllpFrameDecoder();
  #waiting: ((ack: string) => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => this.#decoder.push(c));
    socket.on('error', () => undefined);
    this.#decoder.on('frame', (payload: Buffer) => {
      const w = this.#waiting;
      this.#waiting = undefined;
      w?.(payload.toString('latin1'));
    });
  }

  static open(port: number, localAddress: string): Promise<RisConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(new RisConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Uint8Array): Promise<string> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#socket.write(encodeFrame(Buffer.from(bytes)));
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}

interface RunResult {
  partners: number;
  messages: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  rssMiB: number;
  /** JS heap after a full collection, the load stopped and the gateway still running with its partners. */
  heapMiB: number;
  refused: number;
  decisionsDelivered: number;
}

const addressOf = (i: number): string => `127.0.0.${i + 2}`;

/** One timed run: `partners` = 1 (every connection is the one partner) or N (one partner per connection). */
async function run(partners: number, connections: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tlr-bench-partners-'));
  const risListener = new MllpServer({ maxConnections: 10_000, maxConnectionsPerPeer: 10_000 });
  const { port: risPort } = await risListener.listen(0, '127.0.0.1');
  const identity = (i: number) =>
    partners === 1 ? { app: 'RIS_0', facility: 'FACILITY_0' } : { app: `RIS_${i}`, facility: `FACILITY_${i}` };
  const entries = Array.from({ length: partners }, (_, i) => ({
    name: `ris-${i}`,
    application: identity(i).app,
    facility: identity(i).facility,
    host: '127.0.0.1',
    port: risPort,
    ackTimeoutMs: 30_000,
    admission: { peers: [partners === 1 ? '127.0.0.0/24' : addressOf(i)] },
  }));
  const config = await loadConfig({
    env: {},
    overrides: {
      role: 'platform',
      dataDir: dir,
      logLevel: 'silent',
      processingId: 'T',
      mllp: { host: '127.0.0.1', port: 0, maxConnections: 10_000, maxConnectionsPerPeer: 10_000 },
      partners: entries,
    } as GatewayConfigInput,
  });
  const gw = await Gateway.start(config, { logger: silent });
  let decisionsDelivered = 0;
  gw.on('event', (e) => {
    if (e.type === 'order.updated' && e.data?.['delivered'] === true) decisionsDelivered++;
  });
  // Steady state, as in production where partners stay connected: every partner's client connects first,
  // so that a short run does not time 200 first connections (the one-partner run has one).
  await Promise.all(entries.map((e) => gw.clientOf(e.name)!.connect()));
  const conns = await Promise.all(Array.from({ length: connections }, (_, i) => RisConnection.open(gw.mllpPort, addressOf(i))));
  const latencies: number[] = [];
  let refused = 0;
  let measuring = false;
  let stopping = false;
  let controlId = 0;

  async function loop(i: number): Promise<void> {
    const generator = new ClinicalDataGenerator({ seed: 1000 + i });
    const radiologist = generator.remoteRadiologist();
    const who = identity(partners === 1 ? 0 : i);
    const partner = `ris-${partners === 1 ? 0 : i}`;
    const context = (): MessageContextInput => ({
      sendingApplication: who.app,
      sendingFacility: who.facility,
      receivingApplication: 'TLR_CISIS_TLR',
      receivingFacility: 'PLATEFORME_TLR',
      controlId: `B${i}-${++controlId}`,
      processingId: 'T',
      charset: 'UNICODE UTF-8',
    });
    const timed = async (bytes: Uint8Array): Promise<void> => {
      const t0 = process.hrtime.bigint();
      const ack = await conns[i]!.send(bytes);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!/\rMSA\|AA\|/.test(ack)) refused++;
      if (measuring) latencies.push(ms);
    };
    for (let k = 0; !stopping; k++) {
      const generated = generator.imagingOrder();
      // Placer numbers distinct per connection, so that the one-partner run has no 205 either.
      const order: ImagingOrder = { ...generated, placerOrderNumber: { ...generated.placerOrderNumber, value: `C${i}-${k}` } };
      await timed(buildOrderMessage(order, context()).toBytes());
      if (stopping) break;
      if (k % 2 === 0) {
        await timed(
          buildCancellationMessage(
            {
              placerOrderNumber: order.placerOrderNumber,
              patient: order.patient,
              visit: order.visit,
              cancelledAt: new Date().toISOString(),
              responsibleProfessional: order.responsibleProfessional,
              imagingFacility: order.imagingFacility,
              reason: generator.cancellationReason(),
            },
            context(),
          ).toBytes(),
        );
      } else {
        // The platform accepts: flow 3 goes back over this partner's lane; then the RIS sends flow 4.
        const key = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid, partner };
        await gw.platform.accept(key, { remoteRadiologist: radiologist, protocols: [generator.textProtocol(order)] });
        await timed(
          buildPostExamMessage(
            {
              placerOrderNumber: order.placerOrderNumber,
              patient: order.patient,
              visit: order.visit,
              exams: generator.performedExams(order),
            },
            context(),
          ).toBytes(),
        );
      }
    }
  }

  const loops = conns.map((_, i) => loop(i));
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const messages = latencies.length;
  const rss = process.memoryUsage().rss;
  stopping = true;
  await Promise.all(loops);
  collectGarbage();
  const heap = process.memoryUsage().heapUsed;
  for (const c of conns) c.close();
  await gw.stop();
  await risListener.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    partners,
    messages,
    perSecond: messages / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    rssMiB: rss / 2 ** 20,
    heapMiB: heap / 2 ** 20,
    refused,
    decisionsDelivered,
  };
}

async function main(): Promise<void> {
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(
    `Partners: ${PARTNERS} RIS partners vs 1, ${PARTNERS} connections each, ${SECONDS} s runs, ${ROUNDS} rounds; ` +
      `${cpus().length} CPUs, load average ${load()}`,
  );
  const results: { one: RunResult[]; many: RunResult[] } = { one: [], many: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Alternated, starting with the other one every round: the machine's speed drifts.
    const order = r % 2 === 0 ? (['one', 'many'] as const) : (['many', 'one'] as const);
    for (const which of order) {
      collectGarbage();
      const result = await run(which === 'one' ? 1 : PARTNERS, PARTNERS);
      results[which].push(result);
      console.log(
        `  round ${r + 1} ${which === 'one' ? '1 partner' : `${PARTNERS} partners`}: ${result.perSecond.toFixed(0)} msg/s, ` +
          `p99 ${result.p99Ms.toFixed(1)} ms, RSS ${result.rssMiB.toFixed(0)} MiB, heap ${result.heapMiB.toFixed(1)} MiB, ` +
          `not AA ${result.refused}, ` +
          `flow-3 delivered ${result.decisionsDelivered}`,
      );
    }
  }
  const med = (rs: RunResult[], f: (r: RunResult) => number) => median(rs.map(f));
  const one = {
    rate: med(results.one, (r) => r.perSecond),
    p50: med(results.one, (r) => r.p50Ms),
    p99: med(results.one, (r) => r.p99Ms),
    rss: med(results.one, (r) => r.rssMiB),
    heap: med(results.one, (r) => r.heapMiB),
  };
  const many = {
    rate: med(results.many, (r) => r.perSecond),
    p50: med(results.many, (r) => r.p50Ms),
    p99: med(results.many, (r) => r.p99Ms),
    rss: med(results.many, (r) => r.rssMiB),
    heap: med(results.many, (r) => r.heapMiB),
  };
  console.log('');
  console.log(
    markdownTable(
      ['configuration', 'messages/s', 'p50 ACK (ms)', 'p99 ACK (ms)', 'RSS (MiB)', 'heap after GC (MiB)'],
      [
        ['1 partner', one.rate.toFixed(0), one.p50.toFixed(1), one.p99.toFixed(1), one.rss.toFixed(0), one.heap.toFixed(1)],
        [`${PARTNERS} partners`, many.rate.toFixed(0), many.p50.toFixed(1), many.p99.toFixed(1), many.rss.toFixed(0), many.heap.toFixed(1)],
        [
          `ratio (${PARTNERS} / 1)`,
          `${(many.rate / one.rate).toFixed(2)}×`,
          `${(many.p50 / one.p50).toFixed(2)}×`,
          `${(many.p99 / one.p99).toFixed(2)}×`,
          `${(many.rss / one.rss).toFixed(2)}×`,
          `${(many.heap / one.heap).toFixed(2)}×`,
        ],
      ],
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  const perPartnerKiB = ((many.heap - one.heap) * 1024) / Math.max(1, PARTNERS - 1);
  const ratio = many.rate / one.rate;
  console.log(
    `\nThroughput ratio ${ratio.toFixed(2)}× (target ≥ 0.80×: ${ratio >= 0.8 ? 'met' : 'NOT met'}); ` +
      `heap ${perPartnerKiB.toFixed(0)} KiB per extra partner (after a full collection, load stopped, gateway running; ` +
      'same process as the clients).',
  );
  console.log(`Load average at the end: ${load()}`);
}

await main();
