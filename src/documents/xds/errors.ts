/** Stable codes of the errors raised while building a DMP (XDS.b) request. The DMP's answers are data ({@link DmpResult}), never errors. */
export type XdsErrorCode =
  /** The CDA lacks a value the DMP requires (qualified INS, author, legal authenticator, service time…). */
  | 'TLR_ERR_XDS_MISSING_VALUE'
  /** A value has a form the DMP refuses (uniqueId not a plain OID, INS with another root, bad time…). */
  | 'TLR_ERR_XDS_INVALID_VALUE'
  /** The document is not a readable CDA. */
  | 'TLR_ERR_XDS_NOT_CDA'
  /** The structure's signing certificate or key cannot be used. */
  | 'TLR_ERR_XDS_SIGNING';

/**
 * A publication that cannot be built: raised before anything is sent, named by the path of the offending value
 * (`cda.recordTarget.patientRole.id`, `submitter.sourceId`). Such a publication cannot succeed by retrying.
 */
export class XdsError extends Error {
  override readonly name = 'XdsError';
  readonly code: XdsErrorCode;
  readonly path: string;

  constructor(code: XdsErrorCode, path: string, message: string, options: { cause?: unknown } = {}) {
    super(`${path}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
  }

  /** `code: path: message`, the form the CLI prints. */
  describe(): string {
    return `${this.code}: ${this.message}`;
  }
}
