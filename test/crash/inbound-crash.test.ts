/**
 * Crash safety of the inbound path, proven end to end: a platform gateway in a child process receives
 * a continuous stream of flow-1 orders over real MLLP and is killed with SIGKILL at random points (and
 * at the exact point "committed, not yet acknowledged"), then restarted on the same storage. The test
 * process plays the RIS and re-sends, byte for byte, every message it got no ACK for.
 *
 * Checked from both ends once the stream is over: every message was eventually answered AA; the
 * journal holds each MSH-10 exactly once, accepted; each placer number gave one order and one `order`
 * transition (no loss, no double processing); every ACK the sender holds is the ACK stored with the
 * message, so a re-delivery after a crash was answered with the original ACK, not a new one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MllpClient } from '../../src/mllp/index.js';
import type { MessageDetail, MessageRecord, OrderRecord, Store } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import { buildOrderMessage } from '../../src/tlr/index.js';
import { order } from '../tlr/fixtures.js';
import { ChildLauncher, freePort, randomBetween } from './child-gateway.js';
import type { StorageTarget } from './storage-targets.js';
import { pgSkip, postgresTarget, sqliteTarget } from './storage-targets.js';

const KILL_CYCLES = 24;
/** Every third cycle ends with the child killing itself right after a chosen order's commit. */
const COMMIT_KILL_EVERY = 3;
const CONNECTIONS = 2;
const PLACER_AUTHORITY = order.placerOrderNumber.authorityOid;

/** One message of the stream, as the sending RIS keeps it until it is acknowledged. */
interface Outgoing {
  readonly controlId: string;
  readonly placer: string;
  readonly bytes: Buffer;
  /** The first ACK received. */
  ack?: Buffer;
  ackCode?: string;
  /** Sends that ended without an ACK (connection lost under a kill). */
  failedSends: number;
}

/** The RIS side: builds distinct valid flow-1 messages and re-sends the unacknowledged ones. */
class RisSender {
  readonly all: Outgoing[] = [];
  /** Messages whose send ended without an ACK, re-sent first after the restart. */
  readonly unacknowledged: Outgoing[] = [];
  #next = 0;

  constructor(private readonly run: string) {}

  /** A new message: placer number and MSH-10 unique in the run. */
  next(): Outgoing {
    const n = ++this.#next;
    const placer = `${this.run}${n.toString().padStart(5, '0')}`;
    const controlId = `${this.run}-${n.toString().padStart(6, '0')}`;
    const message = buildOrderMessage(
      { ...order, placerOrderNumber: { value: placer, authorityOid: PLACER_AUTHORITY } },
      {
        sendingApplication: 'RIS_CISIS_TLR',
        sendingFacility: 'STRUCTURE_IMAGERIE',
        receivingApplication: 'TLR_CISIS_TLR',
        receivingFacility: 'PLATEFORME_TLR',
        controlId,
        processingId: 'T',
      },
    );
    const o: Outgoing = { controlId, placer, bytes: Buffer.from(message.toBytes()), failedSends: 0 };
    this.all.push(o);
    return o;
  }

  /** Placer number the `ahead`-th next new message will carry. */
  upcomingPlacer(ahead: number): string {
    return `${this.run}${(this.#next + ahead).toString().padStart(5, '0')}`;
  }

  /**
   * Sends over `CONNECTIONS` closed loops (each waits for its ACK before the next message) until the
   * connection dies, or — when `drainOnly` — until nothing is left to re-send.
   */
  async stream(port: number, drainOnly: boolean): Promise<void> {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const client = new MllpClient({ host: '127.0.0.1', port, reconnect: false, ackTimeoutMs: 15_000 });
        try {
          await client.connect();
        } catch {
          return; // the child died before this connection was made
        }
        try {
          for (;;) {
            const m = this.unacknowledged.shift() ?? (drainOnly ? undefined : this.next());
            if (!m) return;
            try {
              const result = await client.send(m.bytes);
              m.ack ??= result.ack;
              m.ackCode ??= result.code;
            } catch {
              m.failedSends++;
              this.unacknowledged.push(m);
              return;
            }
          }
        } finally {
          await client.close().catch(() => undefined);
        }
      }),
    );
  }
}

