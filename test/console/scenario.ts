import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { ImagingOrder } from '../../src/tlr/model/index.js';
import { INS_OID } from '../../src/tlr/vocabulary.js';
import * as fx from '../tlr/fixtures.js';

/**
 * Data of the console scenario: a few orders of different patients and modalities (each valid
 * against the volet, with a correct INS-NIR key), and a protocol PDF built with pdf-lib so that the
 * browser's viewer really renders a page.
 */

/** INS-NIR of 15 characters from a 13-digit body: the key is 97 − (body mod 97). */
export function insNir(body13: string): string {
  return `${body13}${String(97n - (BigInt(body13) % 97n)).padStart(2, '0')}`;
}

interface Variant {
  placer: string;
  birthName: string;
  given: string;
  sex: 'F' | 'M';
  birthDate: string;
  insBody: string;
  modality: [string, string, 'DCM' | 'terminologie-cisis-fr'];
  region: [string, string];
  requestedAt: string;
}

const VARIANTS: Variant[] = [
  {
    placer: 'OPN101',
    birthName: 'PAT-TROIS',
    given: 'DOMINIQUE',
    sex: 'F',
    birthDate: '1979-03-28',
    insBody: '2790351215189',
    modality: ['MR', 'IRM', 'DCM'],
    region: ['774007', 'tête et/ou cou'],
    requestedAt: '2026-01-06T13:44:18+01:00',
  },
  {
    placer: 'OPN102',
    birthName: 'MARTIN',
    given: 'LUCAS',
    sex: 'M',
    birthDate: '1956-11-02',
    insBody: '1561175056123',
    modality: ['CT', 'Scanner/TDM', 'DCM'],
    region: ['67734004', 'segment thoracique du tronc'],
    requestedAt: '2026-01-06T14:02:51+01:00',
  },
  {
    placer: 'OPN103',
    birthName: 'BERNARD',
    given: 'CHLOE',
    sex: 'F',
    birthDate: '1991-07-19',
    insBody: '2910769123045',
    modality: ['MED-1126', 'Radiographie sans contraste', 'terminologie-cisis-fr'],
    region: ['61685007', 'membre inférieur'],
    requestedAt: '2026-01-06T14:15:07+01:00',
  },
  {
    placer: 'OPN104',
    birthName: 'PETIT',
    given: 'HUGO',
    sex: 'M',
    birthDate: '2004-02-11',
    insBody: '1040233063218',
    modality: ['CT', 'Scanner/TDM', 'DCM'],
    region: ['63337009', 'segment abdominopelvien du tronc'],
    requestedAt: '2026-01-06T14:31:40+01:00',
  },
];

function orderOf(v: Variant): ImagingOrder {
  const patient = {
    ...fx.patient,
    ins: { value: insNir(v.insBody), authorityOid: INS_OID.nir, effectiveDate: '2010-12-07' },
    identifiers: [{ ...fx.patient.identifiers![0]!, value: `IPP-${v.insBody.slice(-4)}` }],
    birthName: v.birthName,
    usedName: v.birthName,
    firstGivenName: v.given,
    usedGivenName: v.given[0] + v.given.slice(1).toLowerCase(),
    birthGivenNames: v.given,
    sex: v.sex,
    birthDate: v.birthDate,
  };
  return {
    ...fx.order,
    placerOrderNumber: { ...fx.order.placerOrderNumber, value: v.placer },
    patient,
    requestedAt: v.requestedAt,
    requestedModality: { code: v.modality[0], codingSystem: v.modality[2], display: v.modality[1] },
    anatomicalRegions: [{ region: { code: v.region[0], display: v.region[1] } }],
  };
}

/** The scenario's orders, by placer number. */
export const ORDERS: Record<string, ImagingOrder> = Object.fromEntries(VARIANTS.map((v) => [v.placer, orderOf(v)]));

/** A one-page protocol PDF with readable text. */
export async function protocolPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle('Protocole IRM cerebrale');
  const page = doc.addPage([595, 842]);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText("Protocole d'acquisition - IRM cerebrale", { x: 50, y: 780, size: 18, font: bold, color: rgb(0.04, 0.24, 0.45) });
  const lines = [
    'Sequences : T1, T2 FLAIR, diffusion, T2*',
    'Injection : gadolinium 0,1 mmol/kg',
    'Coupes : 3 mm, axiales et coronales',
    'Radiologue : Dr Thomas Eric (IDNPS 801234564895)',
  ];
  lines.forEach((l, i) => {
    page.drawText(l, { x: 50, y: 740 - i * 22, size: 12, font });
  });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Body of `POST /api/orders/:placer/accept` with a text and a PDF protocol. */
export async function acceptBody(): Promise<Record<string, unknown>> {
  return {
    remoteRadiologist: fx.remoteRadiologist,
    platform: fx.platform,
    protocols: [
      { kind: 'text', text: 'IRM cérébrale :\nséquences T1, T2 FLAIR, diffusion\ninjection de gadolinium 0,1 mmol/kg' },
      { kind: 'document', mediaType: 'application/pdf', base64: (await protocolPdf()).toString('base64') },
    ],
  };
}

export const refuseBody = {
  remoteRadiologist: fx.remoteRadiologist,
  platform: fx.platform,
  reason: { code: 'EXAMEN_NON_PERTINENT', codingSystem: 'L', text: 'Examen non pertinent : préférer un scanner' },
};

export const postExamBody = { exams: fx.postExamInfo.exams };

/** Text of the imaging report the platform writes for OPN101 (the PDF of the level-1 CDA is rendered from it). */
export const reportContent = {
  clinicalContext: "Céphalées brutales depuis 48 h, vomissements, flou visuel. Recherche d'hémorragie méningée.",
  technique: 'IRM encéphalique 1,5 T : T1, T2 FLAIR, diffusion, T2*, T1 après injection de gadolinium (0,1 mmol/kg).',
  findings:
    "Pas d'anomalie de signal du parenchyme cérébral.\nPas de saignement intra- ni extra-axial.\nPas de prise de contraste " +
    'anormale. Sinus veineux perméables.',
  conclusion: "IRM encéphalique normale. Pas d'argument pour une hémorragie méningée ni une thrombophlébite.",
};
