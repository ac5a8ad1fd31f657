/**
 * The message corpus of the ER7 benchmarks: the shared example files, read as bytes, plus
 * generated variants that stress what the examples lack (many OBX, dense escape sequences,
 * ISO 8859-15 bytes). Everything is deterministic, so two runs parse the same bytes.
 *
 * Shared data is resolved from the repository root as `../shared/data/examples` (CI checks
 * `shared/` out beside the clone), never from an absolute path.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeText } from '../src/hl7/index.js';

/** One message of the corpus: its wire bytes and where they come from. */
export interface CorpusMessage {
  /** File path relative to the examples folder, or `generated:<name>`. */
  source: string;
  bytes: Buffer;
}

/** A class of messages measured together (one row of the result tables). */
export interface CorpusClass {
  name: string;
  description: string;
  messages: CorpusMessage[];
  /** Total bytes of the class (the MB/s denominator). */
  bytes: number;
}

/** The compiled file lives in `dist/bench/`: the repository root is two levels up. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const examplesDir = join(repoRoot, '..', 'shared', 'data', 'examples');

/** The ANS CI-SIS transdoc ORU whose OBX-5 carries a 290 kB base64 CDA: the large-message case. */
export const LARGE_ORU = 'other/ans-hl7v2-exemples/transdoc_v2.1_vague2_ORU_R01_CR_bio_INIT_N3_SEGUR_base64.hl7';

const SEGMENT_END = '\r';

function listHl7(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listHl7(path));
    else if (entry.name.endsWith('.hl7')) found.push(path);
  }
  return found.sort();
}

function readExample(path: string): CorpusMessage {
  return { source: relative(examplesDir, path), bytes: readFileSync(path) };
}

function makeClass(name: string, description: string, messages: CorpusMessage[]): CorpusClass {
  return { name, description, messages, bytes: messages.reduce((n, m) => n + m.bytes.length, 0) };
}

function msh(type: string, controlId: string, charset: string): string {
  return `MSH|^~\\&|LABO_SIL|LABO|TLR_PF|TLR|20260106134418||${type}|${controlId}|P|2.5.1|||||FRA|${charset}|||1.0^CISIS_TLR_HL7_V2`;
}

function pid(family: string, given: string): string {
  return (
    `PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS^^20101207||${family}^${given}^${given}^^^^L||` +
    `19790328|F|||28 Av de Breteuil^^PARIS^^75007^FRA^H`
  );
}

const OBX_KINDS: ReadonlyArray<(i: number) => string> = [
  (i) => `OBX|${i}|NM|8302-2^Body height^LN||${150 + (i % 50)}|cm^cm^UCUM|||||F|||20260106134418`,
  (i) => `OBX|${i}|CE|REGION_ANATOMIQUE^Localisation anatomique^TLR_OBSERVATION|1.${i}|774007^tête et/ou cou^SCT||||||F`,
  (i) => `OBX|${i}|ST|11322-5^History of General health Narrative^LN||Valeur textuelle numéro ${i} pour la mesure|||N|||F`,
  (i) =>
    `OBX|${i}|NM|29463-7^Body weight^LN||${60 + (i % 40)}.${i % 10}|kg^kg^UCUM|50-100|N|||F|||20260106134418||` +
    `801234567897^Hoda^Adam^^^DR^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS`,
];

/** An ORU^R01 with `count` OBX of four kinds (NM, CE, ST, NM with responsible observer). */
function manyObx(variant: number, count: number): string {
  const segs = [
    msh('ORU^R01^ORU_R01', `MOBX${variant.toString().padStart(4, '0')}`, 'UNICODE UTF-8'),
    pid(`PATIENT-${variant}`, 'CAMILLE'),
    'ORC|SC|OPN101^^1.2.250.1.748.12345678.12^ISO',
    'OBR|1|OPN101^^1.2.250.1.748.12345678.12^ISO||24590-2^Résultats^LN|||20260106134418',
  ];
  for (let i = 1; i <= count; i++) segs.push(OBX_KINDS[(i + variant) % OBX_KINDS.length]!(i));
  return segs.join(SEGMENT_END) + SEGMENT_END;
}

/**
 * An ORU^R01 whose values are dense with escape sequences: delimiters (`\F\ \S\ \T\ \R\ \E\`),
 * formatted-text line breaks (`\.br\`) and hexadecimal data (`\X…\`), as in FT report texts.
 */
