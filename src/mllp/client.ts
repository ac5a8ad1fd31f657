import { EventEmitter } from 'node:events';
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Message, readAck, tryParseMessage } from '../hl7/index.js';
import type { AckCode, AckError } from '../hl7/index.js';
import {
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_LATE_ACK_WINDOW_MS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_RECONNECT_BASE_DELAY_MS,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
  MAX_REMEMBERED_TIMEOUTS,
} from './constants.js';
import {
  MllpAckTimeoutError,
  MllpClientClosedError,
  MllpConnectFailedError,
  MllpConnectionClosedError,
  MllpNoControlIdError,
  MllpNotConnectedError,
} from './errors.js';
import { MllpFrameDecoder } from './frame-decoder.js';
import { encodeFrame } from './frame-encoder.js';
import { peekHeader } from './peek-header.js';
import type { ReconnectBackoff } from './reconnect-backoff.js';
import { reconnectDelay } from './reconnect-backoff.js';
import type { MllpClientTlsOptions } from './tls-options.js';
import { toNodeClientTlsOptions } from './tls-options.js';

/** Options of `MllpClient`. */
export interface MllpClientOptions {
  host: string;
  port: number;
  /** Connect over TLS (with a client certificate for mutual TLS). Hostname verification is on by default. */
  tls?: MllpClientTlsOptions;
  /** Time allowed to establish the TCP (and TLS) connection (default 10 s). */
  connectTimeoutMs?: number;
  /** Default acknowledgement timeout of `send` (default 30 s). */
  ackTimeoutMs?: number;
  /**
   * Reconnection after a lost connection, with exponential backoff (default base 500 ms, max 30 s).
   * `false` disables it: after a loss, `send` rejects with TLR_ERR_MLLP_NOT_CONNECTED.
   */
  reconnect?: Partial<ReconnectBackoff> | false;
  /** Largest acknowledgement frame accepted (default 16 MiB). */
  maxFrameBytes?: number;
  /**
   * How long after its timeout the acknowledgement of a message is still recognised on the same
   * connection and reported as `lateAck` (default 10 min; 0 disables).
   */
  lateAckWindowMs?: number;
  /** pino logger (default: silent). */
  logger?: Logger;
}

/** Options of one `send`. */
export interface MllpSendOptions {
  /**
   * Time to wait for the acknowledgement once the message is written (default: the client's
   * `ackTimeoutMs`). The same time bounds the wait for a connection while reconnecting.
   */
  timeoutMs?: number;
}

/** MSA-1: original-mode codes, enhanced-mode commit codes, or whatever the partner wrote. */
export type AckResponseCode = AckCode | 'CA' | 'CE' | 'CR' | (string & {});

/** The acknowledgement of a sent message. */
export interface MllpSendResult {
  /** The acknowledgement as received (unframed). */
  ack: Buffer;
  /** The acknowledgement parsed (leniently). */
  ackMessage: Message;
  /** MSA-1. */
  code: AckResponseCode;
  /** MSH-10 of the sent message, equal to MSA-2 of the acknowledgement. */
  controlId: string;
  /** ERR segments of the acknowledgement. */
  errors: AckError[];
  /** Time from writing the frame to receiving its acknowledgement, in ms. */
  durationMs: number;
}

/** Counters of a client since it was created. */
export interface MllpClientMetrics {
  sent: number;
  acknowledged: number;
  ackTimeouts: number;
  /** Acknowledgements ignored because their MSA-2 matched no message in flight nor a recently timed-out one. */
  unmatchedAcks: number;
  /** Acknowledgements of messages that had timed out, reported as `lateAck`. */
  lateAcks: number;
  /** Further acknowledgements of a message already settled (a resend answered twice): ignored. */
  duplicateAcks: number;
  reconnects: number;
}

