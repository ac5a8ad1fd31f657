/** Stable codes of the problems the imaging report generator can raise. */
export type ImagingReportErrorCode =
  /** The input misses a field the CDA needs, or a value has the wrong shape (OID, INS, date…). */
  | 'TLR_ERR_REPORT_INPUT_INVALID'
  /** The PDF supplied by the host is not a PDF (no `%PDF-` signature). */
  | 'TLR_ERR_REPORT_PDF_INVALID'
  /** The DRIMbox partial viewer URL is not an absolute http(s) URL. */
  | 'TLR_ERR_REPORT_VIEWER_URL_INVALID';

import type { InputProblem } from '../cda/input-checker.js';

/** One problem of the input, located by its path in the generator's input (`patient.ins.value`). */
export type { InputProblem } from '../cda/input-checker.js';

/**
 * Raised by `generateImagingReport` when it cannot produce a conformant document from its input.
 * Conformance findings on a generated document are data (`validateCda`), never this error.
 */
export class ImagingReportError extends Error {
  override readonly name = 'ImagingReportError';
  readonly code: ImagingReportErrorCode;
  /** Every problem found (the generator checks the whole input before failing). */
  readonly problems: readonly InputProblem[];

  constructor(code: ImagingReportErrorCode, message: string, problems: readonly InputProblem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }

  /** `code: message` followed by one line per problem. */
  describe(): string {
    return [`${this.code}: ${this.message}`, ...this.problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n');
  }
}
