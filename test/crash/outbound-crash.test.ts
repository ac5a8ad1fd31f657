/**
 * Crash safety of the outbound path, proven end to end: a RIS gateway in a child process creates
 * orders (flow 1) and cancels some of them right away (flow 2) on REST requests from the test, and
 * delivers them from its outbox over real MLLP to a platform played by the test (an MllpServer that
 * records every message, answers AA and deduplicates by MSH-10 as a receiver does). The child is
 * killed with SIGKILL at random points, right after an order's commit (before the HTTP answer), and
 * while the platform holds a delivered message without acknowledging it; then it is restarted on the
 * same storage.
 *
 * Checked at the end: every message of every order in the RIS store reached the platform at least
 * once and exactly once after MSH-10 deduplication, a cancellation never arrived before its order
 * was acknowledged, nothing arrived that the store does not hold (no message of a rolled-back
 * action), every request answered 202 has its message delivered, and a request that got no answer
 * because of the kill either left no trace or was delivered like the others.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAck, tryParseMessage } from '../../src/hl7/index.js';
import { MllpServer } from '../../src/mllp/index.js';
import type { MessageRecord, OrderRecord } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import type { ImagingOrder } from '../../src/tlr/index.js';
import { order } from '../tlr/fixtures.js';
import type { ChildGateway } from './child-gateway.js';
import { ChildLauncher, freePort, randomBetween } from './child-gateway.js';
import type { StorageTarget } from './storage-targets.js';
import { pgSkip, postgresTarget, sqliteTarget } from './storage-targets.js';

const KILL_CYCLES = 21;
const API_KEY = 'crash-test-api-key-0001';
const AUTHORITY = order.placerOrderNumber.authorityOid;
/** Every third order is cancelled right after it is created. */
const CANCEL_EVERY = 3;
const REQUEST_LOOPS = 2;
/** The outbox lease is 2 × this + 5 s: how long a message in flight at the kill waits before it is sent again. */
const ACK_TIMEOUT_MS = 1000;

/** One message as the platform received it. */
interface Receipt {
  readonly seq: number;
  readonly controlId: string;
  readonly placer: string;
  /** ORC-1: NW (flow 1) or CA (flow 2). */
  readonly orderControl: string;
  /** Whether the platform answered it (a held message is not answered). */
  answered: boolean;
}

/**
 * The platform side: records every message, answers AA, and answers a re-delivered MSH-10 with the
 * ACK it gave the first time (as a receiver's duplicate detection does). When `holdAndKill` names a
 * placer, the flow-1 message of that order is received but not answered: the sending gateway is
 * killed while waiting for the ACK.
 */
class RecordingPlatform {
  readonly receipts: Receipt[] = [];
  readonly #acks = new Map<string, Uint8Array>();

  /** Distinct MSH-10 received so far. */
  get distinctReceived(): number {
    return this.#acks.size;
  }
  readonly server: MllpServer;
  holdAndKill: { placer: string; kill: () => Promise<void>; done: () => void } | undefined;

  constructor() {
    this.server = new MllpServer({
      handler: async (bytes) => {
        const message = tryParseMessage(bytes).message!;
        const receipt: Receipt = {
          seq: this.receipts.length,
          controlId: message.header.controlId,
          placer: message.get('ORC-2.1'),
          orderControl: message.get('ORC-1'),
          answered: false,
        };
        this.receipts.push(receipt);
        const hold = this.holdAndKill;
        if (hold && receipt.placer === hold.placer && receipt.orderControl === 'NW') {
          this.holdAndKill = undefined;
          await hold.kill();
          hold.done();
          throw new Error('sender killed while its message was held');
        }
        let ack = this.#acks.get(receipt.controlId);
        if (!ack) {
          ack = buildAck(message, { code: 'AA' }).toBytes();
          this.#acks.set(receipt.controlId, ack);
        }
        receipt.answered = true;
        return ack;
      },
    });
  }
}

