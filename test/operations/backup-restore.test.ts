/**
 * Backup and restore under load, end to end: a platform gateway (`cisis-tlr serve`, a child process)
 * receives a continuous stream of flow-1 orders over real MLLP on two connections while a backup is
 * taken — `cisis-tlr backup` on SQLite, the `pg_dump` command that `cisis-tlr backup` prints on
 * PostgreSQL. The backup is then restored the documented way and the restored journal is read.
 *
 * Checked: every message acknowledged AA before the backup started is in the restored journal,
 * accepted, with its order; the restored journal is a consistent snapshot — on each connection
 * (which waits for each ACK before sending the next message) it holds exactly a prefix of what was
 * sent, never a later message without an earlier one; the snapshot was taken while traffic flowed
 * (messages were acknowledged while the backup ran); a gateway starts on the restored database.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { MllpClient } from '../../src/mllp/index.js';
import type { MessageRecord, Store } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import { buildOrderMessage } from '../../src/tlr/index.js';
import { pgSkip, pgUrl, postgresSchemaUrl, runCli, serve, sleep, tempDir } from '../gateway/harness.js';
import { freePort } from '../helpers/ports.js';
import { order } from '../tlr/fixtures.js';

const run = promisify(execFile);
const CONNECTIONS = 2;
/** Messages acknowledged before the backup starts (the database is not empty). */
const BEFORE_BACKUP = 150;

/** One connection of the sending RIS: a closed loop, each message waits for its ACK. */
interface Lane {
  readonly sent: string[];
  /** Control id → time its AA arrived (performance.now()). */
  readonly acked: Map<string, number>;
}

class LoadedRis {
  readonly lanes: Lane[] = Array.from({ length: CONNECTIONS }, () => ({ sent: [], acked: new Map() }));
  #stop = false;
  #n = 0;
  #running: Promise<void> | undefined;
  readonly #run = `BK${Math.random().toString(36).slice(2, 6).toUpperCase()}`;

  get ackedCount(): number {
    return this.lanes.reduce((sum, l) => sum + l.acked.size, 0);
  }

  start(port: number): void {
    this.#running = Promise.all(this.lanes.map((lane) => this.#stream(port, lane))).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.#running;
  }

