/**
 * Names the report generator's input had before it took the Téléradiologie domain model
 * (`src/tlr/model`), kept for the code that still uses them (`docs/documents.md` listed them).
 */
import type { CodedValue, HealthProfessional, Organisation, Patient } from '../../tlr/index.js';
import { INS_OID } from '../../tlr/index.js';

/** @deprecated The Téléradiologie domain's `Patient` (`birthName`, `firstGivenName`, `birthplaceCode`, `identifiers`…). */
export type ReportPatient = Patient;
/** @deprecated The Téléradiologie domain's `HealthProfessional` (`prefix` for the title). */
export type ReportHealthProfessional = HealthProfessional;
/** @deprecated The Téléradiologie domain's `Organisation` (the CDA id derives from `identifierType` and `identifier`). */
export type ReportOrganisation = Organisation;
/** @deprecated The Téléradiologie domain's `CodedValue` (`display` for `displayName`). */
export type CodedConcept = CodedValue;
/** @deprecated The Téléradiologie domain's `Address` (`street` for `streetName`, `otherDesignation` for `additionalLocator`). */
export type { Address as PostalAddress } from '../../tlr/index.js';
/** @deprecated The Téléradiologie domain's types of the same names. */
export type { Civility, OidIdentifier, Telecom } from '../../tlr/index.js';

/** @deprecated The Téléradiologie domain's `INS_OID` (where `1.2.250.1.213.1.4.11` is the demonstration INS-NIR). */
export const INS_OIDS = { NIR: INS_OID.nir, NIA: INS_OID.nia, NIR_TEST: INS_OID.nirTest, NIA_TEST: INS_OID.nirDemo } as const;
/** @deprecated One of `INS_OID`'s values. */
export type InsOid = (typeof INS_OID)[keyof typeof INS_OID];
