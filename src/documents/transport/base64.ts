/**
 * Base64 of the document and mail bodies (OBX-5.5). Generators write the exact bytes as a single
 * padded line; readers are lenient on missing padding (one ANS example lacks it) and strict on line
 * breaks and foreign characters (trans-cda-r2 §3).
 */

/** Single-line, padded base64 of the bytes. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** What was found in a base64 text. */
export interface Base64Inspection {
  /** The decoded bytes; undefined when the text is not base64. */
  bytes: Buffer | undefined;
  /** `=` padding missing (decoded anyway). */
  unpadded: boolean;
  /** The text contains CR/LF/whitespace (never decoded: the message segmentation is already broken). */
  hasLineBreaks: boolean;
  /** First character outside the base64 alphabet, if any. */
  invalidCharacter: string | undefined;
}

const ALPHABET = /[^A-Za-z0-9+/=]/;

/** Decodes a base64 text, reporting what a validator needs to say about it. */
export function inspectBase64(text: string): Base64Inspection {
  const hasLineBreaks = /[\r\n\t ]/.test(text);
  const bad = ALPHABET.exec(text.replace(/[\r\n\t ]/g, ''));
  if (text === '' || hasLineBreaks || bad) {
    return { bytes: undefined, unpadded: false, hasLineBreaks, invalidCharacter: bad?.[0] };
  }
  const body = text.replace(/=+$/, '');
  const padding = text.length - body.length;
  if (body.includes('=') || padding > 2 || body.length % 4 === 1) {
    return { bytes: undefined, unpadded: false, hasLineBreaks: false, invalidCharacter: body.includes('=') ? '=' : undefined };
  }
  const unpadded = text.length % 4 !== 0;
  if (unpadded && padding > 0) return { bytes: undefined, unpadded: false, hasLineBreaks: false, invalidCharacter: undefined };
  return { bytes: Buffer.from(body, 'base64'), unpadded, hasLineBreaks: false, invalidCharacter: undefined };
}
