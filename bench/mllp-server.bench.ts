/**
 * MLLP server benchmark (issue 17, target 2): our `MllpServer` answering each message after parse +
 * validation + acknowledgement, against a raw framing-and-echo server (`mllp-echo-server.ts`), both
 * driven by the same load client (`mllp-load-client.ts`) running in its own process.
 *
 * Run: `npm run bench -- mllp-server`, or `node --expose-gc dist/bench/mllp-server.bench.js [options]`:
 *   --seconds N       timed run per contender and round (default 4)
 *   --warmup-ms N     untimed run before each timed one (default 1000)
 *   --rounds N        rounds, contenders in rotating order within each, median kept (default 3)
 *   --connections L   comma-separated connection counts (default 1,8)
 *   --only NAMES      comma-separated contender keys (echo, fixed-ack, parse-aa, validate)
 *
 * Contenders (all in this process, one at a time, on loopback):
 * - `echo`: the raw framing-and-echo server, the baseline of the ratio;
 * - `fixed-ack`: `MllpServer` whose handler returns a prepared ACK — the server's own cost (frame
 *   decoder, connection queue, header peek, logging calls, ACK framing) without any HL7 work;
 * - `parse-aa`: `MllpServer` with its default handler (`acceptAllHandler`: parse, AA);
 * - `validate`: `MllpServer` with parse + `validateMessage` + `ackForValidation` — the gateway's
 *   inbound work without the store, and the subject of the target (≥ 0.6 × echo).
 * The difference between two neighbours is the cost of one layer: server, parse and ACK, validation.
 *
 * Profiling the server alone: `node --cpu-prof dist/bench/mllp-server.bench.js --only validate
 * --connections 8 --rounds 1` (the load client's process is not profiled).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tryParseMessage } from '../src/hl7/index.js';
import { MllpServer, acceptAllHandler } from '../src/mllp/index.js';
import type { MllpMessageHandler } from '../src/mllp/index.js';
import { ackForValidation, validateMessage } from '../src/profiles/index.js';
import { median } from './measure.js';
import { startEchoServer } from './mllp-echo-server.js';
import { FLOW1_EXAMPLE } from './mllp-load-client.js';
import type { LoadRequest, LoadResult } from './mllp-load-client.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const SECONDS = Number(option('seconds') ?? 4);
const WARMUP_MS = Number(option('warmup-ms') ?? 1000);
const ROUNDS = Number(option('rounds') ?? 3);
const CONNECTIONS = (option('connections') ?? '1,8').split(',').map(Number);
const ONLY = option('only')?.split(',');

/** Parse, validate, acknowledge: the gateway's inbound work without the store. */
const validating: MllpMessageHandler = async (bytes) => {
  const parsed = tryParseMessage(bytes);
  if (!parsed.message) return acceptAllHandler(bytes);
  return ackForValidation(parsed.message, validateMessage(parsed.message)).toBytes();
};

/** One AA prepared once, answered to everything. */
const FIXED_ACK = await acceptAllHandler(readFileSync(FLOW1_EXAMPLE));
const fixedAck: MllpMessageHandler = async () => FIXED_ACK;

interface Endpoint {
  port: number;
  close: () => Promise<void>;
}

interface Contender {
  key: string;
  name: string;
  /** Whether every answer must be an AA (the echo answers with the message itself). */
  acks: boolean;
  start: () => Promise<Endpoint>;
}

async function mllpServer(handler: MllpMessageHandler): Promise<Endpoint> {
  const server = new MllpServer({ handler });
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, close: () => server.close() };
}

const CONTENDERS: Contender[] = [
  { key: 'echo', name: 'raw framing + echo', acks: false, start: () => startEchoServer() },
  { key: 'fixed-ack', name: 'MllpServer, prepared ACK (no HL7 work)', acks: true, start: () => mllpServer(fixedAck) },
  { key: 'parse-aa', name: 'MllpServer, parse + AA (acceptAllHandler)', acks: true, start: () => mllpServer(acceptAllHandler) },
  { key: 'validate', name: 'MllpServer, parse + validate + ACK', acks: true, start: () => mllpServer(validating) },
].filter((c) => ONLY === undefined || ONLY.includes(c.key));

const clientScript = join(dirname(fileURLToPath(import.meta.url)), 'mllp-load-client.js');

/** Runs the load client in a child process against `port`. */
function drive(request: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // execArgv: [] so that a --cpu-prof of the benchmark profiles the server's process only.
    const child = fork(clientScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load client exited with ${code}`));
    });
    child.send(request);
  });
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

console.log('## MLLP server: parse + validate + ACK against raw framing + echo\n');
console.log(
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString()}; ` +
    `${ROUNDS} rounds of ${SECONDS} s per contender and connection count (after ${WARMUP_MS} ms warm-up), ` +
    `contenders in rotating order, load client in its own process. Load average at start: ${load()}.\n`,
);

const results = new Map<string, LoadResult[]>();
let failed = false;
for (const connections of CONNECTIONS) {
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < CONTENDERS.length; k++) {
      const contender = CONTENDERS[(k + round) % CONTENDERS.length]!;
      const endpoint = await contender.start();
      const result = await drive({ port: endpoint.port, connections, warmupMs: WARMUP_MS, ms: SECONDS * 1000 });
      await endpoint.close();
      if (contender.acks && result.acceptedAcks !== result.messages) {
        console.error(
          `${contender.name}: ${result.messages - result.acceptedAcks} answers were not AA, first: ${JSON.stringify(result.firstOther)}`,
        );
        failed = true;
      }
      const key = `${contender.key}/${connections}`;
      results.set(key, [...(results.get(key) ?? []), result]);
      process.stderr.write(
        `${contender.key}, ${connections} connection(s), round ${round + 1}: ` +
          `${result.messagesPerSecond.toFixed(0)} msg/s (load ${load()})\n`,
      );
    }
  }
}

console.log('| server | connections | msg/s (median) | p50 ms | p99 ms | rounds msg/s | ÷ echo |');
console.log('|---|---:|---:|---:|---:|---|---:|');
for (const connections of CONNECTIONS) {
  const echo = results.get(`echo/${connections}`);
  const echoRate = echo ? median(echo.map((r) => r.messagesPerSecond)) : Number.NaN;
  for (const contender of CONTENDERS) {
    const runs = results.get(`${contender.key}/${connections}`)!;
    const rate = median(runs.map((r) => r.messagesPerSecond));
    const mid = runs.find((r) => r.messagesPerSecond === rate) ?? runs[0]!;
    console.log(
      `| ${contender.name} | ${connections} | ${rate.toFixed(0)} | ${mid.p50Ms.toFixed(3)} | ${mid.p99Ms.toFixed(3)} | ` +
        `${runs.map((r) => r.messagesPerSecond.toFixed(0)).join(', ')} | ` +
        `${Number.isFinite(echoRate) ? (rate / echoRate).toFixed(2) : '–'} |`,
    );
  }
}
console.log(`\nLoad average at the end: ${load()}.`);
if (failed) process.exitCode = 1;
