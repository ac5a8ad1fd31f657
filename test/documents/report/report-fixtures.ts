import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImagingReportInput } from '../../../src/documents/report/index.js';
import type { CodedValue } from '../../../src/tlr/index.js';
import { sharedDir } from '../../helpers/paths.js';

/**
 * Imaging report inputs for tests and the bench: one realistic report (values of the ANS
 * teleradiology and CR-IMG examples) and a seeded generator of variations whose codes are drawn from
 * the official value sets of `../shared/data`.
 */

const terminologyDir = join(sharedDir, 'data', 'terminology');
const svsDir = join(sharedDir, 'data', 'cda-validation', 'testcontenucda', 'jeuxDeValeurs');

interface JsonConcept {
  system: string;
  code: string;
  display: string;
}

function jsonValueSet(file: string): CodedValue[] {
  const parsed = JSON.parse(readFileSync(join(terminologyDir, 'json', file), 'utf8')) as { concepts: JsonConcept[] };
  return parsed.concepts.map((c) => ({ code: c.code, display: c.display, codeSystem: c.system.replace(/^urn:oid:/, '') }));
}

function fhirValueSet(file: string, codeSystem: string): CodedValue[] {
  const parsed = JSON.parse(readFileSync(join(terminologyDir, 'fhir', file), 'utf8')) as {
    compose: { include: { concept?: { code: string; display: string }[] }[] };
  };
  return parsed.compose.include.flatMap((inc) => (inc.concept ?? []).map((c) => ({ code: c.code, display: c.display, codeSystem })));
}

/** Concepts of an SVS value set file (the form the schematrons read). */
function svsValueSet(file: string): CodedValue[] {
  const text = readFileSync(join(svsDir, file), 'utf8');
  const concepts: CodedValue[] = [];
  for (const m of text.matchAll(/<(?:svs:)?Concept\b([^>]*)\/?>/g)) {
    const attr = (name: string): string => new RegExp(`\\b${name}="([^"]*)"`).exec(m[1] ?? '')?.[1] ?? '';
    concepts.push({ code: attr('code'), display: attr('displayName'), codeSystem: attr('codeSystem') });
  }
  return concepts;
}

/** The value sets the variations draw from (loaded once). */
export const valueSets = (() => {
  const acts = jsonValueSet('jdv-code-document-imagerie-cisis.json').map((c) => ({ ...c, codeSystemName: 'LOINC' }));
  return {
    acts,
    modalities: jsonValueSet('jdv-modalite-acquisition-cisis.json').map((c) => ({ ...c, codeSystemName: 'DCM' })),
    regions: fhirValueSet('ValueSet-jdv-region-anatomique-cisis.json', '2.16.840.1.113883.6.96').map((c) => ({
      ...c,
      codeSystemName: 'SNOMED CT',
    })),
    locations: jsonValueSet('jdv-localisation-anatomique-cisis.json').map((c) => ({ ...c, codeSystemName: 'SNOMED CT' })),
    lateralities: jsonValueSet('jdv-lateralite-technique-imagerie-cisis.json'),
    contraIndications: svsValueSet('jdv-contre-indication-cisis.xml'),
    facilityTypes: svsValueSet('JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml').filter((c) => c.code.startsWith('SA')),
    practiceSettings: svsValueSet('JDV_J04_XdsPracticeSettingCode_CISIS.xml').filter((c) => c.codeSystem === '1.2.250.1.213.1.1.4.9'),
    encounters: svsValueSet('JDV_J142_TypeRencontre_CISIS.xml'),
    specialties: jsonValueSet('JDV-J01-XdsAuthorSpecialty-CISIS.json').filter((c) => c.code.startsWith('G15_10/')),
  };
})();

const RADIO_DIAGNOSTIC: CodedValue = {
  code: 'G15_10/SM44',
  display: 'Médecin - Radio-diagnostic (SM)',
  codeSystem: '1.2.250.1.213.1.1.4.5',
};

