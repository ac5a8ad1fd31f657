import type { InputProblem } from '../cda/input-checker.js';

/** Stable codes of the problems the imaging request generator can raise. */
export type ImagingRequestErrorCode =
  /** The input misses a field the CDA needs, or a value has the wrong shape (OID, INS, code…). */
  | 'TLR_ERR_REQUEST_INPUT_INVALID'
  /** The PDF supplied by the host is not a PDF (no `%PDF-` signature). */
  | 'TLR_ERR_REQUEST_PDF_INVALID';

/**
 * Raised by `generateImagingRequest` when it cannot produce a conformant document from its input.
 * Conformance findings on a generated document are data (`validateCda`), never this error.
 */
export class ImagingRequestError extends Error {
  override readonly name = 'ImagingRequestError';
  readonly code: ImagingRequestErrorCode;
  readonly problems: readonly InputProblem[];

  constructor(code: ImagingRequestErrorCode, message: string, problems: readonly InputProblem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }

  /** `code: message` followed by one line per problem. */
  describe(): string {
    return [`${this.code}: ${this.message}`, ...this.problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n');
  }
}
