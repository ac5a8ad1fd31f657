/**
 * The encapsulated documents of a message (OBX-2 `ED`): OBX-5 is `^type^subtype^Base64^data`
 * (trans-cda-r2: `^text^XML^Base64^…` for a CDA; flow 3: `^TEXT^^Base64^…` or `^application^pdf^…`
 * for a protocol). Decoded here for the message viewer: a CDA or another XML is shown as text, a PDF
 * as a viewable and downloadable file; anything else is offered for download. Pure: runs in Node too.
 */

/** Bytes of base64 text (whitespace ignored); null when it is not base64. */
export function decodeBase64(text) {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null;
  const bin = atob(clean);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

const NON_XML_PDF = /<nonXMLBody>\s*<text\b[^>]*\bmediaType="application\/pdf"[^>]*>([A-Za-z0-9+/=\s]+)<\/text>/;

function kindOf(bytes, type, subtype) {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('%PDF-')) return 'pdf';
  if (head.startsWith('<') || /xml/i.test(subtype) || /xml/i.test(type)) return 'xml';
  if (/pdf/i.test(subtype)) return 'pdf';
  return 'binary';
}

/**
 * Each OBX with an `ED` value: `{ location, kind: 'xml' | 'pdf' | 'binary', mediaType, bytes, text? }`,
 * or `{ location, error }` when its data is not base64. `text` is the decoded XML (UTF-8) for display.
 */
export function encapsulatedDocuments(parsed) {
  const out = [];
  for (const seg of parsed.segments) {
    if (seg.id !== 'OBX') continue;
    const type = seg.fields.find((f) => f.n === 2)?.raw?.split(parsed.delimiters.component)[0];
    if (type !== 'ED') continue;
    const value = seg.fields.find((f) => f.n === 5)?.reps[0]?.comps ?? [];
    const location = `OBX[${seg.occurrence}]-5`;
    const [, typeOf = '', subtype = '', encoding = '', data = ''] = value.map((c) => c.raw);
    if (!/^base64$/i.test(encoding)) {
      out.push({ location, error: `encoding ${encoding || '(none)'}, not Base64` });
      continue;
    }
    const bytes = decodeBase64(data);
    if (!bytes) {
      out.push({ location, error: 'OBX-5.5 is not base64' });
      continue;
    }
    const kind = kindOf(bytes, typeOf, subtype);
    const mediaType = kind === 'pdf' ? 'application/pdf' : kind === 'xml' ? 'text/xml' : 'application/octet-stream';
    if (kind !== 'xml') {
      out.push({ location, kind, mediaType, bytes });
      continue;
    }
    const text = new TextDecoder('utf-8').decode(bytes);
    out.push({ location, kind, mediaType, bytes, text });
    // A level-1 CDA carries its PDF base64 in nonXMLBody/text: offered as a PDF of its own.
    const body = NON_XML_PDF.exec(text);
    const pdf = body ? decodeBase64(body[1]) : null;
    if (pdf) out.push({ location: `${location} → nonXMLBody`, kind: 'pdf', mediaType: 'application/pdf', bytes: pdf });
  }
  return out;
}
