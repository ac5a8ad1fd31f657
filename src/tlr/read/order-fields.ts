import type { Composite, Segment } from '../../hl7/index.js';
import { fromHl7DateTime } from '../date-time.js';
import type { Reason } from '../model/coded-value.js';
import type { HealthProfessional } from '../model/health-professional.js';
import type { OidIdentifier } from '../model/identifiers.js';
import type { Organisation, OrganisationIdentifierType } from '../model/organisation.js';
import { compact, nonEmpty } from './compact.js';

/** Repetition 1 of a field of a segment that may be missing. */
export function fieldOf(segment: Segment | undefined, field: number): Composite | undefined {
  return segment?.field(field);
}

/** EI `value^^oid^ISO` → {@link OidIdentifier}. */
export function readOidIdentifier(rep: Composite | undefined): OidIdentifier {
  return { value: rep?.get(1) ?? '', authorityOid: rep?.get(3) ?? '' };
}

/** XCN → {@link HealthProfessional}. */
export function readProfessional(rep: Composite | undefined): HealthProfessional {
  return compact({
    idNat: rep?.get(1) ?? '',
    familyName: rep?.get(2) ?? '',
    givenName: rep?.get(3) ?? '',
    prefix: nonEmpty(rep?.get(6) ?? ''),
    identifierType: rep?.get(13) ?? '',
  });
}

/** An XCN field, or undefined when empty. */
export function readOptionalProfessional(segment: Segment | undefined, field: number): HealthProfessional | undefined {
  const rep = segment?.field(field);
  return !rep || rep.isEmpty ? undefined : readProfessional(rep);
}

/** XON → {@link Organisation}; the establishment FINESS of a unit is its assigning authority. */
export function readOrganisation(rep: Composite | undefined): Organisation {
  const identifierType = (rep?.get(7) ?? '') as OrganisationIdentifierType;
  const isUnit = identifierType === 'UF' || identifierType === 'SVR';
  return compact({
    name: rep?.get(1) ?? '',
    identifierType,
    identifier: rep?.get(10) ?? '',
    establishmentFiness: rep && isUnit ? nonEmpty(rep.get(6, 1) || rep.get(6, 2)) : undefined,
  });
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
