import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';

import { formatOrderKey, StoreError, storeFailureKind, type InboundMessage, type Store, type StoreOptions } from '../../src/store/index.js';
import type { OrderEvent } from '../../src/workflow/index.js';
import { ack, er7, inbound, ORDER_A, ORDER_B, summaryOf, TestClock, text } from './fixtures.js';

/** How a suite run obtains stores: `open` may be called several times on the same database. */
export interface StoreHarness {
  /** Opens the database of the current test (same one on every call until `reset`). */
  open(options: StoreOptions): Promise<Store>;
  /** Switches to a fresh, empty database. */
  reset(): Promise<void>;
  /** Removes everything the harness created. */
  dispose(): Promise<void>;
  /**
   * Makes the COMMIT of any transaction that journals a message whose MSH-10 contains `marker` fail,
   * from a second connection: a deferred constraint the database checks at commit time only.
   */
  failCommitsOf(marker: string): Promise<void>;
}

/** Flow → workflow event for a platform receiving RIS messages. */
const EVENT_OF: Record<'flux1' | 'flux2' | 'flux3' | 'flux4', OrderEvent> = {
  flux1: { type: 'order' },
  flux2: { type: 'cancellation' },
  flux3: { type: 'decision', accepted: true },
  flux4: { type: 'postExamInfo' },
};

/** The gateway's inbound path in miniature: workflow in the transaction, ACK from its verdict. */
async function receive(store: Store, message: InboundMessage, flow: keyof typeof EVENT_OF = message.summary.flow as 'flux1') {
  return store.recordInbound(message, async ({ messageId, tx }) => {
    const outcome = await tx.applyOrderEvent({
      role: 'platform',
      key: { placerNumber: message.summary.placerOrderNumber!, assigningAuthority: message.summary.placerAssigningAuthority! },
      event: EVENT_OF[flow],
      messageId,
      partner: message.partner,
      patientId: message.summary.patientId!,
    });
    const t = outcome.transition;
    return {
      ack: t.accept ? ack('AA', message.summary.controlId!) : ack('AR', message.summary.controlId!, undefined, t.errorCode),
      transition: t,
    };
  });
}

/**
 * The storage contract, run identically against every engine. Each test gets a fresh database and a
 * test clock; stores are closed after each test.
 */
