/**
 * What the teleradiology platform knows when its remote radiologist signs an imaging report
 * (*compte rendu d'imagerie*, CR-IMG), in the domain's words. `generateImagingReport` turns it into a
 * CDA R2 document (CI-SIS IMG-CR-IMG 2024.01, level 1 or level 3).
 *
 * Sources of each field in the teleradiology flows: `docs/documents.md` (header mapping table).
 */

/** An instance identifier (HL7 v3 II): an OID (or UUID) `root` and an optional `extension`. */
export interface InstanceIdentifier {
  root: string;
  extension?: string;
}

/** An identifier issued under an OID (order placer number, accession number): `root` = OID of the issuer. */
export interface OidIdentifier {
  /** The identifier itself (`@extension`). */
  value: string;
  /** OID of the issuing system or identifier space (`@root`). */
  authorityOid: string;
}

/** A code with its code system, as CDA `code`/`translation` elements need it (displayName is mandatory in CI-SIS headers). */
export interface CodedConcept {
  code: string;
  displayName: string;
  /** OID of the code system. */
  codeSystem: string;
  /** Informative name of the code system (`LOINC`, `DCM`, `SNOMED CT`…). */
  codeSystemName?: string;
}

/** A postal address, structured (every part optional). */
export interface PostalAddress {
  houseNumber?: string;
  streetName?: string;
  /** Extra line (building, staircase…). */
  additionalLocator?: string;
  postalCode?: string;
  city?: string;
  country?: string;
  /** `H` home, `WP` work place… */
  use?: 'H' | 'HP' | 'HV' | 'WP' | 'TMP';
}

/** A telecom address as a URL (`tel:0146000000`, `mailto:…`, `fax:…`). */
export interface Telecom {
  value: string;
  use?: 'H' | 'HP' | 'HV' | 'WP' | 'DIR' | 'PUB' | 'EC' | 'MC' | 'PG';
}

/** OIDs under which an INS (*identifiant national de santé*) is issued. */
export const INS_OIDS = {
  /** INS-NIR (production). */
  NIR: '1.2.250.1.213.1.4.8',
  /** INS-NIA (production). */
  NIA: '1.2.250.1.213.1.4.9',
  /** INS-NIR of the test environment. */
  NIR_TEST: '1.2.250.1.213.1.4.10',
  /** INS-NIA of the test environment. */
  NIA_TEST: '1.2.250.1.213.1.4.11',
} as const;

/** One of {@link INS_OIDS}. */
export type InsOid = (typeof INS_OIDS)[keyof typeof INS_OIDS];

/**
 * The patient, identified by a (qualified) INS with the identity traits the INS referential returns
 * (*traits INS*): birth family name, birth given names, first birth given name, sex, birth date and
 * birth place (INSEE COG code). The DMP only accepts a qualified INS.
 */
export interface ReportPatient {
  /** The INS: matricule (15 characters for a NIR) and the OID saying NIR/NIA, production/test. */
  ins: { value: string; oid: InsOid };
  /** Local identifiers, e.g. the IPP of the imaging facility (`root` = OID of the IPP domain). Each needs an extension. */
  localIds?: InstanceIdentifier[];
  /** Birth family name (*nom de naissance*), as on the INS. */
  birthFamilyName: string;
  /** All birth given names, space-separated (*liste des prénoms de naissance*). */
  birthGivenNames: string;
  /** First birth given name (*premier prénom de naissance*). */
  firstBirthGivenName: string;
  /** Used family name (*nom utilisé*), when different from the birth name. */
  usedFamilyName?: string;
  /** Used given name (*prénom utilisé*). */
  usedGivenName?: string;
  /** Administrative sex: `F`, `M`, `U` (unknown, CDA `UN`). */
  sex: 'F' | 'M' | 'U';
  /** Birth date `YYYY-MM-DD` (or `YYYYMMDD`). */
  birthDate: string;
  /** INSEE COG code of the birth place (`99xxx` for a country abroad). */
  birthPlaceCode: string;
  /** Birth place name, informative. */
  birthPlaceName?: string;
  address?: PostalAddress;
  telecoms?: Telecom[];
}

/** Civility codes of JDV_J245_Civilite_CISIS, the only `prefix` values the CI-SIS header allows. */
export type Civility = 'M' | 'MME';
/** Title codes of JDV_J246_Titre_CISIS, the only `suffix` values allowed. */
export type ProfessionalTitle = 'DR' | 'MC' | 'MG' | 'PC' | 'PG' | 'PR';

/** A health professional (*professionnel de santé*) identified by their PS_IdNat. */
export interface ReportHealthProfessional {
  /** PS_IdNat: `8` + RPPS number (root `1.2.250.1.71.4.2.1`). */
  idNat: string;
  familyName: string;
  /** Given name(s) — one `given` element (the CI-SIS header allows at most one). */
  givenName?: string;
  civility?: Civility;
  title?: ProfessionalTitle;
  /** Profession/specialty from JDV_J01_XdsAuthorSpecialty_CISIS, e.g. `G15_10/SM44` "Médecin - Radio-diagnostic (SM)". */
  specialty?: CodedConcept;
  address?: PostalAddress;
  telecoms?: Telecom[];
}