/** What the test (the RIS user) asked for and what it was told. */
interface Request {
  readonly placer: string;
  /** `confirmed`: answered 202 (with the control id of the queued message); `unknown`: no answer (killed). */
  create: { outcome: 'confirmed'; controlId: string } | { outcome: 'unknown' } | { outcome: 'refused'; status: number };
  cancel?: { outcome: 'confirmed'; controlId: string } | { outcome: 'unknown' } | { outcome: 'refused'; status: number };
}

async function post(port: number, path: string, body: unknown): Promise<Request['create']> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await res.json()) as { controlId?: string };
    return res.status === 202 && json.controlId
      ? { outcome: 'confirmed', controlId: json.controlId }
      : { outcome: 'refused', status: res.status };
  } catch {
    return { outcome: 'unknown' };
  }
}

/** Messages confirmed by the API but not yet received by the platform above which the desk waits. */
const MAX_BACKLOG = 40;

/**
 * The RIS user: creates orders (and cancels every third) over REST, two requests at a time. It keeps
 * the outbox backlog bounded (creating is faster than delivering one message at a time), so that the
 * kills land while messages are being created, queued and delivered alike, not on a growing queue.
 */
class OrderDesk {
  readonly requests: Request[] = [];
  #next = 0;
  #confirmed = 0;

  constructor(
    private readonly run: string,
    private readonly received: () => number,
  ) {}

  upcomingPlacer(ahead: number): string {
    return `${this.run}${(this.#next + ahead).toString().padStart(5, '0')}`;
  }