export function storeContractSuite(engine: string, harness: StoreHarness): void {
  describe(`${engine} store contract`, () => {
    let clock: TestClock;
    let store: Store;
    const opened: Store[] = [];
    const open = async (options: StoreOptions = {}): Promise<Store> => {
      const s = await harness.open({ now: clock.now, random: () => 0, ...options });
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      while (opened.length > 0) await opened.pop()!.close();
      await harness.reset();
      clock = new TestClock();
      store = await open();
    });
    after(async () => {
      while (opened.length > 0) await opened.pop()!.close();
      await harness.dispose();
    });

    describe('schema migrations', () => {
      it('applies the migrations once and keeps data when the database is reopened', async () => {
        const version = await store.schemaVersion();
        assert.ok(version >= 1);
        await receive(store, inbound('flux1', 'MSG-1'));
        await store.close();
        opened.pop();
        const reopened = await open();
        assert.equal(await reopened.schemaVersion(), version);
        assert.equal((await reopened.listMessages()).total, 1);
        assert.equal((await reopened.getOrder('platform', ORDER_A))?.state, 'REQUESTED');
      });
    });

    describe('inbound journal (commit, then acknowledge)', () => {
      it('journals the message with its summary, its ACK and the order transition it caused', async () => {
        const outcome = await receive(store, inbound('flux1', 'MSG-1'));
        assert.equal(outcome.duplicate, false);
        const message = await store.getMessage(outcome.messageId);
        assert.ok(message);
        assert.equal(message.direction, 'inbound');
        assert.equal(message.status, 'accepted');
        assert.equal(message.summary.messageType, 'ORM^O01');
        assert.equal(message.summary.controlId, 'MSG-1');
        assert.equal(message.summary.sendingFacility, 'StructureFacility');
        assert.equal(message.summary.placerOrderNumber, 'CMD-0001');
        assert.equal(text(message.raw), text(er7('flux1', 'MSG-1')));
        assert.equal(message.ack?.code, 'AA');
        assert.match(text(message.ack?.raw), /MSA\|AA\|MSG-1/);
        assert.equal(message.receivedAt?.getTime(), clock.ms);

        const order = await store.getOrder('platform', ORDER_A);
        assert.equal(order?.state, 'REQUESTED');
        assert.equal(order?.patientId, '248092A000001');
        assert.equal(order?.partner, 'ris-a');
        const transitions = await store.orderTransitions(order!.id);
        assert.deepEqual(
          transitions.map((t) => [t.from, t.to, t.event, t.messageId]),
          [['NONE', 'REQUESTED', 'order', outcome.messageId]],
        );
      });

      it('answers a re-delivered message with the original ACK bytes without reprocessing it', async () => {
        const first = await receive(store, inbound('flux1', 'MSG-1'));
        assert.equal(first.duplicate, false);
        let called = false;
        const again = await store.recordInbound(inbound('flux1', 'MSG-1'), () => {
          called = true;
          return { ack: ack('AR', 'MSG-1', 'OTHER', '205') };
        });
        assert.equal(called, false);
        assert.ok(again.duplicate);
        assert.equal(again.messageId, first.messageId);
        assert.equal(again.contentMatches, true);
        assert.equal(again.ack.code, 'AA');
        assert.equal(again.ack.controlId, 'ACK-MSG-1');
        assert.equal(text(again.ack.raw), text(ack('AA', 'MSG-1').raw));
        assert.equal((await store.listMessages()).total, 1);
        assert.equal((await store.getMessage(first.messageId))?.redeliveries, 1);
      });

      it('answers a re-delivery whose bytes differ but whose content digest matches (e.g. a new MSH-7) from the journal', async () => {
        await receive(store, { ...inbound('flux1', 'MSG-1'), contentDigest: 'same-content' });
        let called = false;
        const again = await store.recordInbound(
          { ...inbound('flux1', 'MSG-1'), raw: er7('flux1', 'MSG-1', ORDER_A, '|changed'), contentDigest: 'same-content' },
          () => {
            called = true;
            return { ack: ack('AA', 'MSG-1') };
          },
        );
        assert.equal(called, false);
        assert.ok(again.duplicate);
        assert.equal(again.contentMatches, false);
        assert.equal((await store.listMessages()).total, 1);
      });

      it('journals another message under an accepted MSH-10 apart and hands it to the decision as a reused control id', async () => {
        const first = await receive(store, { ...inbound('flux1', 'MSG-1'), contentDigest: 'content-a' });
        let seen: { originalMessageId: number } | undefined;
        const other = await store.recordInbound(
          { ...inbound('flux1', 'MSG-1', ORDER_B), raw: er7('flux1', 'MSG-1', ORDER_B, '|other'), contentDigest: 'content-b' },
          ({ reusedControlId }) => {
            seen = reusedControlId;
            return {
              ack: ack('AR', 'MSG-1', 'ACK-MSG-1-R', '205'),
              findings: [{ severity: 'error', rule: 'TLR-MSH-016', location: 'MSH-10', message: 'reused' }],
            };
          },
        );
        assert.equal(other.duplicate, false);
        assert.deepEqual(seen, { originalMessageId: first.messageId });
        const stored = await store.getMessage(other.messageId);
        assert.equal(stored?.status, 'rejected');
        assert.deepEqual(
          stored?.findings.map((f) => f.rule),
          ['TLR-MSH-016'],
        );
        // The original still holds the control id: a true re-delivery of it is answered from the journal.
        const again = await store.recordInbound({ ...inbound('flux1', 'MSG-1'), contentDigest: 'content-a' }, () => ({
          ack: ack('AA', 'MSG-1'),
        }));
        assert.ok(again.duplicate);
        assert.equal(again.messageId, first.messageId);
      });

      it('treats the same MSH-10 from another sending facility as a new message', async () => {
        await receive(store, inbound('flux1', 'MSG-1'));
        const other = await receive(store, inbound('flux1', 'MSG-1', ORDER_B, 'OtherFacility'));
        assert.equal(other.duplicate, false);
        assert.equal((await store.listMessages()).total, 2);
      });

      it('stores nothing and returns no ACK when the decision callback throws', async () => {
        await assert.rejects(
          store.recordInbound(inbound('flux1', 'MSG-1'), async ({ tx, messageId }) => {
            await tx.applyOrderEvent({ role: 'platform', key: ORDER_A, event: { type: 'order' }, messageId });
            await tx.enqueueWebhook({ eventType: 'order.requested', payload: { order: 'CMD-0001' }, targetUrl: 'http://127.0.0.1:9/hook' });
            throw new Error('downstream unavailable');
          }),
          /downstream unavailable/,
        );
        assert.equal((await store.listMessages()).total, 0);
        assert.equal(await store.getOrder('platform', ORDER_A), null);
        assert.equal((await store.listWebhookDeliveries()).total, 0);
        const retried = await receive(store, inbound('flux1', 'MSG-1'));
        assert.equal(retried.duplicate, false);
      });

      it('keeps a message rejected by the workflow with its AR and records no transition', async () => {
        await receive(store, inbound('flux1', 'MSG-1'));
        const early = await receive(store, inbound('flux4', 'MSG-2'));
        assert.equal(early.duplicate, false);
        assert.ok(!early.duplicate && !early.decision.transition.accept);
        const message = await store.getMessage(early.messageId);
        assert.equal(message?.status, 'rejected');
        assert.equal(message?.ack?.code, 'AR');
        assert.match(text(message?.ack?.raw), /207/);
        const order = await store.getOrder('platform', ORDER_A);
        assert.equal(order?.state, 'REQUESTED');
        assert.equal((await store.orderTransitions(order!.id)).length, 1);
      });

      it('processes again a message that was answered AR when the sender re-sends it later', async () => {
        await receive(store, inbound('flux1', 'MSG-1'));
        const early = await receive(store, inbound('flux4', 'MSG-2'));
        assert.ok(!early.duplicate && !early.decision.transition.accept);
        await receive(store, inbound('flux3', 'MSG-3'));
        const later = await receive(store, inbound('flux4', 'MSG-2'));
        assert.equal(later.duplicate, false);
        assert.ok(!later.duplicate && later.decision.transition.accept);
        assert.equal((await store.getOrder('platform', ORDER_A))?.state, 'COMPLEMENTED');
        assert.equal((await store.listMessages({ controlId: 'MSG-2' })).total, 2);
        const redelivered = await store.recordInbound(inbound('flux4', 'MSG-2'), () => ({ ack: ack('AR', 'MSG-2') }));
        assert.equal(redelivered.duplicate, true);
      });

      it('journals a message without control id (unparseable) and never treats it as a re-delivery', async () => {
        const garbage: InboundMessage = { partner: 'ris-a', raw: Buffer.from('not hl7'), summary: { messageType: '', flow: 'unknown' } };
        for (let i = 0; i < 2; i++) {
          const outcome = await store.recordInbound(garbage, () => ({ ack: ack('AE', '') }));
          assert.equal(outcome.duplicate, false);
        }
        assert.equal((await store.listMessages({ status: 'error' })).total, 2);
      });

      it('stores the validation findings as given', async () => {
        const findings = [{ severity: 'warning', rule: 'TLR-PID-008', location: 'PID-3', message: 'test INS OID with MSH-11 = P' }];
        const outcome = await store.recordInbound({ ...inbound('flux1', 'MSG-1'), findings }, () => ({ ack: ack('AA', 'MSG-1') }));
        assert.deepEqual((await store.getMessage(outcome.messageId))?.findings, findings);
      });
    });

    describe('group commit of inbound messages', () => {
      // PostgreSQL shares waiting messages out between free pooled connections and groups them only when
      // every one is busy: a pool of 3 leaves one writer, so that what is submitted together is one group.
      let grouped: Store;
      beforeEach(async () => {
        grouped = await open({ poolSize: 3 });
      });
      /** Submits every message in the same turn of the event loop, as concurrent connections do. */
      const together = (messages: InboundMessage[], decide: (m: InboundMessage, i: number) => Promise<void> = async () => undefined) =>
        messages.map((m, i) =>
          grouped.recordInbound(m, async ({ messageId, tx }) => {
            await decide(m, i);
            await tx.applyOrderEvent({
              role: 'platform',
              key: { placerNumber: m.summary.placerOrderNumber!, assigningAuthority: m.summary.placerAssigningAuthority! },
              event: EVENT_OF[m.summary.flow as 'flux1'],
              messageId,
            });
            return { ack: ack('AA', m.summary.controlId!) };
          }),
        );
      const orderKey = (i: number) => ({ placerNumber: `GRP-${i}`, assigningAuthority: ORDER_A.assigningAuthority });

      it('commits messages submitted together in one transaction: none is visible before the last one is done', async () => {
        const messages = [1, 2, 3, 4].map((i) => inbound('flux1', `GRP-MSG-${i}`, orderKey(i)));
        const visibleToReaders: number[] = [];
        const outcomes = await Promise.all(
          together(messages, async (_m, i) => {
            if (i === messages.length - 1) visibleToReaders.push((await store.listMessages()).total ?? -1);
          }),
        );
        // Readers see committed data only: the first three were not committed when the fourth ran.
        assert.deepEqual(visibleToReaders, [0]);
        assert.equal((await store.listMessages()).total, 4);
        const ids = outcomes.map((o) => o.messageId);
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => a - b),
          'journaled in the order they were submitted',
        );
      });

      const serialWriter = engine === 'SQLite' ? false : 'ungrouped transactions run concurrently on PostgreSQL';
      it('with groupCommit false, commits each message before the next one runs (one writer)', { skip: serialWriter }, async () => {
        const alone = await open({ groupCommit: false });
        const visible: number[] = [];
        await Promise.all(
          [1, 2, 3].map((i) =>
            alone.recordInbound(inbound('flux1', `ALONE-${i}`, orderKey(i)), async () => {
              visible.push((await alone.listMessages()).total ?? -1);
              return { ack: ack('AA', `ALONE-${i}`) };
            }),
          ),
        );
        assert.deepEqual(visible, [0, 1, 2]);
      });

      it('keeps arrival order within a group: an order and its cancellation in one group give AA then AA', async () => {
        const key = orderKey(10);
        const [order, cancel] = await Promise.all(together([inbound('flux1', 'GRP-ORD', key), inbound('flux2', 'GRP-CAN', key)]));
        assert.equal(order!.duplicate, false);
        assert.equal(cancel!.duplicate, false);
        assert.equal((await store.getOrder('platform', key))?.state, 'CANCELLED');
      });

      it('answers a re-delivery inside the group of its original from the original (one row, one transition)', async () => {
        const message = inbound('flux1', 'GRP-TWICE', orderKey(11));
        const [first, again] = await Promise.all(together([message, message]));
        assert.equal(first!.duplicate, false);
        assert.equal(again!.duplicate, true);
        assert.equal(again!.messageId, first!.messageId);
        assert.equal((await store.listMessages()).total, 1);
      });

      it('rolls back only the message whose own work fails; the others of its group are committed', async () => {
        const messages = [1, 2, 3].map((i) => inbound('flux1', `GRP-SP-${i}`, orderKey(20 + i)));
        const settled = await Promise.allSettled(
          together(messages, async (_m, i) => {
            if (i === 1) throw new Error('this message cannot be processed');
          }),
        );
        assert.deepEqual(
          settled.map((s) => s.status),
          ['fulfilled', 'rejected', 'fulfilled'],
        );
        assert.match(String((settled[1] as PromiseRejectedResult).reason), /cannot be processed/);
        const journal = await store.listMessages();
        assert.deepEqual(journal.items.map((m) => m.summary.controlId).sort(), ['GRP-SP-1', 'GRP-SP-3']);
        assert.equal(await store.getOrder('platform', orderKey(22)), null, 'nothing of the failed message is left');
        assert.equal((await store.getOrder('platform', orderKey(21)))?.state, 'REQUESTED');
      });

      it('fails every message of a group whose COMMIT fails, as transient, and stores nothing of them', async () => {
        await harness.failCommitsOf('POISON');
        const messages = ['GRP-OK-1', 'GRP-POISON-2', 'GRP-OK-3'].map((c, i) => inbound('flux1', c, orderKey(30 + i)));
        const settled = await Promise.allSettled(together(messages));
        for (const s of settled) {
          assert.equal(s.status, 'rejected', 'no message of the group may be reported stored');
          const reason = (s as PromiseRejectedResult).reason;
          assert.ok(reason instanceof StoreError && reason.code === 'TLR_ERR_STORE_COMMIT_FAILED', String(reason));
          assert.equal(storeFailureKind(reason), 'transient');
        }
        assert.equal((await store.listMessages()).total, 0);
        assert.equal(await store.getOrder('platform', orderKey(30)), null);
        // The store goes on: the innocent messages sent again without the poisoned one are committed.
        const again = await Promise.all(together([messages[0]!, messages[2]!]));
        assert.deepEqual(
          again.map((o) => o.duplicate),
          [false, false],
        );
        assert.equal((await store.listMessages()).total, 2);
      });
    });

    describe('journal queries', () => {
      it('searches by order, patient, type, status, direction and date range with limit, offset and total', async () => {
        await receive(store, inbound('flux1', 'MSG-1'));
        clock.advance(60_000);
        await receive(store, inbound('flux1', 'MSG-2', ORDER_B));
        clock.advance(60_000);
        await receive(store, inbound('flux4', 'MSG-3'));
        await store.enqueueOutbound({
          partner: 'ris-a',
          raw: Buffer.from('MSH|decision'),
          summary: { ...summaryOf('flux3', 'OUT-1'), patientId: 'OTHER' },
          orderKey: formatOrderKey(ORDER_A),
        });

        assert.equal((await store.listMessages()).total, 4);
        assert.equal((await store.listMessages({ placerOrderNumber: 'CMD-0001' })).total, 3);
        assert.equal((await store.listMessages({ patientId: 'OTHER' })).total, 1);
        assert.equal((await store.listMessages({ messageType: 'ORM^O01' })).total, 2);
        assert.equal((await store.listMessages({ status: 'rejected' })).total, 1);
        assert.equal((await store.listMessages({ direction: 'outbound' })).items[0]?.status, 'queued');
        assert.equal((await store.listMessages({ flow: 'flux4' })).items[0]?.summary.controlId, 'MSG-3');
        const start = new Date(clock.ms - 120_000);
        assert.equal((await store.listMessages({ from: new Date(start.getTime() + 1), to: new Date(clock.ms) })).total, 1);
        assert.equal((await store.listMessages({ from: start, to: new Date(clock.ms + 1) })).total, 4);
        const page = await store.listMessages({ limit: 2, offset: 1 });
        assert.equal(page.total, 4);
        assert.deepEqual(
          page.items.map((m) => m.summary.controlId),
          ['MSG-3', 'MSG-2'],
        );
        assert.equal(await store.getMessage(9999), null);
      });
    });

    describe('orders', () => {
      it('follows an order through the platform workflow and lists it by state', async () => {
        await receive(store, inbound('flux1', 'MSG-1'));
        const decision = await store.transaction(async (tx) => {
          const outcome = await tx.applyOrderEvent({
            role: 'platform',
            key: ORDER_A,
            event: { type: 'decision', accepted: true },
            data: { protocol: 'CT without contrast' },
          });
          await tx.enqueueOutbound({
            partner: 'ris-a',
            raw: Buffer.from('MSH|F3'),
            summary: summaryOf('flux3', 'OUT-1'),
            orderKey: formatOrderKey(ORDER_A),
          });
          return outcome;
        });
        assert.ok(decision.transition.accept);
        assert.equal(decision.order?.decision, 'accepted');
        assert.deepEqual(decision.order?.data, { protocol: 'CT without contrast' });
        await receive(store, inbound('flux4', 'MSG-2'));
        const order = await store.getOrder('platform', ORDER_A);
        assert.equal(order?.state, 'COMPLEMENTED');
        assert.deepEqual(
          (await store.orderTransitions(order!.id)).map((t) => `${t.from}>${t.to}`),
          ['NONE>REQUESTED', 'REQUESTED>ACCEPTED', 'ACCEPTED>COMPLEMENTED'],
        );
        assert.equal((await store.listOrders({ state: 'COMPLEMENTED' })).total, 1);
        assert.equal((await store.listOrders({ state: 'REQUESTED' })).total, 0);
      });

      it('keeps the RIS copy and the platform copy of the same order apart', async () => {
        await store.transaction((tx) => tx.applyOrderEvent({ role: 'ris', key: ORDER_A, event: { type: 'order' } }));
        await receive(store, inbound('flux1', 'MSG-1'));
        await store.transaction((tx) => tx.applyOrderEvent({ role: 'ris', key: ORDER_A, event: { type: 'decision', accepted: false } }));
        assert.equal((await store.getOrder('ris', ORDER_A))?.state, 'REJECTED');
        assert.equal((await store.getOrder('platform', ORDER_A))?.state, 'REQUESTED');
      });

      it('keeps the orders of two partners using the same placer number and authority apart', async () => {
        const fromA = { ...inbound('flux1', 'MSG-1'), partner: 'ris-a' };
        const fromB = { ...inbound('flux1', 'MSG-1', ORDER_A, 'OtherFacility'), partner: 'ris-b' };
        await receive(store, fromA);
        await receive(store, fromB);
        await store.transaction((tx) =>
          tx.applyOrderEvent({ role: 'platform', key: { ...ORDER_A, partner: 'ris-b' }, event: { type: 'decision', accepted: false } }),
        );
        const a = await store.getOrder('platform', { ...ORDER_A, partner: 'ris-a' });
        const b = await store.getOrder('platform', { ...ORDER_A, partner: 'ris-b' });
        assert.equal(a?.state, 'REQUESTED');
        assert.equal(b?.state, 'REJECTED');
        assert.notEqual(a?.id, b?.id);
        assert.deepEqual(a?.key, { ...ORDER_A, partner: 'ris-a' });
        assert.equal(b?.partner, 'ris-b');
        assert.equal((await store.listOrders({ role: 'platform', placerNumber: ORDER_A.placerNumber })).total, 2);
        assert.equal((await store.listOrders({ role: 'platform', partner: 'ris-b' })).total, 1);
        await assert.rejects(
          store.getOrder('platform', ORDER_A),
          (e: unknown) => (e as StoreError).code === 'TLR_ERR_STORE_AMBIGUOUS_ORDER',
        );
      });

      it('finds the order of the only partner that has it when the key names no partner, and adopts orders without one', async () => {
        await receive(store, inbound('flux1', 'MSG-1'));
        assert.equal((await store.getOrder('platform', ORDER_A))?.partner, 'ris-a');
        await store.transaction((tx) => tx.applyOrderEvent({ role: 'ris', key: ORDER_B, event: { type: 'order' } }));
        assert.equal((await store.getOrder('ris', ORDER_B))?.partner, null);
        assert.equal(await store.adoptOrdersWithoutPartner('platform-1'), 1);
        assert.equal((await store.getOrder('ris', { ...ORDER_B, partner: 'platform-1' }))?.state, 'REQUESTED');
        assert.equal(await store.getOrder('ris', { ...ORDER_B, partner: '' }), null);
      });

      it('rolls back the outbound message and the state change together', async () => {
        await receive(store, inbound('flux1', 'MSG-1'));
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.applyOrderEvent({ role: 'platform', key: ORDER_A, event: { type: 'decision', accepted: true } });
            await tx.enqueueOutbound({
              partner: 'ris-a',
              raw: Buffer.from('MSH|F3'),
              summary: summaryOf('flux3', 'OUT-1'),
              orderKey: formatOrderKey(ORDER_A),
            });
            throw new Error('builder failed');
          }),
          /builder failed/,
        );
        assert.equal((await store.getOrder('platform', ORDER_A))?.state, 'REQUESTED');
        assert.equal((await store.listOutbox()).total, 0);
        assert.equal((await store.listMessages({ direction: 'outbound' })).total, 0);
      });
    });

    describe('partner outbox', () => {
      const enqueue = (controlId: string, orderKey: string | null, partner = 'ris-a') =>
        store.enqueueOutbound({ partner, raw: Buffer.from(`MSH|${controlId}`), summary: summaryOf('flux3', controlId), orderKey });
      const A = formatOrderKey(ORDER_A);
      const B = formatOrderKey(ORDER_B);

      it('delivers messages of one order in order while other orders pass', async () => {
        const a1 = await enqueue('A1', A);
        const a2 = await enqueue('A2', A);
        const b1 = await enqueue('B1', B);
        const first = await store.claimNext('ris-a', 'w1', 30_000);
        assert.equal(first?.id, a1.outboxId);
        assert.equal(first?.controlId, 'A1');
        assert.equal(text(first?.raw), 'MSH|A1');
        assert.equal(first?.attempt, 1);
        const second = await store.claimNext('ris-a', 'w2', 30_000);
        assert.equal(second?.id, b1.outboxId, 'A2 must wait for A1');
        assert.equal(await store.claimNext('ris-a', 'w3', 30_000), null);
        await store.markDelivered(a1.outboxId, ack('AA', 'A1'));
        assert.equal((await store.claimNext('ris-a', 'w1', 30_000))?.id, a2.outboxId);
        const delivered = await store.getMessage(a1.messageId);
        assert.equal(delivered?.status, 'delivered');
        assert.equal(delivered?.ack?.code, 'AA');
        assert.equal(await store.claimNext('other-partner', 'w1', 30_000), null);
      });

      it('holds a paused partner lane on every claim until it is resumed, other partners flowing', async () => {
        await enqueue('A1', A, 'ris-a');
        await enqueue('B1', A, 'ris-b');
        const lane = await store.transaction((tx) => tx.setPartnerPaused('ris-a', true, 'ops'));
        assert.equal(lane.paused, true);
        assert.equal(lane.changedBy, 'ops');
        assert.equal(await store.claimNext('ris-a', 'w1', 60_000), null);
        assert.equal((await store.claimNext('ris-b', 'w1', 60_000))?.controlId, 'B1');
        assert.deepEqual(
          (await store.partnerLanes()).map((l) => [l.partner, l.paused]),
          [['ris-a', true]],
        );
        await store.transaction((tx) => tx.setPartnerPaused('ris-a', false, 'ops'));
        assert.equal((await store.claimNext('ris-a', 'w1', 60_000))?.controlId, 'A1');
        const [a, none] = await store.partnerActivity(['ris-a', 'nobody']);
        assert.ok(a?.lastMessageAt instanceof Date);
        assert.equal(a?.lastInboundAt, null);
        assert.deepEqual(none, { partner: 'nobody', lastMessageAt: null, lastInboundAt: null });
      });

      it('lets messages without order key overtake each other', async () => {
        const x = await enqueue('X', null);
        const y = await enqueue('Y', null);
        assert.equal((await store.claimNext('ris-a', 'w1', 30_000))?.id, x.outboxId);
        assert.equal((await store.claimNext('ris-a', 'w2', 30_000))?.id, y.outboxId);
      });

      it('hands back at once the items a restarted worker left in flight, and only those', async () => {
        const a1 = await enqueue('A1', A);
        const b1 = await enqueue('B1', B);
        assert.equal((await store.claimNext('ris-a', 'crashed-worker', 60_000))?.id, a1.outboxId);
        assert.equal((await store.claimNext('ris-a', 'other-worker', 60_000))?.id, b1.outboxId);
        assert.equal(await store.claimNext('ris-a', 'w3', 60_000), null, 'both leased');
        assert.equal(await store.releaseLeases(['crashed-worker']), 1);
        const again = await store.claimNext('ris-a', 'crashed-worker', 60_000);
        assert.equal(again?.id, a1.outboxId, 'released without waiting for the lease');
        assert.equal(again?.attempt, 2);
        assert.equal(await store.releaseLeases([]), 0);
      });

      it('retries after a timeout with backoff, holding back only the same order meanwhile', async () => {
        const a1 = await enqueue('A1', A);
        const a2 = await enqueue('A2', A);
        const b1 = await enqueue('B1', B);
        await store.claimNext('ris-a', 'w1', 30_000);
        const failed = await store.markFailed(a1.outboxId, { reason: 'timeout', retryable: true });
        assert.equal(failed.state, 'pending');
        assert.equal(failed.state === 'pending' && failed.nextAttemptAt.getTime(), clock.ms + 1000);
        assert.equal((await store.getMessage(a1.messageId))?.status, 'retrying');
        assert.equal((await store.claimNext('ris-a', 'w1', 30_000))?.id, b1.outboxId);
        assert.equal(await store.claimNext('ris-a', 'w1', 30_000), null, 'A1 not due yet, A2 behind it');
        clock.advance(1000);
        const retry = await store.claimNext('ris-a', 'w1', 30_000);
        assert.equal(retry?.id, a1.outboxId);
        assert.equal(retry?.attempt, 2);
        await store.markDelivered(a1.outboxId, ack('AA', 'A1'));
        assert.equal((await store.claimNext('ris-a', 'w1', 30_000))?.id, a2.outboxId);
        assert.deepEqual(
          (await store.outboxAttempts(a1.outboxId)).map((a) => [a.attempt, a.outcome]),
          [
            [1, 'retry'],
            [2, 'delivered'],
          ],
        );
      });

      it('grows the retry delay exponentially up to the maximum and parks after the attempt limit', async () => {
        await store.close();
        opened.pop();
        store = await open({ backoff: { baseMs: 1000, factor: 2, maxMs: 5000, jitter: 0.5, maxAttempts: 5 }, random: () => 0 });
        const a1 = await enqueue('A1', A);
        const delays: number[] = [];
        for (let attempt = 1; attempt <= 4; attempt++) {
          const claim = await store.claimNext('ris-a', 'w1', 30_000);
          assert.equal(claim?.attempt, attempt);
          const outcome = await store.markFailed(a1.outboxId, { reason: 'AR 206', retryable: true, ack: ack('AR', 'A1', 'ACK-1', '206') });
          assert.equal(outcome.state, 'pending');
          if (outcome.state === 'pending') {
            delays.push(outcome.nextAttemptAt.getTime() - clock.ms);
            clock.ms = outcome.nextAttemptAt.getTime();
          }
        }
        assert.deepEqual(delays, [1000, 2000, 4000, 5000]);
        await store.claimNext('ris-a', 'w1', 30_000);
        const last = await store.markFailed(a1.outboxId, { reason: 'AR 206', retryable: true });
        assert.equal(last.state, 'parked');
        assert.match(last.state === 'parked' ? last.reason : '', /gave up after 5 attempts/);
        assert.equal((await store.getMessage(a1.messageId))?.ack?.code, 'AR');
      });

      it('parks a message answered AE with its ERR details; it blocks its order only until retried by hand', async () => {
        const a1 = await enqueue('A1', A);
        const a2 = await enqueue('A2', A);
        const b1 = await enqueue('B1', B);
        await store.claimNext('ris-a', 'w1', 30_000);
        const errorDetails = [{ code: '101', location: 'PID^1^3', severity: 'E' }];
        const parked = await store.markFailed(a1.outboxId, {
          reason: 'AE 101',
          retryable: false,
          ack: ack('AE', 'A1', 'ACK-1', '101'),
          errorDetails,
        });
        assert.equal(parked.state, 'parked');
        const item = await store.getOutboxItem(a1.outboxId);
        assert.equal(item?.state, 'parked');
        assert.deepEqual(item?.errorDetails, errorDetails);
        assert.equal((await store.getMessage(a1.messageId))?.status, 'parked');
        clock.advance(3_600_000);
        assert.equal((await store.claimNext('ris-a', 'w1', 30_000))?.id, b1.outboxId);
        assert.equal(await store.claimNext('ris-a', 'w1', 30_000), null, 'A2 stays behind the parked A1');
        assert.deepEqual(await store.outboxDepth(), [
          { partner: 'ris-a', pending: 1, inFlight: 1, parked: 1, oldestPendingAt: new Date(clock.ms - 3_600_000) },
        ]);

        await assert.rejects(
          store.retryParked(a2.outboxId),
          (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_INVALID_STATE',
        );
        await store.retryParked(a1.outboxId);
        assert.equal((await store.getMessage(a1.messageId))?.status, 'queued');
        const again = await store.claimNext('ris-a', 'w1', 30_000);
        assert.equal(again?.id, a1.outboxId);
        assert.equal(again?.attempt, 1);
        await store.markDelivered(a1.outboxId, ack('AA', 'A1'));
        assert.equal((await store.claimNext('ris-a', 'w1', 30_000))?.id, a2.outboxId);
      });

      it('releases the order lane when an operator discards the parked message', async () => {
        const a1 = await enqueue('A1', A);
        const a2 = await enqueue('A2', A);
        await store.claimNext('ris-a', 'w1', 30_000);
        await store.markFailed(a1.outboxId, { reason: 'AE 103', retryable: false });
        assert.equal(await store.claimNext('ris-a', 'w1', 30_000), null);
        await store.discardParked(a1.outboxId, 'superseded by a corrected message');
        assert.equal((await store.claimNext('ris-a', 'w1', 30_000))?.id, a2.outboxId);
        assert.equal((await store.getMessage(a1.messageId))?.status, 'discarded');
        assert.deepEqual(
          (await store.outboxAttempts(a1.outboxId)).map((a) => a.outcome),
          ['parked', 'operator_discard'],
        );
      });

      it('hands a message to another worker when the lease of the first one expires', async () => {
        const a1 = await enqueue('A1', A);
        assert.equal((await store.claimNext('ris-a', 'w1', 5_000))?.id, a1.outboxId);
        clock.advance(4_999);
        assert.equal(await store.claimNext('ris-a', 'w2', 5_000), null);
        clock.advance(1);
        const taken = await store.claimNext('ris-a', 'w2', 5_000);
        assert.equal(taken?.id, a1.outboxId);
        assert.equal(taken?.attempt, 2);
        assert.equal((await store.getOutboxItem(a1.outboxId))?.lockedBy, 'w2');
      });

      it('refuses to mark delivered with a negative ACK and to fail an item that is not in flight', async () => {
        const a1 = await enqueue('A1', A);
        await assert.rejects(
          store.markDelivered(a1.outboxId, ack('AE', 'A1')),
          (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_INVALID_ARGUMENT',
        );
        await assert.rejects(
          store.markFailed(a1.outboxId, { reason: 'timeout', retryable: true }),
          (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_INVALID_STATE',
        );
        await assert.rejects(
          store.markFailed(424242, { reason: 'timeout', retryable: true }),
          (e: unknown) => e instanceof StoreError && e.code === 'TLR_ERR_STORE_NOT_FOUND',
        );
      });
    });

    describe('webhook outbox', () => {
      it('retries a failed webhook with backoff and logs every attempt', async () => {
        const id = await store.enqueueWebhook({
          eventType: 'order.accepted',
          payload: { order: 'CMD-0001' },
          targetUrl: 'https://hooks.example/ris',
        });
        const claim = await store.claimNextWebhook('w1', 10_000);
        assert.equal(claim?.id, id);
        assert.deepEqual(claim?.payload, { order: 'CMD-0001' });
        const failed = await store.markWebhookFailed(id, { reason: 'HTTP 503', retryable: true, httpStatus: 503, response: 'busy' });
        assert.equal(failed.state, 'pending');
        assert.equal(await store.claimNextWebhook('w1', 10_000), null);
        clock.advance(1000);
        assert.equal((await store.claimNextWebhook('w1', 10_000))?.attempt, 2);
        await store.markWebhookDelivered(id, { httpStatus: 204 });
        const log = await store.listWebhookDeliveries({ state: 'delivered' });
        assert.equal(log.total, 1);
        assert.equal(log.items[0]?.lastStatus, 204);
        assert.equal(log.items[0]?.attempts, 2);
        assert.deepEqual(
          (await store.webhookAttempts(id)).map((a) => [a.outcome, a.httpStatus]),
          [
            ['retry', 503],
            ['delivered', 204],
          ],
        );
        assert.equal((await store.listWebhookDeliveries({ state: 'pending' })).total, 0);
      });

      it('parks a webhook refused for good and retries it on request', async () => {
        const id = await store.enqueueWebhook({ eventType: 'order.cancelled', payload: {}, targetUrl: 'https://hooks.example/ris' });
        await store.claimNextWebhook('w1', 10_000);
        assert.equal((await store.markWebhookFailed(id, { reason: 'HTTP 410', retryable: false, httpStatus: 410 })).state, 'parked');
        assert.equal(await store.claimNextWebhook('w1', 10_000), null);
        await store.retryWebhook(id);
        assert.equal((await store.claimNextWebhook('w1', 10_000))?.id, id);
      });
    });

    describe('alert states and the operator audit log', () => {
      it('raises an alert once per episode, whatever the number of instances setting it', async () => {
        const second = await open();
        const raise = { name: 'outbox_depth', active: true, value: 12, threshold: 10 };
        const first = await store.transaction((tx) => tx.setAlertState(raise));
        assert.equal(first?.active, true);
        assert.equal(first?.episode, 1);
        // The same breach seen again, here and by another instance on the same database: no change, no second raise.
        assert.equal(await store.transaction((tx) => tx.setAlertState({ ...raise, value: 15 })), null);
        assert.equal(await second.transaction((tx) => tx.setAlertState(raise)), null);
        clock.advance(60_000);
        const cleared = await second.transaction((tx) => tx.setAlertState({ ...raise, active: false, value: 3 }));
        assert.equal(cleared?.active, false);
        assert.equal(cleared?.episode, 1);
        assert.equal(await store.transaction((tx) => tx.setAlertState({ ...raise, active: false, value: 0 })), null);
        const again = await store.transaction((tx) => tx.setAlertState({ ...raise, detail: 'partner platform' }));
        assert.equal(again?.episode, 2);
        const states = await second.alertStates();
        assert.deepEqual(
          states.map((a) => [a.name, a.active, a.value, a.threshold, a.episode, a.detail]),
          [['outbox_depth', true, 12, 10, 2, 'partner platform']],
        );
        assert.equal(states[0]?.since.getTime(), clock.now());
      });

      it('keeps operator actions with who, when and what, found by message and by order', async () => {
        const { messageId } = await store.enqueueOutbound({
          partner: 'ris',
          raw: er7('flux3', 'OUT-1'),
          summary: summaryOf('flux3', 'OUT-1'),
          orderKey: formatOrderKey(ORDER_A),
        });
        const copy = await store.enqueueOutbound({
          partner: 'ris',
          raw: er7('flux3', 'OUT-2'),
          summary: summaryOf('flux3', 'OUT-2'),
          orderKey: formatOrderKey(ORDER_A),
        });
        await store.transaction((tx) =>
          tx.recordOperatorAction({
            actor: 'night-operator',
            action: 'resend',
            messageId,
            resultMessageId: copy.messageId,
            orderKey: formatOrderKey(ORDER_A),
            detail: { controlId: 'new' },
          }),
        );
        await store.transaction((tx) => tx.recordOperatorAction({ actor: 'admin', action: 'retry', messageId }));
        const byMessage = await store.listOperatorActions({ messageId: copy.messageId });
        assert.equal(byMessage.length, 1);
        assert.deepEqual(
          byMessage.map((a) => [a.actor, a.action, a.messageId, a.resultMessageId, a.orderKey, a.detail]),
          [['night-operator', 'resend', messageId, copy.messageId, formatOrderKey(ORDER_A), { controlId: 'new' }]],
        );
        assert.equal(byMessage[0]?.at.getTime(), clock.now());
        assert.deepEqual(
          (await store.listOperatorActions({ orderKey: formatOrderKey(ORDER_A) })).map((a) => a.action),
          ['resend'],
        );
        assert.equal((await store.listOperatorActions({ messageId })).length, 2);
        assert.equal((await store.listOperatorActions({ orderKey: formatOrderKey(ORDER_B) })).length, 0);
      });

      it('counts failing and parked webhook deliveries', async () => {
        const a = await store.enqueueWebhook({ eventType: 'order.received', payload: {}, targetUrl: 'https://hooks.example/a' });
        await store.enqueueWebhook({ eventType: 'order.received', payload: {}, targetUrl: 'https://hooks.example/b' });
        assert.deepEqual(await store.webhookDepth(), { pending: 2, failing: 0, parked: 0 });
        await store.claimNextWebhook('w1', 10_000);
        await store.markWebhookFailed(a, { reason: 'HTTP 410', retryable: false, httpStatus: 410 });
        assert.deepEqual(await store.webhookDepth(), { pending: 1, failing: 1, parked: 1 });
      });
    });

    describe('retention', () => {
      it('removes old message bytes in batches, keeps metadata and ACKs, never touches queued messages', async () => {
        for (let i = 1; i <= 5; i++)
          await receive(
            store,
            inbound('flux1', `OLD-${i}`, { placerNumber: `CMD-OLD-${i}`, assigningAuthority: ORDER_A.assigningAuthority }),
          );
        const queued = await store.enqueueOutbound({
          partner: 'ris-a',
          raw: Buffer.from('MSH|queued'),
          summary: summaryOf('flux3', 'OUT-1'),
          orderKey: null,
        });
        const hook = await store.enqueueWebhook({
          eventType: 'order.requested',
          payload: { patient: 'x' },
          targetUrl: 'https://hooks.example/ris',
        });
        await store.claimNextWebhook('w1', 1000);
        await store.markWebhookDelivered(hook, { httpStatus: 200 });
        clock.advance(31 * 86_400_000);
        const recent = await receive(store, inbound('flux1', 'NEW-1'));

        const result = await store.pruneContent(30, { batchSize: 2 });
        assert.equal(result.messages, 5);
        assert.equal(result.webhooks, 1);
        assert.ok(result.batches >= 4, `expected several batches, got ${result.batches}`);
        const old = (await store.listMessages({ controlId: 'OLD-3' })).items[0]!;
        const detail = await store.getMessage(old.id);
        assert.equal(detail?.raw, null);
        assert.equal(detail?.summary.placerOrderNumber, 'CMD-OLD-3');
        assert.equal(detail?.ack?.code, 'AA');
        assert.ok(detail?.contentPrunedAt);
        assert.notEqual((await store.getMessage(recent.messageId))?.raw, null);
        assert.equal(text((await store.getMessage(queued.messageId))?.raw), 'MSH|queued');
        assert.equal((await store.listWebhookDeliveries()).items[0]?.payload, null);
        assert.deepEqual(await store.pruneContent(30), { messages: 0, webhooks: 0, batches: 2 });
      });
    });
  });
}
