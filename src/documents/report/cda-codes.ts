/**
 * Fixed identifiers and codes of the CI-SIS imaging report (IMG-CR-IMG 2024.01) and of the CI-SIS
 * header, as the ANS schematrons (TestContenuCDA 3.0) check them. One place, so that a reviewer can
 * hold them against `spec/documents/cr-imagerie-cda.md`.
 */

export { OID } from '../cda/cda-oids.js';
import { OID } from '../cda/cda-oids.js';
import { CODED_OBSERVATION_TEMPLATE_IDS } from '../cda/coded-observation.js';

/** `ClinicalDocument/templateId` of a level-1 document: exactly these three (structuration minimale). */
export const LEVEL1_TEMPLATE_IDS: readonly { root: string; extension?: string }[] = [
  { root: '2.16.840.1.113883.2.8.2.1' },
  { root: '1.2.250.1.213.1.1.1.1' },
  { root: '1.3.6.1.4.1.19376.1.2.20' },
];

/** `ClinicalDocument/templateId` of a level-3 IMG-CR-IMG 2024.01 document. */
export const LEVEL3_TEMPLATE_IDS: readonly { root: string; extension?: string }[] = [
  { root: '2.16.840.1.113883.2.8.2.1' },
  { root: '1.2.250.1.213.1.1.1.1' },
  { root: '1.2.840.10008.9.1' },
  { root: '1.2.840.10008.9.20' },
  { root: '1.2.840.10008.9.21' },
  { root: '1.2.250.1.213.1.1.1.45', extension: '2024.01' },
];

/** Document type: LOINC `18748-4` (JDV_J07_XdsTypeCode_CISIS). */
export const DOCUMENT_TYPE = {
  code: '18748-4',
  display: "CR d'imagerie médicale",
  codeSystem: OID.loinc,
  codeSystemName: 'LOINC',
} as const;

export { CONFIDENTIALITY_DISPLAY } from '../cda/header-parts.js';

export { GENDER_DISPLAY } from '../cda/header-parts.js';

/** `qualifier/name` of a modality translation (DCM 121139). */
export const MODALITY_QUALIFIER = {
  code: '121139',
  display: "Modalité d'imagerie",
  codeSystem: OID.dicomDcm,
  codeSystemName: 'DCM',
} as const;

/** `qualifier/name` of an anatomical region translation (LOINC 39111-0). */
export const REGION_QUALIFIER = {
  code: '39111-0',
  display: 'localisation anatomique',
  codeSystem: OID.loinc,
  codeSystemName: 'LOINC',
} as const;

/** `qualifier/name` of a laterality on a technique `targetSiteCode` (SNOMED CT 106233006). */
export const TOPOGRAPHIC_MODIFIER = {
  code: '106233006',
  display: 'modificateur topographique',
  codeSystem: OID.snomedCt,
  codeSystemName: 'SNOMED CT',
} as const;

/** Default encounter type: ambulatory (JDV_J142). */
export const DEFAULT_ENCOUNTER = { code: 'AMB', display: 'Ambulatoire (hors établissement)', codeSystem: OID.hl7ActCode } as const;

/** Function of the facility's responsible physician as second author (JDV_J47). */
export const ATTENDING_PHYSICIAN = {
  code: 'ATTPHYS',
  display: 'Référent - Responsable du patient dans la structure de soins',
  codeSystem: OID.hl7ParticipationFunction,
} as const;

