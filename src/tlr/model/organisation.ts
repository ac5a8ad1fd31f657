import type { CodedValue } from './coded-value.js';
import type { Address, Telecom } from './contact.js';
import type { AssigningAuthority } from './identifiers.js';

/**
 * Identifier types of an organisation (ORC-21.7): FINESS of the legal entity (`FINEJ`) or of the
 * site (`FINEG`), national structure identifier (`IDNST`, Struct_IdNat), functional unit (`UF`) or
 * department (`SVR`) inside an establishment.
 */
export type OrganisationIdentifierType = 'FINEJ' | 'FINEG' | 'IDNST' | 'UF' | 'SVR';

export const ORGANISATION_IDENTIFIER_TYPES: readonly OrganisationIdentifierType[] = ['FINEJ', 'FINEG', 'IDNST', 'UF', 'SVR'];

/**
 * The imaging facility (*structure d'imagerie*) or the teleradiology platform that issues an order
 * segment (ORC-21, HL7 XON). Documents use the same organisation (PRT-8 of a document message, CDA
 * custodian and represented organisations), with what only they carry.
 */
export interface Organisation {
  name: string;
  identifierType: OrganisationIdentifierType;
  /**
   * The bare 9-character FINESS for `FINEJ`/`FINEG`, the Struct_IdNat (type prefix + identifier) for
   * `IDNST`, the local unit code for `UF`/`SVR` (`common.md` §4.4).
   */
  identifier: string;
  /**
   * For `UF`/`SVR` only: the FINESS (EJ or EG) of the establishment that issued the unit code, which
   * becomes the assigning authority (ORC-21.6). National identifiers use the structure authority
   * `1.2.250.1.71.4.2.2` instead.
   */
  establishmentFiness?: string;
  /**
   * XON.6, when it is not the one the identifier type implies (above): the Téléradiologie volet
   * fixes it, a document message writes the one it is given.
   */
  assigningAuthority?: AssigningAuthority;
  /** Practice setting (JDV_J04_XdsPracticeSettingCode_CISIS, CDA `standardIndustryClassCode`); documents only. */
  practiceSetting?: CodedValue;
  /** Documents only (CDA `addr`). */
  address?: Address;
  /** Documents only (CDA `telecom`). */
  telecom?: Telecom;
}
