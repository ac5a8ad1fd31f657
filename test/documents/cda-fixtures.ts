import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: this file runs as dist/test/documents/cda-fixtures.js. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const cdaFixtures = path.join(repoRoot, 'test', 'documents', 'fixtures', 'cda');

/** Level-1 imaging report (PDF body), valid against every rule set the ANS tool runs on it. */
export const crImgLevel1File = path.join(cdaFixtures, 'cr-img-level1.xml');
/** Level-3 imaging report (IMG-CR-IMG 2024.01 structured body), valid likewise. */
export const crImgLevel3File = path.join(cdaFixtures, 'cr-img-level3.xml');

export function readFixture(file: string): string {
  return readFileSync(file, 'utf8');
}

/** Replaces exactly one occurrence of `search` (a fixture edit that silently does nothing would prove nothing). */
export function replaceOnce(xml: string, search: string | RegExp, replacement: string): string {
  const index = typeof search === 'string' ? xml.indexOf(search) : xml.search(search);
  if (index < 0) throw new Error(`fixture edit: ${String(search)} not found`);
  return xml.replace(search, replacement);
}

/**
 * A large level-3 report built from the level-3 fixture: the FR-DICOM-Acte-imagerie section (one per exam,
 * 1..* in IMG-CR-IMG) repeated `exams` times with distinct ids, each with a long narrative, as a report of a
 * multi-exam teleradiology session would be.
 */
export function largeCrImgLevel3(exams: number): string {
  const xml = readFixture(crImgLevel3File);
  const start = xml.indexOf('      <component>\n        <section>\n          <templateId root="1.2.840.10008.9.3"/>');
  const end = xml.indexOf('      <component>\n        <section>\n          <templateId root="1.2.840.10008.9.5"/>');
  if (start < 0 || end < 0) throw new Error('level-3 fixture layout changed');
  const acte = xml.slice(start, end);
  const narrative = 'Séquences sagittales T1, T2 et DP avec saturation du signal de la graisse, coupes axiales et coronales. '.repeat(20);
  const copies = Array.from({ length: exams }, (_, index) =>
    acte
      .replace(/(root="1\.2\.250\.1\.213\.4\.5\.2\.(?:7\.1002|1\.102)[0-9.]*)"/g, `$1.${index + 1}"`)
      .replace('ID="technique-1"', `ID="technique-${index + 1}"`)
      .replace('value="#technique-1"', `value="#technique-${index + 1}"`)
      .replace('IRM du genou droit sans injection, séquences T1, T2 et DP FS.', narrative),
  );
  return xml.slice(0, start) + copies.join('') + xml.slice(end);
}
