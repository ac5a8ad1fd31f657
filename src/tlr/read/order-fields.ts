import type { Composite, Segment } from '../../hl7/index.js';
import { matchesPattern } from '../../profiles/patterns.js';
import { fromHl7DateTime } from '../date-time.js';
import type { Reason } from '../model/coded-value.js';
import type { HealthProfessional } from '../model/health-professional.js';
import type { AssigningAuthority, OidIdentifier } from '../model/identifiers.js';
import type { Organisation, OrganisationIdentifierType } from '../model/organisation.js';
import { impliedOrganisationAuthority } from '../organisation-authority.js';
import { AUTHORITY } from '../vocabulary.js';
import { compact, nonEmpty } from './compact.js';
import { readAuthority } from './patient.js';

/** Repetition 1 of a field of a segment that may be missing. */
export function fieldOf(segment: Segment | undefined, field: number): Composite | undefined {
  return segment?.field(field);
}

/** EI `value^^oid^ISO` → {@link OidIdentifier} (trimmed, as every identifier). */
export function readOidIdentifier(rep: Composite | undefined): OidIdentifier {
  return { value: rep?.get(1).trim() ?? '', authorityOid: rep?.get(3).trim() ?? '' };
}

/**
 * How much of an XCN or XON to read. The Téléradiologie volet fixes the assigning authorities and
 * the name type, so its readers leave them out (the validator reports another). A document message
 * names any: `writtenAuthority` keeps them when they are not the ones implied, so that writing the
 * value back gives the same field.
 */
export interface PartyReadOptions {
  writtenAuthority?: boolean;
}

const sameAuthority = (a: AssigningAuthority | undefined, b: AssigningAuthority | undefined): boolean =>
  (a?.namespaceId ?? '') === (b?.namespaceId ?? '') &&
  (a?.universalId ?? '') === (b?.universalId ?? '') &&
  (a?.universalIdType ?? '') === (b?.universalIdType ?? '');

/** XCN → {@link HealthProfessional}. */
export function readProfessional(rep: Composite | undefined, options: PartyReadOptions = {}): HealthProfessional {
  const ps: HealthProfessional = compact({
    idNat: rep?.get(1).trim() ?? '',
    familyName: rep?.get(2) ?? '',
    givenName: rep?.get(3) ?? '',
    prefix: nonEmpty(rep?.get(6) ?? ''),
    identifierType: rep?.get(13).trim() ?? '',
  });
  if (rep && options.writtenAuthority) {
    let authority = readAuthority(rep, 9);
    // One official example writes the OID in XCN.9.1 with no universal id: it is the universal id.
    const namespace = authority?.namespaceId?.trim();
    if (namespace !== undefined && authority?.universalId === undefined && matchesPattern('RE_OID', namespace)) {
      authority = { universalId: namespace, universalIdType: 'ISO' };
    }
    if (!sameAuthority(authority, AUTHORITY.healthProfessional)) ps.assigningAuthority = authority ?? {};
    const nameType = rep.get(10).trim();
    if (nameType !== '' && nameType !== 'D') ps.nameType = nameType;
  }
  return ps;
}

/** An XCN field, or undefined when empty. */
export function readOptionalProfessional(segment: Segment | undefined, field: number): HealthProfessional | undefined {
  const rep = segment?.field(field);
  return !rep || rep.isEmpty ? undefined : readProfessional(rep);
}

/** XON → {@link Organisation}; the establishment FINESS of a unit is its assigning authority. */
export function readOrganisation(rep: Composite | undefined, options: PartyReadOptions = {}): Organisation {
  const identifierType = (rep?.get(7).trim() ?? '') as OrganisationIdentifierType;
  const isUnit = identifierType === 'UF' || identifierType === 'SVR';
  const org: Organisation = compact({
    name: rep?.get(1) ?? '',
    identifierType,
    identifier: rep?.get(10).trim() ?? '',
    establishmentFiness: rep && isUnit ? nonEmpty((rep.get(6, 1) || rep.get(6, 2)).trim()) : undefined,
  });
  if (rep && options.writtenAuthority) {
    const authority = readAuthority(rep, 6);
    if (!sameAuthority(authority, impliedOrganisationAuthority(org))) {
      org.assigningAuthority = authority ?? {};
      delete org.establishmentFiness;
    }
  }
  return org;
}

/**
 * What flows 1 and 2 carry in ORC about the imaging facility's side of the request (the reading of
 * `writeFacilityOrder`): ORC-12 responsible professional, ORC-11 remote radiologist, ORC-14
 * call-back phone, ORC-21 imaging facility.
 */
export function readFacilityParties(orc: Segment | undefined): {
  responsibleProfessional: HealthProfessional;
  remoteRadiologist: HealthProfessional | undefined;
  callbackPhone: string | undefined;
  imagingFacility: Organisation;
} {
  return {
    responsibleProfessional: readProfessional(fieldOf(orc, 12)),
    remoteRadiologist: readOptionalProfessional(orc, 11),
    callbackPhone: readPhone(fieldOf(orc, 14)),
    imagingFacility: readOrganisation(fieldOf(orc, 21)),
  };
}

/** CE of ORC-16 → {@link Reason}; undefined when empty. */
export function readReason(rep: Composite | undefined): Reason | undefined {
  if (!rep) return undefined;
  const code = rep.get(1);
  const text = rep.get(2);
  if (code !== '') return compact({ code, codingSystem: rep.get(3), text: nonEmpty(text) });
  if (text !== '') return { text };
  return undefined;
}

/** XTN → the number: XTN.12 (unformatted), else XTN.1. */
export function readPhone(rep: Composite | undefined): string | undefined {
  if (!rep || rep.isEmpty) return undefined;
  return nonEmpty(rep.get(12) || rep.get(1));
}

/** A required TS field as DateTime ('' when absent or invalid: the report says why). */
export function readDateTime(segment: Segment | undefined, field: number): string {
  return (segment && fromHl7DateTime(segment.get(`${field}.1`))) || '';
}
