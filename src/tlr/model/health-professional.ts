/**
 * A health professional (*professionnel de santé*, PS) as the volet identifies them in ORC-11,
 * ORC-12 and OBR-16 (HL7 XCN): national identifier, practising name and given name. The profession
 * is not carried (XCN has no slot for it); the platform looks it up in the national directory.
 */
export interface HealthProfessional {
  /** PS_IdNat: identifier-type prefix + identifier, e.g. `8` + the 11-digit RPPS number. */
  idNat: string;
  /** Practising family name (*nom d'exercice*). */
  familyName: string;
  /** Practising given name (*prénom d'exercice*). */
  givenName: string;
  /** Title (XCN.6), e.g. `DR`. */
  prefix?: string;
  /**
   * Identifier type (XCN.13, HL7 table 0203 French extension): `IDNPS` for a PS_IdNat, which the
   * volet expects; `RPPS` and `ADELI` are tolerated.
   */
  identifierType: string;
}
