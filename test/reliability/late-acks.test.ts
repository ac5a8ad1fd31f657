import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayEvent } from '../../src/gateway/events.js';
import { MllpFrameDecoder, encodeFrame, peekHeader } from '../../src/mllp/index.js';
import { startHeadlessGateway } from '../helpers/headless-gateway.js';

/**
 * A partner that answers every message AA, but only `delayMs` after it started on it, one message
 * at a time per connection (as MLLP receivers do): under load its ACKs all come after the sender's
 * timeout. It records every frame it receives.
 */
async function startSlowPartner(
  delayMs: number,
): Promise<{ server: Server; port: number; received: string[]; acksSent: number; close(): Promise<void> }> {
  const state = { received: [] as string[], acksSent: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const decoder = new MllpFrameDecoder();
    const backlog: string[] = [];
    let busy = false;
    const next = (): void => {
      const controlId = backlog.shift();
      if (controlId === undefined) {
        busy = false;
        return;
      }
      busy = true;
      setTimeout(() => {
        if (!socket.destroyed) {
          socket.write(
            encodeFrame(
              Buffer.from(`MSH|^~\\&|SLOW|PARTNER|GW|TEST|20250101120000||ACK^T02^ACK|ACK-${controlId}|T|2.5.1\rMSA|AA|${controlId}\r`),
            ),
          );
          state.acksSent++;
        }
        next();
      }, delayMs);
    };
    decoder.on('frame', (payload) => {
      const controlId = peekHeader(payload)?.controlId ?? '';
      state.received.push(controlId);
      backlog.push(controlId);
      if (!busy) next();
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return Object.assign(state, { server, port: (server.address() as AddressInfo).port, close });
}

function reportMessage(controlId: string): Buffer {
  return Buffer.from(
    `MSH|^~\\&|TLR_CISIS_TLR|PLATEFORME_TLR|RIS_CISIS_TLR|STRUCTURE_IMAGERIE|20250101120000||` +
      `MDM^T02^MDM_T02|${controlId}|T|2.5.1|||||FRA|UNICODE UTF-8\r` +
      'EVN||20250101120000\rPID|1||123456^^^HOSP^PI||DUPONT^JEAN\r',
    'utf8',
  );
}

describe('acknowledgements that arrive after the timeout', () => {
  it('settle each message exactly once as delivered, without resending it, when the partner answers every ACK late', async (t) => {
    const ackTimeoutMs = 250;
    const partner = await startSlowPartner(400);
    const { gateway, logs, stop } = await startHeadlessGateway('platform', {
      partner: { host: '127.0.0.1', port: partner.port, ackTimeoutMs },
      // Retries are due 3.2–4 s after a timeout: long after every late ACK of this test.
      outbox: { baseDelayMs: 4000, maxDelayMs: 8000 },
    });
    t.after(async () => {
      await stop();
      await partner.close();
    });
    const delivered: GatewayEvent[] = [];
    gateway.on('event', (e) => {
      if (e.type === 'order.updated' && (e.data as { delivered?: boolean }).delivered) delivered.push(e);
    });

    const controlIds = Array.from({ length: 7 }, (_, i) => `REPORT-${i + 1}`);
    const outboxIds: number[] = [];
    await gateway.store.transaction(async (tx) => {
      for (const controlId of controlIds) {
        const { outboxId } = await tx.enqueueOutbound({
          partner: gateway.config.partner.name,
          raw: reportMessage(controlId),
          orderKey: null,
          summary: { messageType: 'MDM^T02', flow: 'report', controlId },
        });
        outboxIds.push(outboxId);
      }
    });
    const started = Date.now();
    gateway.wakeOutbox();

    const deadline = started + 6000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = await Promise.all(outboxIds.map(async (id) => (await gateway.store.getOutboxItem(id))!.state));
      if (states.every((s) => s === 'delivered')) break;
      await sleep(50);
    }
    assert.deepEqual(
      states,
      outboxIds.map(() => 'delivered'),
      `outbox states after ${Date.now() - started} ms`,
    );
    assert.equal(gateway.client.metrics.ackTimeouts, 7, 'every ACK came after the timeout');
    assert.equal(gateway.client.metrics.lateAcks, 7);
    assert.equal(gateway.client.metrics.unmatchedAcks, 0);

    // Stay past the earliest retry time: nothing is resent.
    await sleep(Math.max(0, started + 4500 - Date.now()));
    assert.deepEqual([...partner.received].sort(), [...controlIds].sort(), 'each message reached the partner once');
    assert.equal(partner.acksSent, 7);
    assert.equal(delivered.length, 7, 'one delivery event per message');
    for (const id of outboxIds) {
      const attempts = await gateway.store.outboxAttempts(id);
      assert.deepEqual(
        attempts.map((a) => a.outcome),
        ['retry', 'delivered'],
        `attempt log of outbox item ${id}`,
      );
    }
    const journal = await gateway.store.listMessages({ direction: 'outbound' });
    assert.ok(
      journal.items.every((m) => m.status === 'delivered'),
      JSON.stringify(journal.items.map((m) => m.status)),
    );
    assert.equal(logs.filter((l) => l.msg === 'acknowledgement for another control id ignored').length, 0);
    assert.ok(!JSON.stringify(logs.filter((l) => l.level >= 30)).includes('DUPONT'), 'no patient data in the logs at info and above');
  });
});
