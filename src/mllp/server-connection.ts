import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FRAME_HEAD_BYTES, MAX_QUEUED_FRAMES_PER_CONNECTION } from './constants.js';
import type { MllpFrameTooLargeError } from './errors.js';
import { MllpFrameDecoder } from './frame-decoder.js';
import { encodeFrame } from './frame-encoder.js';
import { peekHeader } from './peek-header.js';
import { buildTransportAck } from './transport-ack.js';

/** What a message handler knows about the connection a message came from. */
export interface MllpConnectionContext {
  /** Remote `address:port`. */
  peer: string;
  /**
   * Remote address without port, IPv4-mapped IPv6 written as IPv4: what per-peer limits, the
   * allow-list and per-peer metrics key on. Always set by `MllpServer`.
   */
  peerAddress?: string;
  /** Identifier of the connection, unique within the server, repeated in every log line about it. */
  connectionId: string;
  /** Present on TLS connections. */
  tls?: MllpPeerTls;
}

/** TLS facts about the peer of a connection. */
export interface MllpPeerTls {
  /** Whether the client certificate verified against the server's CA (false without one). */
  authorized: boolean;
  /** Why it did not verify, when it did not. */
  authorizationError?: string;
  /** Subject of the client certificate as `CN=…, O=…`, when one was presented. */
  peerCertificateSubject?: string;
  /** SHA-256 fingerprint of the client certificate, for pinning. */
  peerCertificateFingerprint256?: string;
}

/**
 * Processes one received message and returns the acknowledgement to send back, unframed (ER7
 * bytes). A rejection is an AE/AR acknowledgement, not an exception: a thrown error is reported
 * to the sender as AR 207 "application internal error".
 */
export type MllpMessageHandler = (message: Buffer, context: MllpConnectionContext) => Promise<Uint8Array>;

/** Notifications a connection gives its server (which turns them into events and metrics). */
export interface ConnectionObserver {
  frameReceived(context: MllpConnectionContext, info: { controlId: string; messageType: string; size: number }): void;
  ackSent(context: MllpConnectionContext, info: { controlId: string; size: number; durationMs: number }): void;
  bytesSkipped(context: MllpConnectionContext, count: number): void;
  /** The connection was closed by the server for a timeout: nothing for `idle`, an unfinished frame for `frame`. */
  timedOut(context: MllpConnectionContext, kind: 'idle' | 'frame'): void;
  frameTooLarge(context: MllpConnectionContext, error: MllpFrameTooLargeError): void;
  handlerFailed(context: MllpConnectionContext, error: unknown): void;
  closed(connection: MllpServerConnection): void;
}

/** Limits of one connection, from the server's options. */
export interface ConnectionLimits {
  maxFrameBytes: number;
  /** Close after this long without a byte that belongs to a frame (0 disables). */
  idleTimeoutMs: number;
  /** Close when a started frame is not finished within this time (0 disables). */
  frameTimeoutMs: number;
  logger: Logger;
}

type QueuedItem = { kind: 'message'; payload: Buffer } | { kind: 'oversized'; error: MllpFrameTooLargeError };

/**
 * One accepted MLLP connection of an `MllpServer`.
 *
 * Messages of one connection are processed strictly one after the other: the next message is
 * handed to the handler only once the previous acknowledgement was written. MLLP has no
 * correlation at the transport level — a sender pairs an ACK with its message by position (most
 * RIS stacks) or by MSA-2 — so ACKs must leave in arrival order; processing sequentially
 * guarantees that without a reorder buffer, and it keeps the order in which a partner's messages
 * reach the application (flow 2 cancelling a flow 1 order must not overtake it). Parallelism comes
 * from several connections, which is how MLLP partners scale.
 */
export class MllpServerConnection {
  readonly context: MllpConnectionContext;
  readonly openedAt = Date.now();
  private readonly socket: Socket;
  private readonly decoder: MllpFrameDecoder;
  private readonly queue: QueuedItem[] = [];
  private readonly logger: Logger;
  private readonly idleTimer: NodeJS.Timeout | undefined;
  private readonly frameTimeoutMs: number;
  private frameTimer: NodeJS.Timeout | undefined;
  private lastActivity = performance.now();
  private unframedBytes = 0;
  private unframedWarned = false;
  private evicted = false;
  private busy = false;
  private closing = false;
  private finished = false;
  private messages = 0;
  private drainWaiters: Array<() => void> = [];

