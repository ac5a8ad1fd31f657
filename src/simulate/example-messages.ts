import { createHash } from 'node:crypto';
import type { GeneratedImagingReport, ImagingReportInput } from '../documents/report/index.js';
import { generateImagingReport } from '../documents/report/index.js';
import type { BusinessReceipt } from '../documents/transport/index.js';
import { buildBusinessReceipt, buildDocumentAck, buildDocumentMessage, readDocumentMessage } from '../documents/transport/index.js';
import type { Message } from '../hl7/index.js';
import { formatTS } from '../hl7/index.js';
import type { GatewayConfig } from '../gateway/config.js';
import { defaultConfig } from '../gateway/config.js';
import { documentRequestFor } from '../gateway/documents/document-request.js';
import type { ReportRequest } from '../gateway/documents/report-input.js';
import { reportInputFor } from '../gateway/documents/report-input.js';
import { completeOnwardConfig } from '../gateway/onward/onward-config.js';
import { planOnwardMessage } from '../gateway/onward/onward-request.js';
import type { Decision, ImagingOrder, MessageCharset, MessageContextInput, PostExamInfo } from '../tlr/index.js';
import {
  buildAcknowledgement,
  buildCancellationMessage,
  buildDecisionMessage,
  buildOrderMessage,
  buildPostExamMessage,
  dateTimeFromDate,
} from '../tlr/index.js';
import { ClinicalDataGenerator } from './clinical-data-generator.js';

/** One example message file: its path under `examples/messages/`, its bytes, and what it is. */
export interface ExampleMessage {
  /** Relative path, `/`-separated (e.g. `utf-8/01-flow1-order-NW.hl7`). */
  path: string;
  bytes: Uint8Array;
  /** One line for the README. */
  description: string;
  /** Who sends it: the command to try it with (`send` to the other half's MLLP port). */
  sender: 'ris' | 'platform' | 'pfi';
}

/** The fixed clock of the examples (Monday 2 March 2026, 09:30 in Paris): regenerating gives the same bytes. */
export const EXAMPLES_EPOCH = new Date('2026-03-02T08:30:00Z');
/** The seed of the synthetic patients, one per character set. */
const SEEDS: Readonly<Record<MessageCharset, number>> = { 'UNICODE UTF-8': 20260302, '8859/15': 20260303 };
const FOLDERS: Readonly<Record<MessageCharset, string>> = { 'UNICODE UTF-8': 'utf-8', '8859/15': 'iso-8859-15' };
/** Level 3 needs the anatomical location of the technique (JDV_LocalisationAnatomique-CISIS, SNOMED CT). */
const WHOLE_HEAD = { code: '302548004', displayName: 'tête entière' };

const UUID = /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/g;

