/**
 * Bytes and defaults of the Minimal Lower Layer Protocol (HL7 v2.5.1 Implementation Guide,
 * appendix C "MLLP"): a message travels as `<VT> message <FS><CR>`.
 */

/** Start block `<VT>` (0x0B) that opens a frame. */
export const START_BLOCK = 0x0b;
/** End block `<FS>` (0x1C) that closes a frame's payload. */
export const END_BLOCK = 0x1c;
/** Carriage return (0x0D) that follows the end block. */
export const CARRIAGE_RETURN = 0x0d;

/**
 * Largest frame accepted by default: 16 MiB. A flow 3 or MDM message carrying a base64 PDF
 * report of a few megabytes fits comfortably, while one peer cannot make the process buffer
 * an unbounded stream.
 */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * A connection that sends nothing for this long is closed by the server: 5 minutes. Long enough
 * for a RIS that keeps one persistent connection between bursts of orders, short enough that
 * half-open connections (a peer that vanished without FIN) do not pile up.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * Simultaneous connections of a server by default. When they are all taken, a new connection
 * closes the longest-idle one instead of being refused (see `MllpServer`).
 */
export const DEFAULT_MAX_CONNECTIONS = 100;

/**
 * Simultaneous connections from one peer address by default. A RIS or a platform uses one
 * connection, or a small pool; twenty leaves room for a pool and for half-open connections
 * that a restarted partner left behind, while one address cannot take every slot.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_PEER = 20;

/**
 * Time a started frame has to end: 2 minutes. A 16 MiB frame needs about 15 s at 10 Mbit/s;
 * a peer that sends a start block and then a byte now and then (slowloris) keeps resetting the
 * idle timer, so only a bound on the whole frame frees its slot.
 */
export const DEFAULT_FRAME_TIMEOUT_MS = 2 * 60 * 1000;

/** Time a client waits for the acknowledgement of a message it has written: 30 seconds. */
export const DEFAULT_ACK_TIMEOUT_MS = 30 * 1000;

/**
 * Timed-out messages a client remembers per connection, so that their late acknowledgements are
 * recognised (and reported) instead of ignored: the most recent 256.
 */
export const MAX_REMEMBERED_TIMEOUTS = 256;

/** How long a client keeps recognising the late acknowledgement of a timed-out message: 10 minutes. */
export const DEFAULT_LATE_ACK_WINDOW_MS = 10 * 60 * 1000;

/** Time a client waits for a TCP (and TLS) connection to be established: 10 seconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10 * 1000;

/** First reconnection delay of a client after it lost its connection. */
export const DEFAULT_RECONNECT_BASE_DELAY_MS = 500;
/** Ceiling of the exponential reconnection delay. */
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 30 * 1000;

/** Time `MllpServer.close()` lets in-flight messages finish before it destroys the connections. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10 * 1000;

/**
 * Frames of one connection waiting for their turn before the server stops reading that socket
 * (TCP back-pressure then slows the sender down). Bounds memory when a peer pipelines messages
 * without waiting for their acknowledgements.
 */
export const MAX_QUEUED_FRAMES_PER_CONNECTION = 32;

/** Bytes of an oversized frame kept to read its MSH and address the rejection. */
export const FRAME_HEAD_BYTES = 4096;
