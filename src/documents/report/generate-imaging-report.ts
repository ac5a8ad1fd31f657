import { buildStructuredBody } from './body-level3.js';
import { completeViewerUrl } from './drimbox-viewer-url.js';
import { ImagingReportError } from './errors.js';
import { buildHeader } from './header.js';
import type { ImagingReportInput, InstanceIdentifier } from './input.js';
import { checkImagingReportInput } from './input-checks.js';
import { renderReportPdf } from '../cda/pdf/render-report-pdf.js';
import { reportPdfContent } from './report-pdf-content.js';
import { resolveVersion } from '../cda/versioning.js';
import { el, serializeXmlDocument } from '../cda/xml-tree.js';
import type { XmlElement } from '../cda/xml-tree.js';

/** Generation options. */
export interface GenerateImagingReportOptions {
  /**
   * `1`: CDA header + `nonXMLBody` carrying the PDF (the form the RIS, PFI and DRIMbox use today);
   * `3`: structured body per IMG-CR-IMG 2024.01 (the only form where the viewer URL is machine-readable).
   */
  level: 1 | 3;
}

/** A generated report: the CDA and the version identifiers to keep for a later replacement (pass them as `document.replaces`). */
export interface GeneratedImagingReport {
  /** The CDA R2 document, UTF-8 XML text. */
  xml: string;
  /** `ClinicalDocument/id` — new for every version. */
  documentId: InstanceIdentifier;
  /** `ClinicalDocument/setId` — stable across versions. */
  setId: InstanceIdentifier;
  /** `ClinicalDocument/versionNumber`. */
  versionNumber: number;
  /** The completed DRIMbox viewer URL (with `idCDA` = this version's id), when a partial URL was given. */
  viewerUrl?: string;
  /** Level 1: the PDF carried in the body (the host's or the rendered one). */
  pdf?: Uint8Array;
}

/**
 * Generates the imaging report (*compte rendu d'imagerie*, CI-SIS IMG-CR-IMG 2024.01) as a CDA R2
 * document. The XML is built as a tree and serialised by fast-xml-parser: all host text is escaped,
 * never concatenated into markup.
 *
 * Asynchronous because rendering the level-1 PDF (pdf-lib) is.
 *
 * @throws ImagingReportError `TLR_ERR_REPORT_INPUT_INVALID` (with every problem listed) when the input
 *   cannot give a conformant document; `TLR_ERR_REPORT_PDF_INVALID` when the host's PDF is not a PDF;
 *   `TLR_ERR_REPORT_VIEWER_URL_INVALID` when the partial viewer URL is not an http(s) URL.
 */
export async function generateImagingReport(
  input: ImagingReportInput,
  options: GenerateImagingReportOptions,
): Promise<GeneratedImagingReport> {
  const level = options.level;
  if (level !== 1 && level !== 3)
    throw new ImagingReportError('TLR_ERR_REPORT_INPUT_INVALID', `unknown CDA level ${String(level)}, expected 1 or 3`);
  const problems = checkImagingReportInput(input, level);
  const { version, problems: versionProblems } = resolveVersion(input.document);
  problems.push(...versionProblems);
  if (problems.length > 0) {
    throw new ImagingReportError('TLR_ERR_REPORT_INPUT_INVALID', `the imaging report input has ${problems.length} problem(s)`, problems);
  }

  const viewerUrl = input.viewer ? completeViewerUrl(input.viewer.partialUrl, version.documentId.root) : undefined;

  let body: XmlElement;
  let pdf: Uint8Array | undefined;
  if (level === 1) {
    pdf = input.content.pdf ?? (await renderReportPdf(reportPdfContent(input, version, viewerUrl)));
    if (!startsWithPdfSignature(pdf))
      throw new ImagingReportError('TLR_ERR_REPORT_PDF_INVALID', 'content.pdf does not start with the %PDF- signature');
    body = el(
      'component',
      {},
      el(
        'nonXMLBody',
        {},
        el(
          'text',
          { mediaType: 'application/pdf', representation: 'B64' },
          Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('base64'),
        ),
      ),
    );
  } else {
    body = buildStructuredBody(input, viewerUrl);
  }

  const root = el(
    'ClinicalDocument',
    { xmlns: 'urn:hl7-org:v3', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xmlns:ps3-20': 'urn:dicom-org:ps3-20' },
    buildHeader(input, version, level),
    body,
  );
  const result: GeneratedImagingReport = {
    xml: serializeXmlDocument(root),
    documentId: version.documentId,
    setId: version.setId,
    versionNumber: version.versionNumber,
  };
  if (viewerUrl !== undefined) result.viewerUrl = viewerUrl;
  if (pdf !== undefined) result.pdf = pdf;
  return result;
}

function startsWithPdfSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';
}