/** Events of `MllpClient`. */
export interface MllpClientEvents {
  connect: [];
  disconnect: [error: Error | undefined];
  reconnecting: [info: { attempt: number; delayMs: number }];
  /** An acknowledgement whose MSA-2 matched no message in flight nor a recently timed-out one (logged and ignored). */
  unmatchedAck: [info: { acknowledgedControlId: string; expectedControlId: string | undefined }];
  /**
   * The acknowledgement of a message whose `send` already rejected with TLR_ERR_MLLP_ACK_TIMEOUT
   * arrived on the same connection. The partner did process the message: a store-and-forward
   * sender settles it (an AA means delivered) instead of resending it. `durationMs` counts from
   * the write, `timeoutMs` is the timeout it missed.
   */
  lateAck: [result: MllpSendResult & { timeoutMs: number }];
}

type ClientState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

interface Outgoing {
  bytes: Buffer;
  controlId: string;
  timeoutMs: number;
  resolve: (result: MllpSendResult) => void;
  reject: (error: Error) => void;
  /** The message waited longer than its timeout for a connection; reject it if none comes. */
  expired: boolean;
  queueTimer?: NodeJS.Timeout;
  ackTimer?: NodeJS.Timeout;
  writtenAt?: number;
}

/**
 * MLLP sender over one connection.
 *
 * One message is in flight at a time; further `send` calls queue in order. MLLP has no
 * transport-level correlation and many receivers process a connection's messages strictly in
 * order, so pipelining gains little and makes a lost ACK ambiguous; parallelism comes from
 * `MllpClientPool`. The acknowledgement is matched by MSA-2 = MSH-10 of the message: a late ACK
 * of a message that already timed out is never taken for the next message's; it is reported as a
 * `lateAck` event (the connection remembers its recently timed-out control ids), so that the
 * sender can settle that message rather than resend it.
 *
 * Failure semantics, for a store-and-forward caller:
 * - TLR_ERR_MLLP_NOT_CONNECTED / TLR_ERR_MLLP_CLIENT_CLOSED: the message was not written.
 * - TLR_ERR_MLLP_ACK_TIMEOUT / TLR_ERR_MLLP_CONNECTION_CLOSED: it was written, its fate is
 *   unknown; resend it unchanged (same MSH-10) so that the receiver can deduplicate.
 */
export class MllpClient extends EventEmitter<MllpClientEvents> {
  readonly host: string;
  readonly port: number;
  private readonly tls: MllpClientTlsOptions | undefined;
  private readonly connectTimeoutMs: number;
  private readonly ackTimeoutMs: number;
  private readonly backoff: ReconnectBackoff | undefined;
  private readonly maxFrameBytes: number;
  private readonly lateAckWindowMs: number;
  /**
   * Messages of the current connection that timed out (or were settled by an ACK after timing out
   * once), by control id, oldest first. A receiver that processes a connection's messages in order
   * answers a timed-out message before the next one: without this memory its late ACK would be
   * dropped as "for another control id" and the message resent, and under load every resend makes
   * the partner's backlog, and so the next timeout, longer.
   */
  private timedOut = new Map<string, { writtenAt: number; timedOutAt: number; timeoutMs: number; settled: boolean }>();
  private readonly logger: Logger;
  private state: ClientState = 'idle';
  private socket: Socket | undefined;
  private queue: Outgoing[] = [];
  private inFlight: Outgoing | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;
  private readonly counters: MllpClientMetrics = {
    sent: 0,
    acknowledged: 0,
    ackTimeouts: 0,
    unmatchedAcks: 0,
    lateAcks: 0,
    duplicateAcks: 0,
    reconnects: 0,
  };

