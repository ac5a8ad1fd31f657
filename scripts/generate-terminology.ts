/**
 * Generates the code lists the Téléradiologie validator needs from the shared terminology reference
 * data (`../shared/data/terminology/`, beside the repository) into
 * `src/profiles/terminology/generated/*.ts`.
 *
 * Each generated module records the value set's name, OID, canonical URL, release version, the
 * source file it was read from and the generation date, so that a finding on a JDV rule can be
 * traced to the exact release it was checked against. Codes are grouped by the HL7 v2 coding-system
 * name (CE.3) the volet uses for them (`DCM`, `terminologie-cisis-fr`, `SCT`, `LN`).
 *
 * Usage (from the repository root):
 *   npm run build && node dist/scripts/generate-terminology.js
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValueSetRelease } from '../src/profiles/terminology/value-set.js';

/** FHIR / SVS code-system identifiers → HL7 v2 coding-system names used in CE.3 by the volet. */
const HL7V2_CODING_SYSTEM: Readonly<Record<string, string>> = {
  'http://dicom.nema.org/resources/ontology/DCM': 'DCM',
  'urn:oid:1.2.840.10008.2.16.4': 'DCM',
  'https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis': 'terminologie-cisis-fr',
  'http://snomed.info/sct': 'SCT',
  'urn:oid:2.16.840.1.113883.6.96': 'SCT',
  'http://loinc.org': 'LN',
  'urn:oid:2.16.840.1.113883.6.1': 'LN',
};

interface Target {
  /** Exported constant and file name. */
  id: string;
  /** JDV name as the guide writes it. */
  name: string;
  /** Source file, relative to the terminology folder. */
  file: string;
  format: 'fhir' | 'svs-json' | 'local';
  /** Rules evaluated with this value set. */
  rules: string[];
  /**
   * How codes are grouped: by HL7 v2 coding-system name (default), or by code-system OID, the form the XDS
   * metadata of the DMP write in their `codingScheme` slot.
   */
  keyBy?: 'hl7v2' | 'oid';
}

const TARGETS: readonly Target[] = [
  {
    id: 'jdvModaliteDemandeActeImagerie',
    name: 'JDV_modalitedemandeActeImagerie-CISIS',
    file: 'fhir/ValueSet-jdv-modalite-demande-acte-imagerie-cisis.json',
    format: 'fhir',
    rules: ['TLR-F1-011', 'TLR-F4-056'],
  },
  {
    id: 'jdvRegionAnatomique',
    name: 'JDV_RegionAnatomique-CISIS',
    file: 'fhir/ValueSet-jdv-region-anatomique-cisis.json',
    format: 'fhir',
    rules: ['TLR-F1-017', 'TLR-F4-037'],
  },
  {
    id: 'jdvModificateurTopographique',
    name: 'JDV_ModificateurTopographique-CISIS',
    file: 'fhir/ValueSet-jdv-modificateur-topographique-cisis.json',
    format: 'fhir',
    rules: ['TLR-F1-018', 'TLR-F4-037'],
  },
  {
    id: 'jdvCodeDocumentImagerie',
    name: 'JDV_CodeDocumentImagerie-CISIS',
    file: 'json/jdv-code-document-imagerie-cisis.json',
    format: 'svs-json',
    rules: ['TLR-F4-021', 'TLR-F4-033'],
  },
  { id: 'tlrObrProcedure', name: 'TLR_OBR_PROCEDURE', file: 'local/TLR_OBR_PROCEDURE.json', format: 'local', rules: ['TLR-ORD-008'] },
  {
    id: 'tlrObservation',
    name: 'TLR_OBSERVATION',
    file: 'local/TLR_OBSERVATION.json',
    format: 'local',
    rules: ['TLR-OBX-005', 'TLR-OBX-006'],
  },
  {
    id: 'tlrTypeOrganisation',
    name: 'TLR_TYPE_ORGANISATION',
    file: 'local/TLR_TYPE_ORGANISATION.json',
    format: 'local',
    rules: ['TLR-ORD-019'],
  },
  {
    id: 'tlrStatutGrossesse',
    name: 'expandedYes-NoIndicator (HL7 table 0136 subset)',
    file: 'local/TLR_StatutGrossesse_HL70136.json',
    format: 'local',
    rules: ['TLR-F1-028'],
  },
  // XDS metadata of the DMP publication, codes grouped by codingScheme (DMP-MD rules of the DMP test double).
  {
    id: 'jdvXdsHealthcareFacilityTypeCode',
    name: 'JDV_J02-XdsHealthcareFacilityTypeCode-CISIS',
    file: 'fhir/ValueSet-JDV-J02-XdsHealthcareFacilityTypeCode-CISIS.json',
    format: 'fhir',
    rules: ['DMP-MD-021'],
    keyBy: 'oid',
  },
  {
    id: 'jdvXdsPracticeSettingCode',
    name: 'JDV_J04-XdsPracticeSettingCode-CISIS',
    file: 'fhir/ValueSet-JDV-J04-XdsPracticeSettingCode-CISIS.json',
    format: 'fhir',
    rules: ['DMP-MD-022'],
    keyBy: 'oid',
  },
  {
    id: 'jdvXdsClassCode',
    name: 'JDV_J06-XdsClassCode-CISIS',
    file: 'fhir/ValueSet-JDV-J06-XdsClassCode-CISIS.json',
    format: 'fhir',
    rules: ['DMP-MD-017'],
    keyBy: 'oid',
  },
  {
    id: 'jdvXdsTypeCode',
    name: 'JDV_J07-XdsTypeCode-CISIS',
    file: 'fhir/ValueSet-JDV-J07-XdsTypeCode-CISIS.json',
    format: 'fhir',
    rules: ['DMP-MD-016'],
    keyBy: 'oid',
  },
  {
    id: 'jdvXdsFormatCode',
    name: 'JDV_J10-XdsFormatCode-CISIS',
    file: 'fhir/ValueSet-JDV-J10-XdsFormatCode-CISIS.json',
    format: 'fhir',
    rules: ['DMP-MD-019'],
    keyBy: 'oid',
  },
  {
    id: 'jdvXdsConfidentialityCode',
    name: 'JDV_J08-XdsConfidentialityCode-CISIS',
    file: 'json/JDV-J08-XdsConfidentialityCode-CISIS.json',
    format: 'svs-json',
    rules: ['DMP-MD-018'],
    keyBy: 'oid',
  },
];

