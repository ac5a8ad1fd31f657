/**
 * Fixed values of the Téléradiologie volet (ANS CI-SIS, HL7 v2.5.1): OIDs, coding-system names and
 * the local codes the messages carry. Source: `spec/teleradiologie/tables.md` and the flux files.
 */

/** MSH-21: profile version and name, identical for the four business flows. */
export const MESSAGE_PROFILE = { version: '1.0', name: 'CISIS_TLR_HL7_V2' } as const;

/** MSH-12. */
export const HL7_VERSION = '2.5.1';

/** MSH-17. */
export const COUNTRY_CODE = 'FRA';

/** MSH-9 of the four business flows. */
export const MESSAGE_TYPES = {
  order: ['ORM', 'O01', 'ORM_O01'],
  cancellation: ['ORM', 'O01', 'ORM_O01'],
  decision: ['ORU', 'R01', 'ORU_R01'],
  postExamInfo: ['OMI', 'O23', 'OMI_O23'],
} as const;

/** ORC-1 (HL7 table 0119) per flow. */
export const ORDER_CONTROL = {
  newOrder: 'NW',
  cancel: 'CA',
  accepted: 'OK',
  refused: 'OC',
  statusResponse: 'SR',
} as const;

/** OBR-4: the business procedure carried by the message (local table `TLR_OBR_PROCEDURE`). */
export const OBR_PROCEDURE = {
  codingSystem: 'TLR_OBR_PROCEDURE',
  order: { code: 'TRANSMISSION_DEMANDE', display: 'Transmission d’une demande d’examen d’imagerie' },
  cancellation: { code: 'ANNULATION_DEMANDE', display: 'Annulation d’une demande d’examen d’imagerie' },
  decision: { code: 'REPONSE_DEMANDE', display: 'Réponse à une demande d’examen (acceptation ou refus)' },
  postExamInfo: { code: 'COMPLEMENT_POST_ACTE', display: "Transmission d’un complément d'information post-examen" },
} as const;

/** ORC-17: type of the organisation that built the order segment (local table `TLR_TYPE_ORGANISATION`). */
export const ORGANISATION_TYPE = {
  codingSystem: 'TLR_TYPE_ORGANISATION',
  imagingFacility: 'STRUCTURE_IMAGERIE',
  platform: 'PLATEFORME_TLR',
} as const;

/** OBX-3 codes and their coding systems (`TLR_OBSERVATION` local codes and LOINC). */
export const OBSERVATION = {
  localCodingSystem: 'TLR_OBSERVATION',
  loincCodingSystem: 'LN',
  modality: { code: 'MODALITE_IMAGERIE', display: 'Modalité d’imagerie utilisée ou prévue pour réaliser l’examen' },
  anatomicalRegion: { code: 'REGION_ANATOMIQUE', display: 'Localisation anatomique examinée dans le cadre de l’examen d’imagerie' },
  protocol: { code: 'PROTOCOLE_IMAGERIE', display: "Protocole d'imagerie médicale" },
  viewerUrl: { code: 'URL_PARTIELLE_VIEWER', display: 'URL partielle d’accès à la visionneuse d’imagerie DRIMbox' },
  performedProcedure: { code: 'CODE_ACTE_IMAGERIE', display: "Code de l'acte d'imagerie réalisée" },
  administeredProduct: { code: 'PRODUIT_ADMINISTRE', display: "Produit administré lors de l'examen d'imagerie" },
  imagingDevice: { code: 'APPAREIL_IMAGERIE', display: "Appareil d'imagerie utilisé lors de l'examen" },
  medicalHistory: { code: '11322-5', display: 'History of General health Narrative' },
  bodyHeight: { code: '8302-2', display: 'Body height' },
  bodyWeight: { code: '29463-7', display: 'Body weight' },
  pregnancyStatus: { code: '82810-3', display: 'Pregnancy status' },
} as const;

/** NTE-4 comment types (coding system `HL70364`, local codes of the guide). */
export const COMMENT_TYPE = {
  codingSystem: 'HL70364',
  examPurpose: 'FINALITE_EXAMEN',
  modality: 'MODALITE_IMAGERIE',
} as const;

/** Coding systems (CE.3) of the coded observation values. */
export const CODING_SYSTEM = {
  snomedCt: 'SCT',
  loinc: 'LN',
  dicom: 'DCM',
  cisisTerminology: 'terminologie-cisis-fr',
  atc: 'ATC',
  /** Pregnancy status: values of HL7 table 0136 under the symbolic name of table 0532, as the guide prints it. */
  pregnancyStatus: 'expandedYes-NoIndicator',
} as const;

/** Assigning authorities (HD) of the national identifiers. */
export const AUTHORITY = {
  /** XCN.9 of ORC-11/12 and OBR-16: national health-professional identifiers (PS_IdNat). */
  healthProfessional: { namespaceId: 'ASIP-SANTE-PS', universalId: '1.2.250.1.71.4.2.1', universalIdType: 'ISO' },
  /** XON.6 of ORC-21 for legal/geographical entities and national structure identifiers. */
  structure: { namespaceId: 'ASIP-SANTE-ST', universalId: '1.2.250.1.71.4.2.2', universalIdType: 'ISO' },
  /** IPC-2.3 / IPC-4.3: LOINC. */
  loincOid: '2.16.840.1.113883.6.1',
} as const;

/** OIDs of the INS (national health identity) assigning authorities, from FR Core / Interop'Santé. */
export const INS_OID = {
  /** INS-NIR, production. */
  nir: '1.2.250.1.213.1.4.8',
  /** INS-NIA (identifier pending a NIR), production. */
  nia: '1.2.250.1.213.1.4.9',
  /** INS-NIR for tests: never a real patient (all the guide's examples use it). */
  nirTest: '1.2.250.1.213.1.4.10',
  /** INS-NIR for demonstrations: never a real patient. */
  nirDemo: '1.2.250.1.213.1.4.11',
} as const;

/** CX.5 of the INS repetition of PID-3 (PAM-FR 2.11, guide examples). */
export const INS_IDENTIFIER_TYPE = 'INS';

/** TQ1-6.2 unit of the image-retention duration, as in the guide's example (`730^jours`). */
export const RETENTION_UNIT = 'jours';
