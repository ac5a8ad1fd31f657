import { isBase64 } from '../hl7/index.js';
import type { ProtocolMediaType } from './model/decision.js';

/**
 * Recognises what an encapsulated protocol is from its first bytes: the guide fixes the ED type of
 * data to `TEXT` whatever the content, so the content is the only reliable indication (flux3 I-4).
 */
export function sniffProtocolMediaType(bytes: Uint8Array): ProtocolMediaType {
  const head = Buffer.from(bytes.subarray(0, 64))
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (head.startsWith('%PDF-')) return 'application/pdf';
  if (head.startsWith('<')) return 'application/xml';
  return 'application/octet-stream';
}

/** The media type of base64 content; undefined when the text is not canonical base64. */
export function sniffBase64MediaType(base64: string): ProtocolMediaType | undefined {
  if (!isBase64(base64)) return undefined;
  return sniffProtocolMediaType(Buffer.from(base64.slice(0, 88), 'base64'));
}
