import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Gateway } from '../../src/gateway/gateway.js';
import { buildAck, tryParseMessage } from '../../src/hl7/index.js';
import { MllpServer } from '../../src/mllp/index.js';
import { ClinicalDataGenerator, findFreePort } from '../../src/simulate/index.js';
import { openStore, StoreError, type Store } from '../../src/store/index.js';
import { callApi, startTestGateway } from '../console/harness.js';
import { pgSkip, pgUrl, postgresSchemaUrl, serve, sleep } from '../gateway/harness.js';
import { ack, er7, summaryOf, TestClock } from '../store/fixtures.js';

/**
 * Instances sharing a data directory used to share one "stable instance id": a starting instance
 * released the leases of the live one and both sent the same messages, 0.2–0.6 s apart. Now every
 * process has its own identity, a SQLite database is taken by one live process only, and on
 * PostgreSQL (several instances on one database is supported) leases are fenced by a token and never
 * released from a live instance.
 */

/** The pid of a process that has exited (for a stale lock file). */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(child.pid!));
  });
}

describe('two gateways on one SQLite data directory', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cisis-tlr-shared-dir-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses the second with TLR_ERR_STORE_LOCKED and exit code 2, and starts again after the first was killed', async () => {
    const [mllp1, mllp2, partner] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const first = await serve({ role: 'ris', mllpPort: mllp1, partnerPort: partner, dataDir: dir });
    try {
      const lockFile = join(dir, 'cisis-tlr-ris.db.lock');
      assert.ok(existsSync(lockFile), 'the running gateway holds a lock file');
      assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid, first.process.pid);
      const started = Date.now();
      await assert.rejects(serve({ role: 'ris', mllpPort: mllp2, partnerPort: partner, dataDir: dir }), (e: Error) => {
        assert.match(e.message, /exited with 2/);
        assert.match(e.message, /TLR_ERR_STORE_LOCKED/);
        assert.match(e.message, new RegExp(`in use by process ${first.process.pid}`));
        assert.doesNotMatch(e.message, /\n\s+at /, 'one clear line, no stack trace');
        return true;
      });
      assert.ok(Date.now() - started < 15_000);
      assert.equal((await first.api.get('/health')).status, 200, 'the first one is untouched');
      // A crash leaves the lock file behind: its pid is dead, so the next start takes it over.
      first.process.kill('SIGKILL');
      await first.stop();
      assert.ok(existsSync(lockFile), 'SIGKILL left the lock file');
      const second = await serve({ role: 'ris', mllpPort: mllp2, partnerPort: partner, dataDir: dir });
      assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid, second.process.pid);
      assert.equal(await second.stop(), 0);
      assert.ok(!existsSync(lockFile), 'a clean stop removes the lock file');
    } finally {
      await first.stop();
    }
  });

  it('takes over a lock file whose process is dead, refuses one whose process lives', async () => {
    const path = join(dir, 'alone.db');
    writeFileSync(
      `${path}.lock`,
      `${JSON.stringify({ pid: await deadPid(), host: (await import('node:os')).hostname(), startedAt: '2026-01-01T00:00:00Z' })}\n`,
    );
    const store = await openStore(`sqlite:${path}`, { exclusive: true });
    try {
      await assert.rejects(
        openStore(`sqlite:${path}`, { exclusive: true }),
        (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_LOCKED',
      );
      // Non-exclusive readers (tools, tests) are not refused.
      const reader = await openStore(`sqlite:${path}`);
      await reader.close();
    } finally {
      await store.close();
    }
    assert.ok(!existsSync(`${path}.lock`));
  });
});

interface Engine {
  label: string;
  skip: string | false;
  open: (clock: TestClock) => Promise<{ stores: [Store, Store]; dispose: () => Promise<void> }>;
}

const ENGINES: Engine[] = [
  {
    label: 'SQLite',
    skip: false,
    open: async (clock) => {
      const d = await mkdtemp(join(tmpdir(), 'cisis-tlr-fencing-'));
      const file = `sqlite:${join(d, 'fencing.db')}`;
      const a = await openStore(file, { now: clock.now });
      const b = await openStore(file, { now: clock.now });
      return {
        stores: [a, b],
        dispose: async () => {
          await a.close();
          await b.close();
          await rm(d, { recursive: true, force: true });
        },
      };
    },
  },
  {
    label: 'PostgreSQL',
    skip: pgSkip,
    open: async (clock) => {
      const schema = postgresSchemaUrl('fencing');
      const a = await openStore(schema.url, { now: clock.now, poolSize: 3 });
      const b = await openStore(schema.url, { now: clock.now, poolSize: 3 });
      return {
        stores: [a, b],
        dispose: async () => {
          await a.close();
          await b.close();
          await schema.dispose();
        },
      };
    },
  },
];

