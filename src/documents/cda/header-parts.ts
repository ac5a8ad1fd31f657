import { OID } from './cda-oids.js';
import type { CodedValue, Organisation, Patient } from '../../tlr/index.js';
import { addr, cd, cdaTime, ii, structureId, telecom } from './cda-elements.js';
import type { InstanceIdentifier } from './cda-elements.js';
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

/** `relatedDocument RPLC`: the version a replacement replaces. */
export function replacedDocument(replacedId: InstanceIdentifier | undefined): XmlElement | undefined {
  return replacedId && el('relatedDocument', { typeCode: 'RPLC' }, el('parentDocument', {}, ii('id', replacedId)));
}

/** `componentOf/encompassingEncounter`: its type, its time, and the healthcare facility (national id, facility type, name, address). */
export function encompassingEncounter(
  code: CodedValue,
  start: Date,
  end: Date | undefined,
  facility: Organisation & { facilityType: CodedValue },
): XmlElement {
  return el(
    'componentOf',
    {},
    el(
      'encompassingEncounter',
      {},
      cd('code', code),
      el('effectiveTime', {}, el('low', { value: cdaTime(start) }), end && el('high', { value: cdaTime(end) })),
      el(
        'location',
        {},
        el(
          'healthCareFacility',
          {},
          structureId(facility),
          cd('code', facility.facilityType),
          el('location', {}, el('name', {}, facility.name), addr(facility.address)),
        ),
      ),
    ),
  );
}

export const CONFIDENTIALITY_DISPLAY = { N: 'Normal', R: 'Restreint', V: 'Très restreint' } as const;

/**
 * The identification of a CI-SIS document, from `realmCode` to `versionNumber` in XSD order: templateIds,
 * id, type code (with its children, e.g. a translation), title, time, confidentiality, language, set and version.
 */
export function documentIdentification(
  templateIds: readonly { root: string; extension?: string }[],
  version: { documentId: InstanceIdentifier; setId: InstanceIdentifier; versionNumber: number },
  code: XmlElement,
  title: string,
  effectiveTime: Date,
  confidentiality: 'N' | 'R' | 'V',
): XmlElement[] {
  return [
    el('realmCode', { code: 'FR' }),
    el('typeId', { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' }),
    ...templateIds.map((t) => el('templateId', { root: t.root, extension: t.extension })),
    ii('id', version.documentId),
    code,
    el('title', {}, title),
    el('effectiveTime', { value: cdaTime(effectiveTime) }),
    el('confidentialityCode', {
      code: confidentiality,
      displayName: CONFIDENTIALITY_DISPLAY[confidentiality],
      codeSystem: OID.hl7Confidentiality,
    }),
    el('languageCode', { code: 'fr-FR' }),
    ii('setId', version.setId),
    el('versionNumber', { value: version.versionNumber }),
  ];
}
