import type { DateTime } from '../date-time.js';

/**
 * An assigning authority (HL7 HD): a local namespace, a universal id (usually an OID) and the type
 * of that universal id (`ISO` for an OID, `M` for a local id…).
 */
export interface AssigningAuthority {
  namespaceId?: string;
  universalId?: string;
  universalIdType?: string;
}

/** An identifier of a person or an encounter (HL7 CX): patient ids, account number, visit number. */
export interface Identifier {
  value: string;
  assigningAuthority?: AssigningAuthority;
  /** Identifier type (HL7 table 0203, French extension): `PI`, `AN`, `VN`… */
  type?: string;
  /** Date from which the identifier is valid (CX.7). */
  effectiveDate?: DateTime;
}

/**
 * An identifier issued under an OID (HL7 EI written `value^^oid^ISO`): the order placer number and
 * the accession number.
 */
export interface OidIdentifier {
  value: string;
  /** OID of the issuing system or identifier space. */
  authorityOid: string;
}

/**
 * Order placer number (*identifiant de la demande*, ORC-2 = OBR-2): assigned by the RIS, it
 * identifies the request in all four flows.
 */
export type PlacerOrderNumber = OidIdentifier;

/** Accession number of a performed exam (IPC-1), assigned by the RIS. */
export type AccessionNumber = OidIdentifier;
