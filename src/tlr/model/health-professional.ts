import type { CodedValue } from './coded-value.js';
import type { Address, Telecom } from './contact.js';
import type { AssigningAuthority } from './identifiers.js';

/** Civility (JDV_J245_Civilite_CISIS), the CDA `prefix` of a professional's name; XCN has no slot for it. */
export type Civility = 'M' | 'MME';

/**
 * A health professional (*professionnel de santé*, PS) as the volet identifies them in ORC-11,
 * ORC-12 and OBR-16 (HL7 XCN): national identifier, practising name and given name. The profession
 * is not carried (XCN has no slot for it); the platform looks it up in the national directory.
 *
 * Documents use the same person: CDA authors, authenticators and participants add what only CDA
 * carries (civility, specialty, address, telecoms), and the document volet's XCN (TXA-22, PRT-5)
 * may name another authority and name type, which also lets it name the patient as an MSSanté
 * recipient (the INS as `idNat`, type `INS`, the INS authority, name type `L`).
 */
export interface HealthProfessional {
  /** PS_IdNat: identifier-type prefix + identifier, e.g. `8` + the 11-digit RPPS number. */
  idNat: string;
  /** Practising family name (*nom d'exercice*). */
  familyName: string;
  /** Practising given name (*prénom d'exercice*). */
  givenName: string;
  /** Title (XCN.6), e.g. `DR`; in CDA the name's `suffix` (JDV_J246_Titre_CISIS). */
  prefix?: string;
  /**
   * Identifier type (XCN.13, HL7 table 0203 French extension): `IDNPS` for a PS_IdNat, which the
   * volet expects; `RPPS` and `ADELI` are tolerated.
   */
  identifierType: string;
  /**
   * XCN.9, when it is not the national PS directory `ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO`, the
   * only one the Téléradiologie volet allows (a document message writes the one it is given).
   */
  assigningAuthority?: AssigningAuthority;
  /** Name type (XCN.10); default `D` (practising name), `L` (legal name) for a patient. */
  nameType?: string;
  /** Civility (CDA name `prefix`); documents only. */
  civility?: Civility;
  /** Profession / specialty from the national directory (JDV_J01_XdsAuthorSpecialty_CISIS, CDA `code`); documents only. */
  specialty?: CodedValue;
  /** Documents only (CDA `addr`). */
  address?: Address;
  /** Documents only (CDA `telecom`). */
  telecoms?: Telecom[];
}
