import { EventEmitter } from 'node:events';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { acceptAllHandler } from './accept-all-handler.js';
import {
  DEFAULT_FRAME_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_PEER,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from './constants.js';
import type { MllpFrameTooLargeError } from './errors.js';
import { MllpServerStateError } from './errors.js';
import { PeerAllowList, normalizePeerAddress } from './peer-allow-list.js';
import { MllpServerConnection } from './server-connection.js';
import type { ConnectionObserver, MllpConnectionContext, MllpMessageHandler, MllpPeerTls } from './server-connection.js';
import type { MllpServerTlsOptions } from './tls-options.js';
import { toNodeServerTlsOptions } from './tls-options.js';

/** Options of `MllpServer`. */
export interface MllpServerOptions {
  /** Turns each received message into its acknowledgement. Default: `acceptAllHandler`. */
  handler?: MllpMessageHandler;
  /** Largest frame accepted (default 16 MiB); a larger one is answered AR 100 and the connection closed. */
  maxFrameBytes?: number;
  /** Close a connection that sent nothing (no byte of a frame) for this long (default 5 min; 0 disables). */
  idleTimeoutMs?: number;
  /** Close a connection whose started frame is not finished within this time (default 2 min; 0 disables). */
  frameTimeoutMs?: number;
  /**
   * Simultaneous connections (default 100). When they are all taken, a new connection closes the
   * longest-idle one; it is refused only when every connection is processing a message.
   */
  maxConnections?: number;
  /** Simultaneous connections from one peer address (default 20), with the same eviction rule. */
  maxConnectionsPerPeer?: number;
  /**
   * Addresses and CIDR blocks (IPv4, IPv6, IPv4-mapped) allowed to connect; others are closed on
   * accept. Default: every peer.
   */
  allowedPeers?: readonly string[];
  /** How long `close()` waits for in-flight messages before destroying connections (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Serve MLLP over TLS (optionally mutual TLS). */
  tls?: MllpServerTlsOptions;
  /** pino logger (default: silent). Message content is logged at debug level only. */
  logger?: Logger;
}

/** Counters of a server since it was created. */
export interface MllpServerMetrics {
  connectionsOpened: number;
  connectionsActive: number;
  /** Connections closed on accept: peer not allowed, server closing, or every connection busy. */
  connectionsRefused: number;
  /** Idle connections closed to admit a new one when a connection limit was reached. */
  connectionsEvicted: number;
  /** Connections closed because a started frame did not end within `frameTimeoutMs`. */
  frameTimeouts: number;
  /** Connections closed after `idleTimeoutMs` without a byte of a frame. */
  idleTimeouts: number;
  framesReceived: number;
  acksSent: number;
  bytesSkipped: number;
  /** Oversized frames, handler failures and TLS handshake failures. */
  errors: number;
}

/** Why a connection was closed on accept. */
export type MllpRefusalReason = 'not-allowed' | 'closing' | 'max-connections' | 'max-connections-per-peer';
/** Which limit made room for a new connection by closing an idle one. */
export type MllpEvictionReason = 'max-connections' | 'max-connections-per-peer';

/** Events of `MllpServer`. */
export interface MllpServerEvents {
  listening: [address: AddressInfo];
  connection: [context: MllpConnectionContext];
  connectionClosed: [context: MllpConnectionContext];
  frame: [context: MllpConnectionContext, info: { controlId: string; messageType: string; size: number }];
  ack: [context: MllpConnectionContext, info: { controlId: string; size: number; durationMs: number }];
  /** Bytes that never formed a frame (outside any frame, abandoned or unterminated frames). */
  bytesSkipped: [context: MllpConnectionContext, count: number];
  /** A connection closed on accept; `peer` is `address:port`, no data was read from it. */
  connectionRefused: [info: { peer: string; peerAddress: string; reason: MllpRefusalReason }];
  /** An idle connection closed to admit a new one. */
  connectionEvicted: [context: MllpConnectionContext, reason: MllpEvictionReason];
  /** A connection closed by a timeout. */
  connectionTimedOut: [context: MllpConnectionContext, kind: 'idle' | 'frame'];
  /** A transport or handler problem; the server keeps running. */
  connectionError: [error: unknown, context: MllpConnectionContext | undefined];
  close: [];
}

/**
 * MLLP listener: accepts TCP or TLS connections, reassembles frames, hands each message to the
 * handler and writes the acknowledgement back on the same connection, in order.
 *
 * The server never stops because of a peer: garbage bytes are skipped, an oversized frame is
 * rejected with AR 100 (that connection is closed), a failing handler yields AR 207, an idle or
 * half-open connection is closed after `idleTimeoutMs`.
 *
 * Admission, so that idle or hostile sockets cannot lock the partner out:
 * - peers outside `allowedPeers` are closed on accept (before the TLS handshake on a TLS server);
 * - when `maxConnectionsPerPeer` (for the new connection's address) or `maxConnections` is
 *   reached, the new connection is admitted and the longest-idle connection in that scope is
 *   closed instead. Refusing the newcomer would let whoever opened sockets first keep them
 *   (100 idle sockets locked a RIS out for the whole idle timeout); the newcomer is the one
 *   most likely to be the partner reconnecting. Connections that never delivered a frame go
 *   first, then the least recently active; a connection processing a message is never closed,
 *   so the newcomer is refused only when every connection of the scope is busy;
 * - a frame that starts must end within `frameTimeoutMs` (slowloris), and bytes outside frames do
 *   not count as activity for the idle timer.
 * Every refusal, eviction and timeout is logged (address and counts, never content), counted in
 * `metrics` and emitted as an event.
 */
export class MllpServer extends EventEmitter<MllpServerEvents> {
  private readonly handler: MllpMessageHandler;
  private readonly maxFrameBytes: number;
  private readonly idleTimeoutMs: number;
  private readonly frameTimeoutMs: number;
  private readonly maxConnections: number;
  private readonly maxConnectionsPerPeer: number;
  private allowList: PeerAllowList | undefined;
  private readonly byPeer = new Map<string, Set<MllpServerConnection>>();
  private readonly shutdownTimeoutMs: number;
  private readonly logger: Logger;
  private readonly server: NetServer;
  private readonly secure: boolean;
  private readonly connections = new Set<MllpServerConnection>();
  private readonly counters: Omit<MllpServerMetrics, 'connectionsActive'> = {
    connectionsOpened: 0,
    connectionsRefused: 0,
    connectionsEvicted: 0,
    frameTimeouts: 0,
    idleTimeouts: 0,
    framesReceived: 0,
    acksSent: 0,
    bytesSkipped: 0,
    errors: 0,
  };
  private nextConnectionId = 1;
  private state: 'new' | 'listening' | 'closing' | 'closed' = 'new';
  private readonly observer: ConnectionObserver;

  constructor(options: MllpServerOptions = {}) {
    super();
    this.handler = options.handler ?? acceptAllHandler;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.frameTimeoutMs = options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.maxConnectionsPerPeer = options.maxConnectionsPerPeer ?? DEFAULT_MAX_CONNECTIONS_PER_PEER;
    for (const [name, value] of [
      ['maxConnections', this.maxConnections],
      ['maxConnectionsPerPeer', this.maxConnectionsPerPeer],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, not ${value}`);
    }
    this.allowList = options.allowedPeers && options.allowedPeers.length > 0 ? new PeerAllowList(options.allowedPeers) : undefined;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'mllp-server' });
    this.observer = this.createObserver();
    this.secure = options.tls !== undefined;
    if (options.tls) {
      const tlsServer = createTlsServer({
        ...toNodeServerTlsOptions(options.tls),
        // A TLS handshake must not hold a connection slot longer than a normal idle peer would.
        handshakeTimeout: Math.min(30_000, this.idleTimeoutMs > 0 ? this.idleTimeoutMs : 30_000),
      });
      // Screen the TCP connection before spending a handshake on a peer that is not allowed.
      tlsServer.prependListener('connection', (socket: Socket) => {
        if (!this.admissible(socket)) socket.destroy();
      });
      tlsServer.on('secureConnection', (socket: TLSSocket) => this.accept(socket, tlsFacts(socket)));
      tlsServer.on('tlsClientError', (error, socket) => {
        if (!this.isAllowed(socket)) return; // already refused and logged on accept
        this.counters.errors++;
        this.logger.warn({ peer: peerOf(socket), err: error.message }, 'TLS handshake failed');
        this.emit('connectionError', error, undefined);
      });
      this.server = tlsServer;
    } else {
      this.server = createTcpServer((socket) => this.accept(socket, undefined));
    }
    this.server.on('error', (error) => this.logger.error({ err: error.message }, 'server error'));
  }

  /**
   * Starts listening. `port` 0 picks a free port (read it from the returned address); `host`
   * defaults to all interfaces, as for `net.Server`.
   */
  async listen(port: number, host = '0.0.0.0'): Promise<AddressInfo> {
    if (this.state !== 'new') throw new MllpServerStateError(`Cannot listen: the server is ${this.state}`);
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.state = 'listening';
    const address = this.address();
    this.logger.info({ host: address.address, port: address.port, tls: this.secure }, 'MLLP server listening');
    this.emit('listening', address);
    return address;
  }

  /** Address the server listens on. Throws when it is not listening. */
  address(): AddressInfo {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new MllpServerStateError('The server is not listening');
    return address;
  }

  /** A snapshot of the counters. */
  get metrics(): MllpServerMetrics {
    return { ...this.counters, connectionsActive: this.connections.size };
  }

  /**
   * Graceful stop: stops accepting connections, lets every connection answer the messages it
   * already received, then closes them; connections still busy after `shutdownTimeoutMs` are
   * destroyed (their senders will retry unacknowledged messages).
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'new') {
      this.state = 'closed';
      this.emit('close');
      return;
    }
    this.state = 'closing';
    this.logger.info({ connections: this.connections.size }, 'MLLP server closing');
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const drained = Promise.all([...this.connections].map((connection) => connection.shutdown()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.shutdownTimeoutMs);
    });
    if ((await Promise.race([drained, timedOut])) === 'timeout') {
      this.logger.warn({ connections: this.connections.size }, 'shutdown timeout; destroying the remaining connections');
      for (const connection of this.connections) connection.destroy();
    }
    clearTimeout(timer);
    await serverClosed;
    this.state = 'closed';
    this.logger.info('MLLP server closed');
    this.emit('close');
  }

  private isAllowed(socket: Socket): boolean {
    return this.allowList === undefined || this.allowList.allows(socket.remoteAddress);
  }

  /** The checks that need no connection slot: server state and allow-list. Refusals are logged and counted. */
  private admissible(socket: Socket): boolean {
    if (this.state !== 'listening') {
      this.refuse(socket, 'closing');
      return false;
    }
    if (!this.isAllowed(socket)) {
      this.refuse(socket, 'not-allowed');
      return false;
    }
    return true;
  }

  /**
   * Replaces the allow-list (a configuration reload): new connections are admitted by it; open ones
   * are left as they are. Empty: any peer.
   * @throws MllpPeerRuleError naming the first entry that is not an address or CIDR block (the list is then unchanged)
   */
  setAllowedPeers(allowedPeers: readonly string[]): void {
    this.allowList = allowedPeers.length > 0 ? new PeerAllowList(allowedPeers) : undefined;
  }

  private refuse(socket: Socket, reason: MllpRefusalReason): void {
    const peer = peerOf(socket);
    const peerAddress = normalizePeerAddress(socket.remoteAddress);
    this.counters.connectionsRefused++;
    this.logger.warn(
      {
        peer,
        reason,
        active: this.connections.size,
        maxConnections: this.maxConnections,
        maxConnectionsPerPeer: this.maxConnectionsPerPeer,
      },
      'connection refused',
    );
    socket.destroy();
    this.emit('connectionRefused', { peer, peerAddress, reason });
  }

  private accept(socket: Socket, tls: MllpPeerTls | undefined): void {
    if (!this.admissible(socket)) return;
    const peer = peerOf(socket);
    const peerAddress = normalizePeerAddress(socket.remoteAddress);
    const samePeer = this.byPeer.get(peerAddress);
    if (samePeer && samePeer.size >= this.maxConnectionsPerPeer && !this.evictIdlest(samePeer, 'max-connections-per-peer', peer)) {
      this.refuse(socket, 'max-connections-per-peer');
      return;
    }
    if (this.connections.size >= this.maxConnections && !this.evictIdlest(this.connections, 'max-connections', peer)) {
      this.refuse(socket, 'max-connections');
      return;
    }
    const context: MllpConnectionContext = { peer, peerAddress, connectionId: String(this.nextConnectionId++), ...(tls ? { tls } : {}) };
    const connection = new MllpServerConnection(socket, context, this.handler, this.observer, {
      maxFrameBytes: this.maxFrameBytes,
      idleTimeoutMs: this.idleTimeoutMs,
      frameTimeoutMs: this.frameTimeoutMs,
      logger: this.logger,
    });
    this.connections.add(connection);
    let peerSet = this.byPeer.get(peerAddress);
    if (!peerSet) {
      peerSet = new Set();
      this.byPeer.set(peerAddress, peerSet);
    }
    peerSet.add(connection);
    this.counters.connectionsOpened++;
    this.emit('connection', context);
  }

  /**
   * Closes the connection of `scope` that is the best to lose: among those not processing a
   * message, one that never delivered a frame before one that did, then the longest idle.
   * @returns false when every connection of the scope is busy (nothing was closed)
   */
  private evictIdlest(scope: Iterable<MllpServerConnection>, reason: MllpEvictionReason, newcomer: string): boolean {
    let victim: MllpServerConnection | undefined;
    for (const candidate of scope) {
      if (!candidate.evictable) continue;
      if (!victim || evictsBefore(candidate, victim)) victim = candidate;
    }
    if (!victim) return false;
    this.counters.connectionsEvicted++;
    this.forget(victim);
    victim.evict(reason, { newcomer });
    this.emit('connectionEvicted', victim.context, reason);
    return true;
  }

  /** Frees the slots of a connection (at once on eviction, so that the newcomer fits; again, harmlessly, on close). */
  private forget(connection: MllpServerConnection): void {
    this.connections.delete(connection);
    const peerAddress = connection.context.peerAddress ?? '';
    const peerSet = this.byPeer.get(peerAddress);
    if (peerSet?.delete(connection) && peerSet.size === 0) this.byPeer.delete(peerAddress);
  }

  private createObserver(): ConnectionObserver {
    return {
      frameReceived: (context, info) => {
        this.counters.framesReceived++;
        this.emit('frame', context, info);
      },
      ackSent: (context, info) => {
        this.counters.acksSent++;
        this.emit('ack', context, info);
      },
      timedOut: (context, kind) => {
        if (kind === 'frame') this.counters.frameTimeouts++;
        else this.counters.idleTimeouts++;
        this.emit('connectionTimedOut', context, kind);
      },
      bytesSkipped: (context, count) => {
        this.counters.bytesSkipped += count;
        this.emit('bytesSkipped', context, count);
      },
      frameTooLarge: (context, error: MllpFrameTooLargeError) => {
        this.counters.errors++;
        this.emit('connectionError', error, context);
      },
      handlerFailed: (context, error) => {
        this.counters.errors++;
        this.emit('connectionError', error, context);
      },
      closed: (connection) => {
        this.forget(connection);
        this.emit('connectionClosed', connection.context);
      },
    };
  }
}

function evictsBefore(a: MllpServerConnection, b: MllpServerConnection): boolean {
  if (a.hasDeliveredFrames !== b.hasDeliveredFrames) return !a.hasDeliveredFrames;
  return a.lastActivityAt < b.lastActivityAt;
}

function peerOf(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return `${address.includes(':') ? `[${address}]` : address}:${socket.remotePort ?? 0}`;
}

function tlsFacts(socket: TLSSocket): MllpPeerTls {
  const certificate = socket.getPeerCertificate();
  const hasCertificate = certificate !== null && Object.keys(certificate).length > 0;
  const facts: MllpPeerTls = { authorized: socket.authorized };
  if (socket.authorizationError) facts.authorizationError = String(socket.authorizationError);
  if (hasCertificate) {
    facts.peerCertificateSubject = Object.entries(certificate.subject ?? {})
      .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
      .join(', ');
    facts.peerCertificateFingerprint256 = certificate.fingerprint256;
  }
  return facts;
}
