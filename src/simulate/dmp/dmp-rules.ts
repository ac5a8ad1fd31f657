/**
 * The checks of the DMP test double, as data: one row per rule, with the answer the double gives when the rule is
 * broken. `DMP-ENV-*` (SOAP/MTOM/WS-Addressing) and `DMP-VIHF-*` (the SAML assertion) are answered with a SOAP
 * 1.2 Sender fault whose Subcode is `code`; `DMP-XSD-*`, `DMP-MD-*`, `DMP-RPLC-*` and `DMP-DEL-*` with a
 * RegistryResponse `Failure` carrying a RegistryError (`errorCode` = `code`, `codeContext` = the rule id and the
 * precise text, `location` = the metadata object). Sources: `dmp-publication.md` §2–§11 and IHE ITI TF-3 Table
 * 4.2.4.1-2 (error codes). The DMP's own error codes (annex A7-1 of the DMP integration guide) are not public: the
 * double answers the IHE codes, which the DMP also uses for these cases.
 */
export interface DmpRule {
  id: string;
  code: string;
  summary: string;
  /** `warning`: reported in the answer (RegistryError severity Warning) without refusing. */
  severity: 'error' | 'warning';
}

const rule = (id: string, code: string, summary: string, severity: 'error' | 'warning' = 'error'): DmpRule => ({
  id,
  code,
  summary,
  severity,
});

