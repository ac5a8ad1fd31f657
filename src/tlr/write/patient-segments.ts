import type { ComponentInput, Message, Segment } from '../../hl7/index.js';
import { TlrBuildError } from '../errors.js';
import type { AssigningAuthority, Identifier } from '../model/identifiers.js';
import type { Patient } from '../model/patient.js';
import type { Visit } from '../model/visit.js';
import { INS_IDENTIFIER_TYPE, INS_OID } from '../vocabulary.js';
import { optionalDateTime, optionalText, requireDateTime, requireText } from './input-checks.js';

/** HD sub-components of an assigning authority (CX.4, XCN.9, XON.6): namespace, universal id and its type. */
export function authorityComponents(a: AssigningAuthority | undefined): string[] {
  return a ? [a.namespaceId ?? '', a.universalId ?? '', a.universalIdType ?? ''] : [];
}

/** CX components of an identifier (PID-3, PID-18, PV1-19 of both volets). */
export function identifierComponents(id: Identifier, path: string): ComponentInput[] {
  return [
    requireText(id.value, `${path}.value`),
    '',
    '',
    authorityComponents(id.assigningAuthority),
    optionalText(id.type),
    '',
    optionalDateTime(id.effectiveDate, `${path}.effectiveDate`),
  ];
}

/**
 * Writes PID (`common.md` §3, IHE PAM France 2.11 and the CI-SIS INS annex): the INS first in
 * PID-3 (`CX.4` = `ASIP-SANTE-INS-NIR|NIA&<OID>&ISO`, `CX.5` = `INS`), then the other identifiers;
 * PID-5 birth name (type `L`) then used name (type `D`); PID-11 home address (`H`) then birthplace
 * (`BDL`, INSEE code in XAD.9); PID-18 account number; PID-32 identity reliability. The document
 * messages (MDM, HL7 v2.6) write the same PID.
 */
export function writePatient(message: Message, patient: Patient, path: string): Segment {
  const pid = message.addSegment('PID');
  const ids: ComponentInput[][] = [];
  if (patient.ins) {
    const ins = patient.ins;
    const oid = requireText(ins.authorityOid, `${path}.ins.authorityOid`);
    const namespace = oid === INS_OID.nia ? 'ASIP-SANTE-INS-NIA' : 'ASIP-SANTE-INS-NIR';
    ids.push([
      requireText(ins.value, `${path}.ins.value`),
      '',
      '',
      [namespace, oid, 'ISO'],
      INS_IDENTIFIER_TYPE,
      '',
      optionalDateTime(ins.effectiveDate, `${path}.ins.effectiveDate`),
    ]);
  }
  (patient.identifiers ?? []).forEach((id, i) => {
    ids.push(identifierComponents(id, `${path}.identifiers[${i}]`));
  });
  if (ids.length === 0) {
    throw new TlrBuildError(
      'TLR_ERR_BUILD_MISSING_VALUE',
      `${path}.ins`,
      'the patient needs an INS or at least one other identifier (PID-3)',
    );
  }
  ids.forEach((c, i) => {
    pid.setComponents(`3[${i + 1}]`, c);
  });

  pid.setComponents('5[1]', [
    requireText(patient.birthName, `${path}.birthName`),
    optionalText(patient.firstGivenName),
    optionalText(patient.birthGivenNames),
    '',
    '',
    '',
    'L',
  ]);
  if (patient.usedName !== undefined || patient.usedGivenName !== undefined) {
    pid.setComponents('5[2]', [optionalText(patient.usedName), optionalText(patient.usedGivenName), '', '', '', '', 'D']);
  }
  if (patient.birthDate !== undefined) pid.setRaw(7, requireDateTime(patient.birthDate, `${path}.birthDate`));
  if (patient.sex !== undefined) pid.set(8, patient.sex);
  const addresses: ComponentInput[][] = [];
  if (patient.address) {
    const a = patient.address;
    addresses.push([
      optionalText(a.street),
      optionalText(a.otherDesignation),
      optionalText(a.city),
      '',
      optionalText(a.postalCode),
      optionalText(a.country),
      'H',
    ]);
  }
  if (patient.birthplaceCode !== undefined) {
    addresses.push(['', '', '', '', '', '', 'BDL', '', requireText(patient.birthplaceCode, `${path}.birthplaceCode`)]);
  }
  addresses.forEach((c, i) => {
    pid.setComponents(`11[${i + 1}]`, c);
  });
  if (patient.accountNumber) pid.setComponents(18, identifierComponents(patient.accountNumber, `${path}.accountNumber`));
  if (patient.identityStatus !== undefined) pid.set(32, patient.identityStatus);
  return pid;
}

/**
 * Writes PV1 (`common.md` §3.4): class, visit (appointment) number, admission and discharge dates.
 * The document messages write the same PV1 (and set PV1-1 on the returned segment).
 */
export function writeVisit(message: Message, visit: Visit, path: string): Segment {
  const pv1 = message.addSegment('PV1');
  pv1.set(2, requireText(visit.patientClass, `${path}.patientClass`));
  if (visit.visitNumber) pv1.setComponents(19, identifierComponents(visit.visitNumber, `${path}.visitNumber`));
  else if (['E', 'I', 'O', 'R'].includes(visit.patientClass)) {
    throw new TlrBuildError(
      'TLR_ERR_BUILD_MISSING_VALUE',
      `${path}.visitNumber`,
      `a visit number (appointment id) is required for patient class ${visit.patientClass} (PV1-19)`,
    );
  }
  if (visit.admittedAt !== undefined) pv1.setRaw(44, optionalDateTime(visit.admittedAt, `${path}.admittedAt`));
  if (visit.dischargedAt !== undefined) pv1.setRaw(45, optionalDateTime(visit.dischargedAt, `${path}.dischargedAt`));
  return pv1;
}
