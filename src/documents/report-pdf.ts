/**
 * The PDF a level-1 CDA document carries (a report, an imaging request DA-IMG, a supporting document): the
 * base64 `text` of its `nonXMLBody` with `mediaType="application/pdf"` (as `generateImagingReport` and
 * `generateImagingRequest` write it, and the ANS examples). Read
 * by pattern rather than by parsing the document: only the body's text is wanted, from a document
 * the gateway validated when it was received or sent.
 *
 * @returns the PDF bytes, or `undefined` when the document has no PDF body (a level-3 document)
 */
export function pdfOfReport(cda: Uint8Array | string): Buffer | undefined {
  const xml = typeof cda === 'string' ? cda : Buffer.from(cda).toString('utf8');
  const m = /<text[^>]*mediaType="application\/pdf"[^>]*>([A-Za-z0-9+/=\s]+)<\/text>/.exec(xml);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : undefined;
}
