/**
 * Cost of durability: sustained inbound throughput of the gateway with commit-before-ACK (SQLite and
 * PostgreSQL) against the same MLLP server with no persistence, over loopback MLLP with 1 and 8
 * connections, with group commit off and on (the memory of a long run is `memory-run.bench.ts`).
 *
 * Run: `npx tsc -p tsconfig.json && node --expose-gc dist/bench/storage.bench.js [options]`
 *   --seconds N         length of one timed run (default 6)
 *   --rounds N          timed runs per contender and connection count, median kept (default 3)
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
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { buildAck, tryParseMessage } from '../src/hl7/index.js';
import { MllpClientPool, MllpServer, acceptAllHandler } from '../src/mllp/index.js';
import type { MllpMessageHandler } from '../src/mllp/index.js';
import { ackForValidation, validateMessage } from '../src/profiles/index.js';
import { openStore } from '../src/store/index.js';
import { order } from '../test/tlr/fixtures.js';
import { closedLoop, type Endpoint, nextMessage, nextSequence, platformGateway } from './inbound-load.js';
import { median } from './measure.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const SECONDS = option('seconds', 6);
const ROUNDS = option('rounds', 3);
const pgIndex = process.argv.indexOf('--pg');
const PG_URL = pgIndex > 0 ? process.argv[pgIndex + 1]! : (process.env['CISIS_TLR_TEST_PG'] ?? '');
const WARMUP_MS = 1000;

// ---------------------------------------------------------------- contenders

interface Contender {
  name: string;
  /** Whether the ACK waits for a durable commit. */
  durable: boolean;
  start: () => Promise<Served>;
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

/** An endpoint; a gateway also tells how many commits its messages took (group commit histogram). */
type Served = Endpoint & { commits?: () => Promise<{ groups: number; messages: number }> };

async function gateway(storageUrl: string, dataDir: string, grouped = true): Promise<Served> {
  const { port, close, gateway: gw } = await platformGateway(storageUrl, dataDir, grouped);
  const commits = async () => {
    const values = (await gw.metrics.commitGroupMessages.get()).values;
    const of = (suffix: string) => values.find((v) => v.metricName?.endsWith(suffix))?.value ?? 0;
    return { groups: of('_count'), messages: of('_sum') };
  };
  return { port, close, commits };
}

// ---------------------------------------------------------------- measurement

interface Run {
  messages: number;
  seconds: number;
  p50: number;
  p99: number;
  /** Messages per commit group in the timed part (group commit only). */
  perCommit?: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timedRun(endpoint: Served, connections: number): Promise<Run> {
  const pool = new MllpClientPool({ host: '127.0.0.1', port: endpoint.port, size: connections, ackTimeoutMs: 60_000 });
  await pool.connect();
  await closedLoop(pool, connections, WARMUP_MS);
  const latencies: number[] = [];
  const before = await endpoint.commits?.();
  const t0 = performance.now();
  const messages = await closedLoop(pool, connections, SECONDS * 1000, latencies);
  const seconds = (performance.now() - t0) / 1000;
  const after = await endpoint.commits?.();
  await pool.close();
  latencies.sort((a, b) => a - b);
  const groups = before && after ? { groups: after.groups - before.groups, messages: after.messages - before.messages } : undefined;
  return {
    messages,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ...(groups && groups.groups > 0 ? { perCommit: groups.messages / groups.groups } : {}),
  };
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
        const n = nextSequence();
        const raw = nextMessage();
        await store.recordInbound(
          {
            partner: 'ris',
            raw,
            summary: {
              messageType: 'ORM^O01',
              flow: 'flux1',
              controlId: `S${n}`,
              sendingApplication: 'RIS_CISIS_TLR',
              sendingFacility: 'STRUCTURE_IMAGERIE',
              placerOrderNumber: `S${n}`,
              placerAssigningAuthority: '1.2.3',
            },
          },
          async ({ messageId, tx }) => {
            await tx.applyOrderEvent({
              role: 'platform',
              key: { placerNumber: `S${n}`, assigningAuthority: '1.2.3' },
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

const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const started = loadNow();
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
      `Node ${process.version}, ${new Date().toISOString().slice(0, 16)} UTC, load ${started} at the start, ${loadNow()} at the end`,
  );
  console.log(`Message: ${nextMessage().length} bytes (flow 1, distinct placer number and MSH-10 each)\n`);
  console.log('| contender | connections | msg/s | p50 ms | p99 ms | messages per commit | rounds (msg/s) |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const connections of [1, 8]) {
    for (const c of contenders) {
      const r = best(c.name, connections);
      const all = results
        .get(key(c.name, connections))!
        .map((x) => rate(x).toFixed(0))
        .join(', ');
      const perCommit = r.perCommit === undefined ? '' : r.perCommit.toFixed(1);
      console.log(
        `| ${c.name} | ${connections} | ${rate(r).toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${perCommit} | ${all} |`,
      );
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
  const ratioAt8 = (name: string): number | undefined =>
    contenders.some((c) => c.name === name) ? rate(best(name, 8)) / rate(best(contenders[1]!.name, 8)) : undefined;
  for (const [name, target] of [
    ['gateway, SQLite FULL, group commit', 0.8],
    ['gateway, PostgreSQL, group commit', 0.6],
  ] as const) {
    const ratio = ratioAt8(name);
    if (ratio !== undefined)
      console.log(
        `Target (issue 17): ${name} ≥ ${target}× validate, no store at 8 connections: ` +
          `${ratio.toFixed(2)}× — ${ratio >= target ? 'met' : 'not met'}`,
      );
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
} finally {
  await dropPgSchemas();
  rmSync(workDir, { recursive: true, force: true });
}
