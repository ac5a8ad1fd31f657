/** Stable codes of the errors raised by the storage layer. */
export type StoreErrorCode =
  | 'TLR_ERR_STORE_URL_UNSUPPORTED'
  | 'TLR_ERR_STORE_SCHEMA_NAME'
  | 'TLR_ERR_STORE_SCHEMA_TOO_NEW'
  | 'TLR_ERR_STORE_MIGRATION_FAILED'
  | 'TLR_ERR_STORE_NOT_FOUND'
  | 'TLR_ERR_STORE_INVALID_STATE'
  | 'TLR_ERR_STORE_INVALID_ARGUMENT'
  | 'TLR_ERR_STORE_AMBIGUOUS_ORDER'
  | 'TLR_ERR_STORE_CLOSED'
  | 'TLR_ERR_STORE_INVALID_CURSOR'
  | 'TLR_ERR_STORE_LOCKED'
  | 'TLR_ERR_STORE_WORKER_IN_USE'
  | 'TLR_ERR_STORE_NOT_A_BACKUP'
  | 'TLR_ERR_STORE_FILE_EXISTS'
  | 'TLR_ERR_STORE_COMMIT_FAILED';

/**
 * Error of the storage layer. A storage failure while processing an inbound message is transient for
 * the sender: the gateway answers nothing or AR with HL7 table 0357 code `207` (`hl7ErrorCode`), and
 * the sender retries.
 */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly hl7ErrorCode = '207';

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/**
 * Whether a storage failure may go away by itself (`transient`: the database is busy, full,
 * unreachable, restarting; a retry later can succeed) or will happen again for the same message
 * (`permanent`: the database refuses the data itself, or the failure is not a storage condition at
 * all). The gateway answers a transient failure AR ("send it again later") and a permanent one AE
 * with the message journaled, so that no sender is told to retry for ever.
 */
export type StoreFailureKind = 'transient' | 'permanent';

/** SQLite primary result codes that describe the database's condition, not the data. */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|NOMEM|CANTOPEN|PROTOCOL|READONLY|INTERRUPT|NOLFS)/;
/** PostgreSQL SQLSTATE classes (first two characters) of conditions outside the statement's data. */
const POSTGRES_TRANSIENT_CLASSES = new Set(['08', '40', '53', '55', '57', '58', 'XX']);
/** Node.js socket errors of a lost or refused database connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENOSPC',
  'EIO',
]);

const TRANSIENT_STORE_ERRORS: ReadonlySet<StoreErrorCode> = new Set(['TLR_ERR_STORE_CLOSED', 'TLR_ERR_STORE_COMMIT_FAILED']);

export function storeFailureKind(error: unknown): StoreFailureKind {
  const code = (error as { code?: unknown } | null)?.code;
  // A failed group commit stored nothing of its messages, whatever one of them did: each is sent again.
  if (error instanceof StoreError) return TRANSIENT_STORE_ERRORS.has(error.code) ? 'transient' : 'permanent';
  if (typeof code === 'string') {
    if (SQLITE_TRANSIENT.test(code)) return 'transient';
    if (code.startsWith('SQLITE_')) return 'permanent';
    if (NETWORK_CODES.has(code)) return 'transient';
    if (/^[0-9A-Z]{5}$/.test(code)) return POSTGRES_TRANSIENT_CLASSES.has(code.slice(0, 2)) ? 'transient' : 'permanent';
  }
  // node-postgres reports a connection that went away without a code.
  const message = error instanceof Error ? error.message : '';
  if (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  )
    return 'transient';
  return 'permanent';
}
