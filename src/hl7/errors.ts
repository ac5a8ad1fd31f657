import type { Location } from './location.js';
import { formatLocation } from './location.js';

/**
 * HL7 table 0357 (message error condition) codes, as used in ERR-3 of an acknowledgement.
 * @see ../shared/spec/teleradiologie/ack.md §5.1
 */
export type ErrorCondition = '0' | '100' | '101' | '102' | '103' | '200' | '201' | '202' | '203' | '204' | '205' | '206' | '207';

/** Human-readable names of table 0357, used as ERR-3.2. */
export const ERROR_CONDITION_NAMES: Readonly<Record<ErrorCondition, string>> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

/** HL7 table 0516 (error severity). */
export type ErrorSeverity = 'E' | 'W' | 'I';

/** Stable codes of every problem the ER7 layer can report. */
export type Hl7ErrorCode =
  | 'TLR_ERR_HL7_EMPTY'
  | 'TLR_ERR_HL7_NO_MSH'
  | 'TLR_ERR_HL7_BAD_FIELD_SEPARATOR'
  | 'TLR_ERR_HL7_BAD_ENCODING_CHARACTERS'
  | 'TLR_ERR_HL7_TRUNCATED_MSH'
  | 'TLR_ERR_HL7_MISSING_MESSAGE_TYPE'
  | 'TLR_ERR_HL7_MISSING_CONTROL_ID'
  | 'TLR_ERR_HL7_BAD_SEGMENT_ID'
  | 'TLR_ERR_HL7_SECOND_MSH'
  | 'TLR_ERR_HL7_CONTROL_CHARACTER'
  | 'TLR_ERR_HL7_MESSAGE_TOO_LARGE'
  | 'TLR_ERR_HL7_FIELD_TOO_LONG'
  | 'TLR_ERR_HL7_BAD_ESCAPE'
  | 'TLR_ERR_HL7_UNKNOWN_ESCAPE'
  | 'TLR_ERR_HL7_LINE_ENDINGS'
  | 'TLR_ERR_HL7_EMPTY_SEGMENT'
  | 'TLR_ERR_HL7_BAD_PATH'
  | 'TLR_ERR_HL7_BAD_VALUE'
  | 'TLR_ERR_CHARSET_UNSUPPORTED'
  | 'TLR_ERR_CHARSET_MISMATCH'
  | 'TLR_ERR_CHARSET_UNDECLARED'
  | 'TLR_ERR_CHARSET_UNREPRESENTABLE';

/**
 * A problem found in an HL7 v2 message or raised while building one. It carries everything an
 * acknowledgement needs: the table 0357 condition (ERR-3), the severity (ERR-4) and the location (ERR-2).
 */
export class Hl7Error extends Error {
  override readonly name = 'Hl7Error';
  readonly code: Hl7ErrorCode;
  readonly condition: ErrorCondition;
  readonly severity: ErrorSeverity;
  readonly location: Location | undefined;

  constructor(
    code: Hl7ErrorCode,
    message: string,
    options: { condition?: ErrorCondition; severity?: ErrorSeverity; location?: Location; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.condition = options.condition ?? '100';
    this.severity = options.severity ?? 'E';
    this.location = options.location;
  }

  /** `code at LOCATION: message`, the form the CLI prints. */
  describe(): string {
    const where = this.location ? ` at ${formatLocation(this.location)}` : '';
    return `${this.code}${where}: ${this.message}`;
  }

  toJSON(): { code: Hl7ErrorCode; severity: ErrorSeverity; condition: ErrorCondition; location: string | null; message: string } {
    return {
      code: this.code,
      severity: this.severity,
      condition: this.condition,
      location: this.location ? formatLocation(this.location) : null,
      message: this.message,
    };
  }
}