  constructor(
    socket: Socket,
    context: MllpConnectionContext,
    private readonly handler: MllpMessageHandler,
    private readonly observer: ConnectionObserver,
    options: ConnectionLimits,
  ) {
    this.socket = socket;
    this.context = context;
    this.logger = options.logger.child({ connectionId: context.connectionId, peer: context.peer });
    this.decoder = new MllpFrameDecoder({ maxFrameBytes: options.maxFrameBytes });
    this.frameTimeoutMs = options.frameTimeoutMs;
    this.decoder.on('frame', (payload) => {
      this.clearFrameTimer();
      this.enqueue({ kind: 'message', payload });
    });
    this.decoder.on('skipped', (count) => this.onUnframed(count, 'bytes outside an MLLP frame skipped'));
    this.decoder.on('error', (error) => this.onFrameTooLarge(error));

    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) {
      this.idleTimer = setTimeout(() => this.onIdle(), options.idleTimeoutMs);
      this.idleTimer.unref();
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.logger.warn({ err: error.message }, 'connection error'));
    socket.on('close', () => this.onClose());
    this.logger.info(
      { tls: context.tls ? { authorized: context.tls.authorized, subject: context.tls.peerCertificateSubject } : undefined },
      'connection opened',
    );
  }

  /**
   * Whether the connection may be closed to make room for a new one: it is neither processing a
   * message nor holding received ones (closing it loses nothing the peer was promised).
   */
  get evictable(): boolean {
    return !this.busy && this.queue.length === 0 && !this.closing && !this.evicted;
  }

  /** Whether at least one complete frame arrived: a partner that talks, not a socket held open. */
  get hasDeliveredFrames(): boolean {
    return this.decoder.frameCount > 0;
  }

  /** `performance.now()` of the last byte that belonged to a frame, or of the last ACK written. */
  get lastActivityAt(): number {
    return this.lastActivity;
  }

  /**
   * Closes the connection to make room for a new one (see `MllpServer`): at once, without waiting,
   * since only an `evictable` connection is chosen.
   */
  evict(reason: string, details: Record<string, unknown>): void {
    this.evicted = true;
    this.logger.warn(
      { reason, ...details, idleMs: Math.round(performance.now() - this.lastActivity), messages: this.messages },
      'connection evicted to admit a new one',
    );
    this.socket.destroy();
  }

  /** Messages received and still waiting or being processed. */
  get pendingCount(): number {
    return this.queue.length + (this.busy ? 1 : 0);
  }

  /**
   * Graceful end: stops reading, lets the message being processed and those already received be
   * answered, then closes. Resolves once the socket is closed.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    this.socket.pause();
    if (!this.busy && this.queue.length === 0) this.socket.end();
    if (this.finished) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** Immediate end, when a graceful shutdown took too long. */
  destroy(): void {
    this.socket.destroy();
  }

  private enqueue(item: QueuedItem): void {
    this.queue.push(item);
    if (this.queue.length >= MAX_QUEUED_FRAMES_PER_CONNECTION) this.socket.pause();
    if (!this.busy) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0 && !this.socket.destroyed) {
      const item = this.queue.shift()!;
      if (item.kind === 'oversized') {
        this.rejectOversized(item.error);
        break;
      }
      await this.process(item.payload);
      if (this.queue.length < MAX_QUEUED_FRAMES_PER_CONNECTION / 2 && !this.closing && this.socket.isPaused()) this.socket.resume();
    }
    this.busy = false;
    this.touch();
    if (this.closing && this.queue.length === 0 && !this.socket.destroyed) this.socket.end();
  }

  private async process(payload: Buffer): Promise<void> {
    const started = performance.now();
    const header = peekHeader(payload);
    const controlId = header?.controlId ?? '';
    this.messages++;
    this.observer.frameReceived(this.context, { controlId, messageType: header?.messageType ?? '', size: payload.length });
    this.logger.info({ controlId, messageType: header?.messageType, size: payload.length }, 'frame received');
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ controlId, content: payload.toString('latin1') }, 'frame content');

    let ack: Uint8Array;
    try {
      ack = await this.handler(payload, this.context);
    } catch (error) {
      this.logger.error(
        { controlId, err: error instanceof Error ? error.message : String(error) },
        'message handler failed; answering AR 207',
      );
      this.observer.handlerFailed(this.context, error);
      ack = buildTransportAck(payload, 'AR', '207', 'Application internal error');
    }
    if (this.socket.destroyed || !this.socket.writable) {
      this.logger.warn({ controlId }, 'acknowledgement not delivered: the connection is closed');
      return;
    }
    const frame = encodeFrame(ack);
    this.socket.write(frame);
    this.touch();
    const durationMs = performance.now() - started;
    this.observer.ackSent(this.context, { controlId, size: ack.length, durationMs });
    this.logger.info({ controlId, size: ack.length, durationMs: Math.round(durationMs * 1000) / 1000 }, 'ack sent');
  }

  private onFrameTooLarge(error: MllpFrameTooLargeError): void {
    this.observer.frameTooLarge(this.context, error);
    this.logger.warn(
      { maxFrameBytes: error.maxFrameBytes, receivedBytes: error.receivedBytes },
      'frame too large; rejecting and closing the connection',
    );
    // Nothing after an oversized frame is read: the peer is either misconfigured or hostile.
    this.closing = true;
    this.socket.pause();
    this.enqueue({ kind: 'oversized', error });
  }

  /** AR 100 "frame too large", addressed from the MSH in the first bytes when readable, then close. */
  private rejectOversized(error: MllpFrameTooLargeError): void {
    const head = error.head.subarray(0, FRAME_HEAD_BYTES);
    const ack = buildTransportAck(head, 'AR', '100', `frame too large: more than ${error.maxFrameBytes} bytes`);
    const controlId = peekHeader(head)?.controlId ?? '';
    this.queue.length = 0;
    if (!this.socket.destroyed) this.socket.end(encodeFrame(ack));
    this.logger.info({ controlId, size: ack.length, code: 'AR' }, 'ack sent');
  }

  /**
   * Only bytes that belong to a frame count as activity for the idle timer: a peer dribbling
   * garbage (or one byte of noise a minute) must not keep a connection slot forever.
   */
  private onData(chunk: Buffer): void {
    if (this.closing) return;
    const skippedBefore = this.decoder.skippedByteCount;
    const framesBefore = this.decoder.frameCount;
    this.decoder.push(chunk);
    const skipped = this.decoder.skippedByteCount - skippedBefore;
    if (skipped < chunk.length || this.decoder.frameCount > framesBefore) this.touch();
    if (this.decoder.inFrame) this.armFrameTimer();
  }

  private touch(): void {
    this.lastActivity = performance.now();
    this.idleTimer?.refresh();
  }

  /**
   * Bytes that never became a frame cannot be acknowledged (there is no MSH to address), so they
   * are counted (metrics, per peer) and logged once per connection — with the byte count only,
   * since they may hold patient data; the connection's closing line carries the total.
   */
  private onUnframed(count: number, message: string): void {
    this.unframedBytes += count;
    this.observer.bytesSkipped(this.context, count);
    if (this.unframedWarned) return;
    this.unframedWarned = true;
    this.logger.warn({ bytes: count }, `${message}; further unframed bytes on this connection are counted, not logged`);
  }

  /** Slowloris guard: a started frame has `frameTimeoutMs` to end, however slowly its bytes arrive. */
  private armFrameTimer(): void {
    if (this.frameTimeoutMs <= 0 || this.frameTimer) return;
    this.frameTimer = setTimeout(() => this.onFrameTimeout(), this.frameTimeoutMs);
    this.frameTimer.unref();
  }

  private clearFrameTimer(): void {
    if (!this.frameTimer) return;
    clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
  }

  private onFrameTimeout(): void {
    this.frameTimer = undefined;
    if (!this.decoder.inFrame || this.socket.destroyed) return;
    this.logger.warn(
      { frameTimeoutMs: this.frameTimeoutMs, pendingBytes: this.decoder.pendingBytes },
      'frame not completed in time; closing the connection',
    );
    this.observer.timedOut(this.context, 'frame');
    // Messages already received are still answered; only the unfinished frame is abandoned.
    this.closing = true;
    this.socket.pause();
    if (!this.busy && this.queue.length === 0) this.socket.destroy();
  }

  private onIdle(): void {
    if (this.busy || this.queue.length > 0) {
      this.idleTimer?.refresh();
      return;
    }
    this.logger.info({ pendingBytes: this.decoder.pendingBytes }, 'idle timeout; closing the connection');
    this.observer.timedOut(this.context, 'idle');
    this.socket.destroy();
  }

  private onClose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.clearFrameTimer();
    const dropped = this.decoder.reset();
    if (dropped > 0) this.onUnframed(dropped, 'connection closed in the middle of a frame; partial frame dropped');
    this.finished = true;
    this.logger.info(
      {
        messages: this.messages,
        durationMs: Date.now() - this.openedAt,
        ...(this.unframedBytes > 0 ? { unframedBytes: this.unframedBytes } : {}),
      },
      'connection closed',
    );
    this.observer.closed(this);
    for (const resolve of this.drainWaiters) resolve();
    this.drainWaiters = [];
  }
}