/** Level-3 section and entry templates (standard template first, CI-SIS template second) and codes. */
export const SECTION = {
  clinicalInformation: {
    templateIds: ['1.2.840.10008.9.2', '1.2.250.1.213.1.1.2.205'],
    code: '55752-0',
    displayName: 'Informations cliniques',
  },
  request: { templateIds: ['1.2.840.10008.9.7', '1.2.250.1.213.1.1.2.211'], code: '55115-0', displayName: 'Demande' },
  medicalHistory: {
    templateIds: ['2.16.840.1.113883.10.20.22.2.39', '1.2.250.1.213.1.1.2.213'],
    code: '11329-0',
    displayName: 'Historique médical',
  },
  imagingProcedure: {
    templateIds: ['1.2.840.10008.9.3', '1.2.250.1.213.1.1.2.206'],
    code: '55111-9',
    displayName: "Description de l'acte d'imagerie",
  },
  results: { templateIds: ['2.16.840.1.113883.10.20.6.1.2', '1.2.250.1.213.1.1.2.208'], code: '59776-5', displayName: 'Résultats' },
  comparison: {
    templateIds: ['1.2.840.10008.9.4', '1.2.250.1.213.1.1.2.207'],
    code: '18834-2',
    displayName: 'Examen de comparaison radiologique',
  },
  conclusion: { templateIds: ['1.2.840.10008.9.5', '1.2.250.1.213.1.1.2.209'], code: '19005-8', displayName: 'Conclusions' },
} as const;

export const OBJECT_CATALOG = {
  templateIds: ['2.16.840.1.113883.10.20.6.1.1', '1.2.250.1.213.1.1.2.217'],
  code: '121181',
  displayName: "Catalogue d'objets DICOM",
} as const;

export const ENTRY = {
  codedObservation: CODED_OBSERVATION_TEMPLATE_IDS,
  procedureTechnique: ['1.2.840.10008.9.14', '1.2.250.1.213.1.1.3.153'],
  studyAct: ['1.2.840.10008.9.16', '1.2.250.1.213.1.1.3.155'],
  seriesAct: ['1.2.840.10008.9.17', '1.2.250.1.213.1.1.3.156'],
  sopInstance: ['1.2.840.10008.9.18', '1.2.250.1.213.1.1.3.157'],
} as const;

/** LOINC codes of the FR-DICOM-Observation entries of the medical history sub-section. */
export const HISTORY_CODE = {
  medical: { code: '11348-0', displayName: 'Antécédents médicaux' },
  surgical: { code: '47519-4', displayName: 'Antécédents chirurgicaux' },
  contraIndications: { code: '64100-1', displayName: 'Contre-indications' },
} as const;

/**
 * Default SOP Class of the generic reference object, by acquisition modality (DICOM PS3.4 storage
 * SOP classes). Used only when the host does not give the SOP class of a known instance.
 */
export const DEFAULT_SOP_CLASS: Readonly<Record<string, { uid: string; name: string }>> = {
  CT: { uid: '1.2.840.10008.5.1.4.1.1.2', name: 'CT Image Storage' },
  MR: { uid: '1.2.840.10008.5.1.4.1.1.4', name: 'MR Image Storage' },
  CR: { uid: '1.2.840.10008.5.1.4.1.1.1', name: 'Computed Radiography Image Storage' },
  DX: { uid: '1.2.840.10008.5.1.4.1.1.1.1', name: 'Digital X-Ray Image Storage - For Presentation' },
  MG: { uid: '1.2.840.10008.5.1.4.1.1.1.2', name: 'Digital Mammography X-Ray Image Storage - For Presentation' },
  US: { uid: '1.2.840.10008.5.1.4.1.1.6.1', name: 'Ultrasound Image Storage' },
  NM: { uid: '1.2.840.10008.5.1.4.1.1.20', name: 'Nuclear Medicine Image Storage' },
  PT: { uid: '1.2.840.10008.5.1.4.1.1.128', name: 'Positron Emission Tomography Image Storage' },
  XA: { uid: '1.2.840.10008.5.1.4.1.1.12.1', name: 'X-Ray Angiographic Image Storage' },
  RF: { uid: '1.2.840.10008.5.1.4.1.1.12.2', name: 'X-Ray Radiofluoroscopic Image Storage' },
  IO: { uid: '1.2.840.10008.5.1.4.1.1.1.3', name: 'Digital Intra-Oral X-Ray Image Storage - For Presentation' },
  PX: { uid: '1.2.840.10008.5.1.4.1.1.1.1', name: 'Digital X-Ray Image Storage - For Presentation' },
};

/** Fallback SOP class: Secondary Capture Image Storage. */
export const SECONDARY_CAPTURE_SOP_CLASS = { uid: '1.2.840.10008.5.1.4.1.1.7', name: 'Secondary Capture Image Storage' } as const;
