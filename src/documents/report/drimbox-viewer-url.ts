import { ImagingReportError } from './errors.js';

/**
 * Completes the DRIMbox partial viewer URL of flow 4 (`URL_PARTIELLE_VIEWER`) with the id of the
 * report, as `spec/documents/drimbox.md` §4 recommends: the partial URL is the RIS/DRIMbox's own and
 * is treated as opaque — existing parameters are never re-encoded, reordered or re-cased; only
 * `idCDA=<ClinicalDocument/id/@root>` is appended (or, when an `idCDA=` placeholder is already there,
 * its value is replaced). The DRIMbox checks `idCDA` against the `id/@root` of the report it receives,
 * so the URL changes with every version.
 *
 * @throws ImagingReportError `TLR_ERR_REPORT_VIEWER_URL_INVALID` when the partial URL is not an absolute http(s) URL.
 */
export function completeViewerUrl(partialUrl: string, documentIdRoot: string): string {
  const trimmed = partialUrl.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new ImagingReportError('TLR_ERR_REPORT_VIEWER_URL_INVALID', 'the DRIMbox partial viewer URL is not an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ImagingReportError(
      'TLR_ERR_REPORT_VIEWER_URL_INVALID',
      `the DRIMbox partial viewer URL has scheme ${parsed.protocol}, expected https: or http:`,
    );
  }
  const value = encodeURIComponent(documentIdRoot);
  const hashAt = trimmed.indexOf('#');
  const base = hashAt >= 0 ? trimmed.slice(0, hashAt) : trimmed;
  const fragment = hashAt >= 0 ? trimmed.slice(hashAt) : '';
  const placeholder = /([?&])idCDA=[^&]*/.exec(base);
  if (placeholder) {
    const after = base.slice(placeholder.index + placeholder[0].length);
    return `${base.slice(0, placeholder.index)}${placeholder[1]}idCDA=${value}${after}${fragment}`;
  }
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}idCDA=${value}${fragment}`;
}