  async #stream(port: number, lane: Lane): Promise<void> {
    const client = new MllpClient({ host: '127.0.0.1', port, reconnect: false, ackTimeoutMs: 15_000 });
    await client.connect();
    try {
      while (!this.#stop) {
        const n = ++this.#n;
        const controlId = `${this.#run}-${n.toString().padStart(6, '0')}`;
        const message = buildOrderMessage(
          {
            ...order,
            placerOrderNumber: {
              value: `${this.#run}${n.toString().padStart(6, '0')}`,
              authorityOid: order.placerOrderNumber.authorityOid,
            },
          },
          {
            sendingApplication: 'RIS_CISIS_TLR',
            sendingFacility: 'STRUCTURE_IMAGERIE',
            receivingApplication: 'TLR_CISIS_TLR',
            receivingFacility: 'PLATEFORME_TLR',
            controlId,
            processingId: 'T',
          },
        );
        lane.sent.push(controlId);
        const result = await client.send(Buffer.from(message.toBytes()));
        assert.equal(result.code, 'AA', `${controlId} acknowledged AA`);
        lane.acked.set(controlId, performance.now());
      }
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

async function inboundJournal(store: Store): Promise<MessageRecord[]> {
  const out: MessageRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await store.listMessages({ direction: 'inbound', limit: 1000, offset });
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

/**
 * The checks on the restored journal; `backupStarted`/`backupEnded` bound the backup run
 * (performance.now()).
 */
async function checkRestored(storageUrl: string, ris: LoadedRis, backupStarted: number, backupEnded: number, label: string): Promise<void> {
  const store = await openStore(storageUrl);
  try {
    const journal = await inboundJournal(store);
    const restored = new Map(journal.map((r) => [r.summary.controlId ?? '', r]));
    assert.equal(restored.size, journal.length, 'each control id once in the restored journal');
    let ackedBefore = 0;
    let ackedDuring = 0;
    for (const lane of ris.lanes) {
      for (const [controlId, at] of lane.acked) {
        if (at < backupStarted) {
          ackedBefore++;
          const entry = restored.get(controlId);
          assert.ok(entry, `${controlId}, acknowledged AA before the backup started, is in the restored journal`);
          assert.equal(entry.status, 'accepted', `${controlId} restored as accepted`);
        } else if (at < backupEnded) {
          ackedDuring++;
        }
      }
      // A consistent snapshot: a prefix of each closed-loop lane.
      const present = lane.sent.map((id) => restored.has(id));
      const firstMissing = present.indexOf(false);
      if (firstMissing >= 0) {
        assert.ok(
          present.slice(firstMissing).every((p) => !p),
          `the restored journal holds a prefix of each connection's messages (a gap after ${lane.sent[firstMissing]})`,
        );
      }
    }
    const ours = new Set(ris.lanes.flatMap((l) => l.sent));
    for (const id of restored.keys()) assert.ok(ours.has(id), `${id} in the restored journal was sent by the test`);
    assert.ok(ackedBefore >= BEFORE_BACKUP, 'the database was not empty when the backup started');
    assert.ok(ackedDuring > 0, 'messages were acknowledged while the backup ran: it was taken under load');
    const orders = await store.listOrders({ role: 'platform', limit: 1, count: true });
    assert.equal(orders.total, journal.length, 'one order restored per restored message');
    console.log(
      `[backup ${label}] ${ris.ackedCount} messages acknowledged, ${ackedBefore} before the backup and ${ackedDuring} while it ran; ` +
        `${journal.length} in the restored journal, all ${ackedBefore} acknowledged before it found, ` +
        `${(backupEnded - backupStarted).toFixed(0)} ms backup`,
    );
  } finally {
    await store.close();
  }
}

async function waitForAcked(ris: LoadedRis, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (ris.ackedCount < n) {
    if (Date.now() > deadline) throw new Error(`only ${ris.ackedCount} of ${n} messages acknowledged within 60 s`);
    await sleep(20);
  }
}

describe('backup and restore under load', () => {
  it('SQLite: a backup taken by cisis-tlr backup while the gateway receives orders restores every message acknowledged before it', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('backup');
    try {
      const dataDir = join(dir.path, 'data');
      const storageUrl = `sqlite:${join(dataDir, 'cisis-tlr-platform.db')}`;
      await mkdir(dataDir);
      const gw = await serve({ role: 'platform', mllpPort: await freePort(), partnerPort: await freePort(), dataDir });
      const ris = new LoadedRis();
      const backupFile = join(dir.path, 'backup.db');
      let started: number;
      let ended: number;
      try {
        ris.start(gw.mllpPort);
        await waitForAcked(ris, BEFORE_BACKUP);
        started = performance.now();
        const backup = await runCli(['backup', '--data-dir', dataDir, '--role', 'platform', '--out', backupFile, '--json']);
        ended = performance.now();
        assert.equal(backup.code, 0, `backup exit code\n${backup.stderr}`);
        const result = JSON.parse(backup.stdout) as { path: string; messages: number; schemaVersions: number[] };
        assert.equal(result.path, backupFile);
        assert.ok(result.messages >= BEFORE_BACKUP, 'the backup reports the journal rows it holds');
        await sleep(200);

        // The gateway holds the database: restoring over it is refused, naming the holder.
        const refused = await runCli(['restore', '--data-dir', dataDir, '--role', 'platform', '--from', backupFile, '--force']);
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /in use by process \d+.*TLR_ERR_STORE_LOCKED/s);
      } finally {
        await ris.stop();
        await gw.stop();
      }

      // A file that is not a backup is refused.
      const notABackup = await runCli([
        'restore',
        '--storage-url',
        join(dir.path, 'elsewhere.db'),
        '--from',
        join(dataDir, 'platform.config.json'),
      ]);
      assert.equal(notABackup.code, 2);
      assert.match(notABackup.stderr, /TLR_ERR_STORE_NOT_A_BACKUP/);

      // The documented procedure: gateway stopped, restore over the database, keeping the old one aside.
      const restored = await runCli(['restore', '--data-dir', dataDir, '--role', 'platform', '--from', backupFile, '--force', '--json']);
      assert.equal(restored.code, 0, restored.stderr);
      const { previous } = JSON.parse(restored.stdout) as { previous: string };
      assert.ok(existsSync(previous), 'the replaced database is kept aside');
      await checkRestored(storageUrl, ris, started, ended, 'SQLite');

      // A gateway starts on the restored database.
      const again = await serve({ role: 'platform', mllpPort: await freePort(), partnerPort: await freePort(), dataDir });
      try {
        const messages = await again.api.get('/api/messages?direction=inbound&limit=1');
        assert.equal(messages.status, 200);
      } finally {
        await again.stop();
      }
    } finally {
      await dir.dispose();
    }
  });

  const onPath = (tool: string): boolean => (process.env['PATH'] ?? '').split(':').some((p) => p !== '' && existsSync(join(p, tool)));
  const pgDumpMissing = ['pg_dump', 'pg_restore', 'psql'].every(onPath)
    ? false
    : 'pg_dump, pg_restore or psql is not installed (apt-get install postgresql-client)';

  it('PostgreSQL: the pg_dump/pg_restore commands cisis-tlr backup prints restore every message acknowledged before the dump', {
    timeout: 180_000,
    skip: pgSkip || pgDumpMissing,
  }, async () => {
    const dir = await tempDir('pgdump');
    const schema = postgresSchemaUrl('backup');
    const schemaName = new URL(schema.url).searchParams.get('schema')!;
    try {
      const dumpFile = join(dir.path, 'tlr.dump');
      // What the operator is told to run.
      const advice = await runCli(['backup', '--storage-url', schema.url, '--out', dumpFile]);
      assert.equal(advice.code, 2, 'backup does not pretend to back up PostgreSQL');
      assert.match(advice.stderr, /copies SQLite databases only/);
      const command = (tool: string): string => {
        const line = advice.stderr.split('\n').find((l) => l.trimStart().startsWith(`${tool} `));
        assert.ok(line, `the advice names a ${tool} command`);
        return line.trim();
      };

      const gw = await serve({
        role: 'platform',
        mllpPort: await freePort(),
        partnerPort: await freePort(),
        dataDir: dir.path,
        storageUrl: schema.url,
      });
      const ris = new LoadedRis();
      let started: number;
      let ended: number;
      try {
        ris.start(gw.mllpPort);
        await waitForAcked(ris, BEFORE_BACKUP);
        started = performance.now();
        await run('sh', ['-c', command('pg_dump')]);
        ended = performance.now();
        await sleep(200);
      } finally {
        await ris.stop();
        await gw.stop();
      }
      await run('sh', ['-c', command('psql')]);
      await run('sh', ['-c', command('pg_restore')]);
      await checkRestored(schema.url, ris, started, ended, 'PostgreSQL');
    } finally {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schemaName}_before_restore CASCADE`);
      } finally {
        await client.end();
      }
      await schema.dispose();
      await dir.dispose();
    }
  });
});
