import { IDENTITY_RELIABILITY_CODES } from '../../profiles/rules/pid.js';
import type { DateTime } from '../date-time.js';
import type { Address, Telecom } from './contact.js';
import type { Identifier } from './identifiers.js';

/**
 * The INS (*Identité Nationale de Santé*) matricule of a patient: a NIR, or a NIA for a person
 * awaiting a NIR, qualified by the OID of its assigning authority (see `INS_OID`).
 */
export interface NationalHealthIdentifier {
  /** The 15-character matricule (13 characters + 2-digit key). */
  value: string;
  /** `INS_OID.nir`, `INS_OID.nia`, or the test/demonstration OIDs that never designate a real person. */
  authorityOid: string;
  /** Date the INS was retrieved or qualified (CX.7). */
  effectiveDate?: DateTime;
}

/** Administrative sex (HL7 table 0001). */
export type AdministrativeSex = 'F' | 'M' | 'U' | 'O' | 'A' | 'N';

/**
 * Identity reliability codes of PID-32 (HL7 table 0445, French extension, `common.md` §3.3), declared once with the
 * validator rule that checks them. `VALI` (validated identity) is required to share an INS.
 */
export { IDENTITY_RELIABILITY_CODES };

export type IdentityReliabilityCode = (typeof IDENTITY_RELIABILITY_CODES)[number];

/**
 * The patient (*personne prise en charge*) as PID carries it, following IHE PAM France 2.11 and
 * the CI-SIS INS annex: the INS and its reference traits (birth name, given names, birth date,
 * sex, birthplace) plus the traits in use. The same patient is the `recordTarget` of a CDA
 * document and the PID of a document message, which add the few traits only they carry.
 */
export interface Patient {
  /** The INS, when the identity is qualified (first repetition of PID-3, type `INS`). */
  ins?: NationalHealthIdentifier;
  /**
   * Other identifiers (IPP…), further repetitions of PID-3. An INS may also stand here as a plain
   * CX (type `INS`), written with the authority it is given; readers put the first INS in `ins`.
   * A CDA `recordTarget` takes those whose authority is an OID (`universalId`) as `id` elements.
   */
  identifiers?: Identifier[];
  /** Birth name (*nom de naissance*), PID-5 repetition of type `L`, XPN.1. */
  birthName: string;
  /** First given name on the birth certificate (*premier prénom*), XPN.2. */
  firstGivenName?: string;
  /** List of birth given names as on the birth certificate (*liste des prénoms*), XPN.3. */
  birthGivenNames?: string;
  /** Used name (*nom utilisé*), PID-5 repetition of type `D`, XPN.1. */
  usedName?: string;
  /** Used given name (*prénom utilisé*), repetition `D`, XPN.2. */
  usedGivenName?: string;
  /** Birth date, usually at day precision (`1979-03-28`). */
  birthDate?: DateTime;
  sex?: AdministrativeSex;
  /** INSEE code of the birthplace (PID-11 repetition of type `BDL`, XAD.9). */
  birthplaceCode?: string;
  /** Name of the birthplace, informative (CDA `birthplace/place/addr/city`); documents only. */
  birthplaceName?: string;
  /** Home address (PID-11 repetition of type `H`). */
  address?: Address;
  /** Telecom addresses (CDA `patientRole/telecom`); documents only. */
  telecoms?: Telecom[];
  /** Administrative file number (*numéro de dossier administratif*, PID-18). */
  accountNumber?: Identifier;
  /** Identity reliability (PID-32), e.g. `VALI`; see {@link IDENTITY_RELIABILITY_CODES}. */
  identityStatus?: IdentityReliabilityCode;
}
