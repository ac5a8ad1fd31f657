import type {
  Cancellation,
  Decision,
  HealthProfessional,
  ImagingOrder,
  MessageContext,
  Organisation,
  Patient,
  PostExamInfo,
  Visit,
} from '../../src/tlr/model/index.js';
import { INS_OID } from '../../src/tlr/vocabulary.js';

/**
 * Realistic domain objects for the four flows, close to the guide's examples (same patient, same
 * placer number) but with a production INS in test processing mode, so that the messages built
 * from them are expected to validate without any finding.
 */

export const patient: Patient = {
  ins: { value: '279035121518989', authorityOid: INS_OID.nir, effectiveDate: '2010-12-07' },
  identifiers: [
    {
      value: 'IPP-4521',
      assigningAuthority: { namespaceId: 'CHU-X', universalId: '1.2.250.1.748.12345678.1', universalIdType: 'ISO' },
      type: 'PI',
    },
  ],
  birthName: 'PAT-TROIS',
  firstGivenName: 'DOMINIQUE',
  birthGivenNames: 'DOMINIQUE CLAIRE',
  usedName: 'DUPONT-TROIS',
  usedGivenName: 'Domi',
  birthDate: '1979-03-28',
  sex: 'F',
  birthplaceCode: '63220',
  address: { street: '28 Av de Breteuil', city: 'PARIS', postalCode: '75007', country: 'FRA' },
  accountNumber: {
    value: '405660',
    assigningAuthority: { namespaceId: 'AUT-AFFECTATION', universalId: '1204567809', universalIdType: 'M' },
    type: 'AN',
    effectiveDate: '2010-12-05',
  },
  identityStatus: 'VALI',
};

export const visit: Visit = {
  patientClass: 'O',
  visitNumber: {
    value: '000897406',
    assigningAuthority: { namespaceId: 'CHU-X', universalId: '000897406', universalIdType: 'M' },
    type: 'VN',
    effectiveDate: '2021-04-09',
  },
  admittedAt: '2026-01-03T13:44:18+01:00',
};

export const responsibleProfessional: HealthProfessional = {
  idNat: '801234567897',
  familyName: 'Hoda',
  givenName: 'Adam',
  prefix: 'DR',
  identifierType: 'IDNPS',
};

export const remoteRadiologist: HealthProfessional = {
  idNat: '801234564895',
  familyName: 'Eric',
  givenName: 'Thomas',
  prefix: 'DR',
  identifierType: 'IDNPS',
};

export const imagingFacility: Organisation = { name: 'Structure-Y', identifierType: 'FINEG', identifier: '300017985' };

export const platform: Organisation = { name: 'Plateforme-Y', identifierType: 'FINEG', identifier: '300017986' };

export const placerOrderNumber = { value: 'OPN101', authorityOid: '1.2.250.1.748.12345678.12' };

export const risContext: MessageContext = {
  sendingApplication: 'StructureApp',
  sendingFacility: 'StructureFacility',
  receivingApplication: 'TLRapp',
  receivingFacility: 'TLRfacility',
  controlId: '000001',
  timestamp: '2026-01-06T13:44:18+01:00',
  processingId: 'T',
  charset: 'UNICODE UTF-8',
};

export const platformContext: MessageContext = {
  sendingApplication: 'TLRapp',
  sendingFacility: 'TLRfacility',
  receivingApplication: 'StructureApp',
  receivingFacility: 'StructureFacility',
  controlId: '000003',
  timestamp: '2026-01-06T16:44:18+01:00',
  processingId: 'T',
  charset: 'UNICODE UTF-8',
};

