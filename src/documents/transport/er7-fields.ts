import type { Composite, ComponentInput } from '../../hl7/index.js';
import { readCX, readXCN, readXON } from '../../hl7/index.js';
import { isOid } from './document-id.js';
import { MAIL_ADDRESS_TYPE, MAIL_ADDRESS_USE } from './vocabulary.js';
import type { Organization, OrganizationIdentifierType, PatientIdentifier, Person } from './types.js';

/**
 * ER7 components of the data types the volet fills (XCN, XON, CX, XTN), in both directions, so
 * that what the builder writes is exactly what the reader gives back.
 */

/** XCN: `id^family^given^^^^^^ns&oid&ISO^nameType^^^idType` (PRT-5, TXA-22). */
export function personComponents(p: Person): ComponentInput[] {
  return [p.id, p.familyName ?? '', p.givenName ?? '', '', '', '', '', '', [p.authorityNamespace ?? '', p.authorityOid, 'ISO'], p.nameType ?? '', '', '', p.identifierType];
}

/** XON: `name^^^^^ns&oid&ISO^type^^^identifier` (PRT-8). */
export function organizationComponents(o: Organization): ComponentInput[] {
  return [o.name, '', '', '', '', [o.authorityNamespace ?? '', o.authorityOid, 'ISO'], o.identifierType, '', '', o.identifier];
}

/** CX: `value^^^ns&oid&ISO^type^^effectiveDate` (PID-3, PID-18, PV1-19). */
export function identifierComponents(id: PatientIdentifier): ComponentInput[] {
  return [id.value, '', '', [id.authorityNamespace ?? '', id.authorityOid, id.authorityType ?? 'ISO'], id.type, '', id.effectiveDate ?? ''];
}

/** XTN of an MSSanté address: `^NET^X.400^address` (PRT-15). */
export function mailAddressComponents(address: string): ComponentInput[] {
  return ['', MAIL_ADDRESS_USE, MAIL_ADDRESS_TYPE, address];
}

/** Copies the non-empty values only, so that read-back objects equal the builder's input. */
export function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** XCN → Person; undefined when the repetition has no id. */
export function readPerson(rep: Composite): Person | undefined {
  const x = readXCN(rep);
  if (!x.id.trim()) return undefined;
  // One official example writes the OID in XCN.9.1 (namespace) with no universal id: read it as the authority.
  const oidInNamespace = x.assigningAuthority.universalId === '' && isOid(x.assigningAuthority.namespaceId);
  return withoutEmpty<Person>({
    id: x.id.trim(),
    familyName: x.familyName,
    givenName: x.givenName,
    authorityOid: (oidInNamespace ? x.assigningAuthority.namespaceId : x.assigningAuthority.universalId).trim(),
    authorityNamespace: oidInNamespace ? undefined : x.assigningAuthority.namespaceId,
    identifierType: x.identifierTypeCode,
    nameType: x.nameTypeCode,
  });
}

/**
 * XON → Organization; undefined when the repetition is empty. Identifiers and codes are trimmed: the official
 * MDM examples pad PRT-8.10 with blanks (`"300017985                  "`), which no identifier contains.
 */
export function readOrganization(rep: Composite): Organization | undefined {
  if (rep.isEmpty) return undefined;
  const x = readXON(rep);
  return withoutEmpty<Organization>({
    name: x.organizationName,
    identifier: x.organizationIdentifier.trim(),
    identifierType: x.identifierTypeCode.trim() as OrganizationIdentifierType,
    authorityOid: x.assigningAuthority.universalId.trim(),
    authorityNamespace: x.assigningAuthority.namespaceId,
  });
}

/** CX → PatientIdentifier (value and authority trimmed, as in {@link readOrganization}); undefined when the repetition has no value. */
export function readIdentifier(rep: Composite): PatientIdentifier | undefined {
  const x = readCX(rep);
  if (!x.id.trim()) return undefined;
  return withoutEmpty<PatientIdentifier>({
    value: x.id.trim(),
    authorityOid: x.assigningAuthority.universalId.trim(),
    authorityNamespace: x.assigningAuthority.namespaceId,
    authorityType: x.assigningAuthority.universalIdType === 'ISO' ? undefined : x.assigningAuthority.universalIdType,
    type: x.identifierTypeCode,
    effectiveDate: rep.get(7),
  });
}
