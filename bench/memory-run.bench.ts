/**
 * Memory over a long run (issue 17, target 5): N inbound flow-1 orders through a durable platform
 * gateway on SQLite (`synchronous=FULL`, group commit as configured by default), over loopback MLLP,
 * with the resident set (RSS) and the JavaScript heap sampled after a full garbage collection every K
 * messages. The gateway and its load client share this process, so a sample is both; the client
 * keeps nothing per message.
 *
 * Run: `npm run bench -- memory [-- options]` (or `node --expose-gc dist/bench/memory-run.bench.js`)
 *   --messages N      messages to send (default 1 000 000)
 *   --every K         sample every K messages (default N / 20)
 *   --warmup W        messages before the baseline sample (default N / 10, at least K)
 *   --connections C   MLLP connections (default 8)
 *   --seconds S       stop after S seconds even if N is not reached (default: no limit); the verdict
 *                     then covers the messages sent
 *   --dir PATH        where the database goes (default a temporary directory, removed at the end)
 *
 * Verdict: flat when every sample after the warm-up is within 10 % of the baseline sample (the first
 * one after the warm-up), for RSS; the heap is reported beside it. It exits 1 when RSS is not flat.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllpClientPool } from '../src/mllp/index.js';
import { closedLoop, platformGateway } from './inbound-load.js';
import { collectGarbage } from './measure.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const MESSAGES = option('messages', 1_000_000);
const EVERY = option('every', Math.max(1, Math.round(MESSAGES / 20)));
const WARMUP = Math.max(EVERY, option('warmup', Math.round(MESSAGES / 10)));
const CONNECTIONS = option('connections', 8);
const BUDGET_MS = option('seconds', Number.POSITIVE_INFINITY) * 1000;
const TOLERANCE = 0.1;
const dirIndex = process.argv.indexOf('--dir');
const keepDir = dirIndex > 0;
const dir = keepDir ? process.argv[dirIndex + 1]! : mkdtempSync(join(tmpdir(), 'cisis-tlr-memory-run-'));

interface Sample {
  messages: number;
  seconds: number;
  rssMb: number;
  heapMb: number;
  externalMb: number;
  dbMb: number;
}

const MB = 2 ** 20;
const dbPath = join(dir, `memory-run-${process.pid}.db`);
const fileMb = (p: string): number => (statSync(p, { throwIfNoEntry: false })?.size ?? 0) / MB;

function sample(messages: number, t0: number): Sample {
  collectGarbage();
  const m = process.memoryUsage();
  return {
    messages,
    seconds: (performance.now() - t0) / 1000,
    rssMb: m.rss / MB,
    heapMb: m.heapUsed / MB,
    externalMb: (m.external + m.arrayBuffers) / MB,
    dbMb: fileMb(dbPath) + fileMb(`${dbPath}-wal`),
  };
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `Memory run: ${MESSAGES} flow-1 messages through the platform gateway (SQLite FULL, group commit), ` +
    `${CONNECTIONS} connections, sample every ${EVERY} after a full GC, baseline after ${WARMUP}; ` +
    `Node ${process.version}, ${new Date().toISOString()}, load ${load()}`,
);
if ((globalThis as { gc?: unknown }).gc === undefined) console.log('(no --expose-gc: samples are taken without a full GC first)');

const endpoint = await platformGateway(`sqlite:${dbPath}`, dir);
const pool = new MllpClientPool({ host: '127.0.0.1', port: endpoint.port, size: CONNECTIONS, ackTimeoutMs: 120_000 });
const samples: Sample[] = [];
let flat = false;
try {
  await pool.connect();
  const t0 = performance.now();
  samples.push(sample(0, t0));
  let sent = 0;
  while (sent < MESSAGES && performance.now() - t0 < BUDGET_MS) {
    const batch = Math.min(EVERY, MESSAGES - sent);
    sent += await closedLoop(pool, CONNECTIONS, BUDGET_MS - (performance.now() - t0), undefined, batch);
    const s = sample(sent, t0);
    samples.push(s);
    process.stderr.write(
      `  ${s.messages} messages, ${s.seconds.toFixed(0)} s, RSS ${s.rssMb.toFixed(0)} MB, heap ${s.heapMb.toFixed(1)} MB, load ${load()}\n`,
    );
  }
} finally {
  await pool.close();
  await endpoint.close();
}

const baseline = samples.find((s) => s.messages >= WARMUP) ?? samples[samples.length - 1]!;
const after = samples.filter((s) => s.messages >= baseline.messages);
const rssMin = Math.min(...after.map((s) => s.rssMb));
const rssMax = Math.max(...after.map((s) => s.rssMb));
const worst = Math.max(rssMax / baseline.rssMb - 1, 1 - rssMin / baseline.rssMb);
flat = worst <= TOLERANCE;
const last = samples[samples.length - 1]!;

console.log(`\n| messages | s | msg/s | RSS MB | heap used MB | external MB | database + WAL MB |`);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
let previous: Sample | undefined;
for (const s of samples) {
  const rate = previous && s.seconds > previous.seconds ? (s.messages - previous.messages) / (s.seconds - previous.seconds) : Number.NaN;
  console.log(
    `| ${s.messages} | ${s.seconds.toFixed(0)} | ${Number.isNaN(rate) ? '' : rate.toFixed(0)} | ${s.rssMb.toFixed(0)} | ` +
      `${s.heapMb.toFixed(1)} | ${s.externalMb.toFixed(1)} | ${s.dbMb.toFixed(0)} |`,
  );
  previous = s;
}
console.log(
  `\nAfter the warm-up (baseline at ${baseline.messages} messages, RSS ${baseline.rssMb.toFixed(0)} MB): ` +
    `RSS ${rssMin.toFixed(0)}–${rssMax.toFixed(0)} MB, at most ${(worst * 100).toFixed(1)} % from the baseline: ` +
    `${flat ? 'flat (within 10 %)' : 'NOT flat (beyond 10 %)'}; heap ${baseline.heapMb.toFixed(1)} → ${last.heapMb.toFixed(1)} MB; ` +
    `${last.messages < MESSAGES ? `stopped by --seconds before ${MESSAGES}: ` : ''}` +
    `${last.messages} messages in ${last.seconds.toFixed(0)} s (${(last.messages / last.seconds).toFixed(0)} msg/s); ` +
    `database ${((last.dbMb * MB) / Math.max(1, last.messages) / 1024).toFixed(1)} kB per message; load ${load()}`,
);
if (!keepDir) rmSync(dir, { recursive: true, force: true });
if (!flat) process.exitCode = 1;
