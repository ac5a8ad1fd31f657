/**
 * Use of an address (HL7 v3 `@use`, as CDA writes it): `H` home, `HP` primary home, `HV` vacation home,
 * `WP` work place, `TMP` temporary.
 */
export type AddressUse = 'H' | 'HP' | 'HV' | 'WP' | 'TMP';

/**
 * A postal address: HL7 XAD in the messages (the place fixes its type, `H` for the patient's home
 * address in PID-11), CDA `addr` in documents (every part at most once).
 */
export interface Address {
  /** Street line (XAD.1; CDA `streetName`). */
  street?: string;
  /** Second address line (XAD.2; CDA `additionalLocator`): building, staircase… */
  otherDesignation?: string;
  /** House number (CDA `houseNumber`). Documents only: the messages carry it inside `street`. */
  houseNumber?: string;
  city?: string;
  postalCode?: string;
  /** ISO 3166 alpha-3 country code, e.g. `FRA`. */
  country?: string;
  /** CDA `addr/@use`. Documents only: in the messages the place fixes the address type. */
  use?: AddressUse;
}

/** Use of a telecom address (HL7 v3 `@use`): home, work place, direct line, public, emergency, mobile, pager… */
export type TelecomUse = 'H' | 'HP' | 'HV' | 'WP' | 'DIR' | 'PUB' | 'EC' | 'MC' | 'PG';

/**
 * A telecom address as a URL (`tel:0146000000`, `mailto:…`, `fax:…`), as CDA `telecom` writes it.
 * Documents only: the messages of the Téléradiologie volet carry a plain call-back number (ORC-14).
 */
export interface Telecom {
  value: string;
  use?: TelecomUse;
}
