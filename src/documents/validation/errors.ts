/** Stable codes of the problems the CDA validation layer can raise (as opposed to findings, which are data). */
export type CdaValidationErrorCode =
  /** A Schematron file, or one of its includes, cannot be read or is not well-formed XML. */
  | 'TLR_ERR_SCHEMATRON_SOURCE'
  /** A Schematron uses a construct this compiler does not implement, or refers to an unknown pattern, rule or phase. */
  | 'TLR_ERR_SCHEMATRON_UNSUPPORTED'
  /** The XSLT generated from a Schematron was rejected by the XSLT compiler. */
  | 'TLR_ERR_SCHEMATRON_COMPILE'
  /** The compiled Schematron failed while running on a document (dynamic XPath error). */
  | 'TLR_ERR_SCHEMATRON_RUNTIME'
  /** The ANS validation kit (XSD, Schematrons, value sets) cannot be found. */
  | 'TLR_ERR_CDA_KIT_NOT_FOUND'
  /** The XML Schema engine could not run (not a finding about the document: an engine or IO failure). */
  | 'TLR_ERR_CDA_XSD_ENGINE';

/**
 * A failure of the validation machinery itself. Problems of the validated document never raise it:
 * they come back as issues of a {@link CdaValidationReport}.
 */
export class CdaValidationError extends Error {
  override readonly name = 'CdaValidationError';
  readonly code: CdaValidationErrorCode;

  constructor(code: CdaValidationErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** `code: message`, the form the CLI prints. */
  describe(): string {
    return `${this.code}: ${this.message}`;
  }
}
