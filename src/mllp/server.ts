import { EventEmitter } from 'node:events';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { acceptAllHandler } from './accept-all-handler.js';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_FRAME_BYTES, DEFAULT_SHUTDOWN_TIMEOUT_MS } from './constants.js';
import type { MllpFrameTooLargeError } from './errors.js';
import { MllpServerStateError } from './errors.js';
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
  /** Close a connection that sent nothing for this long (default 5 min; 0 disables). */
  idleTimeoutMs?: number;
  /** Simultaneous connections; further ones are closed at once (default 100). */
  maxConnections?: number;
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
  /** Connections closed at once because `maxConnections` was reached. */
  connectionsRefused: number;
  framesReceived: number;
  acksSent: number;
  bytesSkipped: number;
  /** Oversized frames, handler failures and TLS handshake failures. */
  errors: number;
}

/** Events of `MllpServer`. */
export interface MllpServerEvents {
  listening: [address: AddressInfo];
  connection: [context: MllpConnectionContext];
  connectionClosed: [context: MllpConnectionContext];
  frame: [context: MllpConnectionContext, info: { controlId: string; messageType: string; size: number }];
  ack: [context: MllpConnectionContext, info: { controlId: string; size: number; durationMs: number }];
  bytesSkipped: [context: MllpConnectionContext, count: number];
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
 */
export class MllpServer extends EventEmitter<MllpServerEvents> {
  private readonly handler: MllpMessageHandler;
  private readonly maxFrameBytes: number;
  private readonly idleTimeoutMs: number;
  private readonly maxConnections: number;
  private readonly shutdownTimeoutMs: number;
  private readonly logger: Logger;
  private readonly server: NetServer;
  private readonly secure: boolean;
  private readonly connections = new Set<MllpServerConnection>();
  private readonly counters: Omit<MllpServerMetrics, 'connectionsActive'> = {
    connectionsOpened: 0, connectionsRefused: 0, framesReceived: 0, acksSent: 0, bytesSkipped: 0, errors: 0,
  };
  private nextConnectionId = 1;
  private state: 'new' | 'listening' | 'closing' | 'closed' = 'new';
  private readonly observer: ConnectionObserver;

  constructor(options: MllpServerOptions = {}) {
    super();
    this.handler = options.handler ?? acceptAllHandler;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
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
      tlsServer.on('secureConnection', (socket: TLSSocket) => this.accept(socket, tlsFacts(socket)));
      tlsServer.on('tlsClientError', (error, socket) => {
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

  private accept(socket: Socket, tls: MllpPeerTls | undefined): void {
    const peer = peerOf(socket);
    if (this.state !== 'listening' || this.connections.size >= this.maxConnections) {
      this.counters.connectionsRefused++;
      this.logger.warn({ peer, active: this.connections.size, maxConnections: this.maxConnections }, 'connection refused');
      socket.destroy();
      return;
    }
    const context: MllpConnectionContext = { peer, connectionId: String(this.nextConnectionId++), ...(tls ? { tls } : {}) };
    const connection = new MllpServerConnection(socket, context, this.handler, this.observer, {
      maxFrameBytes: this.maxFrameBytes,
      idleTimeoutMs: this.idleTimeoutMs,
      logger: this.logger,
    });
    this.connections.add(connection);
    this.counters.connectionsOpened++;
    this.emit('connection', context);
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
        this.connections.delete(connection);
        this.emit('connectionClosed', connection.context);
      },
    };
  }
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
