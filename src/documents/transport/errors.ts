/** Stable codes of the errors raised while building a trans-cda-r2 message. Findings about received messages are data, never errors. */
export type DocumentTransportErrorCode =
  /** A value the volet requires is absent or empty in the request. */
  | 'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE'
  /** A value has the wrong form (identifier, date/time, MIME type…). */
  | 'TLR_ERR_DOC_TRANSPORT_INVALID_VALUE'
  /** The document is not well-formed XML with a `ClinicalDocument` root in the HL7 v3 namespace. */
  | 'TLR_ERR_DOC_TRANSPORT_NOT_CDA'
  /** The request says something the CDA header contradicts (id, setId, version, type, parent document…). */
  | 'TLR_ERR_DOC_TRANSPORT_CDA_MISMATCH';

/**
 * A request that cannot become a conformant trans-cda-r2 message. Raised by the builders before
 * anything is sent, named by the path of the offending value in the request (`document.id.root`).
 */
export class DocumentTransportError extends Error {
  override readonly name = 'DocumentTransportError';
  readonly code: DocumentTransportErrorCode;
  /** Path of the offending value in the request, e.g. `document.setId`. */
  readonly path: string;

  constructor(code: DocumentTransportErrorCode, path: string, message: string, options: { cause?: unknown } = {}) {
    super(`${path}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
  }

  /** `code: path: message`, the form the CLI prints. */
  describe(): string {
    return `${this.code}: ${this.message}`;
  }
}
