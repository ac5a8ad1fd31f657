import type { DateTime } from '../date-time.js';
import type { CodedValue } from './coded-value.js';
import type { HealthProfessional } from './health-professional.js';
import type { PlacerOrderNumber } from './identifiers.js';
import type { Organisation } from './organisation.js';
import type { Patient } from './patient.js';
import type { Visit } from './visit.js';

/**
 * Coding systems of the modality value set (JDV_modalitedemandeActeImagerie-CISIS):
 * DICOM codes (`MR`, `CT`…) or CI-SIS codes (`MED-1126`…).
 */
export type ModalityCodingSystem = 'DCM' | 'terminologie-cisis-fr';

/** An imaging modality, requested (flow 1) or used (flow 4), with optional comments (NTE `MODALITE_IMAGERIE`). */
export interface Modality extends CodedValue {
  codingSystem: ModalityCodingSystem;
  /** Comments on the modality, one NTE each. */
  notes?: string[];
}

/**
 * An anatomical region examined (JDV_RegionAnatomique-CISIS, SNOMED CT) with its optional
 * topographic qualifier (JDV_ModificateurTopographique-CISIS, SNOMED CT), e.g. head and/or neck,
 * right side. Carried by `REGION_ANATOMIQUE` OBX with Sub-IDs `n.1` and `n.2`.
 */
export interface AnatomicalRegion {
  region: CodedValue;
  qualifier?: CodedValue;
}

/** Relevance of a medical-history entry for the exam (OBX-8 of the history OBX). */
export type HistoryRelevance = 'SANS_IMPACT' | 'PERTINENT' | 'MAJEUR';

/** A medical-history entry (*antécédent*), free text. */
export interface MedicalHistoryEntry {
  text: string;
  relevance?: HistoryRelevance;
}

/** A measured quantity with its unit (OBX-5 NM + OBX-6). */
export interface Quantity {
  value: number;
  /** Unit as written in OBX-6.1, e.g. `cm`, `kg`, `mL`. */
  unit: string;
}

/**
 * The imaging request (*demande d'examen d'imagerie*) the RIS transmits to the teleradiology
 * platform in flow 1 (ORM^O01, ORC-1 `NW`).
 */
export interface ImagingOrder {
  placerOrderNumber: PlacerOrderNumber;
  patient: Patient;
  visit: Visit;
  /** Date/time of the request (*date de la demande*, ORC-9). */
  requestedAt: DateTime;
  /**
   * The professional of the imaging facility responsible for the request: the requesting physician
   * or the on-site professional taking charge of the patient (ORC-12 = OBR-16). The volet has a
   * single slot for both roles.
   */
  responsibleProfessional: HealthProfessional;
  /** The remote radiologist (*PS effecteur*), when known at sending time (ORC-11). */
  remoteRadiologist?: HealthProfessional;
  /** Phone number to call about the request (ORC-14). */
  callbackPhone?: string;
  /** The issuing imaging facility (ORC-21). */
  imagingFacility: Organisation;
  /** Justification of the request: indications, symptoms, clinical signs (OBR-13). */
  justification: string;
  /** Purpose of the exam / clinical question (NTE `FINALITE_EXAMEN`, one per note). */
  purposeNotes?: string[];
  requestedModality: Modality;
  /** At least one; the guide's tables expect exactly one (more is reported as a warning). */
  anatomicalRegions: AnatomicalRegion[];
  medicalHistory?: MedicalHistoryEntry[];
  height?: Quantity;
  weight?: Quantity;
  /** Pregnancy status: `true` pregnant, `false` not pregnant, absent when unknown. */
  pregnant?: boolean;
}
