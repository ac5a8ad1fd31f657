import { PDFDocument, PageSizes, StandardFonts, rgb } from 'pdf-lib';

/** What a simulated protocol sheet shows. Text is French and must be WinAnsi-drawable (Helvetica). */
export interface ProtocolSheet {
  /** The exam, e.g. `Scanner/TDM – CT tête`. */
  exam: string;
  /** The placer order number the protocol answers. */
  placerOrderNumber: string;
  /** `Dr Hélène Lefèvre`. */
  radiologist: string;
  platform: string;
  issuedAt: Date;
  lines: readonly string[];
}

/**
 * Renders a one-page A4 protocol (*protocole d'imagerie*) as a real PDF (pdf-lib, standard
 * fonts, no object streams so older viewers open it). A few kilobytes: it travels base64-encoded
 * in OBX-5 of flow 3. The dates are those of the sheet, so a replayed simulation gives the same
 * document apart from the PDF's own ID.
 */
export async function renderProtocolPdf(sheet: ProtocolSheet): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Protocole d'imagerie – demande ${sheet.placerOrderNumber}`);
  pdf.setAuthor(sheet.radiologist);
  pdf.setProducer('cisis-tlr simulator (pdf-lib)');
  pdf.setCreationDate(sheet.issuedAt);
  pdf.setModificationDate(sheet.issuedAt);
  const page = pdf.addPage(PageSizes.A4);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const { height } = page.getSize();
  let y = height - 72;
  const line = (text: string, size = 11, font = regular): void => {
    page.drawText(text, { x: 60, y, size, font, color: rgb(0.1, 0.1, 0.15) });
    y -= size * 1.6;
  };
  line('Protocole d’imagerie médicale', 18, bold);
  y -= 6;
  line(sheet.platform, 11, bold);
  line(`Demande n° ${sheet.placerOrderNumber}`);
  line(`Examen : ${sheet.exam}`);
  line(`Radiologue : ${sheet.radiologist}`);
  line(`Émis le ${parisDateTime(sheet.issuedAt)}`);
  y -= 10;
  for (const l of sheet.lines) line(`•  ${l}`);
  return pdf.save({ useObjectStreams: false });
}

/** `28/11/2026 à 15:42` in Paris time, written by hand: ICU's fr-FR output uses U+202F, which WinAnsi fonts cannot draw. */
function parisDateTime(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts['day']}/${parts['month']}/${parts['year']} à ${parts['hour']}:${parts['minute']}`;
}