for (const engine of ENGINES) {
  describe(`lease fencing on ${engine.label}`, { skip: engine.skip }, () => {
    const clock = new TestClock();
    let a: Store;
    let b: Store;
    let dispose: () => Promise<void>;
    before(async () => {
      ({
        stores: [a, b],
        dispose,
      } = await engine.open(clock));
      await a.registerWorkers(['out-a']);
      await b.registerWorkers(['out-b']);
    });
    after(() => dispose?.());

    it('refuses a completion carrying a stale lease token: the item is completed once, by the worker that holds it', async () => {
      const { outboxId } = await a.enqueueOutbound({
        partner: 'fence',
        raw: er7('flux1', 'FENCE-1'),
        summary: summaryOf('flux1', 'FENCE-1'),
        orderKey: null,
      });
      const first = (await a.claimNext('fence', 'out-a', 1_000))!;
      clock.advance(1_500);
      const second = (await b.claimNext('fence', 'out-b', 60_000))!;
      assert.equal(second.id, outboxId, 'the expired lease was taken over');
      assert.ok(second.leaseToken > first.leaseToken);

      assert.equal(await a.markDelivered(first.id, ack('AA', 'FENCE-1'), first.leaseToken), 'lease_lost');
      const failed = await a.markFailed(first.id, { reason: 'timeout', retryable: true }, first.leaseToken);
      assert.equal(failed.state, 'lease_lost');
      let item = (await a.getOutboxItem(outboxId))!;
      assert.equal(item.state, 'in_flight');
      assert.equal(item.lockedBy, 'out-b', 'the late worker changed nothing');

      assert.equal(await b.markDelivered(second.id, ack('AA', 'FENCE-1'), second.leaseToken), 'delivered');
      assert.equal(await a.markDelivered(first.id, ack('AA', 'FENCE-1'), first.leaseToken), 'lease_lost');
      assert.equal(await b.markDelivered(second.id, ack('AA', 'FENCE-1'), second.leaseToken), 'already_delivered');
      item = (await a.getOutboxItem(outboxId))!;
      assert.equal(item.state, 'delivered');
      const outcomes = (await a.outboxAttempts(outboxId)).map((x) => x.outcome);
      assert.deepEqual(outcomes, ['delivered'], 'one completion in the delivery log');
    });

    it('fences webhook completions the same way', async () => {
      const id = await a.enqueueWebhook({ eventType: 'order.updated', payload: { n: 1 }, targetUrl: 'http://127.0.0.1:9/hook' });
      const first = (await a.claimNextWebhook('out-a', 1_000))!;
      clock.advance(1_500);
      const second = (await b.claimNextWebhook('out-b', 60_000))!;
      assert.equal(second.id, id);
      assert.equal(await a.markWebhookDelivered(id, { httpStatus: 204 }, first.leaseToken), 'lease_lost');
      assert.equal(
        (await a.markWebhookFailed(id, { reason: 'HTTP 500', retryable: true, httpStatus: 500 }, first.leaseToken)).state,
        'lease_lost',
      );
      assert.equal(await b.markWebhookDelivered(id, { httpStatus: 204 }, second.leaseToken), 'delivered');
    });
  });
}