/** A health organisation identified by its national structure identifier (root `1.2.250.1.71.4.2.2`). */
export interface ReportOrganisation {
  /** National structure identifier (`1` + FINESS, `3` + SIRET…). */
  idNat: string;
  name: string;
  /** Practice setting from JDV_J04_XdsPracticeSettingCode_CISIS (e.g. `AMBULATOIRE`); becomes the XDS practiceSettingCode when the organisation performs the exam. */
  practiceSetting?: CodedConcept;
  address?: PostalAddress;
  telecom?: Telecom;
}

/**
 * The imaging facility (*structure d'imagerie*) where the patient was examined. It keeps the report
 * (custodian: the legally responsible entity) and publishes it to the DMP.
 */
export interface ReportImagingFacility extends ReportOrganisation {
  /** Healthcare facility type from JDV_J02_XdsHealthcareFacilityTypeCode_CISIS (`SA01`, `SA08`…): the XDS healthcareFacilityTypeCode. */
  facilityType: CodedConcept;
  /** Practice setting (JDV_J04); required because the facility is the organisation of the serviceEvent performer. */
  practiceSetting: CodedConcept;
  /**
   * The physician responsible for the facility (ANS teleradiology pattern: second author with
   * function `ATTPHYS`, and possibly the legal authenticator). Optional.
   */
  responsiblePhysician?: ReportHealthProfessional;
}

/** The performed exam (flow 4, *complément d'information post-examen*). */
export interface PerformedExam {
  /** Accession number (IPC-1). */
  accessionNumber: OidIdentifier;
  /** DICOM Study Instance UID (IPC-3). */
  studyInstanceUid: string;
  /** Imaging act, LOINC from JDV_CodeDocumentImagerie-CISIS (`1.2.250.1.213.1.1.5.687`), e.g. `24590-2`. */
  actCode: CodedConcept;
  /** Optional CCAM act code (code system `1.2.250.1.213.2.5`). */
  ccamCode?: CodedConcept;
  /** Acquisition modality, DICOM code from JDV_ModaliteAcquisition-CISIS (`CT`, `MR`…; never `RM`). */
  modality: CodedConcept;
  /** Anatomical region(s), SNOMED CT from JDV_RegionAnatomique-CISIS (`774007` tête et/ou cou…). */
  regions?: CodedConcept[];
  /**
   * Anatomical location of the imaging technique, SNOMED CT from JDV_LocalisationAnatomique-CISIS
   * (`1.2.250.1.213.1.1.5.694`, e.g. `302548004` tête entière). Required for a level-3 report: the
   * FR-DICOM-Technique-imagerie entry has exactly one `targetSiteCode`.
   */
  anatomicalLocation?: CodedConcept;
  /** Laterality of the technique (JDV_LateraliteTechniqueImagerie-CISIS: `66459002` unilatéral, `51440002` bilatéral). */
  laterality?: CodedConcept;
  /** Exam start (TQ1-7). */
  startedAt: Date;
  /** Exam end, when known. */
  endedAt?: Date;
  /**
   * Identifiers of the object referenced by the level-3 DICOM object catalogue. The ANS model lists one
   * generic series and one reference object per study; when the platform does not know them, identifiers
   * are derived from the Study Instance UID (see `docs/documents.md`).
   */
  catalog?: { seriesInstanceUid?: string; sopInstanceUid?: string; sopClass?: CodedConcept };
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
  contraIndications?: CodedConcept[];
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

/** Everything needed to generate the imaging report. */
export interface ImagingReportInput {
  document: ReportDocumentInfo;
  patient: ReportPatient;
  /** The remote radiologist who wrote and signed the report: author, authenticator, serviceEvent performer. */
  radiologist: ReportHealthProfessional;
  /** The teleradiology platform: organisation of the radiologist (author `representedOrganization`). */
  platform: ReportOrganisation;
  /** The imaging facility: custodian, healthcare facility, performer organisation. */
  facility: ReportImagingFacility;
  /**
   * Who signs legally (`legalAuthenticator`): the radiologist (default) or, in the ANS teleradiology
   * pattern, the facility's responsible physician (`facility.responsiblePhysician` required).
   */
  legalAuthenticator?: 'radiologist' | 'facility-responsible-physician';
  /** The prescriber of the exam (participant `REF`), when known. */
  orderingProvider?: ReportHealthProfessional;
  /** The imaging request: placer order number (ORC-2/OBR-2). */
  order: { placerOrderNumber: OidIdentifier };
  exam: PerformedExam;
  /** Encounter type (JDV_J142, e.g. `AMB`, `EXTERNE`); default `AMB`. */
  encounterCode?: CodedConcept;
  viewer?: ViewerAccess;
  content: ReportContent;
}
