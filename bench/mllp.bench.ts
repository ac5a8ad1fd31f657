/**
 * MLLP round-trip benchmark: message → ACK over loopback, 1 and 8 connections, our MllpServer +
 * MllpClient against node-hl7-server + node-hl7-client in the same run.
 *
 * Run: `npx tsc -p tsconfig.json && node dist/bench/mllp.bench.js [--messages N]`.
 *
 * Method: closed loop — each connection sends its next message as soon as the previous one is
 * acknowledged, so latency is the pure round trip (client encode → server parse → ACK build →
 * client correlation), with no queueing. Client and server share this process (one event loop),
 * for both implementations alike. Every message is the flow 1 example with a unique MSH-10.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Message as PeerMessage } from 'node-hl7-client';
import { Server as PeerServer } from 'node-hl7-server';
import { MllpClientPool, MllpServer } from '../src/mllp/index.js';

interface Measurement {
  implementation: string;
  connections: number;
  messages: number;
  throughput: number;
  p50: number;
  p99: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const example = readFileSync(
  join(repoRoot, '..', 'shared', 'data', 'examples', 'teleradiologie', 'flux1_ORM_O01_transmission_demande.hl7'),
  'latin1',
);
const argIndex = process.argv.indexOf('--messages');
const MESSAGES = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 4000;
const WARMUP = 300;
/**
 * Each run stops after this long even if not all messages were sent: node-hl7-server 2.5.0 never
 * clears its per-connection receive buffer, so its cost grows with every message on a persistent
 * connection and a fixed count would take minutes. The table reports the messages actually done.
 */
const RUN_BUDGET_MS = 8000;

let sequence = 0;
function nextMessage(): string {
  sequence++;
  return example.replace('|000001|', `|B${sequence.toString().padStart(9, '0')}|`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `count` round trips spread over `connections` closed loops; returns latencies and wall time. */
async function closedLoop(
  connections: number,
  count: number,
  roundTrip: (lane: number) => Promise<void>,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let remaining = count;
  const started = performance.now();
  const deadline = started + RUN_BUDGET_MS;
  await Promise.all(
    Array.from({ length: connections }, async (_, lane) => {
      while (remaining > 0 && performance.now() < deadline) {
        remaining--;
        const t0 = performance.now();
        await roundTrip(lane);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started };
}

function summarize(implementation: string, connections: number, run: { latencies: number[]; wallMs: number }): Measurement {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    implementation,
    connections,
    messages: sorted.length,
    throughput: (sorted.length / run.wallMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

async function benchOurs(connections: number): Promise<Measurement> {
  const server = new MllpServer();
  const { port } = await server.listen(0, '127.0.0.1');
  const pool = new MllpClientPool({ host: '127.0.0.1', port, size: connections });
  await pool.connect();
  const roundTrip = async (): Promise<void> => {
    const result = await pool.send(Buffer.from(nextMessage(), 'latin1'));
    if (result.code !== 'AA') throw new Error(`unexpected ${result.code}`);
  };
  await closedLoop(connections, WARMUP, roundTrip);
  const run = await closedLoop(connections, MESSAGES, roundTrip);
  await pool.close();
  await server.close();
  return summarize('cisis-tlr MllpServer + MllpClientPool', connections, run);
}

async function startPeerServer(): Promise<{ port: number; close: () => Promise<unknown> }> {
  const peerServer = new PeerServer({ bindAddress: '127.0.0.1' });
  const inbound = peerServer.createInbound({ port: 0 }, async (_request, response) => {
    await response.sendResponse('AA');
  });
  await new Promise<void>((ready) => inbound.once('listen', () => ready()));
  // node-hl7-server has no accessor for the bound port; its listener is the `_socket` field.
  const port = ((inbound as unknown as { _socket: NetServer })._socket.address() as AddressInfo).port;
  return { port, close: () => inbound.close() };
}

async function startOurServer(): Promise<{ port: number; close: () => Promise<unknown> }> {
  const server = new MllpServer();
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, close: () => server.close() };
}

/** node-hl7-client against the given server: one `createConnection` per lane, one message in flight each. */
async function benchNodeHl7Client(
  label: string,
  connections: number,
  server: { port: number; close: () => Promise<unknown> },
): Promise<Measurement> {
  const port = server.port;
  const client = new Client({ host: '127.0.0.1' });
  const waiting: Array<(() => void) | undefined> = [];
  const lanes = await Promise.all(
    Array.from(
      { length: connections },
      (_, lane) =>
        new Promise<ReturnType<Client['createConnection']>>((ready) => {
          const connection = client.createConnection({ port, waitAck: true }, async () => {
            const done = waiting[lane];
            waiting[lane] = undefined;
            done?.();
          });
          connection.once('connect', () => ready(connection));
        }),
    ),
  );
  const roundTrip = (lane: number): Promise<void> =>
    new Promise<void>((done) => {
      waiting[lane] = done;
      void lanes[lane]!.sendMessage(new PeerMessage({ text: nextMessage() }));
    });
  await closedLoop(connections, WARMUP, roundTrip);
  const run = await closedLoop(connections, MESSAGES, roundTrip);
  await Promise.all(lanes.map((lane) => lane.close()));
  await server.close();
  return summarize(label, connections, run);
}

function ratio(a: number, b: number): string {
  return `${(a / b).toPrecision(2)}×`;
}

function table(results: Measurement[]): string {
  const header = '| implementation | connections | messages | msg/s | p50 ms | p99 ms |';
  const rows = results.map(
    (r) =>
      `| ${r.implementation} | ${r.connections} | ${r.messages} | ${r.throughput.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} |`,
  );
  return [header, '|---|---:|---:|---:|---:|---:|', ...rows].join('\n');
}

const results: Measurement[] = [];
for (const connections of [1, 8]) {
  results.push(await benchOurs(connections));
  results.push(await benchNodeHl7Client('node-hl7-server + node-hl7-client', connections, await startPeerServer()));
  results.push(await benchNodeHl7Client('cisis-tlr MllpServer + node-hl7-client', connections, await startOurServer()));
}
console.log(
  `MLLP round trip, flow 1 example (${Buffer.byteLength(example, 'latin1')} bytes), ` +
    `${MESSAGES} messages per run after ${WARMUP} warm-up, Node ${process.version}`,
);
console.log(table(results));
console.log('\nRatios, cisis-tlr server + client over node-hl7-server + node-hl7-client:');
console.log('\n| connections | throughput ours / theirs | p50 ours / theirs | p99 ours / theirs |');
console.log('|---:|---:|---:|---:|');
for (const connections of [1, 8]) {
  const ours = results.find((r) => r.connections === connections && r.implementation.startsWith('cisis'))!;
  const theirs = results.find((r) => r.connections === connections && r.implementation.startsWith('node-hl7-server'))!;
  console.log(
    `| ${connections} | ${ratio(ours.throughput, theirs.throughput)} | ${ratio(ours.p50, theirs.p50)} | ${ratio(ours.p99, theirs.p99)} |`,
  );
}