/** A stable UUID (version 8, RFC 4122 variant) named by a label. */
function stableUuid(label: string): string {
  const hex = createHash('sha256').update(label, 'utf8').digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A stable `2.25` OID named by a label (the form the generator gives document ids). */
function stableOid(label: string): string {
  return `2.25.${BigInt(`0x${stableUuid(label).replace(/-/g, '')}`).toString(10)}`;
}

/**
 * The generator gives each section and entry of a structured (level 3) CDA a fresh UUID; the examples
 * replace them, in order, by UUIDs named after the document, so that regenerating them gives the same
 * bytes. Nothing else of the document is touched.
 */
function stableSectionIds(xml: string, label: string): string {
  let n = 0;
  return xml.replace(UUID, () => stableUuid(`${label}#${++n}`));
}

const minutes = (m: number): Date => new Date(EXAMPLES_EPOCH.getTime() + m * 60_000);

/**
 * Every example message of `examples/messages/`, built with the library's own writers from the clinical data
 * generator's synthetic patients, with a fixed seed, clock and control ids: the four flows in both character
 * sets the volet allows (MSH-18 `UNICODE UTF-8` and `8859/15`), both decisions and both protocol forms, the
 * imaging reports (MDM^T02 level 1 and level 3, T10, T04), the onward message to the hospital's integration
 * platform (volet 2.1) and its business receipt (ZAM^Z01), with the acknowledgement of each.
 */
export async function generateExampleMessages(): Promise<ExampleMessage[]> {
  const out: ExampleMessage[] = [];
  for (const charset of ['UNICODE UTF-8', '8859/15'] as const) out.push(...(await flowExamples(charset)));
  out.push(...(await documentExamples()));
  return out;
}

interface Routing {
  ris: GatewayConfig;
  platform: GatewayConfig;
}

function routing(): Routing {
  const ris = { ...defaultConfig('ris'), processingId: 'T' as const };
  const platform = { ...defaultConfig('platform'), processingId: 'T' as const };
  return { ris, platform };
}

function contextOf(from: GatewayConfig, charset: MessageCharset, controlId: string, at: Date): MessageContextInput {
  return {
    sendingApplication: from.identity.application,
    sendingFacility: from.identity.facility,
    receivingApplication: from.partner.application,
    receivingFacility: from.partner.facility,
    processingId: from.processingId,
    charset,
    controlId,
    timestamp: dateTimeFromDate(at),
  };
}

/** The acknowledgement (AA) of a flow message, as the receiving half answers it. */
function ackOf(message: Message, controlId: string, at: Date): Message {
  return buildAcknowledgement(message, { code: 'AA', controlId, timestamp: dateTimeFromDate(at) });
}

interface Story {
  generator: ClinicalDataGenerator;
  accepted: ImagingOrder;
  acceptedPdf: ImagingOrder;
  refused: ImagingOrder;
  cancelled: ImagingOrder;
  decisions: { text: Decision; pdf: Decision };
  postExam: { accepted: PostExamInfo; acceptedPdf: PostExamInfo };
}

async function story(charset: MessageCharset, r: Routing): Promise<Story> {
  const generator = new ClinicalDataGenerator({ seed: SEEDS[charset], processingId: 'T', facility: 0, now: () => EXAMPLES_EPOCH });
  const [accepted, acceptedPdf, refused, cancelled] = [
    generator.imagingOrder(),
    generator.imagingOrder(),
    generator.imagingOrder(),
    generator.imagingOrder(),
  ] as [ImagingOrder, ImagingOrder, ImagingOrder, ImagingOrder];
  const base = (o: ImagingOrder) => ({ placerOrderNumber: o.placerOrderNumber, patient: o.patient, visit: o.visit });
  const radiologist = generator.radiologists[0]!;
  const platform = r.platform.organisation;
  const text: Decision = {
    ...base(accepted),
    remoteRadiologist: radiologist,
    platform,
    outcome: { accepted: true, protocols: [generator.textProtocol(accepted)] },
  };
  const pdf: Decision = {
    ...base(acceptedPdf),
    remoteRadiologist: radiologist,
    platform,
    outcome: { accepted: true, protocols: [await generator.pdfProtocol(acceptedPdf, radiologist, platform)] },
  };
  const exams = (o: ImagingOrder): PostExamInfo => ({ ...base(o), exams: generator.performedExams(o) });
  return {
    generator,
    accepted,
    acceptedPdf,
    refused,
    cancelled,
    decisions: { text, pdf },
    postExam: { accepted: exams(accepted), acceptedPdf: exams(acceptedPdf) },
  };
}

async function flowExamples(charset: MessageCharset): Promise<ExampleMessage[]> {
  const r = routing();
  const s = await story(charset, r);
  const folder = FOLDERS[charset];
  const tag = charset === 'UNICODE UTF-8' ? 'U' : 'L';
  const out: ExampleMessage[] = [];
  let step = 0;
  const add = (name: string, message: Message, sender: 'ris' | 'platform', description: string): void => {
    step++;
    const file = `${folder}/${String(step).padStart(2, '0')}-${name}`;
    out.push({ path: `${file}.hl7`, bytes: message.toBytes(), description, sender });
    const at = minutes(step * 10 + 1);
    const ack = ackOf(message, `${tag}ACK${String(step).padStart(3, '0')}`, at);
    out.push({
      path: `${file}.ack.hl7`,
      bytes: ack.toBytes(),
      description: `its acknowledgement (AA)`,
      sender: sender === 'ris' ? 'platform' : 'ris',
    });
  };
  const ctx = (from: GatewayConfig) => contextOf(from, charset, `${tag}${String(step + 1).padStart(5, '0')}`, minutes((step + 1) * 10));
  const refusal = s.generator.refusalReason();
  const cancellation = s.generator.cancellationReason();

  add('flow1-order-NW', buildOrderMessage(s.accepted, ctx(r.ris)), 'ris', 'flow 1, imaging request (ORM^O01, ORC-1 NW)');
  add(
    'flow3-accepted-OK-text-protocol',
    buildDecisionMessage(s.decisions.text, ctx(r.platform)),
    'platform',
    'flow 3, request accepted (ORU^R01, ORC-1 OK) with the protocol as text (OBX-2 TX)',
  );
  add(
    'flow4-post-exam-SR',
    buildPostExamMessage(s.postExam.accepted, ctx(r.ris)),
    'ris',
    'flow 4, post-exam information (OMI^O23, ORC-1 SR): accession number, study UID, DRIMbox URL',
  );
  add('flow1-order-NW', buildOrderMessage(s.acceptedPdf, ctx(r.ris)), 'ris', 'flow 1, a second imaging request');
  add(
    'flow3-accepted-OK-pdf-protocol',
    buildDecisionMessage(s.decisions.pdf, ctx(r.platform)),
    'platform',
    'flow 3, request accepted (ORC-1 OK) with the protocol as a base64 PDF (OBX-2 ED)',
  );
  add('flow4-post-exam-SR', buildPostExamMessage(s.postExam.acceptedPdf, ctx(r.ris)), 'ris', 'flow 4, its post-exam information');
  add('flow1-order-NW', buildOrderMessage(s.refused, ctx(r.ris)), 'ris', 'flow 1, a request the platform refuses');
  add(
    'flow3-refused-OC',
    buildDecisionMessage(
      {
        placerOrderNumber: s.refused.placerOrderNumber,
        patient: s.refused.patient,
        visit: s.refused.visit,
        remoteRadiologist: s.generator.radiologists[1]!,
        platform: r.platform.organisation,
        outcome: { accepted: false, reason: refusal },
      },
      ctx(r.platform),
    ),
    'platform',
    'flow 3, request refused (ORU^R01, ORC-1 OC) with its reason (ORC-16)',
  );
  add('flow1-order-NW', buildOrderMessage(s.cancelled, ctx(r.ris)), 'ris', 'flow 1, a request the facility then cancels');
  add(
    'flow2-cancellation-CA',
    buildCancellationMessage(
      {
        placerOrderNumber: s.cancelled.placerOrderNumber,
        patient: s.cancelled.patient,
        visit: s.cancelled.visit,
        cancelledAt: dateTimeFromDate(minutes(95)),
        responsibleProfessional: s.cancelled.responsibleProfessional,
        imagingFacility: s.cancelled.imagingFacility,
        reason: cancellation,
      },
      ctx(r.ris),
    ),
    'ris',
    'flow 2, cancellation (ORM^O01, ORC-1 CA) with its reason (ORC-16)',
  );
  return out;
}

interface GeneratedReport {
  message: Message;
  generated: GeneratedImagingReport;
}

async function report(
  r: Routing,
  order: ImagingOrder,
  decision: Decision,
  postExam: PostExamInfo,
  request: ReportRequest,
  kind: 'initial' | 'replace' | 'delete',
  label: string,
  controlId: string,
  at: Date,
  current?: GeneratedImagingReport,
): Promise<GeneratedReport> {
  const input: ImagingReportInput = reportInputFor(r.platform, { order, decision, postExamInfo: postExam }, request, at);
  if (kind === 'initial' || kind === 'replace') input.document.id = { root: stableOid(label) };
  if (kind === 'replace' && current)
    input.document.replaces = { documentId: current.documentId, setId: current.setId, versionNumber: current.versionNumber };
  if (kind === 'delete' && current) {
    input.document.id = current.documentId;
    input.document.setId = current.setId;
    input.document.versionNumber = current.versionNumber;
  }
  const raw = await generateImagingReport(input, { level: request.level ?? 1 });
  const generated = { ...raw, xml: stableSectionIds(raw.xml, label) };
  const documentRequest = documentRequestFor(r.platform, order, input, generated, kind, current?.documentId);
  documentRequest.context = { ...documentRequest.context, controlId, timestamp: at };
  return { message: buildDocumentMessage(documentRequest), generated };
}

async function documentExamples(): Promise<ExampleMessage[]> {
  const r = routing();
  const s = await story('UNICODE UTF-8', r);
  const out: ExampleMessage[] = [];
  const folder = 'reports';
  const content = s.generator.reportContent(s.accepted);
  const corrected = s.generator.reportContent(s.accepted, { corrected: true });
  const deleted = { clinicalContext: 'Document supprimé', technique: '-', findings: '-', conclusion: '-' };
  const add = (name: string, message: Message, sender: ExampleMessage['sender'], description: string, ackId: string, at: Date): void => {
    out.push({ path: `${folder}/${name}.hl7`, bytes: message.toBytes(), description, sender });
    const ack = buildDocumentAck(message, { code: 'AA', controlId: ackId, timestamp: at });
    out.push({
      path: `${folder}/${name}.ack.hl7`,
      bytes: ack.toBytes(),
      description: 'its acknowledgement (AA)',
      sender: sender === 'pfi' ? 'ris' : sender === 'ris' ? 'pfi' : 'ris',
    });
  };

  const t02 = await report(r, s.accepted, s.decisions.text, s.postExam.accepted, { content }, 'initial', 'T02', 'R00001', minutes(120));
  add(
    '01-mdm-t02-level1',
    t02.message,
    'platform',
    'the imaging report (MDM^T02, CDA R2 CR-IMG level 1: the PDF in nonXMLBody, base64 in OBX-5) of the order of utf-8/01',
    'RACK001',
    minutes(121),
  );
  const t10 = await report(
    r,
    s.accepted,
    s.decisions.text,
    s.postExam.accepted,
    { content: corrected },
    'replace',
    'T10',
    'R00002',
    minutes(130),
    t02.generated,
  );
  add('02-mdm-t10-replacement', t10.message, 'platform', 'its replacement (MDM^T10, version 2 of the same set)', 'RACK002', minutes(131));
  const t04 = await report(
    r,
    s.accepted,
    s.decisions.text,
    s.postExam.accepted,
    { content: deleted },
    'delete',
    'T04',
    'R00003',
    minutes(140),
    t10.generated,
  );
  add('03-mdm-t04-deletion', t04.message, 'platform', 'its deletion (MDM^T04, repeating the deleted version)', 'RACK003', minutes(141));
  const level3 = await report(
    r,
    s.acceptedPdf,
    s.decisions.pdf,
    s.postExam.acceptedPdf,
    { content: s.generator.reportContent(s.acceptedPdf), level: 3, anatomicalLocation: WHOLE_HEAD },
    'initial',
    'T02-level3',
    'R00004',
    minutes(150),
  );
  add(
    '04-mdm-t02-level3',
    level3.message,
    'platform',
    'a structured report (MDM^T02, CDA R2 IMG-CR-IMG level 3) of the order of utf-8/04',
    'RACK004',
    minutes(151),
  );

  // The RIS forwards the report it accepted to the hospital's integration platform (volet 2.1, MDM v2.6).
  const pfi = completeOnwardConfig({}, r.ris.identity)!;
  const received = readDocumentMessage(t02.message).value!;
  const plan = planOnwardMessage(r.ris, pfi, {
    kind: 'initial',
    received,
    bytes: Buffer.from(t02.generated.xml, 'utf8'),
    report: { documentId: t02.generated.documentId, setId: t02.generated.setId, version: t02.generated.versionNumber, title: '' },
    order: s.accepted,
    raw: t02.message.toBytes(),
  });
  const onward = plan.message!;
  // The route gives its messages a fresh control id and the time they are built: fixed here, like the others.
  onward.set('MSH-10', 'P00001');
  onward.set('MSH-7', formatTS(minutes(160)));
  onward.set('EVN-2', formatTS(minutes(160)));
  add(
    '05-onward-mdm-t02-to-pfi',
    onward,
    'ris',
    'the same report forwarded by the RIS to the integration platform (PFI), "CDA en HL7 v2" volet 2.1 (MDM^T02 v2.6, DESTDMP)',
    'PACK001',
    minutes(161),
  );
  const receipt: BusinessReceipt = { kind: 'dmp', acknowledgedControlId: 'P00001', success: true, eventTime: minutes(170) };
  const zam = buildBusinessReceipt(receipt, {
    sendingApplication: 'PFI',
    sendingFacility: 'PFI',
    receivingApplication: r.ris.identity.application,
    receivingFacility: r.ris.identity.facility,
    processingId: 'T',
    controlId: 'Z00001',
    timestamp: minutes(171),
  });
  add('06-zam-z01-dmp-receipt', zam, 'pfi', "the PFI's business receipt: published in the DMP (ZAM^Z01)", 'ZACK001', minutes(172));
  return out;
}

const SENDERS: Readonly<Record<ExampleMessage['sender'], string>> = {
  ris: 'RIS → platform',
  platform: 'platform → RIS',
  pfi: 'PFI → RIS',
};

/** `examples/messages/README.md`: what each file is and the commands to try them with (generated with the files). */
export function renderExamplesReadme(examples: readonly ExampleMessage[]): string {
  const rows = examples.map((e) => {
    const who = e.path.endsWith('.ack.hl7') ? SENDERS[e.sender].replace(/^(\S+) → (\S+)$/, '$1 → $2 (ACK)') : SENDERS[e.sender];
    return `| \`${e.path}\` | ${who} | ${e.description} |`;
  });
  return `${[
    '# Example messages',
    '',
    'Generated by `npm run generate:examples` (`scripts/generate-examples.ts`) with the library’s own writers',
    '(`src/tlr/write`, `src/documents/transport`, the CR-IMG generator, the onward route) from synthetic patients',
    '(the simulators’ clinical data generator, fixed seed), with a fixed clock (2 March 2026) and fixed control ids:',
    'regenerating them gives the same bytes, and `test/examples/example-messages.test.ts` checks both that and that',
    'every file validates without error. Do not edit them by hand: change the generator and regenerate.',
    '',
    'The patients, professionals and identifiers are fictitious (INS under the test OID, MSH-11 `T`).',
    '',
    '- `utf-8/` and `iso-8859-15/`: the four flows of the Téléradiologie volet in each character set the volet allows',
    '  (MSH-18 `UNICODE UTF-8` and `8859/15`, Latin-9), each followed by its acknowledgement (`.ack.hl7`). Four orders:',
    '  accepted with a text protocol then its exam done (01–03), accepted with a PDF protocol (04–06), refused (07–08),',
    '  cancelled by the facility (09–10).',
    '- `reports/`: the imaging report (compte rendu d’imagerie, CR-IMG) of the first order of `utf-8/` as MDM^T02 (CDA',
    '  level 1), its replacement (T10) and deletion (T04), a structured level-3 report of the second order, the',
    '  report forwarded to the hospital’s integration platform (plateforme d’intégration, PFI, volet “CDA en HL7 v2”',
    '  2.1) and the PFI’s DMP receipt (accusé de réception métier, ZAM^Z01), each with its acknowledgement. They are',
    '  in UTF-8 (the CDA is UTF-8 XML).',
    '',
    '## Try them',
    '',
    '```sh',
    'npx cisis-tlr parse examples/messages/utf-8/01-flow1-order-NW.hl7            # segments, fields, components (--json)',
    'npx cisis-tlr validate examples/messages/*/*.hl7                             # every file: valid, no finding',
    'npx cisis-tlr validate --ack examples/messages/iso-8859-15/08-flow3-refused-OC.hl7',
    'npx cisis-tlr validate examples/messages/reports/04-mdm-t02-level3.hl7        # transport rules, then the CDA',
    '```',
    '',
    'To send the RIS’s messages, start a platform half and send them to its MLLP port (2576); it answers each as',
    'the workflow allows:',
    '',
    '```sh',
    'CISIS_TLR_PROCESSING_ID=T npx cisis-tlr serve --role platform --data-dir ./platform &',
    'cd examples/messages/utf-8',
    'npx cisis-tlr send --host 127.0.0.1 --port 2576 01-flow1-order-NW.hl7 03-flow4-post-exam-SR.hl7',
    '#  01: MSA-1=AA; 03: MSA-1=AR, TLR-WF-010 "post-exam information before the order was accepted"',
    'npx cisis-tlr send --host 127.0.0.1 --port 2576 09-flow1-order-NW.hl7 10-flow2-cancellation-CA.hl7   # AA, AA',
    '```',
    '',
    'The platform accepts or refuses an order through its API (`POST /api/orders/{placer}/accept` or `/refuse`, docs/api.md),',
    'which sends flow 3; sending a file twice gives the original acknowledgement back (same MSH-10). The platform’s files',
    '(flow 3, reports) are for a RIS half that sent the order: a RIS half refuses a decision on an order it does not',
    'know. `npx cisis-tlr demo` plays every flow between two halves.',
    '',
    '## Files',
    '',
    '| file | from → to | what it is |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n')}\n`;
}
