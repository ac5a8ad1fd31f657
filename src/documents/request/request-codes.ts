/**
 * Fixed identifiers and codes of the CI-SIS imaging request (IMG-DA-IMG 2024.01), as
 * `CI-SIS_IMG-DA-IMG_2024.01.sch` and its includes check them (`spec/documents/cr-imagerie-cda.md` §9).
 */
import { OID } from '../cda/cda-oids.js';

/** Terminologie CI-SIS (TA_ASIP). */
export const TA_ASIP = '1.2.250.1.213.1.1.4.322';

/** `ClinicalDocument/templateId` of a level-3 IMG-DA-IMG 2024.01 document. */
export const REQUEST_LEVEL3_TEMPLATE_IDS: readonly { root: string; extension?: string }[] = [
  { root: '2.16.840.1.113883.2.8.2.1' },
  { root: '1.2.250.1.213.1.1.1.1' },
  { root: '1.2.840.10008.9.20' },
  { root: '1.2.250.1.213.1.1.1.47', extension: '2024.01' },
];

/** Document type and documented act: LOINC `55115-0`. */
export const REQUEST_TYPE = {
  code: '55115-0',
  display: "Demande d'acte d'imagerie",
  codeSystem: OID.loinc,
  codeSystemName: 'LOINC',
} as const;

export const REQUEST_SECTION = {
  educationTemplateIds: ['1.3.6.1.4.1.19376.1.5.3.1.1.9.38', '1.3.6.1.4.1.19376.1.5.3.1.1.9.39', '1.2.250.1.213.1.1.2.107'],
  education: { code: '34895-3', displayName: 'Education du patient' },
  carePlanTemplateIds: [
    '2.16.840.1.113883.10.20.1.10',
    '1.3.6.1.4.1.19376.1.5.3.1.3.36',
    '1.2.250.1.213.1.1.2.158',
    '1.2.250.1.213.1.1.2.158.3',
  ],
  carePlan: { code: '18776-5', displayName: 'Plan de soins' },
  resultsTemplateIds: ['1.3.6.1.4.1.19376.1.5.3.1.3.27', '1.2.250.1.213.1.1.2.150'],
  results: { code: '30954-2', displayName: "Résultats d'examens" },
} as const;

export const REQUEST_ENTRY = {
  /** FR-Demande-d-examen-ou-de-suivi-IMG-DA. */
  requestedAct: [
    '1.3.6.1.4.1.19376.1.5.3.1.1.20.3.1',
    '2.16.840.1.113883.10.20.1.25',
    '1.2.250.1.213.1.1.3.27',
    '1.2.250.1.213.1.1.3.27.3',
  ],
  /** FR-Simple-Observation. */
  simpleObservation: ['1.3.6.1.4.1.19376.1.5.3.1.4.13', '1.2.250.1.213.1.1.3.48'],
  /** FR-Fonction-etudiee (a FR-Simple-Observation). */
  studiedFunction: ['1.3.6.1.4.1.19376.1.5.3.1.4.13', '1.2.250.1.213.1.1.3.48', '1.2.250.1.213.1.1.3.48.36'],
  /** FR-Commentaire-ER. */
  comment: ['2.16.840.1.113883.10.20.1.40', '1.3.6.1.4.1.19376.1.5.3.1.4.2', '1.2.250.1.213.1.1.3.32'],
} as const;

export const REQUEST_CODE = {
  patientInformed: {
    code: 'MED-1130',
    display: "Le patient a-t-il été informé des risques relatifs à l'examen d'imagerie médicale ?",
    codeSystem: TA_ASIP,
    codeSystemName: 'TA_ASIP',
  },
  callBack: { code: 'GEN-297', display: 'Le demandeur souhaite un retour par téléphone', codeSystem: TA_ASIP, codeSystemName: 'TA_ASIP' },
  studiedFunction: { code: 'MED-1133', display: 'Fonction étudiée', codeSystem: TA_ASIP, codeSystemName: 'TA_ASIP' },
  careInformation: { code: 'ORG-192', displayName: 'Informations pour la prise en charge', codeSystem: TA_ASIP, codeSystemName: 'TA_ASIP' },
  comment: { code: '48767-8', display: 'Commentaire', codeSystem: OID.loinc, codeSystemName: 'LOINC' },
  urgent: { code: 'UR', display: 'Urgent', codeSystem: '2.16.840.1.113883.5.7', codeSystemName: 'HL7:ActPriority' },
  pregnant: { code: '77386006', display: 'Enceinte', codeSystem: OID.snomedCt, codeSystemName: 'SNOMED CT' },
} as const;

/** Default encounter type: ambulatory (JDV_J142). */
export const DEFAULT_REQUEST_ENCOUNTER = { code: 'AMB', display: 'Ambulatoire (hors établissement)', codeSystem: OID.hl7ActCode } as const;
