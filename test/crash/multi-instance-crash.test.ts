/**
 * Crash safety of several instances sharing one PostgreSQL database, as a production deployment runs
 * them: three RIS gateways in child processes take REST requests round-robin (an order created on one
 * instance is often cancelled through another) and deliver the shared outbox over real MLLP to a
 * platform played by the test. Instances are killed with SIGKILL at random while they send, and
 * restarted.
 *
 * Checked at the end: nothing lost (every message of the store reached the platform, every confirmed
 * request was delivered under the control id it was given), the order kept per order (a
 * cancellation never arrives before its order was acknowledged), and every duplicate is a
 * re-delivery carrying the same MSH-10 (at-least-once, absorbed by the receiver's MSH-10 check).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildAck, tryParseMessage } from '../../src/hl7/index.js';
import { MllpServer } from '../../src/mllp/index.js';
import type { MessageRecord } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import type { ImagingOrder } from '../../src/tlr/index.js';
import { order } from '../tlr/fixtures.js';
import type { ChildGateway } from './child-gateway.js';
import { ChildLauncher, freePort, randomBetween } from './child-gateway.js';
import { pgSkip, postgresTarget } from './storage-targets.js';

const INSTANCES = 3;
const KILLS = 9;
const API_KEY = 'crash-test-api-key-0003';
const AUTHORITY = order.placerOrderNumber.authorityOid;
const ACK_TIMEOUT_MS = 1000;

interface Receipt {
  seq: number;
  controlId: string;
  placer: string;
  orderControl: string;
  answered: boolean;
}
type Outcome = { outcome: 'confirmed'; controlId: string } | { outcome: 'unknown' } | { outcome: 'refused'; status: number };

async function post(port: number, path: string, body: unknown): Promise<Outcome> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await res.json()) as { controlId?: string };
    return (res.status === 202 || res.status === 200) && json.controlId
      ? { outcome: 'confirmed', controlId: json.controlId }
      : { outcome: 'refused', status: res.status };
  } catch {
    return { outcome: 'unknown' };
  }
}

describe('three instances on one PostgreSQL database, killed while sending', () => {
  it('loses nothing, keeps the order per order, and duplicates only as re-deliveries with the same MSH-10', {
    timeout: 240_000,
    skip: pgSkip,
  }, async () => {
    const target = await postgresTarget('multi');
    const dirs = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => mkdtemp(join(tmpdir(), `cisis-tlr-multi-${i}-`))));
    const launcher = new ChildLauncher();
    const receipts: Receipt[] = [];
    const acks = new Map<string, Uint8Array>();
    const platform = new MllpServer({
      handler: async (bytes) => {
        const m = tryParseMessage(bytes).message!;
        const r: Receipt = {
          seq: receipts.length,
          controlId: m.header.controlId,
          placer: m.get('ORC-2.1'),
          orderControl: m.get('ORC-1'),
          answered: false,
        };
        receipts.push(r);
        let ack = acks.get(r.controlId);
        if (!ack) {
          ack = buildAck(m, { code: 'AA' }).toBytes();
          acks.set(r.controlId, ack);
        }
        r.answered = true;
        return ack;
      },
    });
    const { port: partnerPort } = await platform.listen(0, '127.0.0.1');
    const specs = await Promise.all(
      dirs.map(async (dataDir) => ({
        role: 'ris' as const,
        storageUrl: target.url,
        dataDir,
        mllpPort: await freePort(),
        partnerPort,
        apiPort: await freePort(),
        apiKey: API_KEY,
        ackTimeoutMs: ACK_TIMEOUT_MS,
        pollMs: 100,
      })),
    );
    const children: Array<ChildGateway | undefined> = [];
    for (const spec of specs) children.push(await launcher.start(spec));

    const run = `MI${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
    const requests: Array<{ placer: string; create: Outcome; cancel?: Outcome }> = [];
    let stopping = false;
    let next = 0;
    const started = performance.now();
    const alive = (): number[] => children.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
    const desk = Promise.all(
      [0, 1].map(async () => {
        while (!stopping) {
          const up = alive();
          if (up.length === 0) {
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
          const n = ++next;
          const placer = `${run}${n.toString().padStart(5, '0')}`;
          const body: ImagingOrder = { ...order, placerOrderNumber: { value: placer, authorityOid: AUTHORITY } };
          const via = up[n % up.length]!;
          const request: (typeof requests)[number] = { placer, create: await post(specs[via]!.apiPort, '/api/orders', body) };
          requests.push(request);
          if (request.create.outcome === 'confirmed' && n % 3 === 0) {
            // Through another instance when one is up: the order's lock lives in the database.
            const other = alive().find((i) => i !== via) ?? via;
            request.cancel = await post(specs[other]!.apiPort, `/api/orders/${placer}/cancel?authority=${AUTHORITY}`, {});
          }
        }
      }),
    );

    try {
      for (let k = 0; k < KILLS; k++) {
        await new Promise((r) => setTimeout(r, randomBetween(600, 1800)));
        const victim = randomBetween(0, INSTANCES - 1);
        const child = children[victim];
        if (!child) continue;
        children[victim] = undefined;
        await child.kill();
        children[victim] = await launcher.start(specs[victim]!);
      }
      stopping = true;
      await desk;
      // No kill any more: the outbox drains through the three instances.
      const deadline = Date.now() + 60_000;
      while ((await children[0]!.outboxOpen()) !== 0) {
        if (Date.now() > deadline) throw new Error('the outbox did not drain');
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const c of children) await c?.stop();
      const seconds = (performance.now() - started) / 1000;

      const store = await openStore(target.url);
      try {
        const journal: MessageRecord[] = [];
        for (let cursor: string | undefined; ; ) {
          const page = await store.listMessages({ direction: 'outbound', limit: 1000, ...(cursor ? { cursor } : {}) });
          journal.push(...page.items);
          if (!page.next) break;
          cursor = page.next;
        }
        const receivedIds = new Set(receipts.map((r) => r.controlId));
        for (const m of journal) {
          assert.equal(m.status, 'delivered', `${m.summary.controlId} delivered`);
          assert.ok(receivedIds.has(m.summary.controlId!), `${m.summary.controlId} received: nothing lost`);
        }
        const journalIds = new Set(journal.map((m) => m.summary.controlId));
        for (const id of receivedIds) assert.ok(journalIds.has(id), `received ${id} is in the journal`);
        const byPlacer = new Map<string, { nw: Set<string>; ca: Set<string> }>();
        for (const r of receipts) {
          const e = byPlacer.get(r.placer) ?? { nw: new Set<string>(), ca: new Set<string>() };
          (r.orderControl === 'NW' ? e.nw : e.ca).add(r.controlId);
          byPlacer.set(r.placer, e);
        }
        for (const [placer, { nw, ca }] of byPlacer) {
          assert.equal(nw.size, 1, `${placer}: every copy of the flow 1 carries the same MSH-10`);
          assert.ok(ca.size <= 1, `${placer}: every copy of the flow 2 carries the same MSH-10`);
          const firstCa = receipts.find((r) => r.placer === placer && r.orderControl === 'CA');
          if (firstCa) {
            const nwAcked = receipts.find((r) => r.placer === placer && r.orderControl === 'NW' && r.answered);
            assert.ok(nwAcked && nwAcked.seq < firstCa.seq, `${placer}: the cancellation came after its order was acknowledged`);
          }
        }
        let confirmed = 0;
        for (const r of requests) {
          for (const o of [r.create, r.cancel]) {
            if (o?.outcome !== 'confirmed') continue;
            confirmed++;
            assert.ok(
              receivedIds.has(o.controlId),
              `${r.placer}: confirmed ${o === r.create ? 'order' : 'cancellation'} delivered under ${o.controlId}`,
            );
          }
        }
        const duplicates = receipts.length - receivedIds.size;
        console.log(
          `[crash multi-instance PostgreSQL] ${INSTANCES} instances, ${KILLS} SIGKILLs while sending, ` +
            `${requests.length} creation requests, ` +
            `${confirmed} confirmed actions, ${journal.length} messages delivered, ` +
            `${receipts.length} receipts (${duplicates} re-deliveries with the same MSH-10), ${seconds.toFixed(1)} s`,
        );
      } finally {
        await store.close();
      }
    } finally {
      stopping = true;
      for (const c of children) await c?.kill().catch(() => undefined);
      await launcher.close();
      await platform.close();
      await target.dispose();
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    }
  });
});
