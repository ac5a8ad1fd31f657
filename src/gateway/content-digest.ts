import { createHash } from 'node:crypto';

const CR = 0x0d;
const LF = 0x0a;

/**
 * SHA-256 of an ER7 message without its MSH-7 (date/time of message): what stays the same when a
 * sender re-delivers a message it rebuilt for the retry. Two messages with the same sender and
 * MSH-10 and this digest are one message sent twice; with another digest they are two messages
 * under one control id. Works on the bytes (the field separator is MSH-1, byte 3), so it needs no
 * successful parse and no charset.
 */
export function contentDigestOf(raw: Uint8Array): string {
  const hash = createHash('sha256');
  const separator = raw[3];
  if (raw.length < 8 || raw[0] !== 0x4d || raw[1] !== 0x53 || raw[2] !== 0x48 || separator === undefined) {
    return hash.update(raw).digest('hex');
  }
  // The n-th separator of the MSH segment opens MSH-(n+1): MSH-7 lies between the 6th and the 7th.
  let count = 0;
  let start = -1;
  let end = -1;
  for (let i = 3; i < raw.length; i++) {
    const b = raw[i];
    if (b === CR || b === LF) {
      if (start >= 0 && end < 0) end = i;
      break;
    }
    if (b !== separator) continue;
    count++;
    if (count === 6) start = i + 1;
    else if (count === 7) {
      end = i;
      break;
    }
  }
  if (start < 0 || end < 0) return hash.update(raw).digest('hex');
  return hash.update(raw.subarray(0, start)).update(raw.subarray(end)).digest('hex');
}