/** A realistic report (ids of the ANS teleradiology flow 4 example, MRI of the brain). */
export function sampleReportInput(): ImagingReportInput {
  return {
    document: { effectiveTime: new Date('2026-01-07T10:17:00Z'), confidentiality: 'N' },
    patient: {
      ins: { value: '279035121518989', authorityOid: '1.2.250.1.213.1.4.10' },
      identifiers: [{ value: 'IPP101', assigningAuthority: { universalId: '1.2.250.1.213.4.5.2.4' } }],
      birthName: 'PAT-TROIS',
      birthGivenNames: 'DOMINIQUE MARIE-LOUISE',
      firstGivenName: 'DOMINIQUE',
      usedGivenName: 'DOMINIQUE',
      sex: 'F',
      birthDate: '1979-03-28',
      birthplaceCode: '63220',
      address: { houseNumber: '28', street: 'Avenue de Breteuil', postalCode: '75007', city: 'PARIS', use: 'H' },
    },
    radiologist: {
      idNat: '801234560801',
      familyName: 'BIDEAULT',
      givenName: 'Jacques',
      identifierType: 'IDNPS',
      civility: 'M',
      prefix: 'DR',
      specialty: RADIO_DIAGNOSTIC,
      telecoms: [{ value: 'tel:0146000000', use: 'WP' }],
    },
    platform: {
      identifierType: 'IDNST',
      identifier: '1920008059',
      name: 'Plateforme de téléradiologie Île-de-France',
      practiceSetting: { code: 'AMBULATOIRE', display: 'Ambulatoire', codeSystem: '1.2.250.1.213.1.1.4.9' },
    },
    facility: {
      identifierType: 'IDNST',
      identifier: '101235555',
      name: 'Centre de radiologie Ambroise',
      facilityType: { code: 'SA08', display: 'Cabinet de groupe', codeSystem: '1.2.250.1.71.4.2.4' },
      practiceSetting: { code: 'AMBULATOIRE', display: 'Ambulatoire', codeSystem: '1.2.250.1.213.1.1.4.9' },
      address: { houseNumber: '12', street: 'Rue Ambroise', postalCode: '75010', city: 'PARIS' },
      telecom: { value: 'tel:0146000000' },
    },
    order: { placerOrderNumber: { value: 'OPN101', authorityOid: '1.2.250.1.748.12345678.12' } },
    exam: {
      accessionNumber: { value: 'ACN101', authorityOid: '1.2.250.1.925.994044.27' },
      studyInstanceUid: '1.2.250.1.213.4.5.2.1.101',
      actCode: { code: '24590-2', display: 'IRM cerveau', codeSystem: '2.16.840.1.113883.6.1', codeSystemName: 'LOINC' },
      modality: { code: 'MR', display: 'Résonance magnétique', codeSystem: '1.2.840.10008.2.16.4', codeSystemName: 'DCM' },
      regions: [{ code: '774007', display: 'tête et/ou cou', codeSystem: '2.16.840.1.113883.6.96', codeSystemName: 'SNOMED CT' }],
      anatomicalLocation: { code: '302548004', display: 'tête entière', codeSystem: '2.16.840.1.113883.6.96', codeSystemName: 'SNOMED CT' },
      startedAt: new Date('2026-01-06T17:44:18Z'),
      endedAt: new Date('2026-01-06T18:05:00Z'),
    },
    viewer: {
      partialUrl:
        'https://drimbox.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=1.2.250.1.213.4.5.2.1.101' +
        '&Accessionnumber=1.2.250.1.925.994044.27.ACN101',
      imageRetentionDays: 730,
    },
    content: {
      clinicalContext: 'Céphalées inhabituelles depuis 3 semaines.\nRecherche de processus expansif.',
      technique: 'IRM encéphalique 1,5 T : séquences T1, T2 FLAIR, diffusion, T1 après injection de gadolinium.',
      findings:
        "Pas d'anomalie de signal du parenchyme cérébral.\nSystème ventriculaire de taille normale, " +
        'centré.\nPas de prise de contraste anormale.',
      conclusion: 'IRM encéphalique normale. Pas de processus expansif intracrânien.',
      medicalHistory: 'Migraine sans aura.',
    },
  };
}

/** A small, fast, seedable PRNG (mulberry32) so that every variation can be regenerated from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'œdème',
  'lésion',
  'hyperintensité',
  'cœur',
  'épanchement',
  'fracture',
  'déplacée',
  'à',
  'gauche',
  'droite',
  'très',
  'légère',
  'aspect',
  'régulier',
  'hétérogène',
  'ganglion',
  'infra-centimétrique',
  'Noël',
  'ça',
  'naïf',
  'contrôle',
  'à 3 mois',
  '€',
  '«',
  '»',
  'A < B',
  'R&D',
  '"guillemets"',
  "l'apostrophe",
  'x ≥ 5 mm',
  'flèche →',
  'µSv',
  'Łódź',
  'Ştefan',
  'α',
  '½',
  ']]>',
  '<b>pas du HTML</b>',
  '&amp;',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => pick(random, WORDS)).join(' ');
}

function text(random: () => number): string {
  const lines = 1 + Math.floor(random() * 4);
  return Array.from({ length: lines }, () => sentence(random, 3 + Math.floor(random() * 12))).join(random() < 0.5 ? '\n' : '\r\n');
}

function digits(random: () => number, n: number): string {
  return Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
}

const FAMILY = ['MARTIN', "D'ARTAGNAN", 'LEFÈVRE', 'NGUYỄN', 'ÉLISÉE', 'MÜLLER', 'O’BRIEN', 'DE LA TOUR-DU-PIN'];
const GIVEN = ['Jean', 'Zoé', 'Anaïs', 'François', 'Chloé', 'Jérôme', 'Ève', 'Łukasz'];

/**
 * A variation of the sample report drawn from a seed: codes from the official value sets, names and
 * free text with accents, XML special characters and characters outside WinAnsi, optional parts on
 * or off, replacements, both legal-authenticator patterns.
 */
