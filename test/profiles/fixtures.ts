import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Message } from '../../src/hl7/index.js';
import { parseMessage } from '../../src/hl7/index.js';
import type { Finding, ValidateOptions, ValidationReport } from '../../src/profiles/index.js';
import { validateMessage } from '../../src/profiles/index.js';

/** Repository root (found from dist/test/profiles or test/profiles). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/** The guide's examples, in `../shared` beside the repository. */
export const examplesDir = resolve(repoRoot, '..', 'shared', 'data', 'examples', 'teleradiologie');
export const checklistPath = resolve(repoRoot, '..', 'shared', 'spec', 'teleradiologie', 'conformance-checklist.md');

export const EXAMPLE_FILES = {
  flux1: 'flux1_ORM_O01_transmission_demande.hl7',
  flux2: 'flux2_ORM_O01_annulation_demande.hl7',
  flux3: 'flux3_ORU_R01_reponse_demande.hl7',
  flux4: 'flux4_OMI_O23_complement_post_examen.hl7',
  ackAA: 'ack_AA_acquittement_positif.hl7',
  ackAE: 'ack_AE_version_non_supportee.hl7',
} as const;
export type ExampleName = keyof typeof EXAMPLE_FILES;

export function exampleBytes(name: ExampleName): Buffer {
  return readFileSync(join(examplesDir, EXAMPLE_FILES[name]));
}

/** A fresh parsed copy of an example, ready to be edited. */
export function example(name: ExampleName): Message {
  return parseMessage(exampleBytes(name));
}

/** Header of the flow-1 message the guide's ACK examples acknowledge (ack.md §6). */
export const ACKNOWLEDGED_HEADER =
  'MSH|^~\\&|StructureApp|StructureFacility|TLRapp|TLRfacility|20260106134418||ORM^O01^ORM_O01|12345|P|2.5.1|||||FRA|' +
  'UNICODE UTF-8|||1.0^CISIS_TLR_HL7_V2\r';

export function acknowledgedHeader(): Message {
  return parseMessage(ACKNOWLEDGED_HEADER);
}

/** A base64 viewer URL that satisfies TLR-F4-027/028 for the flow-4 example's IPC. */
export const GOOD_VIEWER_URL = Buffer.from(
  'https://drimbox.chu-x.fr/viewer?StudyInstanceUID=1.2.250.1.213.4.5.2.1.101&AccessionNumber=ACN101',
).toString('base64');

/** Validates a (re-serialised) message: the text goes through the parser as a receiver would see it. */
export function validate(message: Message | string, options: ValidateOptions = {}): ValidationReport {
  return validateMessage(typeof message === 'string' ? message : message.toString(), options);
}

/** `rule@severity` strings, sorted: compact and order-independent for assertions. */
export function ruleList(issues: readonly Finding[]): string[] {
  return issues.map((i) => `${i.rule}@${i.severity}`).sort();
}

export function findingsOf(report: ValidationReport, rule: string): Finding[] {
  return report.issues.filter((i) => i.rule === rule);
}

/** Removes every segment with this id (or only occurrence `n`). */
export function removeSegment(message: Message, id: string, occurrence?: number): Message {
  let k = 0;
  for (let i = 0; i < message.segments.length; i++) {
    if (message.segments[i]!.name !== id) continue;
    k++;
    if (occurrence === undefined || k === occurrence) {
      message.segments.splice(i, 1);
      i--;
    }
  }
  return message;
}

/** Inserts a copy of a segment (ER7 text) after the given segment index (0-based). */
export function insertSegment(message: Message, index: number, er7: string): Message {
  const parsed = parseMessage(`${message.segments[0]!.toString()}\r${er7}\r`);
  message.segments.splice(index, 0, parsed.segments[1]!);
  return message;
}

/** Index of occurrence `n` of segment `id`. */
export function indexOf(message: Message, id: string, occurrence = 1): number {
  let k = 0;
  return message.segments.findIndex((s) => s.name === id && ++k === occurrence);
}
