/** Stable codes of the errors the domain builders raise. Findings about received messages are never errors: see the readers. */
export type TlrBuildErrorCode =
  /** A value the volet requires is absent or empty in the domain object. */
  | 'TLR_ERR_BUILD_MISSING_VALUE'
  /** A value has the wrong form (date/time, number, base64, identifier type…). */
  | 'TLR_ERR_BUILD_INVALID_VALUE'
  /** A character cannot be written in the message character set (MSH-18 `8859/15`) and has no substitute. */
  | 'TLR_ERR_BUILD_UNREPRESENTABLE';

/**
 * A domain object that cannot become a conformant message. Raised by the `build*Message`
 * functions before anything is sent: it is a programming or data-entry error on the caller's side,
 * named by the path of the offending value in the domain object (`order.patient.birthName`).
 */
export class TlrBuildError extends Error {
  override readonly name = 'TlrBuildError';
  readonly code: TlrBuildErrorCode;
  /** Path of the offending value in the domain object, e.g. `order.requestedModality.code`. */
  readonly path: string;

  constructor(code: TlrBuildErrorCode, path: string, message: string, options: { cause?: unknown } = {}) {
    super(`${path}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
  }

  /** `code: path: message`, the form the CLI prints. */
  describe(): string {
    return `${this.code}: ${this.message}`;
  }
}
