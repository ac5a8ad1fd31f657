import { MllpServer } from '../../src/mllp/index.js';
import { exchange } from '../../src/certify/index.js';
import { parseMessage } from '../../src/hl7/index.js';

/**
 * A broken partner: our MLLP server in front of one of our halves, forwarding every message and
 * spoiling what one side says. `message` rewrites what goes to `upstreamPort`, `ack` what comes
 * back (`never`: no acknowledgement at all).
 */
export interface Spoiler {
  message?: (bytes: Buffer) => Buffer;
  ack?: (ack: Buffer, message: Buffer) => Buffer | 'never';
}

export async function startBrokenProxy(o: Spoiler & { listenPort: number; upstreamPort: number }): Promise<{ stop(): Promise<void> }> {
  let release!: () => void;
  const stopped = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = new MllpServer({
    shutdownTimeoutMs: 200,
    handler: async (bytes) => {
      const sent = o.message ? o.message(bytes) : bytes;
      const ex = await exchange({ host: '127.0.0.1', port: o.upstreamPort }, sent, 60_000);
      if (!ex.ack) throw new Error(ex.failure ?? 'no acknowledgement upstream');
      const answer = o.ack ? o.ack(ex.ack, bytes) : ex.ack;
      if (answer === 'never') {
        await stopped;
        return Buffer.alloc(0);
      }
      return answer;
    },
  });
  await server.listen(o.listenPort, '127.0.0.1');
  return {
    async stop() {
      release();
      await server.close();
    },
  };
}

/** A RIS that sends ORC-1 = NW without OBR-4. */
export function dropObr4FromRequests(bytes: Buffer): Buffer {
  const m = parseMessage(bytes);
  if (m.header.messageCode !== 'ORM' || m.get('ORC-1') !== 'NW') return bytes;
  m.set('OBR-4', '');
  return m.toBytes();
}

/** A partner that answers AA to everything: MSA-1 forced to AA, ERR segments removed. */
export function alwaysAa(ack: Buffer): Buffer {
  const m = parseMessage(ack);
  m.set('MSA-1', 'AA');
  for (let i = m.segments.length - 1; i >= 0; i--) if (m.segments[i]?.name === 'ERR') m.segments.splice(i, 1);
  return m.toBytes();
}

/** A partner that puts its own ACK's MSH-10 in MSA-2 instead of the acknowledged message's. */
export function swappedMsa2(ack: Buffer): Buffer {
  const m = parseMessage(ack);
  m.set('MSA-2', m.header.controlId);
  return m.toBytes();
}

/** A partner that never acknowledges flow 4 (OMI^O23). */
export function noAckForFlow4(ack: Buffer, message: Buffer): Buffer | 'never' {
  return parseMessage(message).header.messageCode === 'OMI' ? 'never' : ack;
}
