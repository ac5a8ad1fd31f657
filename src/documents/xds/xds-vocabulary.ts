/**
 * Identifiers of IHE XDS.b (ITI TF-3 §4.2.5) and of the French DMP used by the wire library and the DMP test
 * double: classification schemes, external identifiers, object types, association types, status values,
 * SOAP actions and namespaces. Values from `dmp-publication.md` §3–§5 and the ANS request samples.
 */

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xop: 'http://www.w3.org/2004/08/xop/include',
  xdsb: 'urn:ihe:iti:xds-b:2007',
  lcm: 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0',
  rim: 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0',
  rs: 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0',
  query: 'urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0',
  hl7: 'urn:hl7-org:v3',
} as const;

/** WS-Addressing actions of the transactions (request) and of their answers. */
export const ACTION = {
  provideAndRegister: 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b',
  provideAndRegisterResponse: 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse',
  updateDocumentSet: 'urn:ihe:iti:2010:UpdateDocumentSet',
  updateDocumentSetResponse: 'urn:ihe:iti:2010:UpdateDocumentSetResponse',
  registryStoredQuery: 'urn:ihe:iti:2007:RegistryStoredQuery',
  registryStoredQueryResponse: 'urn:ihe:iti:2007:RegistryStoredQueryResponse',
} as const;

export type XdsAction = (typeof ACTION)[keyof typeof ACTION];

/** Classification schemes (`classificationScheme`) and nodes of the XDS metadata. */
export const SCHEME = {
  submissionSetNode: 'urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd',
  submissionSetAuthor: 'urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d',
  contentTypeCode: 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500',
  documentAuthor: 'urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d',
  classCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  confidentialityCode: 'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
  eventCodeList: 'urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4',
  formatCode: 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
  healthcareFacilityTypeCode: 'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
  practiceSettingCode: 'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
  typeCode: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
} as const;

/** External identifiers (`identificationScheme`) and the names the ANS samples give them. */
export const IDENTIFIER = {
  submissionSetPatientId: { scheme: 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446', name: 'XDSSubmissionSet.patientId' },
  submissionSetSourceId: { scheme: 'urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832', name: 'XDSSubmissionSet.sourceId' },
  submissionSetUniqueId: { scheme: 'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8', name: 'XDSSubmissionSet.uniqueId' },
  documentPatientId: { scheme: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427', name: 'XDSDocumentEntry.patientId' },
  documentUniqueId: { scheme: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab', name: 'XDSDocumentEntry.uniqueId' },
} as const;

/** `objectType` of a stable DocumentEntry. */
export const STABLE_DOCUMENT_ENTRY = 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1';
/** `objectType` of the SubmissionSet RegistryPackage (ITI TF-3 4.2.5.1... the registry sets it; used in query answers). */
export const SUBMISSION_SET_OBJECT_TYPE = 'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage';

export const ASSOCIATION = {
  hasMember: 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
  replace: 'urn:ihe:iti:2007:AssociationType:RPLC',
  signs: 'urn:ihe:iti:2007:AssociationType:signs',
  updateAvailabilityStatus: 'urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus',
} as const;

export const STATUS = {
  approved: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved',
  deprecated: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated',
  /** The DMP's deletion status (ITI-57 `NewStatus`), `dmp-publication.md` §5. */
  deleted: 'urn:asip:ci-sis:2010:StatusType:Deleted',
} as const;

export type EntryStatus = (typeof STATUS)[keyof typeof STATUS];

export const RESPONSE_STATUS = {
  success: 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success',
  failure: 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure',
  partialSuccess: 'urn:ihe:iti:2007:ResponseStatusType:PartialSuccess',
} as const;

export const ERROR_SEVERITY = {
  error: 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error',
  warning: 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning',
} as const;

/** Stored query ids (ITI-18). */
export const STORED_QUERY = {
  getDocuments: 'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4',
  findDocuments: 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d',
} as const;

/** INS-NIR assigning authorities: production and test (`dmp-publication.md` §3, §11.4). */
export const INS_OID = { production: '1.2.250.1.213.1.4.8', test: '1.2.250.1.213.1.4.10' } as const;

/** Code systems of the CI-SIS XDS metadata. */
export const CODE_SYSTEM = {
  classCode: '1.2.250.1.213.1.1.4.1',
  loinc: '2.16.840.1.113883.6.1',
  hl7Confidentiality: '2.16.840.1.113883.5.25',
  dmpConfidentiality: '1.2.250.1.213.1.1.4.13',
  ihEFormatCode: '1.3.6.1.4.1.19376.1.2.3',
  activitySector: '1.2.250.1.71.4.2.4',
  practiceSetting: '1.2.250.1.213.1.1.4.9',
  contentType: '1.2.250.1.213.2.2',
  ccam: '1.2.250.1.213.2.5',
  modality: '1.2.250.1.213.1.1.5.618',
  professional: '1.2.250.1.71.4.2.1',
  structure: '1.2.250.1.71.4.2.2',
  purposeOfUse: '1.2.250.1.213.1.1.4.248',
} as const;

/** formatCode of a level-1 CDA (PDF body) and of a level-3 imaging report (`dmp-publication.md` §4). */
export const FORMAT_CODE = {
  pdf: {
    code: 'urn:ihe:iti:xds-sd:pdf:2008',
    codingScheme: CODE_SYSTEM.ihEFormatCode,
    displayName: 'Document à corps non structuré en Pdf/A-1',
  },
  text: {
    code: 'urn:ihe:iti:xds-sd:text:2008',
    codingScheme: CODE_SYSTEM.ihEFormatCode,
    displayName: 'Document à corps non structuré en texte brut',
  },
  imagingReport: {
    code: 'urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013',
    codingScheme: CODE_SYSTEM.ihEFormatCode,
    displayName: 'Compte rendu d’imagerie médicale',
  },
} as const;

/** Extra confidentiality codes the HL7 metadata OBX can ask for, as the DMP writes them (J08). */
export const DMP_CONFIDENTIALITY = {
  MASQUE_PS: 'Masqué aux professionnels de santé',
  INVISIBLE_PATIENT: 'Non visible par le patient',
  INVISIBLE_REPRESENTANTS_LEGAUX: 'Non visible par les représentants légaux du patient',
} as const;

export type DmpConfidentiality = keyof typeof DMP_CONFIDENTIALITY;

/** VIHF attribute names (`dmp-publication.md` §6, the IG mapping and the ANS samples). */
export const VIHF_ATTRIBUTE = {
  version: 'VIHF_Version',
  authenticationMode: 'Authentification_Mode',
  structureId: 'Identifiant_Structure',
  activitySector: 'Secteur_Activite',
  subjectId: 'urn:oasis:names:tc:xspa:1.0:subject:subject-id',
  role: 'urn:oasis:names:tc:xacml:2.0:subject:role',
  resourceId: 'urn:oasis:names:tc:xacml:2.0:resource:resource-id',
  resourceUrn: 'Ressource_URN',
  purposeOfUse: 'urn:oasis:names:tc:xspa:1.0:subject:purposeofuse',
  confidentialityCode: 'urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code',
  lpsId: 'LPS_ID',
  lpsName: 'LPS_Nom',
  lpsVersion: 'LPS_Version',
  lpsHomologation: 'LPS_ID_HOMOLOGATION_DMP',
} as const;
