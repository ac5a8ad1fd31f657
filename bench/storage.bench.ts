/**
 * Cost of durability: sustained inbound throughput of the gateway with commit-before-ACK (SQLite and
 * PostgreSQL) against the same MLLP server with no persistence, over loopback MLLP with 1 and 8
 * connections, plus the memory of a long SQLite run.
 *
 * Run: `npx tsc -p tsconfig.json && node --expose-gc dist/bench/storage.bench.js [options]`
 *   --seconds N         length of one timed run (default 6)
 *   --rounds N          timed runs per contender and connection count, median kept (default 3)
 *   --memory-seconds N  budget of the memory run (default 180; 0 skips it)
 *   --memory-messages N stop the memory run after N messages (default 1 000 000)
 *   --pg URL            PostgreSQL server (default: $CISIS_TLR_TEST_PG; skipped when neither is set).
 *                       A schema `tlr_bench_<random>` is created and dropped at the end.
 *
 * Contenders, all behind the same `MllpServer` and driven by the same `MllpClientPool`:
 * - `AA at once`: the server's default handler (parse, answer AA) — no validation, no storage;
 * - `validate, no store`: parse, validate against the volet, build the ACK — the gateway's work
 *   minus the store, so that the difference with the next two is the cost of the store alone;
 * - `gateway, SQLite` / `gateway, PostgreSQL`: the real platform half-connector (`Gateway.start`),
 *   whose inbound handler journals the message, applies the workflow and commits before answering.
 *
 * Method: closed loop — each connection sends its next message as soon as the previous one is
 * acknowledged. Client and server share this process (one event loop), like the MLLP benchmark, so the
 * client's cost is in every figure alike. Contenders run in rotating order within each round (the
 * machine's speed drifts), the median round is kept. Every message is a distinct valid flow-1 order:
 * new placer number (so a new order each time) and new MSH-10.
 *
 * Also measured, to explain where the time goes: the store alone (`recordInbound` with the workflow
 * step, sequential, no MLLP, no validation) and the raw commit rate of SQLite with `synchronous=FULL`
 * on the same disk.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { Gateway } from '../src/gateway/gateway.js';
import { loadConfig } from '../src/gateway/config.js';
import { buildAck, tryParseMessage } from '../src/hl7/index.js';
import { MllpClientPool, MllpServer, acceptAllHandler } from '../src/mllp/index.js';
import type { MllpMessageHandler } from '../src/mllp/index.js';
import { ackForValidation, validateMessage } from '../src/profiles/index.js';
import { DEFAULT_GROUP_COMMIT, openStore } from '../src/store/index.js';
import { buildOrderMessage } from '../src/tlr/index.js';
import { order } from '../test/tlr/fixtures.js';
import { collectGarbage, median } from './measure.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const SECONDS = option('seconds', 6);
const ROUNDS = option('rounds', 3);
const MEMORY_SECONDS = option('memory-seconds', 180);
const MEMORY_MESSAGES = option('memory-messages', 1_000_000);
const pgIndex = process.argv.indexOf('--pg');
const PG_URL = pgIndex > 0 ? process.argv[pgIndex + 1]! : (process.env['CISIS_TLR_TEST_PG'] ?? '');
const WARMUP_MS = 1000;
const silent = pino({ level: 'silent' });

// ---------------------------------------------------------------- messages

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
function nextMessage(): Buffer {
  const n = (++sequence).toString(36).toUpperCase().padStart(10, '0');
  const placer = `P${run}${n}`;
  const control = `C${run}${n}`;
  return Buffer.from(templateParts.map((p) => p.join(control)).join(placer), 'utf8');
}

// ---------------------------------------------------------------- contenders

interface Endpoint {
  port: number;
  close: () => Promise<void>;
}

interface Contender {
  name: string;
  /** Whether the ACK waits for a durable commit. */
  durable: boolean;
  start: () => Promise<Endpoint>;
}

async function plainServer(handler: MllpMessageHandler): Promise<Endpoint> {
  const server = new MllpServer({ handler });
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, close: () => server.close() };
}

/** Parse, validate, ACK — the inbound handler's work without the store. */
const validateOnly: MllpMessageHandler = async (bytes) => {
  const message = tryParseMessage(bytes).message!;
  const report = validateMessage(message);
  return (report.valid ? buildAck(message, { code: 'AA' }) : ackForValidation(message, report)).toBytes();
};

/** The platform gateway; `grouped: false` gives every message its own commit (`maxMessages: 1`). */
async function gateway(storageUrl: string, dataDir: string, grouped = true): Promise<Endpoint> {
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
  const gw = await Gateway.start(config, { logger: silent });
  return { port: gw.mllpPort, close: () => gw.stop() };
}

// ---------------------------------------------------------------- measurement