function escapeHeavy(variant: number, lines: number): string {
  const segs = [
    msh('ORU^R01^ORU_R01', `ESC${variant.toString().padStart(5, '0')}`, 'UNICODE UTF-8'),
    pid(`D\\S\\ARTAGNAN\\T\\FILS`, 'JEAN\\F\\PIERRE'),
    'OBR|1|OPN101^^1.2.250.1.748.12345678.12^ISO||CR_IMAGERIE^Compte rendu^TLR_OBR_PROCEDURE',
  ];
  for (let i = 1; i <= lines; i++) {
    segs.push(
      `OBX|${i}|FT|18782-3^Radiology Study observation^LN||Ligne ${i}\\.br\\Taille 12\\S\\15 mm \\T\\ densit\\XC3A9\\ 40 UH\\.br\\` +
        `Rapport A\\F\\B (v${variant})\\R\\copie \\E\\ fin ${'\\X0D0A\\'.repeat(i % 3)}suite|||N|||F`,
    );
  }
  return segs.join(SEGMENT_END) + SEGMENT_END;
}

/**
 * A Téléradiologie example re-encoded in ISO 8859-15 (MSH-18 `8859/15`, the volet's other
 * charset), with the euro sign and French accents added in an NTE so that 0xA4 and 0xE9 occur.
 * Characters outside 8859-15 in the original (the typographic apostrophe) become `'`.
 */
function latin9Variant(example: CorpusMessage): CorpusMessage {
  const text = example.bytes
    .toString('utf8')
    .replace('|UNICODE UTF-8|', '|8859/15|')
    .replace(/\u2019/g, "'")
    .replace(/\r$/, `\rNTE|1||Coût estimé 120 €, déjà réglé, reçu n° 42, œdème léger|RE^^HL70364\r`);
  return { source: `generated:8859-15/${example.source}`, bytes: encodeText(text, '8859/15') };
}

/**
 * Loads the benchmark corpus, in the order of the result tables. Fails loudly when the shared
 * examples are missing, since figures on an empty corpus would be meaningless.
 */
export function loadParseCorpus(): CorpusClass[] {
  const tlr = listHl7(join(examplesDir, 'teleradiologie')).map(readExample);
  const others = listHl7(join(examplesDir, 'other')).map(readExample);
  const large = others.filter((m) => m.source === LARGE_ORU);
  if (tlr.length === 0 || large.length !== 1) {
    throw new Error(`Benchmark corpus not found under ${examplesDir} (expected the Téléradiologie examples and ${LARGE_ORU})`);
  }
  const flux = tlr.filter((m) => m.source.includes('flux'));
  const generated = (name: string, text: string): CorpusMessage => ({ source: `generated:${name}`, bytes: Buffer.from(text, 'utf8') });
  return [
    makeClass('tlr-examples', 'the 6 Téléradiologie guide examples (ORM, ORU, OMI, ACK), UTF-8 and ASCII', tlr),
    makeClass(
      'other-examples',
      `the ${others.length - 1} other ANS (PAM, transdoc) and dcm4che examples, without the large ORU`,
      others.filter((m) => m.source !== LARGE_ORU),
    ),
    makeClass('large-oru-base64', 'transdoc ORU^R01 with a 290 kB base64 CDA in one OBX-5 (ED)', large),
    makeClass(
      'generated-200-obx',
      '8 ORU^R01 with 200 OBX each (NM, CE, ST), about 27 kB',
      Array.from({ length: 8 }, (_, v) => generated(`200-obx-${v}`, manyObx(v, 200))),
    ),
    makeClass(
      'generated-escapes',
      '8 ORU^R01 with 40 FT lines dense in \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ \\.br\\ \\X..\\',
      Array.from({ length: 8 }, (_, v) => generated(`escapes-${v}`, escapeHeavy(v, 40))),
    ),
    makeClass('generated-8859-15', 'the 4 flux examples re-encoded in ISO 8859-15 with é, €, œ', flux.map(latin9Variant)),
  ];
}

/**
 * `count` distinct small messages (an ACK^O01 of about 150 bytes with its own MSH-10 each), for
 * the constant-memory loop: distinct inputs keep any accidental cache from looking like a plateau.
 */
export function smallAcks(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    Buffer.from(
      `${msh('ACK^O01^ACK', `ACK${i.toString().padStart(8, '0')}`, 'UNICODE UTF-8')}${SEGMENT_END}` +
        `MSA|AA|${(100000 + i).toString()}${SEGMENT_END}`,
      'utf8',
    ),
  );
}