describe('releasing leases on PostgreSQL never takes them from a live instance', { skip: pgSkip }, () => {
  const clock = new TestClock();
  let schema: ReturnType<typeof postgresSchemaUrl>;
  let a: Store;
  let b: Store;
  before(async () => {
    schema = postgresSchemaUrl('release');
    a = await openStore(schema.url, { now: clock.now, poolSize: 3 });
    b = await openStore(schema.url, { now: clock.now, poolSize: 3 });
    await a.registerWorkers(['out-live-a']);
    await b.registerWorkers(['out-live-b']);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await schema?.dispose();
  });

  it("releases a dead registered worker's leases, keeps the live one's, and refuses a live id to a second process", async () => {
    for (const n of [1, 2])
      await a.enqueueOutbound({ partner: 'rel', raw: er7('flux1', `REL-${n}`), summary: summaryOf('flux1', `REL-${n}`), orderKey: null });
    const live = (await b.claimNext('rel', 'out-live-b', 60_000))!;
    // A worker whose process died: registered, holding a lease, its proof-of-life lock gone.
    const ghost = new pg.Client({ connectionString: pgUrl, options: `-c search_path=${new URL(schema.url).searchParams.get('schema')!}` });
    await ghost.connect();
    await ghost.query("INSERT INTO store_workers (worker_id, host, pid, registered_at) VALUES ('out-dead', 'gone', 1, 0)");
    await ghost.end();
    const orphan = (await a.claimNext('rel', 'out-dead', 60_000))!;

    assert.equal(await a.releaseLeases(['out-live-b']), 0, 'the live worker keeps its lease when named');
    assert.equal(await a.releaseOrphanedLeases(), 1, "the dead worker's lease is released");
    assert.equal((await a.getOutboxItem(orphan.id))!.state, 'pending');
    assert.equal((await a.getOutboxItem(live.id))!.lockedBy, 'out-live-b');
    assert.equal(await a.releaseOrphanedLeases(), 0, 'and forgotten');
    await assert.rejects(
      a.registerWorkers(['out-live-b']),
      (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_WORKER_IN_USE',
    );
  });
});

describe('two gateway instances on one PostgreSQL database, both sending, one restarting', { skip: pgSkip }, () => {
  let schema: ReturnType<typeof postgresSchemaUrl>;
  let dataDir: string;
  let receiver: MllpServer;
  let receiverPort: number;
  const frames: string[] = [];
  const instances: Gateway[] = [];

  before(async () => {
    schema = postgresSchemaUrl('twoinst');
    dataDir = await mkdtemp(join(tmpdir(), 'cisis-tlr-two-instances-'));
    // A slow partner: every ACK takes 300 ms, so that instances always have messages in flight.
    receiver = new MllpServer({
      handler: async (bytes) => {
        const message = tryParseMessage(bytes).message!;
        frames.push(message.header.controlId);
        await sleep(300);
        return buildAck(message, { code: 'AA' }).toBytes();
      },
    });
    receiverPort = (await receiver.listen(0, '127.0.0.1')).port;
  });
  after(async () => {
    for (const gw of instances.splice(0)) await gw.stop().catch(() => undefined);
    await receiver?.close();
    await schema?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (): Promise<Gateway> => {
    // The same data directory for both: what used to give them one shared identity.
    const gw = await startTestGateway('ris', dataDir, {
      storage: { url: schema.url },
      mllp: { port: 0 },
      partner: { port: receiverPort, ackTimeoutMs: 5_000 },
    });
    instances.push(gw);
    return gw;
  };

  it('sends every message exactly once (frames counted at the receiver)', async () => {
    const a = await start();
    let b = await start();
    assert.notEqual(a.instanceId, b.instanceId);
    const data = new ClinicalDataGenerator({ seed: 88 });
    const placers: string[] = [];
    const N = 36;
    for (let n = 0; n < N; n++) {
      const order = data.imagingOrder();
      placers.push(order.placerOrderNumber.value);
      assert.equal((await callApi(n % 2 === 0 ? a : b, 'POST', '/api/orders', order)).status, 202);
      if (n % 9 === 8) {
        // Restart one instance while the other has messages in flight: the old start-up release
        // took the live instance's leases and resent them.
        await b.stop();
        instances.splice(instances.indexOf(b), 1);
        b = await start();
      }
      await sleep(40);
    }
    const deadline = Date.now() + 60_000;
    while (new Set(frames).size < N) {
      if (Date.now() > deadline) throw new Error(`only ${new Set(frames).size} of ${N} messages reached the receiver`);
      await sleep(100);
    }
    await sleep(1_500); // a duplicate would come 0.2–0.6 s after the first copy
    const counts = new Map<string, number>();
    for (const id of frames) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicates = [...counts].filter(([, c]) => c > 1);
    assert.deepEqual(duplicates, [], 'no message was sent twice');
    assert.equal(frames.length, N);
    const page = await a.store.listOutbox({ state: 'delivered', limit: 1000 });
    assert.equal(page.total, N);
  });
});
