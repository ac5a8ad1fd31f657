import type { InstanceIdentifier } from '../cda/cda-elements.js';
import { renderReportPdf } from '../cda/pdf/render-report-pdf.js';
import { resolveVersion } from '../cda/versioning.js';
import { el, serializeXmlDocument } from '../cda/xml-tree.js';
import type { XmlElement } from '../cda/xml-tree.js';
import { buildRequestBody } from './body-level3.js';
import { ImagingRequestError } from './errors.js';
import { buildRequestHeader } from './header.js';
import type { ImagingRequestInput } from './input.js';
import { checkImagingRequestInput } from './input-checks.js';
import { requestPdfContent } from './request-pdf-content.js';

/** Generation options: `1` CDA header + PDF body (`nonXMLBody`), `3` structured body per IMG-DA-IMG 2024.01. */
export interface GenerateImagingRequestOptions {
  level: 1 | 3;
}

/** A generated request: the CDA and the version identifiers to keep for a replacement (`document.replaces`). */
export interface GeneratedImagingRequest {
  xml: string;
  documentId: InstanceIdentifier;
  setId: InstanceIdentifier;
  versionNumber: number;
  level: 1 | 3;
  /** Level 1: the PDF carried in the body (the host's or the rendered one). */
  pdf?: Uint8Array;
}

/**
 * Generates the imaging request (*demande d'actes d'imagerie*, CI-SIS IMG-DA-IMG 2024.01) as a CDA R2
 * document from the flow-1 order and the clinical data only the document carries. Built as a tree
 * and serialised by fast-xml-parser (all host text escaped), as the imaging report is.
 *
 * @throws ImagingRequestError `TLR_ERR_REQUEST_INPUT_INVALID` (every problem listed) when the input
 *   cannot give a conformant document; `TLR_ERR_REQUEST_PDF_INVALID` when the host's PDF is not a PDF.
 */
export async function generateImagingRequest(
  input: ImagingRequestInput,
  options: GenerateImagingRequestOptions,
): Promise<GeneratedImagingRequest> {
  const level = options.level;
  if (level !== 1 && level !== 3)
    throw new ImagingRequestError('TLR_ERR_REQUEST_INPUT_INVALID', `unknown CDA level ${String(level)}, expected 1 or 3`);
  const problems = checkImagingRequestInput(input, level);
  const { version, problems: versionProblems } = resolveVersion(input.document);
  problems.push(...versionProblems);
  if (problems.length > 0)
    throw new ImagingRequestError('TLR_ERR_REQUEST_INPUT_INVALID', `the imaging request input has ${problems.length} problem(s)`, problems);

  let body: XmlElement;
  let pdf: Uint8Array | undefined;
  if (level === 1) {
    pdf = input.pdf ?? (await renderReportPdf(requestPdfContent(input, version)));
    if (!(pdf.length >= 5 && Buffer.from(pdf.subarray(0, 5)).toString('latin1') === '%PDF-'))
      throw new ImagingRequestError('TLR_ERR_REQUEST_PDF_INVALID', 'pdf does not start with the %PDF- signature');
    body = el(
      'component',
      {},
      el('nonXMLBody', {}, el('text', { mediaType: 'application/pdf', representation: 'B64' }, Buffer.from(pdf).toString('base64'))),
    );
  } else {
    body = buildRequestBody(input);
  }
  const root = el(
    'ClinicalDocument',
    { xmlns: 'urn:hl7-org:v3', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' },
    buildRequestHeader(input, version, level),
    body,
  );
  const result: GeneratedImagingRequest = {
    xml: serializeXmlDocument(root),
    documentId: version.documentId,
    setId: version.setId,
    versionNumber: version.versionNumber,
    level,
  };
  if (pdf !== undefined) result.pdf = pdf;
  return result;
}
