/** Stable codes of the errors raised by the storage layer. */
export type StoreErrorCode =
  | 'TLR_ERR_STORE_URL_UNSUPPORTED'
  | 'TLR_ERR_STORE_SCHEMA_NAME'
  | 'TLR_ERR_STORE_SCHEMA_TOO_NEW'
  | 'TLR_ERR_STORE_MIGRATION_FAILED'
  | 'TLR_ERR_STORE_NOT_FOUND'
  | 'TLR_ERR_STORE_INVALID_STATE'
  | 'TLR_ERR_STORE_INVALID_ARGUMENT'
  | 'TLR_ERR_STORE_CLOSED'
  | 'TLR_ERR_STORE_INVALID_CURSOR'
  | 'TLR_ERR_STORE_LOCKED'
  | 'TLR_ERR_STORE_WORKER_IN_USE';

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
