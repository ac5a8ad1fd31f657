import type { DateTime } from '../date-time.js';
import type { CodedValue } from './coded-value.js';
import type { AccessionNumber, PlacerOrderNumber } from './identifiers.js';
import type { AnatomicalRegion, Modality, Quantity } from './imaging-order.js';
import type { Patient } from './patient.js';
import type { Visit } from './visit.js';

/**
 * A product administered during the exam (`PRODUIT_ADMINISTRE`, Sub-IDs `n.1` type, `n.2` lot,
 * `n.3` quantity). Type and lot are inseparable; the quantity is recommended.
 */
export interface AdministeredProduct {
  /** ATC level-2 class: `V09` (diagnostic radiopharmaceuticals) or `V10` (therapeutic). */
  atc: CodedValue;
  /**
   * Lot number, kept as text (never a number: leading zeros matter). Sent as `NM` when all digits,
   * as the guide's table says, otherwise as `TX` (which the validator reports as a warning).
   */
  lotNumber: string;
  quantity?: Quantity;
}

/** The imaging device used (`APPAREIL_IMAGERIE`, Sub-IDs `n.1` UDI carrier, `n.2` model). */
export interface ImagingDevice {
  /** The UDI carrier (*support IUD*), as AIDC and/or human-readable text. */
  identifier?: string;
  /** The manufacturer's model name. */
  model?: string;
}

/** One performed imaging exam: one ORDER group of flow 4. */
export interface PerformedExam {
  accessionNumber: AccessionNumber;
  /** DICOM Study Instance UID (IPC-3). */
  studyInstanceUid: string;
  /**
   * LOINC code of the performed imaging act (JDV_CodeDocumentImagerie-CISIS): OBX
   * `CODE_ACTE_IMAGERIE`, and the requested procedure and scheduled step ids of IPC-2 and IPC-4.
   */
  procedure: CodedValue;
  /** Date/time of the exam (TQ1-7). */
  performedAt: DateTime;
  /** How many days the archive keeps the images (TQ1-6); it must appear in the report. */
  imageRetentionDays: number;
  /**
   * Partial URL of the DRIMbox viewer (FQDN, service, StudyInstanceUID and AccessionNumber
   * parameters), which the platform completes with the report id. Sent base64-encoded.
   */
  viewerUrl: string;
  modality?: Modality;
  anatomicalRegions?: AnatomicalRegion[];
  administeredProducts?: AdministeredProduct[];
  device?: ImagingDevice;
}

/**
 * Post-exam complementary information (*complément d'information post-examen*) the RIS sends in
 * flow 4 (OMI^O23, ORC-1 `SR`) once the exam(s) of a request are performed.
 */
export interface PostExamInfo {
  placerOrderNumber: PlacerOrderNumber;
  patient: Patient;
  visit: Visit;
  /** At least one exam; each becomes an ORDER group carrying the same placer number. */
  exams: PerformedExam[];
}
