/**
 * What the RIS knows when it sends an imaging request (*demande d'actes d'imagerie*, DA-IMG) to the
 * teleradiology platform, in the domain's words: the flow-1 order (`ImagingOrder`, as the ORM^O01
 * carries it) and what only the CDA document carries. `generateImagingRequest` turns it into a CDA R2
 * document (CI-SIS IMG-DA-IMG 2024.01, level 3, or level 1 with a PDF body).
 *
 * Where each field goes: `docs/documents.md` ("The imaging request document").
 */

import type { VersionedDocumentInfo } from '../cda/input-checker.js';
import type { CodedValue, HealthProfessional, ImagingOrder, Organisation, Quantity } from '../../tlr/index.js';

/** Document-level data: ids, version, time, confidentiality, title. */
export interface RequestDocumentInfo extends VersionedDocumentInfo {
  /** Title; default `Demande d'acte d'imagerie`. */
  title?: string;
}

/** The imaging facility issuing the request (ORC-21) with the codes only the CDA carries. */
export interface RequestImagingFacility extends Organisation {
  /** Healthcare facility type (JDV_J02, e.g. `SA01`): `encompassingEncounter/location/healthCareFacility/code`. */
  facilityType: CodedValue;
  /** Practice setting (JDV_J04, e.g. `ETABLISSEMENT`): `standardIndustryClassCode` of the prescriber's organisation. */
  practiceSetting: CodedValue;
}

/** Clinical data of the request that the ORM^O01 has no slot for (the DA-IMG does). All optional. */
export interface RequestClinicalData {
  /** Contra-indications (JDV_Contre-indications-CISIS `1.2.250.1.213.1.1.5.659`); a pregnancy (`order.pregnant`) adds `77386006`. */
  contraIndications?: CodedValue[];
  /** Allergies, free text (history narrative). */
  allergies?: string[];
  /** Surgical history, free text (the order's history is medical history). */
  surgicalHistory?: string;
  /** Information for the care of the patient (JDV_InfoPriseEnCharge-CISIS, `ORG-192` observations). */
  careInformation?: CodedValue[];
  /** Creatinine clearance (shown with height and weight in the results section). */
  creatinineClearance?: Quantity;
  /** Vital or functional urgency with its justification: `priorityCode UR` of every requested act. */
  urgency?: { justification: string };
  /** Date by which the exam should be done; unknown when absent (`effectiveTime nullFlavor="UNK"`). */
  wishedBefore?: Date;
  /** Whether the patient was informed of the risks of the exam (`MED-1130`); unknown when absent. */
  patientInformedOfRisks?: boolean;
  /**
   * Function studied (`MED-1133`): required for a PET (`PT`, JDV_FonctionEtudieeTEP) or a scintigraphy
   * (`NM`, JDV_FonctionEtudieeScintigraphie).
   */
  studiedFunction?: CodedValue;
  /** PET only: contrast injection wished (JDV_InjectionPDC_TEP-CISIS: `MED-1153` with, `MED-1154` without). */
  contrastInjection?: CodedValue;
  /** Results of previous exams, free text (FR-Resultats-examens-non-code). */
  previousResults?: string;
}

/** Everything needed to generate the imaging request document. */
export interface ImagingRequestInput {
  document: RequestDocumentInfo;
  /** The order as flow 1 carries it: patient with INS, requested modality, regions, justification, history, measurements. */
  order: ImagingOrder;
  /**
   * The requesting physician (author, legal authenticator and performer of the documented request): default
   * `order.responsibleProfessional`, which the host completes with the CDA-only traits (specialty…).
   */
  prescriber?: HealthProfessional;
  /** The issuing imaging facility: default `order.imagingFacility`, with the codes of {@link RequestImagingFacility}. */
  facility: RequestImagingFacility;
  /** Encounter type (JDV_J142, e.g. `EXTERNE`); default `AMB`. */
  encounterCode?: CodedValue;
  clinical?: RequestClinicalData;
  /** Level 1: the request as the host renders it (PDF); otherwise the generator renders one from the data. */
  pdf?: Uint8Array;
}
