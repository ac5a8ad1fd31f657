import { randomUUID } from 'node:crypto';

/**
 * MIME `multipart/related` for SOAP 1.2 MTOM/XOP (W3C XOP, RFC 2387), the form of the DMP's ITI-41 requests: the
 * SOAP envelope as the root part (`application/xop+xml; type="application/soap+xml"`), each document as a binary
 * part named by its `Content-ID` and referenced by `<xop:Include href="cid:…"/>`.
 *
 * Written here because no small, maintained Node library builds and parses SOAP MTOM messages (the multipart
 * libraries on npm parse `multipart/form-data` uploads, not `multipart/related` with a `start` root), and what is
 * needed is small: fixed headers, binary parts, exact bytes (the document's hash is computed on them).
 */

/** One MIME part. */
export interface MimePart {
  contentId: string;
  contentType: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** A built multipart message. */
export interface MultipartMessage {
  body: Buffer;
  /** The HTTP `Content-Type`, with boundary, type, start, start-info and action. */
  contentType: string;
}

/** Builds an MTOM message: the SOAP envelope as the root part, then the attachments. */
export function buildMtom(
  envelope: string,
  action: string,
  attachments: ReadonlyArray<{ contentId: string; contentType: string; body: Uint8Array }>,
): MultipartMessage {
  const boundary = `MIMEBoundary_${randomUUID().replace(/-/g, '')}`;
  const rootId = `root.${randomUUID()}@cisis-tlr`;
  const chunks: Buffer[] = [];
  const part = (headers: string[], body: Buffer): void => {
    chunks.push(Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8'), body, Buffer.from('\r\n', 'utf8'));
  };
  part(
    [
      `Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"; action="${action}"`,
      'Content-Transfer-Encoding: binary',
      `Content-ID: <${rootId}>`,
    ],
    Buffer.from(envelope, 'utf8'),
  );
  for (const a of attachments) {
    part([`Content-Type: ${a.contentType}`, 'Content-Transfer-Encoding: binary', `Content-ID: <${a.contentId}>`], Buffer.from(a.body));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return {
    body: Buffer.concat(chunks),
    contentType:
      `multipart/related; boundary="${boundary}"; type="application/xop+xml"; start="<${rootId}>"; ` +
      `start-info="application/soap+xml"; action="${action}"`,
  };
}

/** Parameters of a `Content-Type` header value (`type/subtype; a=b; c="d"`), names in lower case. */
export function parseContentType(value: string): { mediaType: string; params: Record<string, string> } {
  const [head = '', ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[name] = v;
  }
  return { mediaType: head.trim().toLowerCase(), params };
}

function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/** A parsed multipart/related message: its parts in order and the root (the `start` part, else the first). */
export interface ParsedMultipart {
  parts: MimePart[];
  root: MimePart;
}

/**
 * Parses a `multipart/related` body. Throws an `Error` saying what is wrong (no boundary, no closing delimiter,
 * a part without headers, a `start` that names no part). Part bodies are kept as exact bytes.
 */
export function parseMultipart(body: Buffer, contentType: string): ParsedMultipart {
  const { mediaType, params } = parseContentType(contentType);
  if (mediaType !== 'multipart/related') throw new Error(`expected multipart/related, got ${mediaType || 'no media type'}`);
  const boundary = params['boundary'];
  if (!boundary) throw new Error('the multipart Content-Type has no boundary');
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: MimePart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('the body does not contain the boundary');
  for (;;) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    else if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('the multipart body has no closing boundary');
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    parts.push(parsePart(body.subarray(start, end)));
    pos = next;
  }
  if (parts.length === 0) throw new Error('the multipart body has no part');
  const start = params['start'];
  const root = start ? parts.find((p) => `<${p.contentId}>` === start || p.contentId === start) : parts[0];
  if (!root) throw new Error(`the start part ${start ?? ''} is not in the message`);
  return { parts, root };
}

function parsePart(raw: Buffer): MimePart {
  // A part without headers (RFC 2046 §5.1.1: the blank line follows the boundary at once) has only a body.
  if (raw.length === 0 || raw.subarray(0, 2).toString('latin1') === '\r\n') {
    return { contentId: '', contentType: '', body: raw.subarray(raw.length === 0 ? 0 : 2), headers: {} };
  }
  let split = raw.indexOf('\r\n\r\n');
  let sepLength = 4;
  if (split < 0) {
    split = raw.indexOf('\n\n');
    sepLength = 2;
  }
  if (split < 0) throw new Error('a MIME part has no header block');
  const headers: Record<string, string> = {};
  for (const line of raw.subarray(0, split).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(split + sepLength);
  const encoding = (headers['content-transfer-encoding'] ?? 'binary').toLowerCase();
  if (encoding === 'base64') body = Buffer.from(body.toString('latin1'), 'base64');
  else if (!['binary', '8bit', '7bit'].includes(encoding)) throw new Error(`unsupported Content-Transfer-Encoding ${encoding}`);
  const id = headers['content-id'] ?? '';
  return {
    contentId: id.replace(/^<|>$/g, ''),
    contentType: headers['content-type'] ?? '',
    body,
    headers,
  };
}
