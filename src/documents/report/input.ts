/**
 * What the teleradiology platform knows when its remote radiologist signs an imaging report
 * (*compte rendu d'imagerie*, CR-IMG), in the domain's words. `generateImagingReport` turns it into a
 * CDA R2 document (CI-SIS IMG-CR-IMG 2024.01, level 1 or level 3).
 *
 * Sources of each field in the teleradiology flows: `docs/documents.md` (header mapping table).
 */

import type { AccessionNumber, CodedValue, HealthProfessional, Organisation, Patient, PlacerOrderNumber } from '../../tlr/index.js';

import type { InstanceIdentifier } from '../cda/cda-elements.js';

export type { InstanceIdentifier } from '../cda/cda-elements.js';

export { PROFESSIONAL_TITLES } from '../cda/input-checker.js';
export type { ProfessionalTitle } from '../cda/input-checker.js';

/**
 * The imaging facility (*structure d'imagerie*) where the patient was examined. It keeps the report
 * (custodian: the legally responsible entity) and publishes it to the DMP. Its CDA id is its national
 * structure identifier (root `1.2.250.1.71.4.2.2`): `1` + FINESS, or the Struct_IdNat (`IDNST`).
 */
export interface ReportImagingFacility extends Organisation {
  /** Healthcare facility type from JDV_J02_XdsHealthcareFacilityTypeCode_CISIS (`SA01`, `SA08`…): the XDS healthcareFacilityTypeCode. */
  facilityType: CodedValue;
  /** Practice setting (JDV_J04); required because the facility is the organisation of the serviceEvent performer. */
  practiceSetting: CodedValue;
  /**
   * The physician responsible for the facility (ANS teleradiology pattern: second author with
   * function `ATTPHYS`, and possibly the legal authenticator). Optional.
   */
  responsiblePhysician?: HealthProfessional;
}

/** The performed exam (flow 4, *complément d'information post-examen*). */
export interface PerformedExam {
  /** Accession number (IPC-1). */
  accessionNumber: AccessionNumber;
  /** DICOM Study Instance UID (IPC-3). */
  studyInstanceUid: string;
  /** Imaging act, LOINC from JDV_CodeDocumentImagerie-CISIS (`1.2.250.1.213.1.1.5.687`), e.g. `24590-2`. */
  actCode: CodedValue;
  /** Optional CCAM act code (code system `1.2.250.1.213.2.5`). */
  ccamCode?: CodedValue;
  /** Acquisition modality, DICOM code from JDV_ModaliteAcquisition-CISIS (`CT`, `MR`…; never `RM`). */
  modality: CodedValue;
  /** Anatomical region(s), SNOMED CT from JDV_RegionAnatomique-CISIS (`774007` tête et/ou cou…). */
  regions?: CodedValue[];
  /**
   * Anatomical location of the imaging technique, SNOMED CT from JDV_LocalisationAnatomique-CISIS
   * (`1.2.250.1.213.1.1.5.694`, e.g. `302548004` tête entière). Required for a level-3 report: the
   * FR-DICOM-Technique-imagerie entry has exactly one `targetSiteCode`.
   */
  anatomicalLocation?: CodedValue;
  /** Laterality of the technique (JDV_LateraliteTechniqueImagerie-CISIS: `66459002` unilatéral, `51440002` bilatéral). */
  laterality?: CodedValue;
  /** Exam start (TQ1-7). */
  startedAt: Date;
  /** Exam end, when known. */
  endedAt?: Date;
  /**
   * Identifiers of the object referenced by the level-3 DICOM object catalogue. The ANS model lists one
   * generic series and one reference object per study; when the platform does not know them, identifiers
   * are derived from the Study Instance UID (see `docs/documents.md`).
   */
  catalog?: { seriesInstanceUid?: string; sopInstanceUid?: string; sopClass?: CodedValue };
}

/** The DRIMbox image viewer access (flow 4 `URL_PARTIELLE_VIEWER`, TQ1 retention). */
export interface ViewerAccess {
  /** The partial URL, decoded from base64, verbatim. The report id is appended per version. */
  partialUrl: string;
  /** How many days the images stay available (flow 4 TQ1, e.g. 730). Printed in the report. */
  imageRetentionDays?: number;
}