export function reportVariation(seed: number): ImagingReportInput {
  const random = seededRandom(seed);
  const base = sampleReportInput();
  const maybe = (p: number): boolean => random() < p;
  const vs = valueSets;
  const start = new Date(
    Date.UTC(
      2020 + Math.floor(random() * 7),
      Math.floor(random() * 12),
      1 + Math.floor(random() * 28),
      Math.floor(random() * 24),
      Math.floor(random() * 60),
    ),
  );
  const studyUid = `1.2.250.1.213.4.5.2.1.${1 + Math.floor(random() * 99999)}`;
  const input: ImagingReportInput = {
    ...base,
    document: {
      effectiveTime: new Date(start.getTime() + (1 + Math.floor(random() * 72)) * 3_600_000),
      confidentiality: pick(random, ['N', 'R', 'V'] as const),
    },
    patient: {
      ...base.patient,
      ins: {
        value: `${1 + Math.floor(random() * 2)}${digits(random, 14)}`,
        authorityOid: pick(random, ['1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.9'] as const),
      },
      birthName: pick(random, FAMILY),
      birthGivenNames: `${pick(random, GIVEN)} ${pick(random, GIVEN)}`,
      firstGivenName: pick(random, GIVEN),
      sex: pick(random, ['F', 'M', 'U'] as const),
      birthDate: `${1930 + Math.floor(random() * 90)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      birthplaceCode: pick(random, ['63220', '2A004', '75056', '99134']),
    },
    exam: {
      ...base.exam,
      studyInstanceUid: studyUid,
      accessionNumber: { value: `ACN${digits(random, 6)}`, authorityOid: '1.2.250.1.925.994044.27' },
      actCode: pick(random, vs.acts),
      modality: pick(random, vs.modalities),
      regions: maybe(0.8) ? [pick(random, vs.regions)] : [],
      anatomicalLocation: pick(random, vs.locations),
      startedAt: start,
      endedAt: new Date(start.getTime() + 20 * 60_000),
    },
    content: {
      clinicalContext: text(random),
      technique: text(random),
      findings: text(random),
      conclusion: text(random),
    },
  };
  if (maybe(0.5)) input.exam.laterality = pick(random, vs.lateralities);
  if (maybe(0.3))
    input.exam.ccamCode = {
      code: 'ACQH003',
      display: 'Scanographie du crâne et de son contenu, sans injection de produit de contraste',
      codeSystem: '1.2.250.1.213.2.5',
      codeSystemName: 'CCAM',
    };
  if (!maybe(0.85)) delete input.viewer;
  else
    input.viewer = {
      partialUrl:
        `https://drimbox-${digits(random, 2)}.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=${studyUid}` +
        `&Accessionnumber=1.2.250.1.925.994044.27.${input.exam.accessionNumber.value}${maybe(0.2) ? '&' : ''}`,
      imageRetentionDays: 365 + Math.floor(random() * 730),
    };
  if (maybe(0.4)) input.content.comparison = text(random);
  if (maybe(0.5)) input.content.medicalHistory = text(random);
  if (maybe(0.5)) input.content.surgicalHistory = text(random);
  if (maybe(0.4)) input.content.contraIndications = [pick(random, vs.contraIndications)];
  if (maybe(0.4)) input.patient.usedName = pick(random, FAMILY);
  if (maybe(0.3)) input.encounterCode = pick(random, vs.encounters);
  input.facility = { ...base.facility, facilityType: pick(random, vs.facilityTypes), practiceSetting: pick(random, vs.practiceSettings) };
  input.radiologist = {
    ...base.radiologist,
    familyName: pick(random, FAMILY),
    givenName: pick(random, GIVEN),
    specialty: pick(random, vs.specialties),
  };
  if (maybe(0.4)) {
    input.facility.responsiblePhysician = {
      idNat: `8${digits(random, 11)}`,
      familyName: pick(random, FAMILY),
      givenName: pick(random, GIVEN),
      identifierType: 'IDNPS',
      prefix: 'DR',
      specialty: RADIO_DIAGNOSTIC,
    };
    if (maybe(0.5)) input.legalAuthenticator = 'facility-responsible-physician';
  }
  if (maybe(0.3))
    input.orderingProvider = {
      idNat: `8${digits(random, 11)}`,
      familyName: pick(random, FAMILY),
      givenName: pick(random, GIVEN),
      identifierType: 'IDNPS',
      civility: 'MME',
      prefix: 'DR',
    };
  if (maybe(0.25)) {
    input.document.replaces = {
      documentId: { root: `2.25.1${digits(random, 30)}` },
      setId: { root: `2.25.1${digits(random, 30)}` },
      versionNumber: 1 + Math.floor(random() * 4),
    };
  }
  return input;
}