interface Run {
  messages: number;
  seconds: number;
  p50: number;
  p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Closed loop over `connections` for `ms` milliseconds; every ACK must be AA. */
async function closedLoop(pool: MllpClientPool, connections: number, ms: number, latencies?: number[]): Promise<number> {
  let done = 0;
  const deadline = performance.now() + ms;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
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

async function timedRun(endpoint: Endpoint, connections: number): Promise<Run> {
  const pool = new MllpClientPool({ host: '127.0.0.1', port: endpoint.port, size: connections, ackTimeoutMs: 60_000 });
  await pool.connect();
  await closedLoop(pool, connections, WARMUP_MS);
  const latencies: number[] = [];
  const t0 = performance.now();
  const messages = await closedLoop(pool, connections, SECONDS * 1000, latencies);
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { messages, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

// ---------------------------------------------------------------- storage locations

const workDir = mkdtempSync(join(tmpdir(), 'cisis-tlr-storage-bench-'));
let sqliteFiles = 0;
function sqliteUrl(): string {
  return `sqlite:${join(workDir, `gateway-${++sqliteFiles}.db`)}`;
}
const pgSchemas: string[] = [];
function pgUrl(): string {
  const schema = `tlr_bench_${randomBytes(4).toString('hex')}`;
  pgSchemas.push(schema);
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}
async function dropPgSchemas(): Promise<void> {
  if (!PG_URL || pgSchemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const s of pgSchemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.end();
}

// ---------------------------------------------------------------- where the time goes

/** Raw commit rate of SQLite in WAL mode on this disk: one small row per transaction. */
function sqliteCommitRate(synchronous: 'FULL' | 'OFF'): number {
  const db = new Database(join(workDir, `commit-${synchronous}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)');
  const insert = db.prepare('INSERT INTO t (b) VALUES (?)');
  const row = Buffer.alloc(3000);
  const n = 3000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    db.exec('BEGIN IMMEDIATE');
    insert.run(row);
    db.exec('COMMIT');
  }
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

/** The store alone: `recordInbound` + `applyOrderEvent` + ACK bytes, one message after the other. */
async function storeAlone(url: string, concurrency: number): Promise<number> {
  const store = await openStore(url);
  const ack = buildAck(tryParseMessage(nextMessage()).message!, { code: 'AA' }).toBytes();
  let done = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const n = ++sequence;
        const raw = nextMessage();
        await store.recordInbound(
          {
            partner: 'ris',
            raw,
            summary: {
              messageType: 'ORM^O01',
              flow: 'flux1',
              controlId: `S${run}${n}`,
              sendingApplication: 'RIS_CISIS_TLR',
              sendingFacility: 'STRUCTURE_IMAGERIE',
              placerOrderNumber: `S${run}${n}`,
              placerAssigningAuthority: '1.2.3',
            },
          },
          async ({ messageId, tx }) => {
            await tx.applyOrderEvent({
              role: 'platform',
              key: { placerNumber: `S${run}${n}`, assigningAuthority: '1.2.3' },
              event: { type: 'order' },
              messageId,
              partner: 'ris',
              data: { order },
            });
            return { ack: { raw: ack, code: 'AA' as const } };
          },
        );
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - t0) / 1000);
  await store.close();
  return rate;
}

// ---------------------------------------------------------------- memory

interface MemorySample {
  messages: number;
  seconds: number;
  rssMb: number;
  heapMb: number;
}

function memorySample(messages: number, t0: number): MemorySample {
  collectGarbage();
  const m = process.memoryUsage();
  return { messages, seconds: (performance.now() - t0) / 1000, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 };
}

/** SQLite gateway, 8 connections, until `MEMORY_MESSAGES` or `MEMORY_SECONDS`; samples every ~10 %. */
async function memoryRun(): Promise<{ samples: MemorySample[]; dbMb: number; walMb: number; stored: number; completed: boolean }> {
  const url = sqliteUrl();
  const endpoint = await gateway(url, workDir);
  const pool = new MllpClientPool({ host: '127.0.0.1', port: endpoint.port, size: 8, ackTimeoutMs: 60_000 });
  await pool.connect();
  const warmup = await closedLoop(pool, 8, WARMUP_MS);
  const t0 = performance.now();
  const samples = [memorySample(0, t0)];
  const slice = (MEMORY_SECONDS * 1000) / 10;
  let messages = 0;
  while (messages < MEMORY_MESSAGES && performance.now() - t0 < MEMORY_SECONDS * 1000) {
    messages += await closedLoop(pool, 8, Math.min(slice, MEMORY_SECONDS * 1000 - (performance.now() - t0)));
    samples.push(memorySample(messages, t0));
  }
  await pool.close();
  // Sizes read before the graceful stop (closing checkpoints the WAL): what a running gateway occupies.
  const path = url.slice('sqlite:'.length);
  const mb = (p: string): number => (statSync(p, { throwIfNoEntry: false })?.size ?? 0) / 2 ** 20;
  const sizes = { dbMb: mb(path), walMb: mb(`${path}-wal`) };
  await endpoint.close();
  return { samples, ...sizes, stored: warmup + messages, completed: messages >= MEMORY_MESSAGES };
}

// ---------------------------------------------------------------- main

const contenders: Contender[] = [
  { name: 'AA at once (no validation, no store)', durable: false, start: () => plainServer(acceptAllHandler) },
  { name: 'validate, no store', durable: false, start: () => plainServer(validateOnly) },
  { name: 'gateway, SQLite FULL, commit per message', durable: true, start: () => gateway(sqliteUrl(), workDir, false) },
  { name: 'gateway, SQLite FULL, group commit', durable: true, start: () => gateway(sqliteUrl(), workDir) },
  ...(PG_URL
    ? [
        { name: 'gateway, PostgreSQL, commit per message', durable: true, start: () => gateway(pgUrl(), workDir, false) },
        { name: 'gateway, PostgreSQL, group commit', durable: true, start: () => gateway(pgUrl(), workDir) },
      ]
    : []),
];

const results = new Map<string, Run[]>();
const key = (name: string, connections: number): string => `${name}|${connections}`;
try {
  for (const connections of [1, 8]) {
    for (let round = 0; round < ROUNDS; round++) {
      // Rotating order: no contender always runs first or last in a round.
      const lineup = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      for (const c of lineup) {
        const endpoint = await c.start();
        const r = await timedRun(endpoint, connections);
        await endpoint.close();
        results.set(key(c.name, connections), [...(results.get(key(c.name, connections)) ?? []), r]);
      }
    }
  }

  const rate = (r: Run): number => r.messages / r.seconds;
  const best = (name: string, connections: number): Run => {
    const runs = results.get(key(name, connections))!;
    const m = median(runs.map(rate));
    return runs.reduce((a, b) => (Math.abs(rate(a) - m) <= Math.abs(rate(b) - m) ? a : b));
  };
  console.log(
    `Inbound flow-1 over loopback MLLP, closed loop, ${SECONDS} s per run after ${WARMUP_MS} ms warm-up, median of ${ROUNDS} rounds; ` +
      `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(`Message: ${nextMessage().length} bytes (flow 1, distinct placer number and MSH-10 each)\n`);
  console.log('| contender | connections | msg/s | p50 ms | p99 ms | rounds (msg/s) |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const connections of [1, 8]) {
    for (const c of contenders) {
      const r = best(c.name, connections);
      const all = results
        .get(key(c.name, connections))!
        .map((x) => rate(x).toFixed(0))
        .join(', ');
      console.log(`| ${c.name} | ${connections} | ${rate(r).toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${all} |`);
    }
  }
  console.log('\nCost of durability (throughput ratios):\n');
  console.log('| durable contender | connections | ÷ AA at once | ÷ validate, no store |');
  console.log('|---|---:|---:|---:|');
  for (const connections of [1, 8]) {
    const aa = rate(best(contenders[0]!.name, connections));
    const validated = rate(best(contenders[1]!.name, connections));
    for (const c of contenders.filter((x) => x.durable)) {
      const r = rate(best(c.name, connections));
      console.log(`| ${c.name} | ${connections} | ${(r / aa).toPrecision(2)} | ${(r / validated).toPrecision(2)} |`);
    }
  }

  console.log('\nWhere the time goes:\n');
  console.log(
    `- SQLite raw commits on this disk (WAL, 3 kB row): synchronous=FULL ${sqliteCommitRate('FULL').toFixed(0)}/s, ` +
      `OFF ${sqliteCommitRate('OFF').toFixed(0)}/s`,
  );
  console.log(
    `- store alone, SQLite (recordInbound + workflow, no MLLP, no validation): ` +
      `1 caller ${(await storeAlone(sqliteUrl(), 1)).toFixed(0)}/s, 8 callers ${(await storeAlone(sqliteUrl(), 8)).toFixed(0)}/s`,
  );
  if (PG_URL)
    console.log(
      `- store alone, PostgreSQL: 1 caller ${(await storeAlone(pgUrl(), 1)).toFixed(0)}/s, ` +
        `8 callers ${(await storeAlone(pgUrl(), 8)).toFixed(0)}/s`,
    );

  if (MEMORY_SECONDS > 0) {
    const mem = await memoryRun();
    const last = mem.samples[mem.samples.length - 1]!;
    console.log(
      `\nMemory, SQLite gateway, 8 connections: ${last.messages} messages in ${last.seconds.toFixed(0)} s ` +
        `(${mem.completed ? `${MEMORY_MESSAGES} reached` : `${MEMORY_MESSAGES} not reached within ${MEMORY_SECONDS} s`}); ` +
        `database ${mem.dbMb.toFixed(0)} MB (${((mem.dbMb * 2 ** 20) / mem.stored).toFixed(0)} bytes per stored message), ` +
        `WAL ${mem.walMb.toFixed(0)} MB\n`,
    );
    console.log('| messages | s | RSS MB | heap used MB |');
    console.log('|---:|---:|---:|---:|');
    for (const s of mem.samples)
      console.log(`| ${s.messages} | ${s.seconds.toFixed(0)} | ${s.rssMb.toFixed(0)} | ${s.heapMb.toFixed(1)} |`);
  }
} finally {
  await dropPgSchemas();
  rmSync(workDir, { recursive: true, force: true });
}