/** The report text written by the radiologist. Line breaks separate paragraphs. */
export interface ReportContent {
  /** Clinical context and indication (*indication / renseignements cliniques*). */
  clinicalContext: string;
  /** Technique (*technique*). */
  technique: string;
  /** Findings (*résultats*). */
  findings: string;
  /** Conclusion. */
  conclusion: string;
  /** Comparison with previous exams (*examens comparatifs*), optional. */
  comparison?: string;
  /** Medical history (*antécédents médicaux*), optional. */
  medicalHistory?: string;
  /** Surgical history (*antécédents chirurgicaux*), optional. */
  surgicalHistory?: string;
  /** Contra-indications from JDV_Contre-indications-CISIS (`1.2.250.1.213.1.1.5.659`), optional. */
  contraIndications?: CodedValue[];
  /** The signed report as a PDF, when the host renders it; otherwise the generator renders one from the text. */
  pdf?: Uint8Array;
}

/** The version of a report being replaced: what `generateImagingReport` returned for it. */
export interface ReplacedReport {
  documentId: InstanceIdentifier;
  setId: InstanceIdentifier;
  versionNumber: number;
}

/** Document-level data: ids, version, time, confidentiality. */
export interface ReportDocumentInfo {
  /**
   * Id of this version. Default: a new OID `2.25.<UUID as integer>`. Prefer a plain OID without
   * extension: the DMP does not accept `OID^extension` and the DRIMbox `idCDA` is `id/@root`.
   */
  id?: InstanceIdentifier;
  /** Id of the set of versions. Default: the id of the first version (or `replaces.setId`). */
  setId?: InstanceIdentifier;
  /** Version number; default 1, or `replaces.versionNumber + 1`. */
  versionNumber?: number;
  /** The version this document replaces (HL7 T10): keeps its setId, increments the version, adds `relatedDocument RPLC`. */
  replaces?: ReplacedReport;
  /** Creation time of the document (`effectiveTime`); also the author and signature time by default. */
  effectiveTime: Date;
  /** Time of the legal signature; default `effectiveTime`. */
  signedAt?: Date;
  /** `N` normal (default), `R` restricted, `V` very restricted. Masking/visibility travels in HL7 metadata, not here. */
  confidentiality?: 'N' | 'R' | 'V';
  /** Title; default `CR d'imagerie médicale - <act display name>`. */
  title?: string;
}

/**
 * Everything needed to generate the imaging report. The patient, the professionals and the
 * organisations are those of the Téléradiologie domain model (`src/tlr/model`), with the traits only
 * CDA carries (specialty, civility, practice setting, addresses, telecoms…), so that what the flows
 * carry goes into the report as it is.
 */
export interface ImagingReportInput {
  document: ReportDocumentInfo;
  /**
   * The patient, identified by a qualified INS with the traits the INS referential returns (*traits
   * INS*): birth name, birth given names (`birthGivenNames`, space-separated) and the first of them
   * (`firstGivenName`), sex (`F`, `M` or `U`, CDA `UN`), birth date (`YYYY-MM-DD` or `YYYYMMDD`) and
   * birthplace INSEE COG code (`99xxx` abroad); the DMP only accepts a qualified INS. Its identifiers
   * follow the INS as `recordTarget` ids: each needs an OID authority (`universalId`) and a value.
   */
  patient: Patient;
  /** The remote radiologist who wrote and signed the report: author, authenticator, serviceEvent performer. */
  radiologist: HealthProfessional;
  /** The teleradiology platform: organisation of the radiologist (author `representedOrganization`). */
  platform: Organisation;
  /** The imaging facility: custodian, healthcare facility, performer organisation. */
  facility: ReportImagingFacility;
  /**
   * Who signs legally (`legalAuthenticator`): the radiologist (default) or, in the ANS teleradiology
   * pattern, the facility's responsible physician (`facility.responsiblePhysician` required).
   */
  legalAuthenticator?: 'radiologist' | 'facility-responsible-physician';
  /** The prescriber of the exam (participant `REF`), when known. */
  orderingProvider?: HealthProfessional;
  /** The imaging request: placer order number (ORC-2/OBR-2). */
  order: { placerOrderNumber: PlacerOrderNumber };
  exam: PerformedExam;
  /** Encounter type (JDV_J142, e.g. `AMB`, `EXTERNE`); default `AMB`. */
  encounterCode?: CodedValue;
  viewer?: ViewerAccess;
  content: ReportContent;
}