export const DMP_RULES = [
  // SOAP 1.2, MTOM/XOP, WS-Addressing (§2, §11.1)
  rule(
    'DMP-ENV-001',
    'InvalidMessage',
    'ITI-41 is a multipart/related MTOM message whose root part is application/xop+xml with type application/soap+xml',
  ),
  rule('DMP-ENV-002', 'InvalidMessage', 'the root part is a well-formed SOAP 1.2 Envelope with a Header and a Body'),
  rule('DMP-ENV-003', 'wsa:ActionNotSupported', 'wsa:Action is the action of the endpoint (repository: ITI-41; registry: ITI-57, ITI-18)'),
  rule('DMP-ENV-004', 'wsa:MessageAddressingHeaderRequired', 'wsa:MessageID is present and a urn:uuid'),
  rule('DMP-ENV-005', 'wsa:MessageAddressingHeaderRequired', 'wsa:To is present and names this endpoint'),
  rule('DMP-ENV-006', 'wsa:MessageAddressingHeaderRequired', 'wsa:ReplyTo is present with an Address'),
  rule('DMP-ENV-007', 'InvalidMessage', 'every xop:Include names a MIME part of the message'),
  // VIHF (§6, §11.2)
  rule('DMP-VIHF-001', 'wsse:InvalidSecurity', 'the Header has one wsse:Security with one SAML 2.0 Assertion (the VIHF)'),
  rule('DMP-VIHF-002', 'wsse:FailedCheck', 'the VIHF is signed (enveloped, its own ID referenced) by a certificate issued by a trusted CA'),
  rule(
    'DMP-VIHF-003',
    'wsse:InvalidSecurityToken',
    'Version 2.0, ID, IssueInstant, Issuer in X509SubjectName format, Subject/NameID, AuthnStatement',
  ),
  rule('DMP-VIHF-004', 'wsse:InvalidSecurityToken', 'Authentification_Mode is INDIRECTE (structure-level authentication)'),
  rule('DMP-VIHF-005', 'wsse:InvalidSecurityToken', 'Ressource_URN is urn:dmp'),
  rule('DMP-VIHF-006', 'wsse:InvalidSecurityToken', 'resource-id is the patientId of the submission'),
  rule('DMP-VIHF-007', 'wsse:InvalidSecurityToken', 'Secteur_Activite is <code>^1.2.250.1.71.4.2.4 with a JDV_J02 (TRE_R02) code'),
  rule('DMP-VIHF-008', 'wsse:InvalidSecurityToken', 'at least one subject:role with code and codeSystem'),
  rule('DMP-VIHF-009', 'wsse:InvalidSecurityToken', 'purposeofuse is normal (1.2.250.1.213.1.1.4.248)'),
  rule('DMP-VIHF-010', 'wsse:InvalidSecurityToken', 'VIHF_Version is 3.0 or 4.0'),
  rule(
    'DMP-VIHF-011',
    'wsse:InvalidSecurityToken',
    'Identifiant_Structure, subject-id, LPS_Nom, LPS_Version and LPS_ID_HOMOLOGATION_DMP are present',
  ),
  // XML Schemas (§11)
  rule('DMP-XSD-001', 'XDSRegistryMetadataError', 'the body validates against the IHE XDS.b / OASIS ebRS 3.0 schemas'),
  // SubmissionSet (§3)
  rule('DMP-MD-001', 'XDSRegistryMetadataError', 'exactly one SubmissionSet (RegistryPackage classified as SubmissionSet)'),
  rule('DMP-MD-002', 'XDSRegistryMetadataError', 'SubmissionSet submissionTime: one DTM value'),
  rule('DMP-MD-003', 'XDSRegistryMetadataError', 'SubmissionSet author: authorPerson as XCN with an IDNPS id, authorInstitution as XON'),
  rule('DMP-MD-004', 'XDSRegistryMetadataError', 'SubmissionSet contentTypeCode: a JDV_J59 code of codingScheme 1.2.250.1.213.2.2'),
  rule('DMP-MD-005', 'XDSRegistryMetadataError', 'SubmissionSet sourceId: an OID'),
  rule('DMP-MD-006', 'XDSDuplicateUniqueIdInRegistry', 'SubmissionSet uniqueId: a plain OID never submitted before'),
  rule('DMP-MD-007', 'XDSUnknownPatientId', 'patientId: an INS-NIR as CX ^^^&<INS OID of the environment>&ISO^NH'),
  rule('DMP-MD-008', 'XDSPatientIdDoesNotMatch', 'the DocumentEntry patientId is the SubmissionSet patientId'),
  // DocumentEntry (§4)
  rule('DMP-MD-009', 'XDSDuplicateUniqueIdInRegistry', 'DocumentEntry uniqueId: a plain OID (no ^extension) not already registered'),
  rule('DMP-MD-010', 'XDSRegistryMetadataError', 'DocumentEntry mimeType text/xml and objectType stable DocumentEntry'),
  rule('DMP-MD-011', 'XDSRegistryMetadataError', 'creationTime: one DTM, the CDA effectiveTime in UTC'),
  rule('DMP-MD-012', 'XDSRegistryMetadataError', 'serviceStartTime (required) and serviceStopTime: DTM, the serviceEvent low/high in UTC'),
  rule('DMP-MD-013', 'XDSRegistryMetadataError', 'languageCode: one value, the CDA languageCode'),
  rule('DMP-MD-014', 'XDSRegistryMetadataError', 'legalAuthenticator: one XCN, the CDA legalAuthenticator'),
  rule('DMP-MD-015', 'XDSRegistryMetadataError', 'sourcePatientId: one CX'),
  rule('DMP-MD-016', 'XDSRegistryMetadataError', 'typeCode: in JDV_J07, codingScheme LOINC, the CDA code'),
  rule('DMP-MD-017', 'XDSRegistryMetadataError', 'classCode: in JDV_J06, 31 (or 10) for an imaging report'),
  rule('DMP-MD-018', 'XDSRegistryMetadataError', 'confidentialityCode: in JDV_J08, the first one the CDA confidentialityCode'),
  rule(
    'DMP-MD-019',
    'XDSRegistryMetadataError',
    'formatCode: in JDV_J10 and consistent with the body (PDF nonXMLBody or structured imaging report)',
  ),
  rule('DMP-MD-020', 'XDSRegistryMetadataError', 'DocumentEntry author: at least one, each with an authorPerson XCN of the CDA authors'),
  rule('DMP-MD-021', 'XDSRegistryMetadataError', 'healthcareFacilityTypeCode: in JDV_J02, the CDA healthCareFacility code'),
  rule(
    'DMP-MD-022',
    'XDSRegistryMetadataError',
    'practiceSettingCode: in JDV_J04, the CDA performer organisation standardIndustryClassCode',
  ),
  rule('DMP-MD-023', 'XDSRegistryMetadataError', 'every coded Classification has nodeRepresentation, one codingScheme and a Name'),
  rule('DMP-MD-024', 'XDSRegistryMetadataError', 'DocumentEntry title (Name) present'),
  rule('DMP-MD-025', 'XDSNonIdenticalHash', 'hash: the SHA-1 of the document part'),
  rule('DMP-MD-026', 'XDSNonIdenticalSize', 'size: the byte length of the document part'),
  rule('DMP-MD-027', 'XDSMissingDocument', 'every DocumentEntry has its Document'),
  rule('DMP-MD-028', 'XDSMissingDocumentMetadata', 'every Document has its DocumentEntry'),
  rule('DMP-MD-029', 'XDSRegistryMetadataError', 'a HasMember association SubmissionSet → DocumentEntry with SubmissionSetStatus Original'),
  rule('DMP-MD-030', 'XDSRegistryMetadataError', 'uniqueId is the CDA id/@root and patientId the CDA INS'),
  rule('DMP-MD-031', 'XDSRegistryMetadataError', 'the document part is a CDA document (ClinicalDocument in urn:hl7-org:v3)'),
  rule('DMP-MD-032', 'XDSRegistryMetadataError', 'an XDS time that matches the CDA only read as local time (UTC expected)', 'warning'),
  rule('DMP-MD-033', 'XDSRegistryMetadataError', 'classCode 10 "Compte rendu" for an imaging report (31 recommended)', 'warning'),
  // Replacement (§7, §11.7)
  rule('DMP-RPLC-001', 'UnresolvedReferenceException', 'the RPLC target entryUUID is a registered entry'),
  rule('DMP-RPLC-002', 'XDSRegistryDeprecatedDocumentError', 'the RPLC target is Approved'),
  rule('DMP-RPLC-003', 'XDSPatientIdDoesNotMatch', 'the RPLC target has the same patient'),
  rule('DMP-RPLC-004', 'XDSRegistryMetadataError', 'the RPLC sourceObject is the submitted DocumentEntry'),
  // Deletion, ITI-57 (§5, §7, §11.8)
  rule(
    'DMP-DEL-001',
    'XDSMetadataUpdateError',
    'one UpdateAvailabilityStatus association from the SubmissionSet, OriginalStatus Approved, NewStatus Deleted',
  ),
  rule('DMP-DEL-002', 'UnresolvedReferenceException', 'the target entryUUID is a registered entry'),
  rule('DMP-DEL-003', 'XDSMetadataUpdateError', 'the target is Approved'),
  rule('DMP-DEL-004', 'XDSPatientIdDoesNotMatch', 'the SubmissionSet patientId is the target entry patient'),
  rule('DMP-DEL-005', 'XDSMetadataUpdateError', "the submitting structure is the author's structure of the original submission"),
  // Signature of the submission (§2, §5, §11.9)
  rule('DMP-SIG-001', 'XDSRegistryMetadataError', 'strict mode: the submission carries a signature document'),
  rule(
    'DMP-SIG-002',
    'XDSRegistryMetadataError',
    'the signature entry has the classCode, typeCode, formatCode, eventCode, mimeType and languageCode of §5',
  ),
  rule(
    'DMP-SIG-003',
    'XDSRegistryMetadataError',
    'one signs association from the signature entry to the SubmissionSet, SubmissionSetStatus Original',
  ),
  rule(
    'DMP-SIG-004',
    'XDSRegistryMetadataError',
    'the signature (XAdES, IHE DSG) verifies, references its Manifest and SignedProperties, by a trusted certificate',
  ),
  rule(
    'DMP-SIG-005',
    'XDSRegistryMetadataError',
    'the Manifest references the SubmissionSet uniqueId and every document with the SHA-256 of its bytes',
  ),
  // Stored query, ITI-18 (§11.10)
  rule(
    'DMP-QRY-001',
    'XDSStoredQueryParamNumber',
    'GetDocuments by $XDSDocumentEntryUniqueId or $XDSDocumentEntryEntryUUID, FindDocuments by patientId and status',
  ),
] as const satisfies readonly DmpRule[];

export type DmpRuleId = (typeof DMP_RULES)[number]['id'];

const BY_ID = new Map<string, DmpRule>(DMP_RULES.map((r) => [r.id, r]));

export function dmpRule(id: DmpRuleId): DmpRule {
  return BY_ID.get(id)!;
}

/** One broken rule in a received request. */
export interface DmpViolation {
  rule: DmpRuleId;
  code: string;
  severity: 'error' | 'warning';
  /** What exactly is wrong, e.g. `hash 0a1b… is not the SHA-1 of the document part (9f8e…)`. */
  text: string;
  /** The metadata object (`Document01`, `SubmissionSet01`). */
  location?: string;
}

export function violation(id: DmpRuleId, text: string, location?: string): DmpViolation {
  const r = dmpRule(id);
  return { rule: r.id as DmpRuleId, code: r.code, severity: r.severity, text, ...(location ? { location } : {}) };
}
