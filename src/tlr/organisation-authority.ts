import type { AssigningAuthority } from './model/identifiers.js';
import type { Organisation } from './model/organisation.js';
import { AUTHORITY } from './vocabulary.js';

/**
 * The assigning authority the identifier type implies (`common.md` §4.4): the establishment's
 * FINESS for a unit (`UF`, `SVR`), the structure authority `ASIP-SANTE-ST&1.2.250.1.71.4.2.2&ISO`
 * for national identifiers. Undefined for a unit without its establishment FINESS.
 */
export function impliedOrganisationAuthority(
  org: Pick<Organisation, 'identifierType' | 'establishmentFiness'>,
): AssigningAuthority | undefined {
  if (org.identifierType === 'UF' || org.identifierType === 'SVR') {
    return org.establishmentFiness === undefined || org.establishmentFiness.trim() === ''
      ? undefined
      : { namespaceId: org.establishmentFiness };
  }
  return AUTHORITY.structure;
}
