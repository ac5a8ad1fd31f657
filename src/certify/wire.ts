import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { MllpClientTlsOptions } from '../mllp/index.js';
import { MllpFrameDecoder, encodeFrame, toNodeClientTlsOptions } from '../mllp/index.js';

/** Where the tested system listens. */
export interface CertifyTarget {
  host: string;
  port: number;
  tls?: MllpClientTlsOptions;
}

/** One message sent and what came back on its connection. */
export interface WireExchange {
  /** The first frame received after the message, whatever its MSA-2 (the checks judge it). */
  ack: Buffer | undefined;
  /** Write to first frame, ms; the timeout when none came. */
  durationMs: number;
  /** Why no acknowledgement was read (`timeout`, `closed`, a connect error). */
  failure?: string;
}

/**
 * Sends one message on a connection of its own and reads the first frame that comes back.
 *
 * Why not `MllpClient`: the client pairs an acknowledgement with its message by MSA-2 and drops
 * one that does not match, which is right for a sender but hides what a conformance kit must see
 * (a partner that answers with another control id). The framing is the transport's own
 * (`encodeFrame`, `MllpFrameDecoder`).
 */
export async function exchange(target: CertifyTarget, payload: Buffer, timeoutMs: number): Promise<WireExchange> {
  let socket: Socket;
  try {
    socket = await open(target, timeoutMs);
  } catch (e) {
    return { ack: undefined, durationMs: 0, failure: `cannot connect to ${target.host}:${target.port}: ${(e as Error).message}` };
  }
  return new Promise((resolve) => {
    const decoder = new MllpFrameDecoder();
    const started = performance.now();
    let settled = false;
    const finish = (ack: Buffer | undefined, failure?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const durationMs = Math.round(performance.now() - started);
      resolve(failure ? { ack, durationMs, failure } : { ack, durationMs });
    };
    const timer = setTimeout(() => finish(undefined, `no acknowledgement within ${timeoutMs} ms`), timeoutMs);
    decoder.on('frame', (frame) => finish(frame));
    socket.on('data', (chunk) => decoder.push(chunk));
    socket.on('error', (e) => finish(undefined, `connection error: ${e.message}`));
    socket.on('close', () => finish(undefined, 'the connection was closed before an acknowledgement'));
    socket.write(encodeFrame(payload));
  });
}

/**
 * Writes the start block and the first half of a message, then closes the connection: a sender
 * that died mid-frame. The receiver must drop the partial frame, neither process nor answer it.
 */
export async function sendHalfFrame(target: CertifyTarget, payload: Buffer, timeoutMs: number): Promise<void> {
  const socket = await open(target, timeoutMs);
  const frame = encodeFrame(payload);
  await new Promise<void>((resolve) => socket.write(frame.subarray(0, Math.max(2, Math.floor(frame.length / 2))), () => resolve()));
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

function open(target: CertifyTarget, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = target.tls
      ? connectTls({ host: target.host, port: target.port, ...toNodeClientTlsOptions(target.tls, target.host) })
      : connectTcp({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
