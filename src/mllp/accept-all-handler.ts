import { ackErrorFrom, buildAck, tryParseMessage } from '../hl7/index.js';
import { headerForAck } from './transport-ack.js';

/**
 * Default message handler: answers AA to every message that parses, and AE with one ERR per parse
 * error (location, table 0357 condition, readable text) to one that does not. It checks the ER7
 * syntax only — no profile, no business rule — which makes it the right peer for connectivity
 * tests and the fallback of `cisis-tlr listen` when no validator is available.
 */
export async function acceptAllHandler(message: Buffer): Promise<Buffer> {
  const parsed = tryParseMessage(message);
  if (parsed.message && parsed.errors.length === 0) return buildAck(parsed.message, { code: 'AA' }).toBytes();
  const header = parsed.header ?? headerForAck(message);
  return buildAck(header, { code: 'AE', errors: parsed.errors.map(ackErrorFrom) }).toBytes();
}