/**
 * FHIR code-system URIs of the ANS terminologies (and FHIR/SVS URIs of the international ones) → the code-system
 * OID or name the XDS metadata of the DMP write as `codingScheme` (the ANS request samples and `dmp-publication.md`).
 */
const XDS_CODING_SCHEME: Readonly<Record<string, string>> = {
  'https://mos.esante.gouv.fr/NOS/TRE_A00-ProducteurDocNonPS/FHIR/TRE-A00-ProducteurDocNonPS': '1.2.250.1.213.1.1.4.6',
  'https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite': '1.2.250.1.71.4.2.4',
  'https://mos.esante.gouv.fr/NOS/TRE_A01-CadreExercice/FHIR/TRE-A01-CadreExercice': '1.2.250.1.213.1.1.4.9',
  'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument': '1.2.250.1.213.1.1.4.1',
  'https://mos.esante.gouv.fr/NOS/TRE_A10-NomenclatureURN/FHIR/TRE-A10-NomenclatureURN': 'URN',
  'https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire': '1.2.250.1.213.1.1.4.12',
  'https://mos.esante.gouv.fr/NOS/TRE_A12-NomenclatureASTM/FHIR/TRE-A12-NomenclatureASTM': 'ASTM',
  'https://mos.esante.gouv.fr/NOS/TRE_A06-FormatCodeComplementaire/FHIR/TRE-A06-FormatCodeComplementaire': '1.2.250.1.213.1.1.4.2.282',
  'https://mos.esante.gouv.fr/NOS/TRE_A11-IheFormatCode/FHIR/TRE-A11-IheFormatCode': '1.3.6.1.4.1.19376.1.2.3',
  'https://mos.esante.gouv.fr/NOS/TRE_A09-DICOMuidRegistry/FHIR/TRE-A09-DICOMuidRegistry': '1.2.840.10008.2.6.1',
  'http://loinc.org': '2.16.840.1.113883.6.1',
};

/** What is written for each value set: the runtime's own type, so the generator and the validator cannot drift. */
type Generated = ValueSetRelease;

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: expected an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function addCode(codes: Record<string, string[]>, system: string, code: string, file: string, keyBy: Target['keyBy']): void {
  if (keyBy === 'oid') {
    const scheme = XDS_CODING_SCHEME[system] ?? (system.startsWith('urn:oid:') ? system.slice('urn:oid:'.length) : undefined);
    if (!scheme) throw new Error(`${file}: code system ${system} has no XDS codingScheme; add it to XDS_CODING_SCHEME`);
    const list = codes[scheme] ?? [];
    codes[scheme] = list;
    list.push(code);
    return;
  }
  const name = HL7V2_CODING_SYSTEM[system] ?? system;
  if (!HL7V2_CODING_SYSTEM[system] && !/^[A-Za-z0-9_-]+$/.test(system)) {
    throw new Error(`${file}: code system ${system} has no HL7 v2 coding-system name; add it to HL7V2_CODING_SYSTEM`);
  }
  const list = codes[name] ?? [];
  codes[name] = list;
  list.push(code);
}

