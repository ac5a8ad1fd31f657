import { OID } from './cda-oids.js';
import type { Organisation, Patient } from '../../tlr/index.js';
import { addr, structureId, telecom } from './cda-elements.js';
import { el } from './xml-tree.js';
import type { XmlElement } from './xml-tree.js';

/** Display names of the CDA administrative gender codes. */
export const GENDER_DISPLAY = { F: 'Féminin', M: 'Masculin', UN: 'Inconnu' } as const;

/** `YYYY-MM-DD` or `YYYYMMDD` → `YYYYMMDD`. */
export function compactDate(date: string): string {
  return date.replace(/-/g, '');
}

/**
 * `recordTarget/patientRole` of every CI-SIS document: the INS first, then the local identifiers, the
 * INS traits (birth names, sex, birth date, birthplace) and the used names. The generators' input
 * checks have run: the patient has the INS and its traits.
 */
export function recordTarget(patient: Patient): XmlElement {
  const ins = patient.ins!;
  const gender = patient.sex === 'F' || patient.sex === 'M' ? patient.sex : 'UN';
  return el(
    'recordTarget',
    {},
    el(
      'patientRole',
      {},
      el('id', { root: ins.authorityOid, extension: ins.value }),
      (patient.identifiers ?? []).map((id) => el('id', { root: id.assigningAuthority?.universalId, extension: id.value })),
      addr(patient.address),
      (patient.telecoms ?? []).map((t) => telecom(t)),
      el(
        'patient',
        { classCode: 'PSN' },
        el(
          'name',
          {},
          el('family', { qualifier: 'BR' }, patient.birthName),
          el('given', {}, patient.birthGivenNames),
          el('given', { qualifier: 'BR' }, patient.firstGivenName),
          patient.usedName && el('family', { qualifier: 'CL' }, patient.usedName),
          patient.usedGivenName && el('given', { qualifier: 'CL' }, patient.usedGivenName),
        ),
        el('administrativeGenderCode', { code: gender, displayName: GENDER_DISPLAY[gender], codeSystem: OID.hl7AdministrativeGender }),
        el('birthTime', { value: compactDate(patient.birthDate ?? '') }),
        el(
          'birthplace',
          {},
          el(
            'place',
            {},
            el('addr', {}, el('county', {}, patient.birthplaceCode), patient.birthplaceName && el('city', {}, patient.birthplaceName)),
          ),
        ),
      ),
    ),
  );
}

/** `custodian`: the organisation that keeps the document (national structure id, name, telecom, address). */
export function custodian(organisation: Organisation): XmlElement {
  return el(
    'custodian',
    {},
    el(
      'assignedCustodian',
      {},
      el(
        'representedCustodianOrganization',
        {},
        structureId(organisation),
        el('name', {}, organisation.name),
        telecom(organisation.telecom),
        addr(organisation.address),
      ),
    ),
  );
}