export const order: ImagingOrder = {
  placerOrderNumber,
  patient,
  visit,
  requestedAt: '2026-01-06T13:44:18+01:00',
  responsibleProfessional,
  remoteRadiologist,
  callbackPhone: '+3360708091',
  imagingFacility,
  justification: 'Céphalées brutales depuis 48 h | vomissements ^ flou visuel & raideur ~ nuque \\ fièvre',
  purposeNotes: ['Recherche d’hémorragie méningée', 'Éliminer une thrombophlébite'],
  requestedModality: { code: 'MR', codingSystem: 'DCM', display: 'IRM', notes: ['Avec injection si la fonction rénale le permet'] },
  anatomicalRegions: [{ region: { code: '774007', display: 'tête et/ou cou' }, qualifier: { code: '24028007', display: 'côté droit' } }],
  medicalHistory: [
    { text: 'Migraine ophtalmique depuis l’adolescence', relevance: 'PERTINENT' },
    { text: 'Allergie à l’iode\nsous traitement', relevance: 'MAJEUR' },
  ],
  height: { value: 170, unit: 'cm' },
  weight: { value: 68.5, unit: 'kg' },
  pregnant: false,
};

export const cancellation: Cancellation = {
  placerOrderNumber,
  patient,
  visit,
  cancelledAt: '2026-01-06T13:45:18+01:00',
  responsibleProfessional,
  imagingFacility,
  reason: { text: "Motif d'annulation de la demande : patient transféré" },
};

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

export const acceptance: Decision = {
  placerOrderNumber,
  patient,
  remoteRadiologist,
  platform,
  outcome: {
    accepted: true,
    protocols: [
      { kind: 'text', text: 'IRM cérébrale :\nséquences T1, T2 FLAIR, diffusion\ninjection de gadolinium 0,1 mmol/kg' },
      { kind: 'document', mediaType: 'application/pdf', base64: pdf.toString('base64') },
    ],
  },
};

export const refusal: Decision = {
  placerOrderNumber,
  patient,
  visit,
  remoteRadiologist,
  platform,
  outcome: {
    accepted: false,
    reason: { code: 'EXAMEN_NON_PERTINENT', codingSystem: 'L', text: 'Examen non pertinent : préférer un scanner' },
  },
};

export const postExamInfo: PostExamInfo = {
  placerOrderNumber,
  patient,
  visit: { ...visit, dischargedAt: '2026-01-07T13:44:18+01:00' },
  exams: [
    {
      accessionNumber: { value: 'ACN101', authorityOid: '1.2.250.1.925.994044.27' },
      studyInstanceUid: '1.2.250.1.213.4.5.2.1.101',
      procedure: { code: '24590-2', display: 'RM cerveau' },
      performedAt: '2026-01-06T18:44:18+01:00',
      imageRetentionDays: 730,
      viewerUrl: 'https://drimbox.chu-x.fr/ohif/viewer?StudyInstanceUIDs=1.2.250.1.213.4.5.2.1.101&AccessionNumber=ACN101',
      modality: { code: 'MR', codingSystem: 'DCM', display: 'IRM', notes: ['Séquence de diffusion ajoutée'] },
      anatomicalRegions: [
        { region: { code: '774007', display: 'tête et/ou cou' }, qualifier: { code: '24028007', display: 'côté droit' } },
      ],
      administeredProducts: [
        {
          atc: { code: 'V09', display: 'Produits radiopharmaceutiques à usage diagnostique' },
          lotNumber: '0123456789',
          quantity: { value: 1.5, unit: 'mL' },
        },
      ],
      device: { identifier: '(01)03664079000123(21)SN4521', model: 'Magnetom Vida 3T' },
    },
    {
      accessionNumber: { value: 'ACN102', authorityOid: '1.2.250.1.925.994044.27' },
      studyInstanceUid: '1.2.250.1.213.4.5.2.1.102',
      procedure: { code: '24725-4', display: 'CT tête' },
      performedAt: '2026-01-06T19:10:00+01:00',
      imageRetentionDays: 3650,
      viewerUrl: 'https://drimbox.chu-x.fr/ohif/viewer?StudyInstanceUIDs=1.2.250.1.213.4.5.2.1.102&AccessionNumber=ACN102',
    },
  ],
};