function read(target: Target, terminologyDir: string, generatedAt: string): Generated {
  const path = join(terminologyDir, target.file);
  const json = asRecord(JSON.parse(readFileSync(path, 'utf8')), target.file);
  const codes: Record<string, string[]> = {};
  let oid: string | null = null;
  let url: string | null = null;
  let version: string | null = null;
  let source: string;
  if (target.format === 'fhir') {
    const identifiers = Array.isArray(json['identifier']) ? json['identifier'] : [];
    for (const i of identifiers) {
      const v = str(asRecord(i, 'identifier')['value']);
      if (v?.startsWith('urn:oid:')) oid = v.slice('urn:oid:'.length);
    }
    url = str(json['url']);
    version = str(json['version']);
    source = `FHIR ValueSet ${str(json['id']) ?? ''} (ANS Terminologies de Santé IG), date ${str(json['date']) ?? 'unknown'}`;
    const compose = asRecord(json['compose'], 'compose');
    const includes = Array.isArray(compose['include']) ? compose['include'] : [];
    for (const inc of includes) {
      const include = asRecord(inc, 'include');
      const system = str(include['system']);
      if (!system) throw new Error(`${target.file}: include without system`);
      const concepts = Array.isArray(include['concept']) ? include['concept'] : [];
      if (concepts.length === 0)
        throw new Error(`${target.file}: include of ${system} is intensional (no concept list); it cannot be pinned`);
      for (const c of concepts) addCode(codes, system, String(asRecord(c, 'concept')['code']), target.file, target.keyBy);
    }
  } else {
    oid = str(json['oid']);
    url = str(json['url']);
    version = str(json['version']) ?? (target.format === 'local' ? null : str(json['revisionDate']));
    source = str(json['source']) ?? target.file;
    if (target.format === 'svs-json' && str(json['revisionDate'])) source += `; SVS revisionDate ${str(json['revisionDate'])}`;
    const concepts = Array.isArray(json['concepts']) ? json['concepts'] : [];
    for (const c of concepts) {
      const concept = asRecord(c, 'concept');
      addCode(codes, String(concept['system']), String(concept['code']), target.file, target.keyBy);
    }
  }
  for (const list of Object.values(codes)) list.sort();
  return { name: target.name, oid, url, version, sourceFile: target.file, source, generatedAt, rules: target.rules, codes };
}

function render(target: Target, data: Generated): string {
  const count = Object.values(data.codes).reduce((n, l) => n + l.length, 0);
  return [
    `// Generated by scripts/generate-terminology.ts from ../shared/data/terminology/${data.sourceFile} — do not edit.`,
    `// ${data.name}: ${count} codes, release ${data.version ?? '(local table of the guide)'}.`,
    "import type { ValueSetRelease } from '../value-set.js';",
    '',
    `export const ${target.id}: ValueSetRelease = ${JSON.stringify(data, null, 1)};`,
    '',
  ].join('\n');
}

function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  let root = here;
  while (!existsSync(join(root, 'package.json'))) {
    const up = dirname(root);
    if (up === root) throw new Error(`package.json not found above ${here}`);
    root = up;
  }
  const terminologyDir = resolve(root, '..', 'shared', 'data', 'terminology');
  const outDir = join(root, 'src', 'profiles', 'terminology', 'generated');
  mkdirSync(outDir, { recursive: true });
  const generatedAt = new Date().toISOString().slice(0, 10);
  const index: string[] = ['// Generated by scripts/generate-terminology.ts — do not edit.'];
  for (const target of TARGETS) {
    const data = read(target, terminologyDir, generatedAt);
    const file = join(outDir, `${target.id}.ts`);
    writeFileSync(file, render(target, data));
    index.push(`export { ${target.id} } from './${target.id}.js';`);
    const count = Object.values(data.codes).reduce((n, l) => n + l.length, 0);
    process.stdout.write(`${relative(root, file)}: ${data.name} ${data.version ?? ''} (${count} codes)\n`);
  }
  writeFileSync(join(outDir, 'index.ts'), `${index.join('\n')}\n`);
}

main();
