import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/**
 * Generates `assets/console/data/hl7-fields.json`, the field-name dictionary the console's message
 * viewer shows on hover: the segments the Téléradiologie volet uses and every data type reachable
 * from their fields, with names as HL7 v2.5.1 gives them. The source is the `hl7v2-dictionary`
 * package (Panates, MIT licence), a devDependency, so the console ships plain JSON and no runtime
 * dependency. `field-dictionary.test.ts` fails when the shipped file and this output differ.
 *
 * Regenerate: `npx tsc -p tsconfig.json && node dist/test/console/field-dictionary-generator.js --write`
 */

/** Segments of the volet's messages and acknowledgements (flows 1–4, MDM reports, ACK). */
export const VOLET_SEGMENTS = ['MSH', 'EVN', 'PID', 'PV1', 'ORC', 'TQ1', 'OBR', 'NTE', 'OBX', 'IPC', 'TXA', 'MSA', 'ERR'] as const;

export const DICTIONARY_VERSION = '2.5.1';

interface SourceField {
  type?: string;
  desc?: string;
  opt?: string;
  rep?: number | string;
  table?: number;
}
interface SourceDefinition {
  desc?: string;
  fields?: Record<string, SourceField>;
}
interface SourceDictionary {
  version: string;
  segments: Record<string, SourceDefinition>;
  types: Record<string, SourceDefinition>;
}

/** One field or component as the console reads it. */
export interface DictionaryItem {
  name: string;
  type: string;
  /** HL7 usage: R required, O optional, C conditional, B backward compatible, X not used. */
  usage?: string;
  /** The field may repeat. */
  repeats?: true;
  /** HL7 table number of coded values. */
  table?: number;
}

export interface FieldDictionary {
  source: { package: string; version: string; licence: string; hl7Version: string; generator: string };
  segments: Record<string, { name: string; fields: Record<string, DictionaryItem> }>;
  types: Record<string, { name: string; components: Record<string, DictionaryItem> }>;
}

function item(f: SourceField, withUsage: boolean): DictionaryItem {
  const out: DictionaryItem = { name: f.desc ?? '', type: f.type ?? '' };
  if (withUsage && f.opt) out.usage = f.opt;
  if (withUsage && f.rep !== undefined && f.rep !== 1) out.repeats = true;
  if (f.table !== undefined) out.table = f.table;
  return out;
}

/** Builds the dictionary from the installed `hl7v2-dictionary` package. */
export async function buildFieldDictionary(): Promise<FieldDictionary> {
  const mod = (await import('hl7v2-dictionary')) as unknown as { dictionaries: Record<string, SourceDictionary> };
  const source = mod.dictionaries[DICTIONARY_VERSION];
  if (!source) throw new Error(`hl7v2-dictionary has no HL7 ${DICTIONARY_VERSION} dictionary`);
  const pkg = createRequire(import.meta.url)('hl7v2-dictionary/package.json') as { version: string; license: string };
  const out: FieldDictionary = {
    source: {
      package: 'hl7v2-dictionary',
      version: pkg.version,
      licence: pkg.license,
      hl7Version: DICTIONARY_VERSION,
      generator: 'test/console/field-dictionary-generator.ts',
    },
    segments: {},
    types: {},
  };
  const pending: string[] = [];
  for (const id of VOLET_SEGMENTS) {
    const seg = source.segments[id];
    if (!seg) throw new Error(`HL7 ${DICTIONARY_VERSION} has no segment ${id}`);
    const fields: Record<string, DictionaryItem> = {};
    for (const [n, f] of Object.entries(seg.fields ?? {})) {
      fields[n] = item(f, true);
      if (f.type) pending.push(f.type);
    }
    out.segments[id] = { name: seg.desc ?? id, fields };
  }
  while (pending.length) {
    const code = pending.pop()!;
    if (out.types[code]) continue;
    const def = source.types[code];
    if (!def) continue;
    const components: Record<string, DictionaryItem> = {};
    for (const [n, c] of Object.entries(def.fields ?? {})) {
      components[n] = item(c, false);
      if (c.type) pending.push(c.type);
    }
    out.types[code] = { name: def.desc ?? code, components };
  }
  out.types = Object.fromEntries(Object.entries(out.types).sort(([a], [b]) => a.localeCompare(b)));
  return out;
}

export const dictionaryPath = join(repoRoot, 'assets', 'console', 'data', 'hl7-fields.json');

/** The file as written: JSON indented by one space (readable in a diff, half the size of two) and a final newline. */
export function serialiseDictionary(d: FieldDictionary): string {
  return `${JSON.stringify(d, null, 1)}\n`;
}

if (process.argv.includes('--write')) {
  writeFileSync(dictionaryPath, serialiseDictionary(await buildFieldDictionary()));
  process.stdout.write(`wrote ${dictionaryPath}\n`);
}
