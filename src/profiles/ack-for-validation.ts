import type { AckError, Location, Message, MessageHeader } from '../hl7/index.js';
import { buildAck, parseLocation } from '../hl7/index.js';
import type { Finding, ValidationReport } from './types.js';

/** Table 0357 codes of business-state rejections: the message is fine but cannot be applied now (ack.md §5.3). */
const REJECTION_CONDITIONS = new Set(['204', '205', '206', '207']);

function locationOf(finding: Finding): Location | undefined {
  try {
    return parseLocation(finding.location);
  } catch {
    return undefined; // a group name (OBSERVATION, ORDER_DETAIL…): no ERR-2
  }
}

/** One ERR of an acknowledgement from a finding: ERR-2 its location (when a field), ERR-3 its 0357 condition, ERR-5 its rule id. */
export function ackErrorOf(f: Finding): AckError {
  return {
    condition: f.condition,
    severity: f.severity === 'error' ? 'E' : 'W',
    location: locationOf(f),
    message: f.message,
    applicationCode: f.rule,
  };
}

/**
 * The acknowledgement a receiver sends back for a validated message (ack.md §5.3):
 * - no error → `AA`, with the warnings as ERR segments of severity `W`;
 * - errors → `AE` with one ERR per error (ERR-2 location, ERR-3 the finding's 0357 condition,
 *   ERR-4 `E`, ERR-5 the rule id, ERR-8 the message); `AR` instead when every error is a business
 *   state rejection (0357 codes 204–207, the workflow rules), since the message itself is correct
 *   and may be sent again later.
 * Built with `buildAck`: MSH-3..6 swapped, MSH-9 `ACK^<trigger>^ACK`, MSH-11 copied, MSA-2 = MSH-10.
 */
export function ackForValidation(original: Message | MessageHeader, report: ValidationReport): Message {
  const errors = report.issues.filter((f) => f.severity === 'error');
  if (errors.length === 0) {
    return buildAck(original, { code: 'AA', errors: report.issues.map(ackErrorOf) });
  }
  const code = errors.every((f) => REJECTION_CONDITIONS.has(f.condition)) ? 'AR' : 'AE';
  return buildAck(original, { code, errors: errors.map(ackErrorOf) });
}
