import { PDFDocument, PageSizes, StandardFonts, rgb } from 'pdf-lib';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { splitLines } from '../narrative.js';
import { toDrawableText } from './win-ansi-text.js';

/** What the PDF shows: labelled blocks of identity data, then the report's sections. */
export interface ReportPdfContent {
  /** Document title (also the PDF `Title`). */
  title: string;
  /** Author (PDF `Author`): the radiologist's name. */
  author: string;
  /** Subject (PDF `Subject`). */
  subject: string;
  /** Creation date of the report (PDF `CreationDate` and `ModDate`, so that the bytes only depend on the report). */
  createdAt: Date;
  /** Identity blocks (patient, exam, facility, radiologist…): a heading and label/value rows. */
  blocks: { heading: string; rows: [label: string, value: string][] }[];
  /** Report sections (indication, technique, résultats, conclusion…): a heading and free text. */
  sections: { heading: string; text: string }[];
  /** Footer text on every page, before the page number (e.g. the document id). */
  footer: string;
}

const MARGIN = 50;
const BODY_SIZE = 10;
const LINE = 13;
const HEADING_SIZE = 11.5;
const TITLE_SIZE = 15;
const FOOTER_SIZE = 8;
const TEXT_COLOR = rgb(0.1, 0.1, 0.1);
const RULE_COLOR = rgb(0.55, 0.55, 0.6);

/**
 * Renders the human-readable imaging report as an A4 PDF with pdf-lib and the standard Helvetica
 * fonts (WinAnsi; other characters replaced, see `toDrawableText`). The output depends only on the
 * content (creation and modification dates are the report's), so the same report gives the same bytes.
 *
 * Not PDF/A: the standard fonts are referenced, not embedded, and there is no XMP metadata or output
 * intent. What it has of PDF/A's spirit: no JavaScript, no external content, no encryption, no
 * transparency, document information (title, author, subject, language `fr-FR`, dates).
 */
export async function renderReportPdf(content: ReportPdfContent): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const charset = new Set(regular.getCharacterSet());
  const safe = (text: string): string => toDrawableText(text, charset);

  pdf.setTitle(safe(content.title), { showInWindowTitleBar: true });
  pdf.setAuthor(safe(content.author));
  pdf.setSubject(safe(content.subject));
  pdf.setCreator('cisis-tlr');
  pdf.setProducer('cisis-tlr (pdf-lib)');
  pdf.setLanguage('fr-FR');
  pdf.setCreationDate(content.createdAt);
  pdf.setModificationDate(content.createdAt);

  const [pageWidth, pageHeight] = PageSizes.A4;
  const width = pageWidth - 2 * MARGIN;
  const bottom = MARGIN + 2 * LINE;
  let page: PDFPage = pdf.addPage(PageSizes.A4);
  let y = pageHeight - MARGIN;

  const ensure = (height: number): void => {
    if (y - height < bottom) {
      page = pdf.addPage(PageSizes.A4);
      y = pageHeight - MARGIN;
    }
  };
  const drawLine = (text: string, font: PDFFont, size: number, x = MARGIN): void => {
    ensure(size + 3);
    y -= size + 3;
    page.drawText(text, { x, y, size, font, color: TEXT_COLOR });
  };
  const rule = (): void => {
    ensure(8);
    y -= 5;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + width, y }, thickness: 0.6, color: RULE_COLOR });
    y -= 3;
  };

  for (const line of wrap(safe(content.title), bold, TITLE_SIZE, width)) drawLine(line, bold, TITLE_SIZE);
  rule();

  for (const block of content.blocks) {
    ensure(HEADING_SIZE + 3 + LINE * Math.min(block.rows.length, 3));
    y -= 4;
    drawLine(safe(block.heading), bold, HEADING_SIZE);
    const labelWidth = 150;
    for (const [label, value] of block.rows) {
      const lines = wrap(safe(value), regular, BODY_SIZE, width - labelWidth);
      lines.forEach((line, i) => {
        ensure(LINE);
        y -= LINE;
        if (i === 0) page.drawText(safe(label), { x: MARGIN, y, size: BODY_SIZE, font: bold, color: TEXT_COLOR });
        page.drawText(line, { x: MARGIN + labelWidth, y, size: BODY_SIZE, font: regular, color: TEXT_COLOR });
      });
    }
  }
  rule();

  for (const section of content.sections) {
    ensure(HEADING_SIZE + 3 + LINE * 2);
    y -= 6;
    drawLine(safe(section.heading), bold, HEADING_SIZE);
    const paragraphs = splitLines(section.text);
    for (const paragraph of paragraphs.length > 0 ? paragraphs : ['Non renseigné']) {
      for (const line of wrap(safe(paragraph), regular, BODY_SIZE, width)) {
        ensure(LINE);
        y -= LINE;
        page.drawText(line, { x: MARGIN, y, size: BODY_SIZE, font: regular, color: TEXT_COLOR });
      }
      y -= 3;
    }
  }

  const pages = pdf.getPages();
  const footer = safe(content.footer);
  pages.forEach((p, i) => {
    const label = `Page ${i + 1} / ${pages.length}`;
    const labelWidth = regular.widthOfTextAtSize(label, FOOTER_SIZE);
    const footerLines = wrap(footer, regular, FOOTER_SIZE, width - labelWidth - 20);
    p.drawText(footerLines[0] ?? '', { x: MARGIN, y: MARGIN - 10, size: FOOTER_SIZE, font: regular, color: RULE_COLOR });
    p.drawText(label, { x: pageWidth - MARGIN - labelWidth, y: MARGIN - 10, size: FOOTER_SIZE, font: regular, color: RULE_COLOR });
  });

  return pdf.save({ useObjectStreams: false });
}

/**
 * Greedy word wrap on measured widths; a word longer than the line (a URL, a UID) is cut by
 * characters so that nothing overflows the page.
 */
export function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  const fits = (t: string): boolean => font.widthOfTextAtSize(t, size) <= maxWidth;
  for (const word of text.split(/ +/).filter((w) => w.length > 0)) {
    const candidate = current ? `${current} ${word}` : word;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = '';
    if (fits(word)) {
      current = word;
      continue;
    }
    let piece = '';
    for (const ch of word) {
      if (fits(piece + ch)) piece += ch;
      else {
        lines.push(piece);
        piece = ch;
      }
    }
    current = piece;
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}