  /** Creates orders until a request gets no answer or the child is gone, or until `last` is created. */
  async work(apiPort: number, gone: () => boolean, last?: string): Promise<void> {
    await Promise.all(
      Array.from({ length: REQUEST_LOOPS }, async () => {
        for (;;) {
          if (last !== undefined && this.requests.some((r) => r.placer === last)) return;
          while (this.#confirmed - this.received() > MAX_BACKLOG) {
            if (gone()) return;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          const n = ++this.#next;
          const placer = `${this.run}${n.toString().padStart(5, '0')}`;
          const body: ImagingOrder = { ...order, placerOrderNumber: { value: placer, authorityOid: AUTHORITY } };
          const request: Request = { placer, create: await post(apiPort, '/api/orders', body) };
          this.requests.push(request);
          if (request.create.outcome !== 'confirmed') return;
          this.#confirmed++;
          if (n % CANCEL_EVERY === 0) {
            request.cancel = await post(apiPort, `/api/orders/${placer}/cancel?authority=${AUTHORITY}`, {});
            if (request.cancel.outcome !== 'confirmed') return;
            this.#confirmed++;
          }
        }
      }),
    );
  }
}

async function readAll<T>(page: (offset: number) => Promise<{ items: readonly T[] }>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += 1000) {
    const { items } = await page(offset);
    out.push(...items);
    if (items.length < 1000) return out;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function outboundCrashRun(target: StorageTarget, launcher: ChildLauncher): Promise<void> {
  const platform = new RecordingPlatform();
  const { port } = await platform.server.listen(0, '127.0.0.1');
  try {
    await crashAndCheck(target, launcher, platform, port);
  } finally {
    await platform.server.close();
  }
}

async function crashAndCheck(
  target: StorageTarget,
  launcher: ChildLauncher,
  platform: RecordingPlatform,
  partnerPort: number,
): Promise<void> {
  const run = `CO${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  const desk = new OrderDesk(run, () => platform.distinctReceived);
  const spec = {
    role: 'ris' as const,
    storageUrl: target.url,
    dataDir: target.dataDir,
    mllpPort: await freePort(),
    partnerPort,
    apiPort: await freePort(),
    apiKey: API_KEY,
    ackTimeoutMs: ACK_TIMEOUT_MS,
    pollMs: 100,
  };
  const held: string[] = [];
  const commitKilled: string[] = [];
  let timerKills = 0;
  const started = performance.now();

  for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
    const mode = cycle % 3 === 0 ? 'hold' : cycle % 3 === 1 ? 'commit' : 'timer';
    const victim = mode === 'timer' ? undefined : desk.upcomingPlacer(randomBetween(2, 12));
    const child: ChildGateway = await launcher.start({ ...spec, ...(mode === 'commit' ? { killAfterCommitOf: [victim!] } : {}) });
    const killed = new Promise<void>((resolve) => {
      if (mode === 'hold') platform.holdAndKill = { placer: victim!, kill: () => child.kill(), done: resolve };
    });
    // In hold mode the desk stops after the victim, whose flow-1 message then soon reaches the platform.
    let gone = false;
    void child.exited.then(() => {
      gone = true;
    });
    const working = desk.work(child.apiPort, () => gone, mode === 'hold' ? victim : undefined);
    const fallback = setTimeout(() => void child.kill(), mode === 'timer' ? randomBetween(200, 900) : 20_000);
    if (mode === 'hold') await Promise.race([killed, child.exited]);
    const { signal } = await child.exited;
    clearTimeout(fallback);
    await working;
    assert.equal(signal, 'SIGKILL', `cycle ${cycle} ended with SIGKILL`);
    if (mode === 'hold') {
      const waiting = platform.holdAndKill;
      platform.holdAndKill = undefined;
      const lastRequests = desk.requests
        .slice(-4)
        .map((r) => `${r.placer} ${JSON.stringify(r.create)}`)
        .join(', ');
      assert.equal(
        waiting,
        undefined,
        `cycle ${cycle}: the platform held ${victim} and killed the sender (last requests: ${lastRequests})`,
      );
      held.push(victim!);
    } else if (mode === 'commit') {
      assert.ok(
        desk.requests.some((r) => r.placer === victim && r.create.outcome === 'unknown'),
        `cycle ${cycle}: the child killed itself after committing ${victim}, before answering`,
      );
      commitKilled.push(victim!);
    } else {
      timerKills++;
    }
  }

  // Last start, no kill, no new request: the outbox drains (held messages after their lease expires).
  const child = await launcher.start(spec);
  await waitFor('the outbox to drain', async () => (await child.outboxOpen()) === 0, 30_000);
  await child.stop();
  const seconds = (performance.now() - started) / 1000;

  const store = await openStore(target.url);
  try {
    const orders = await readAll<OrderRecord>((offset) => store.listOrders({ role: 'ris', limit: 1000, offset }));
    const journal = await readAll<MessageRecord>((offset) => store.listMessages({ direction: 'outbound', limit: 1000, offset }));
    const receivedIds = new Set(platform.receipts.map((r) => r.controlId));
    const journalIds = new Set(journal.map((m) => m.summary.controlId));

    // The store's end: every queued message delivered (AA), one flow-1 per order, one flow-2 per cancelled order.
    for (const m of journal) assert.equal(m.status, 'delivered', `outbound ${m.summary.controlId} (${m.summary.flow}) delivered`);
    const flowsOf = (placer: string, flow: string): MessageRecord[] =>
      journal.filter((m) => m.summary.placerOrderNumber === placer && m.summary.flow === flow);
    for (const o of orders) {
      const placer = o.key.placerNumber;
      assert.equal(flowsOf(placer, 'flux1').length, 1, `order ${placer}: one flow-1 message`);
      assert.equal(
        flowsOf(placer, 'flux2').length,
        o.state === 'CANCELLED' ? 1 : 0,
        `order ${placer} (${o.state}): flow-2 message iff cancelled`,
      );
    }
    assert.equal(
      journal.length,
      orders.length + orders.filter((o) => o.state === 'CANCELLED').length,
      'no outbound message without its order state',
    );

    // The platform's end: everything the store holds arrived; nothing arrived that the store does not hold.
    for (const id of journalIds) assert.ok(receivedIds.has(id!), `message ${id} received by the platform`);
    for (const id of receivedIds)
      assert.ok(journalIds.has(id), `received ${id} is in the sender's journal (no message of a rolled-back action)`);
    const distinct = new Map<string, Receipt[]>();
    for (const r of platform.receipts) distinct.set(r.controlId, [...(distinct.get(r.controlId) ?? []), r]);
    const byPlacer = new Map<string, { nw: Set<string>; ca: Set<string> }>();
    for (const r of platform.receipts) {
      const entry = byPlacer.get(r.placer) ?? { nw: new Set<string>(), ca: new Set<string>() };
      (r.orderControl === 'NW' ? entry.nw : entry.ca).add(r.controlId);
      byPlacer.set(r.placer, entry);
    }
    for (const [placer, { nw, ca }] of byPlacer) {
      assert.equal(nw.size, 1, `${placer}: one flow-1 message after MSH-10 deduplication`);
      assert.ok(ca.size <= 1, `${placer}: at most one flow-2 message after MSH-10 deduplication`);
      const firstCa = platform.receipts.find((r) => r.placer === placer && r.orderControl === 'CA');
      if (firstCa) {
        const nwAcked = platform.receipts.find((r) => r.placer === placer && r.orderControl === 'NW' && r.answered);
        assert.ok(nwAcked && nwAcked.seq < firstCa.seq, `${placer}: the cancellation arrived after its order was acknowledged`);
      }
    }
    for (const placer of held) {
      assert.ok(
        platform.receipts.filter((r) => r.placer === placer && r.orderControl === 'NW').length >= 2,
        `${placer}, held unacknowledged when the sender died, was sent again`,
      );
    }

    // The requester's end: a 202 means delivered; no answer means either nothing or delivered.
    const stored = new Map(orders.map((o) => [o.key.placerNumber, o]));
    let unknownStored = 0;
    let unknownAbsent = 0;
    for (const r of desk.requests) {
      assert.notEqual(r.create.outcome, 'refused', `${r.placer}: creation not refused`);
      if (r.create.outcome === 'confirmed') {
        assert.ok(stored.has(r.placer), `${r.placer}: confirmed order is in the store`);
        assert.ok(receivedIds.has(r.create.controlId), `${r.placer}: confirmed order delivered with the control id it was given`);
      } else if (stored.has(r.placer)) {
        unknownStored++;
      } else {
        unknownAbsent++;
        assert.ok(!byPlacer.has(r.placer), `${r.placer}: an order that is not in the store was never sent`);
      }
      if (r.cancel?.outcome === 'confirmed') {
        assert.equal(stored.get(r.placer)?.state, 'CANCELLED', `${r.placer}: confirmed cancellation is in the store`);
        assert.ok(receivedIds.has(r.cancel.controlId), `${r.placer}: confirmed cancellation delivered`);
      }
      assert.notEqual(r.cancel?.outcome, 'refused', `${r.placer}: cancellation not refused`);
    }
    for (const placer of commitKilled)
      assert.ok(stored.has(placer), `${placer}, committed then killed before the HTTP answer, is in the store and was delivered`);

    const cancelled = orders.filter((o) => o.state === 'CANCELLED').length;
    console.log(
      `[crash outbound ${target.engine}] ${KILL_CYCLES} SIGKILL cycles (${timerKills} at random times, ` +
        `${commitKilled.length} after a commit before the HTTP answer, ` +
        `${held.length} while the platform held a message), ${desk.requests.length} creation requests → ${orders.length} ` +
        `orders (${cancelled} cancelled), ` +
        `${journal.length} messages delivered, ${platform.receipts.length} receipts (${platform.receipts.length - distinct.size} ` +
        `duplicates absorbed by MSH-10), ` +
        `unanswered requests: ${unknownStored} committed and delivered, ${unknownAbsent} left no trace; ${seconds.toFixed(1)} s`,
    );
  } finally {
    await store.close();
  }
}

describe('outbound crash safety: SIGKILL while orders are created, cancelled and delivered', () => {
  it('SQLite: every stored order delivered exactly once after MSH-10 deduplication, cancellation after its order', {
    timeout: 180_000,
  }, async () => {
    const [target, launcher] = [await sqliteTarget('out'), new ChildLauncher()];
    try {
      await outboundCrashRun(target, launcher);
    } finally {
      await launcher.close();
      await target.dispose();
    }
  });

  it('PostgreSQL: every stored order delivered exactly once after MSH-10 deduplication, cancellation after its order', {
    timeout: 180_000,
    skip: pgSkip,
  }, async () => {
    const [target, launcher] = [await postgresTarget('out'), new ChildLauncher()];
    try {
      await outboundCrashRun(target, launcher);
    } finally {
      await launcher.close();
      await target.dispose();
    }
  });
});
