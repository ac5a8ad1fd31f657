/** A finding on a message, as the report shows it: the validator's, or one of the kit's own checks. */
export interface ReportedFinding {
  severity: 'error' | 'warning';
  rule: string;
  /** `OBR-4`, `OBX[3]-5.5`, `MSH`…: where the report marks it in the annotated ER7. */
  location: string;
  message: string;
}

/** Status of a check, and of a step (its worst check). */
export type CheckStatus = 'pass' | 'fail' | 'warning';

/** One thing a step checked. */
export interface CheckResult {
  status: CheckStatus;
  /** What was checked, in words: "MSA-2 equals the MSH-10 sent". */
  label: string;
  /** What was seen. */
  detail?: string;
}

/** One message of a step's exchange, as the report prints it. */
export interface ExchangedMessage {
  direction: 'sent' | 'received';
  /** `flow 1 (ORM^O01 NW)`, `acknowledgement`, `half frame (connection dropped)`. */
  label: string;
  at: string;
  /** ER7 text, segments separated by CR. */
  er7: string;
  findings: ReportedFinding[];
}

/** The worst status of a list of checks (no check: pass). */
export function worstOf(checks: readonly CheckResult[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warning')) return 'warning';
  return 'pass';
}
