/** Stable codes of every error the MLLP transport can raise. */
export type MllpErrorCode =
  | 'TLR_ERR_MLLP_FRAME_TOO_LARGE'
  | 'TLR_ERR_MLLP_ACK_TIMEOUT'
  | 'TLR_ERR_MLLP_CONNECTION_CLOSED'
  | 'TLR_ERR_MLLP_NOT_CONNECTED'
  | 'TLR_ERR_MLLP_CONNECT_FAILED'
  | 'TLR_ERR_MLLP_CLIENT_CLOSED'
  | 'TLR_ERR_MLLP_NO_CONTROL_ID'
  | 'TLR_ERR_MLLP_TLS_CONFIG'
  | 'TLR_ERR_MLLP_PEER_RULE'
  | 'TLR_ERR_MLLP_SERVER_STATE';

/** Base class of the transport errors: `code` is stable and meant for programs, `message` for people. */
export class MllpError extends Error {
  override name = 'MllpError';
  readonly code: MllpErrorCode;

  constructor(code: MllpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A frame grew past the configured maximum; the receiver stopped buffering it. */
export class MllpFrameTooLargeError extends MllpError {
  override name = 'MllpFrameTooLargeError';
  readonly maxFrameBytes: number;
  /** Bytes of the frame received when the limit was crossed. */
  readonly receivedBytes: number;
  /** The first bytes of the frame (at most 4 KiB), enough to read its MSH. */
  readonly head: Buffer;

  constructor(maxFrameBytes: number, receivedBytes: number, head: Buffer) {
    super(
      'TLR_ERR_MLLP_FRAME_TOO_LARGE',
      `MLLP frame exceeds the limit of ${maxFrameBytes} bytes (${receivedBytes} bytes received so far)`,
    );
    this.maxFrameBytes = maxFrameBytes;
    this.receivedBytes = receivedBytes;
    this.head = head;
  }
}

/**
 * The message was written to the socket but no acknowledgement came in time. The partner may or
 * may not have processed it: a store-and-forward sender retries (the receiver deduplicates on
 * MSH-10), it never assumes the message was lost.
 */
export class MllpAckTimeoutError extends MllpError {
  override name = 'MllpAckTimeoutError';
  readonly controlId: string;
  readonly timeoutMs: number;

  constructor(controlId: string, timeoutMs: number) {
    super('TLR_ERR_MLLP_ACK_TIMEOUT', `Message ${controlId} was sent but no acknowledgement arrived within ${timeoutMs} ms`);
    this.controlId = controlId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The connection closed while a message was waiting for its acknowledgement. As for a timeout,
 * the message was sent and its fate is unknown.
 */
export class MllpConnectionClosedError extends MllpError {
  override name = 'MllpConnectionClosedError';
  readonly controlId: string | undefined;

  constructor(controlId: string | undefined, cause?: unknown) {
    super(
      'TLR_ERR_MLLP_CONNECTION_CLOSED',
      controlId === undefined ? 'The MLLP connection closed' : `The MLLP connection closed before message ${controlId} was acknowledged`,
      cause === undefined ? undefined : { cause },
    );
    this.controlId = controlId;
  }
}

/**
 * The message could not be written because there is no connection (never connected, or still
 * reconnecting when its time ran out). Unlike a timeout, the message was certainly not sent.
 */
export class MllpNotConnectedError extends MllpError {
  override name = 'MllpNotConnectedError';

  constructor(message = 'The MLLP client is not connected; call connect() first') {
    super('TLR_ERR_MLLP_NOT_CONNECTED', message);
  }
}

/** A TCP or TLS connection to the partner could not be established. */
export class MllpConnectFailedError extends MllpError {
  override name = 'MllpConnectFailedError';
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('TLR_ERR_MLLP_CONNECT_FAILED', `Cannot connect to ${host}:${port}: ${reason}`, { cause });
    this.host = host;
    this.port = port;
  }
}

/** The client was closed by its owner; messages still queued were not sent. */
export class MllpClientClosedError extends MllpError {
  override name = 'MllpClientClosedError';

  constructor() {
    super('TLR_ERR_MLLP_CLIENT_CLOSED', 'The MLLP client was closed; the message was not sent');
  }
}

/** A message to send has no MSH-10, so its acknowledgement could not be recognised. */
export class MllpNoControlIdError extends MllpError {
  override name = 'MllpNoControlIdError';

  constructor() {
    super('TLR_ERR_MLLP_NO_CONTROL_ID', 'The message has no MSH-10 (message control id): its acknowledgement could not be correlated');
  }
}

/** TLS material is missing or unreadable. */
export class MllpTlsConfigError extends MllpError {
  override name = 'MllpTlsConfigError';

  constructor(message: string, cause?: unknown) {
    super('TLR_ERR_MLLP_TLS_CONFIG', message, cause === undefined ? undefined : { cause });
  }
}

/** `listen()` on a server already listening or closed, and similar misuse. */
export class MllpServerStateError extends MllpError {
  override name = 'MllpServerStateError';

  constructor(message: string) {
    super('TLR_ERR_MLLP_SERVER_STATE', message);
  }
}

/** An entry of the peer allow-list is not an IPv4/IPv6 address or CIDR block. */
export class MllpPeerRuleError extends MllpError {
  override name = 'MllpPeerRuleError';
  /** The entry as configured. */
  readonly entry: string;

  constructor(entry: string, reason: string) {
    super(
      'TLR_ERR_MLLP_PEER_RULE',
      `Allowed peer "${entry}" is invalid: ${reason} (expected an address or CIDR block, e.g. 10.0.0.0/8 or 2001:db8::/32)`,
    );
    this.entry = entry;
  }
}
