/** The few MSH fields the transport logs and correlates on. */
export interface PeekedHeader {
  /** MSH-9 as written, e.g. `ORM^O01^ORM_O01`. */
  messageType: string;
  /** MSH-10, raw (control ids never contain escapes in practice). */
  controlId: string;
}

const MAX_MSH_BYTES = 4096;

/**
 * Reads MSH-9 and MSH-10 from the first segment without parsing the message. The transport logs
 * every frame and correlates acknowledgements; a full parse (charset decoding, every segment) of
 * a multi-megabyte message just for that would be wasted work, and the handler parses anyway.
 * Returns undefined when the bytes do not start with an MSH segment.
 */
export function peekHeader(bytes: Uint8Array): PeekedHeader | undefined {
  let start = 0;
  // UTF-8 byte order mark, tolerated by the parser too.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  if (bytes[start] !== 0x4d || bytes[start + 1] !== 0x53 || bytes[start + 2] !== 0x48) return undefined;
  const separator = bytes[start + 3];
  if (separator === undefined) return undefined;
  const limit = Math.min(bytes.length, start + MAX_MSH_BYTES);
  // Fields are counted as in HL7: MSH-1 is the separator itself, so the text after it begins MSH-2.
  let field = 2;
  let fieldStart = start + 4;
  let messageType = '';
  for (let i = fieldStart; i <= limit; i++) {
    const byte = i < limit ? bytes[i] : 0x0d;
    if (byte === separator || byte === 0x0d || byte === 0x0a) {
      if (field === 9) messageType = Buffer.from(bytes.buffer, bytes.byteOffset + fieldStart, i - fieldStart).toString('latin1');
      if (field === 10)
        return { messageType, controlId: Buffer.from(bytes.buffer, bytes.byteOffset + fieldStart, i - fieldStart).toString('latin1') };
      if (byte !== separator) break;
      field++;
      fieldStart = i + 1;
    }
  }
  return { messageType, controlId: '' };
}
