/**
 * Load client of the MLLP server benchmark, run in its own process so that the server under test
 * has its event loop to itself, and so that every server is driven by the very same client.
 *
 * Closed loop over N connections: each connection writes its next framed message as soon as the
 * previous answer's end block (`<FS>`) arrived, so there is one message in flight per connection.
 * Every message is the guide's flow-1 example with its own MSH-10. The client does as little as it
 * can per message (one `Buffer.concat`, one write, a search for `<FS>`); answers are kept only to
 * count the AA acknowledgements.
 *
 * As a child process (`fork('dist/bench/mllp-load-client.js')`) it takes one `LoadRequest` message
 * and sends back one `LoadResult`. `runLoad` can also be called in-process.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { examplesDir } from './corpus.js';

export interface LoadRequest {
  port: number;
  host?: string;
  connections: number;
  /** Untimed run first (JIT, socket buffers), in milliseconds. */
  warmupMs: number;
  /** Timed run, in milliseconds. */
  ms: number;
}

export interface LoadResult {
  connections: number;
  /** Round trips completed during the timed run. */
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers holding `MSA|AA|`, among `messages` (an echo server answers with the message itself). */
  acceptedAcks: number;
  /** The first answer that was not an AA, to tell why (truncated). */
  firstOther?: string;
}

const START = Buffer.of(0x0b);
const END = Buffer.of(0x1c, 0x0d);
const END_BLOCK = 0x1c;
const AA = Buffer.from('MSA|AA|', 'latin1');

export const FLOW1_EXAMPLE = join(examplesDir, 'teleradiologie', 'flux1_ORM_O01_transmission_demande.hl7');

/** The example cut around its MSH-10, so that each message gets its own control id cheaply. */
function template(): { before: Buffer; after: Buffer } {
  const bytes = readFileSync(FLOW1_EXAMPLE);
  const marker = Buffer.from('|000001|', 'latin1');
  const at = bytes.indexOf(marker);
  if (at < 0) throw new Error(`MSH-10 000001 not found in ${FLOW1_EXAMPLE}`);
  return { before: Buffer.concat([START, bytes.subarray(0, at + 1)]), after: Buffer.concat([bytes.subarray(at + marker.length - 1), END]) };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Lane {
  socket: Socket;
  chunks: Buffer[];
  sentAt: number;
  resolve: (() => void) | undefined;
}

async function openLane(host: string, port: number): Promise<Lane> {
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, chunks: [], sentAt: 0, resolve: undefined };
}

/** Drives the server at `port` and measures it; closes its connections before resolving. */
export async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const { before, after } = template();
  const host = request.host ?? '127.0.0.1';
  const lanes = await Promise.all(Array.from({ length: request.connections }, () => openLane(host, request.port)));
  let sequence = 0;
  let timing = false;
  let latencies: number[] = [];
  let accepted = 0;
  let firstOther: string | undefined;

  for (const lane of lanes) {
    lane.socket.on('data', (chunk: Buffer) => {
      lane.chunks.push(chunk);
      if (chunk.indexOf(END_BLOCK) < 0) return;
      const answer = lane.chunks.length === 1 ? chunk : Buffer.concat(lane.chunks);
      lane.chunks = [];
      if (timing) {
        latencies.push(performance.now() - lane.sentAt);
        if (answer.indexOf(AA) >= 0) accepted++;
        else firstOther ??= answer.subarray(0, 300).toString('latin1');
      }
      const done = lane.resolve;
      lane.resolve = undefined;
      done?.();
    });
    lane.socket.on('error', () => undefined);
  }

  const send = (lane: Lane): Promise<void> =>
    new Promise<void>((resolve) => {
      lane.resolve = resolve;
      const id = Buffer.from(`L${(++sequence).toString().padStart(11, '0')}`, 'latin1');
      lane.sentAt = performance.now();
      lane.socket.write(Buffer.concat([before, id, after]));
    });

  const loop = async (ms: number): Promise<number> => {
    const started = performance.now();
    const deadline = started + ms;
    await Promise.all(
      lanes.map(async (lane) => {
        while (performance.now() < deadline) await send(lane);
      }),
    );
    return (performance.now() - started) / 1000;
  };

  await loop(request.warmupMs);
  timing = true;
  latencies = [];
  const seconds = await loop(request.ms);
  timing = false;
  await Promise.all(
    lanes.map(
      (lane) =>
        new Promise<void>((resolve) => {
          lane.socket.once('close', () => resolve());
          lane.socket.end();
        }),
    ),
  );

  const sorted = latencies.sort((a, b) => a - b);
  return {
    connections: request.connections,
    messages: sorted.length,
    seconds,
    messagesPerSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    acceptedAcks: accepted,
    ...(firstOther !== undefined ? { firstOther } : {}),
  };
}

// Child-process mode: one request in, one result out.
if (process.send !== undefined) {
  process.once('message', (request: LoadRequest) => {
    runLoad(request).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