  constructor(options: MllpClientOptions) {
    super();
    this.host = options.host;
    this.port = options.port;
    this.tls = options.tls;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.backoff =
      options.reconnect === false
        ? undefined
        : {
            baseDelayMs: options.reconnect?.baseDelayMs ?? DEFAULT_RECONNECT_BASE_DELAY_MS,
            maxDelayMs: options.reconnect?.maxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS,
          };
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.lateAckWindowMs = options.lateAckWindowMs ?? DEFAULT_LATE_ACK_WINDOW_MS;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'mllp-client', partner: `${this.host}:${this.port}` });
  }

  /** Whether a connection is established now. */
  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Messages queued or in flight (used by the pool's least-busy choice). */
  get pendingCount(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** A snapshot of the counters. */
  get metrics(): MllpClientMetrics {
    return { ...this.counters };
  }

  /**
   * Opens the connection. One attempt: rejects with TLR_ERR_MLLP_CONNECT_FAILED when it fails.
   * Once connected, a lost connection is re-established automatically (unless `reconnect: false`).
   */
  async connect(): Promise<void> {
    if (this.state === 'closed') throw new MllpClientClosedError();
    if (this.state === 'connected') return;
    this.state = 'connecting';
    try {
      await this.openSocket();
    } catch (error) {
      if (this.state === 'connecting') this.state = 'idle';
      throw error;
    }
  }

  /**
   * Sends one message and resolves with its acknowledgement (whatever its MSA-1: an AE or AR is a
   * result, not an error). `message` is sent byte for byte when it is a Buffer, or encoded per its
   * MSH-18 when it is a `Message`.
   */
  send(message: Buffer | Message, options: MllpSendOptions = {}): Promise<MllpSendResult> {
    if (this.state === 'closed') return Promise.reject(new MllpClientClosedError());
    if (this.state === 'idle') return Promise.reject(new MllpNotConnectedError());
    const bytes = message instanceof Message ? message.toBytes() : message;
    const controlId = message instanceof Message ? message.header.controlId : (peekHeader(bytes)?.controlId ?? '');
    if (controlId === '') return Promise.reject(new MllpNoControlIdError());
    const timeoutMs = options.timeoutMs ?? this.ackTimeoutMs;
    return new Promise<MllpSendResult>((resolve, reject) => {
      const outgoing: Outgoing = { bytes, controlId, timeoutMs, resolve, reject, expired: false };
      outgoing.queueTimer = setTimeout(() => {
        outgoing.expired = true;
        if (this.state !== 'connected')
          this.dropQueued(
            outgoing,
            new MllpNotConnectedError(`Message ${controlId} not sent: no connection to ${this.host}:${this.port} within ${timeoutMs} ms`),
          );
      }, timeoutMs);
      this.queue.push(outgoing);
      this.writeNext();
    });
  }

  /**
   * Stops the client: no more reconnection, queued messages are rejected (TLR_ERR_MLLP_CLIENT_CLOSED,
   * not sent), the message in flight may still receive its acknowledgement (until its timeout),
   * then the connection is closed.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const outgoing of this.queue.splice(0)) this.settle(outgoing, new MllpClientClosedError());
    if (this.inFlight && wasConnected) {
      const current = this.inFlight;
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        const { resolve: ok, reject: ko } = current;
        current.resolve = (result) => {
          ok(result);
          done();
        };
        current.reject = (error) => {
          ko(error);
          done();
        };
      });
    }
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      });
    }
    this.logger.info('MLLP client closed');
  }

  private openSocket(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket: Socket = this.tls
        ? connectTls({ host: this.host, port: this.port, ...toNodeClientTlsOptions(this.tls, this.host) })
        : connectTcp({ host: this.host, port: this.port });
      const readyEvent = this.tls ? 'secureConnect' : 'connect';
      let settled = false;
      const timer = setTimeout(
        () => socket.destroy(new Error(`connection not established within ${this.connectTimeoutMs} ms`)),
        this.connectTimeoutMs,
      );
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(new MllpConnectFailedError(this.host, this.port, error));
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new Error('connection closed during setup')));
      socket.once(readyEvent, () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        if (this.state === 'closed') {
          socket.destroy();
          reject(new MllpClientClosedError());
          return;
        }
        this.attach(socket);
        resolve();
      });
    });
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    // ACKs of messages written on a previous connection cannot arrive on this one.
    this.timedOut.clear();
    this.state = 'connected';
    this.reconnectAttempt = 0;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    const decoder = new MllpFrameDecoder({ maxFrameBytes: this.maxFrameBytes });
    decoder.on('frame', (payload) => this.onAck(payload));
    decoder.on('skipped', (count) => this.logger.warn({ bytes: count }, 'bytes outside an MLLP frame skipped'));
    decoder.on('error', (error) => this.logger.warn({ err: error.message }, 'acknowledgement frame too large; ignored'));
    let lastError: Error | undefined;
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', (error) => {
      lastError = error;
    });
    socket.on('close', () => this.onConnectionLost(socket, lastError));
    this.logger.info({ local: `${socket.localAddress ?? ''}:${socket.localPort ?? 0}`, tls: this.tls !== undefined }, 'connection opened');
    this.emit('connect');
    this.writeNext();
  }

  private writeNext(): void {
    if (this.inFlight || this.state !== 'connected' || !this.socket) return;
    const outgoing = this.queue.shift();
    if (!outgoing) return;
    clearTimeout(outgoing.queueTimer);
    this.inFlight = outgoing;
    outgoing.writtenAt = performance.now();
    outgoing.ackTimer = setTimeout(() => {
      this.counters.ackTimeouts++;
      this.logger.warn({ controlId: outgoing.controlId, timeoutMs: outgoing.timeoutMs }, 'no acknowledgement in time');
      this.rememberTimedOut(outgoing);
      this.finishInFlight(outgoing, new MllpAckTimeoutError(outgoing.controlId, outgoing.timeoutMs));
    }, outgoing.timeoutMs);
    this.socket.write(encodeFrame(outgoing.bytes));
    this.counters.sent++;
    this.logger.info({ controlId: outgoing.controlId, size: outgoing.bytes.length }, 'frame sent');
    if (this.logger.isLevelEnabled('debug'))
      this.logger.debug({ controlId: outgoing.controlId, content: outgoing.bytes.toString('latin1') }, 'frame content');
  }

  private onAck(payload: Buffer): void {
    const parsed = tryParseMessage(payload);
    let acknowledged = '';
    let summary: ReturnType<typeof readAck> | undefined;
    if (parsed.message) {
      try {
        summary = readAck(parsed.message);
        acknowledged = summary.acknowledgedControlId;
      } catch {
        summary = undefined;
      }
    }
    const current = this.inFlight;
    if (summary && parsed.message && acknowledged !== current?.controlId && this.onLateAck(payload, parsed.message, summary)) return;
    if (!current || !summary || !parsed.message || acknowledged !== current.controlId) {
      this.counters.unmatchedAcks++;
      this.logger.warn(
        { acknowledgedControlId: acknowledged, expectedControlId: current?.controlId, size: payload.length },
        'acknowledgement for another control id ignored',
      );
      this.emit('unmatchedAck', { acknowledgedControlId: acknowledged, expectedControlId: current?.controlId });
      return;
    }
    const durationMs = performance.now() - (current.writtenAt ?? performance.now());
    this.counters.acknowledged++;
    // A resend of a message that timed out on this connection: its first copy may be answered too.
    const earlier = this.timedOut.get(current.controlId);
    if (earlier) earlier.settled = true;
    this.logger.info(
      { controlId: current.controlId, code: summary.code, size: payload.length, durationMs: Math.round(durationMs * 1000) / 1000 },
      'ack received',
    );
    this.finishInFlight(current, {
      ack: payload,
      ackMessage: parsed.message,
      code: summary.code,
      controlId: current.controlId,
      errors: summary.errors,
      durationMs,
    });
  }

  private rememberTimedOut(outgoing: Outgoing): void {
    if (this.lateAckWindowMs <= 0) return;
    const now = performance.now();
    this.timedOut.delete(outgoing.controlId);
    this.timedOut.set(outgoing.controlId, {
      writtenAt: outgoing.writtenAt ?? now,
      timedOutAt: now,
      timeoutMs: outgoing.timeoutMs,
      settled: false,
    });
    for (const [controlId, entry] of this.timedOut) {
      if (this.timedOut.size <= MAX_REMEMBERED_TIMEOUTS && now - entry.timedOutAt <= this.lateAckWindowMs) break;
      this.timedOut.delete(controlId);
    }
  }

  /**
   * An ACK for a message that is not in flight: when it answers a message that timed out on this
   * connection, report it (once) as `lateAck`; a second ACK of the same message is a duplicate.
   * @returns false when the control id is not remembered (the caller counts it as unmatched)
   */
  private onLateAck(payload: Buffer, ackMessage: Message, summary: ReturnType<typeof readAck>): boolean {
    const controlId = summary.acknowledgedControlId;
    const entry = this.timedOut.get(controlId);
    if (!entry || performance.now() - entry.timedOutAt > this.lateAckWindowMs) return false;
    if (entry.settled) {
      this.counters.duplicateAcks++;
      this.logger.info({ controlId, code: summary.code }, 'further acknowledgement of a message already settled; ignored');
      return true;
    }
    entry.settled = true;
    this.counters.lateAcks++;
    const durationMs = performance.now() - entry.writtenAt;
    this.logger.warn(
      { controlId, code: summary.code, durationMs: Math.round(durationMs), timeoutMs: entry.timeoutMs },
      'late acknowledgement of a message that timed out; reported to the sender',
    );
    this.emit('lateAck', {
      ack: payload,
      ackMessage,
      code: summary.code,
      controlId,
      errors: summary.errors,
      durationMs,
      timeoutMs: entry.timeoutMs,
    });
    return true;
  }

  private finishInFlight(outgoing: Outgoing, outcome: MllpSendResult | Error): void {
    if (this.inFlight !== outgoing) return;
    this.inFlight = undefined;
    this.settle(outgoing, outcome);
    this.writeNext();
  }

  private settle(outgoing: Outgoing, outcome: MllpSendResult | Error): void {
    clearTimeout(outgoing.queueTimer);
    clearTimeout(outgoing.ackTimer);
    if (outcome instanceof Error) outgoing.reject(outcome);
    else outgoing.resolve(outcome);
  }

  private dropQueued(outgoing: Outgoing, error: Error): void {
    const index = this.queue.indexOf(outgoing);
    if (index === -1) return;
    this.queue.splice(index, 1);
    this.settle(outgoing, error);
  }

  private onConnectionLost(socket: Socket, error: Error | undefined): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.timedOut.clear();
    this.logger.info({ err: error?.message }, 'connection closed');
    if (this.inFlight) this.finishInFlight(this.inFlight, new MllpConnectionClosedError(this.inFlight.controlId, error));
    if (this.state === 'closed') return;
    this.emit('disconnect', error);
    for (const outgoing of this.queue.filter((o) => o.expired)) {
      this.dropQueued(
        outgoing,
        new MllpNotConnectedError(`Message ${outgoing.controlId} not sent: connection to ${this.host}:${this.port} lost`),
      );
    }
    if (!this.backoff) {
      this.state = 'idle';
      for (const outgoing of this.queue.splice(0))
        this.settle(
          outgoing,
          new MllpNotConnectedError(`Message ${outgoing.controlId} not sent: connection to ${this.host}:${this.port} lost`),
        );
      return;
    }
    this.state = 'reconnecting';
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state !== 'reconnecting' || !this.backoff) return;
    const attempt = this.reconnectAttempt++;
    const delayMs = reconnectDelay(attempt, this.backoff);
    this.logger.info({ attempt: attempt + 1, delayMs }, 'reconnecting');
    this.emit('reconnecting', { attempt: attempt + 1, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state !== 'reconnecting') return;
      this.openSocket().then(
        () => {
          this.counters.reconnects++;
        },
        (error: Error) => {
          this.logger.warn({ err: error.message }, 'reconnection failed');
          this.scheduleReconnect();
        },
      );
    }, delayMs);
  }
}