async function readJournal(store: Store): Promise<MessageRecord[]> {
  const out: MessageRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await store.listMessages({ direction: 'inbound', limit: 1000, offset });
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

async function readOrders(store: Store): Promise<OrderRecord[]> {
  const out: OrderRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await store.listOrders({ role: 'platform', limit: 1000, offset });
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

async function inboundCrashRun(target: StorageTarget, launcher: ChildLauncher): Promise<void> {
  const run = `CI${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  const sender = new RisSender(run);
  const mllpPort = await freePort();
  const spec = { role: 'platform' as const, storageUrl: target.url, dataDir: target.dataDir, mllpPort, partnerPort: await freePort() };
  const commitKilled: string[] = [];
  let timerKills = 0;
  const started = performance.now();

  for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
    const commitKill = cycle % COMMIT_KILL_EVERY === 0;
    // Re-sends go first, so the chosen placer is among the new messages of this cycle.
    const victim = commitKill ? sender.upcomingPlacer(randomBetween(3, 40)) : undefined;
    const child = await launcher.start({ ...spec, ...(victim ? { killAfterCommitOf: [victim] } : {}) });
    const streaming = sender.stream(mllpPort, false);
    if (victim) {
      const { signal } = await child.exited;
      assert.equal(signal, 'SIGKILL', `cycle ${cycle}: the child should have killed itself after committing ${victim}`);
      commitKilled.push(victim);
    } else {
      await new Promise((resolve) => setTimeout(resolve, randomBetween(150, 700)));
      await child.kill();
      timerKills++;
    }
    await streaming;
  }

  // Last start, no kill: the sender re-sends what is still unacknowledged, then re-sends five
  // acknowledged messages on purpose (a sender that lost its own state after the ACK).
  const child = await launcher.start(spec);
  const resentAfterCrash = sender.unacknowledged.length;
  await sender.stream(mllpPort, true);
  assert.equal(sender.unacknowledged.length, 0, 'every message is eventually acknowledged');
  const deliberate = sender.all.filter((m) => m.failedSends === 0).slice(0, 5);
  const client = new MllpClient({ host: '127.0.0.1', port: mllpPort, reconnect: false });
  await client.connect();
  for (const m of deliberate) {
    const again = await client.send(m.bytes);
    assert.ok(again.ack.equals(m.ack!), `re-delivery of ${m.controlId} is answered with the original ACK, byte for byte`);
  }
  await client.close();
  await child.stop();
  const seconds = (performance.now() - started) / 1000;

  // ---- the sender's end: every message acknowledged AA
  for (const m of sender.all) assert.equal(m.ackCode, 'AA', `${m.controlId} acknowledged AA`);

  // ---- the receiver's end: the journal and the orders
  const store = await openStore(target.url);
  try {
    const journal = await readJournal(store);
    const byControlId = new Map<string, MessageRecord[]>();
    for (const r of journal) {
      const list = byControlId.get(r.summary.controlId ?? '') ?? [];
      list.push(r);
      byControlId.set(r.summary.controlId ?? '', list);
    }
    assert.equal(journal.length, sender.all.length, 'one journal entry per distinct message, nothing more');
    let crashDuplicates = 0;
    for (const m of sender.all) {
      const entries = byControlId.get(m.controlId) ?? [];
      assert.equal(entries.length, 1, `${m.controlId} journaled exactly once`);
      const entry = entries[0]!;
      assert.equal(entry.status, 'accepted', `${m.controlId} accepted`);
      const detail = (await store.getMessage(entry.id)) as MessageDetail;
      assert.ok(detail.ack && Buffer.from(detail.ack.raw).equals(m.ack!), `the ACK received for ${m.controlId} is the ACK stored with it`);
      if (m.failedSends > 0 && entry.redeliveries > 0) crashDuplicates++;
      if (m.failedSends === 0 && !deliberate.includes(m))
        assert.equal(entry.redeliveries, 0, `${m.controlId} was sent once and processed once`);
    }
    for (const placer of commitKilled) {
      const m = sender.all.find((o) => o.placer === placer)!;
      const entry = byControlId.get(m.controlId)![0]!;
      assert.ok(
        m.failedSends > 0 && entry.redeliveries > 0,
        `${placer}, committed then killed before its ACK, was re-sent and recognised as a re-delivery`,
      );
    }

    const orders = await readOrders(store);
    assert.equal(orders.length, sender.all.length, 'one order per placer number');
    const placers = new Set(orders.map((o) => o.key.placerNumber));
    assert.equal(placers.size, orders.length, 'no placer number twice');
    const journalIdOf = new Map(sender.all.map((m) => [m.placer, byControlId.get(m.controlId)![0]!.id]));
    for (const o of orders) {
      const transitions = await store.orderTransitions(o.id);
      assert.equal(transitions.length, 1, `order ${o.key.placerNumber}: one transition`);
      assert.equal(transitions[0]!.event, 'order');
      assert.equal(transitions[0]!.messageId, journalIdOf.get(o.key.placerNumber), `order ${o.key.placerNumber} caused by its own message`);
    }

    console.log(
      `[crash inbound ${target.engine}] ${KILL_CYCLES} SIGKILL cycles (${timerKills} at random times, ` +
        `${commitKilled.length} right after a commit), ` +
        `${sender.all.length} messages, ${sender.all.filter((m) => m.failedSends > 0).length} re-sent after a crash ` +
        `(${crashDuplicates} of them already committed → answered from the journal), ${resentAfterCrash} pending at the last restart, ` +
        `${deliberate.length} deliberate re-deliveries, ${seconds.toFixed(1)} s`,
    );
  } finally {
    await store.close();
  }
}

describe('inbound crash safety: SIGKILL during a continuous flow-1 stream', () => {
  it('SQLite: every message acknowledged AA and processed exactly once, re-deliveries answered with the original ACK', {
    timeout: 180_000,
  }, async () => {
    const [target, launcher] = [await sqliteTarget('in'), new ChildLauncher()];
    try {
      await inboundCrashRun(target, launcher);
    } finally {
      await launcher.close();
      await target.dispose();
    }
  });

  it('PostgreSQL: every message acknowledged AA and processed exactly once, re-deliveries answered with the original ACK', {
    timeout: 180_000,
    skip: pgSkip,
  }, async () => {
    const [target, launcher] = [await postgresTarget('in'), new ChildLauncher()];
    try {
      await inboundCrashRun(target, launcher);
    } finally {
      await launcher.close();
      await target.dispose();
    }
  });
});
