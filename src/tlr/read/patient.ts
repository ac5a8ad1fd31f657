import type { Composite, Segment } from '../../hl7/index.js';
import { fromHl7DateTime } from '../date-time.js';
import type { AssigningAuthority, Identifier } from '../model/identifiers.js';
import type { AdministrativeSex, IdentityReliabilityCode, NationalHealthIdentifier, Patient } from '../model/patient.js';
import type { PatientClass, Visit } from '../model/visit.js';
import { INS_IDENTIFIER_TYPE, INS_OID } from '../vocabulary.js';
import { compact, nonEmpty, nonEmptyObject } from './compact.js';

const INS_OIDS: readonly string[] = Object.values(INS_OID);

/*
 * Identifiers and codes are read without the blanks that pad them in some official examples (no
 * identifier or code contains any); names and free text are read as written. The document messages
 * read their PID and PV1 with these same readers.
 */

function optionalDateTime(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : fromHl7DateTime(trimmed);
}

/** HD read from the sub-components of one component (the universal id trimmed). */
export function readAuthority(rep: Composite, component: number): AssigningAuthority | undefined {
  const [namespaceId = '', universalId = '', universalIdType = ''] = rep.subs(component);
  return nonEmptyObject({
    namespaceId: nonEmpty(namespaceId),
    universalId: nonEmpty(universalId.trim()),
    universalIdType: nonEmpty(universalIdType),
  });
}

/** A CX identifier (value, authority, type, effective date). */
export function readIdentifier(rep: Composite): Identifier {
  return compact({
    value: rep.get(1).trim(),
    assigningAuthority: readAuthority(rep, 4),
    type: nonEmpty(rep.get(5)),
    effectiveDate: optionalDateTime(rep.get(7)),
  });
}

/** A CX field, or undefined when it has no value: an identifier without its value identifies nothing. */
function readOptionalIdentifier(rep: Composite): Identifier | undefined {
  return rep.get(1).trim() === '' ? undefined : readIdentifier(rep);
}

function isIns(rep: Composite): boolean {
  return rep.get(5) === INS_IDENTIFIER_TYPE || INS_OIDS.includes(rep.get(4, 2).trim());
}

/** PID → {@link Patient}; see `writePatient` for the layout. Repetitions of PID-3 without a value are skipped. */
export function readPatient(pid: Segment | undefined): Patient {
  if (!pid) return { birthName: '' };
  let ins: NationalHealthIdentifier | undefined;
  const identifiers: Identifier[] = [];
  for (const rep of pid.repetitions(3)) {
    if (rep.get(1).trim() === '') continue;
    if (ins === undefined && isIns(rep)) {
      ins = compact({ value: rep.get(1).trim(), authorityOid: rep.get(4, 2).trim(), effectiveDate: optionalDateTime(rep.get(7)) });
    } else {
      identifiers.push(readIdentifier(rep));
    }
  }
  const names = pid.repetitions(5);
  const legal = names.find((n) => n.get(7) === 'L') ?? names.find((n) => n.get(7) !== 'D');
  const used = names.find((n) => n.get(7) === 'D');
  const addresses = pid.repetitions(11);
  const home = addresses.find((a) => a.get(7).trim() === 'H');
  const birthplace = addresses.find((a) => a.get(7).trim() === 'BDL');
  return compact({
    ins,
    identifiers: identifiers.length > 0 ? identifiers : undefined,
    birthName: legal?.get(1) ?? '',
    firstGivenName: nonEmpty(legal?.get(2) ?? ''),
    birthGivenNames: nonEmpty(legal?.get(3) ?? ''),
    usedName: nonEmpty(used?.get(1) ?? ''),
    usedGivenName: nonEmpty(used?.get(2) ?? ''),
    birthDate: optionalDateTime(pid.get('7.1')),
    sex: nonEmpty(pid.get(8).trim()) as AdministrativeSex | undefined,
    birthplaceCode: nonEmpty(birthplace?.get(9).trim() ?? ''),
    address: home
      ? nonEmptyObject({
          street: nonEmpty(home.get(1)),
          otherDesignation: nonEmpty(home.get(2)),
          city: nonEmpty(home.get(3)),
          postalCode: nonEmpty(home.get(5)),
          country: nonEmpty(home.get(6)),
        })
      : undefined,
    accountNumber: readOptionalIdentifier(pid.field(18)),
    identityStatus: nonEmpty(pid.get(32).trim()) as IdentityReliabilityCode | undefined,
  });
}

/** PV1 → {@link Visit}. */
export function readVisit(pv1: Segment | undefined): Visit {
  if (!pv1) return { patientClass: '' as PatientClass };
  return compact({
    patientClass: pv1.get(2).trim() as PatientClass,
    visitNumber: readOptionalIdentifier(pv1.field(19)),
    admittedAt: optionalDateTime(pv1.get('44.1')),
    dischargedAt: optionalDateTime(pv1.get('45.1')),
  });
}
