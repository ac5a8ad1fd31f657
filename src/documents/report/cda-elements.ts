import { formatTS } from '../../hl7/index.js';
import { OID } from './cda-codes.js';
import type { CodedConcept, InstanceIdentifier, PostalAddress, ReportHealthProfessional, ReportOrganisation, Telecom } from './input.js';
import { el } from './xml-tree.js';
import type { XmlAttributes, XmlChild, XmlElement } from './xml-tree.js';

/**
 * Small builders for the HL7 v3 data types and CI-SIS participations used by the imaging report,
 * each emitting its children in the order of the CDA XSD (`POCD_MT000040`).
 */

/** `YYYYMMDDHHMMSS+ZZZZ` in the Europe/Paris offset of that instant. */
export function cdaTime(date: Date): string {
  return formatTS(date, 'second');
}

/** `<name root extension/>` for an instance identifier. */
export function ii(name: string, id: InstanceIdentifier): XmlElement {
  return el(name, { root: id.root, extension: id.extension });
}

/** A coded element (`code`, `translation`, `value`…) with its attributes and optional children. */
export function cd(name: string, concept: CodedConcept, extra: XmlAttributes = {}, ...children: XmlChild[]): XmlElement {
  return el(
    name,
    { ...extra, code: concept.code, displayName: concept.displayName, codeSystem: concept.codeSystem, codeSystemName: concept.codeSystemName },
    ...children,
  );
}

/** A structured `addr` (each part at most once, as the structuration minimale requires). */
export function addr(address: PostalAddress | undefined): XmlElement | undefined {
  if (!address) return undefined;
  return el(
    'addr',
    { use: address.use },
    address.houseNumber && el('houseNumber', {}, address.houseNumber),
    address.streetName && el('streetName', {}, address.streetName),
    address.additionalLocator && el('additionalLocator', {}, address.additionalLocator),
    address.postalCode && el('postalCode', {}, address.postalCode),
    address.city && el('city', {}, address.city),
    address.country && el('country', {}, address.country),
  );
}

export function telecom(t: Telecom | undefined): XmlElement | undefined {
  return t ? el('telecom', { value: t.value, use: t.use }) : undefined;
}

/** A professional's `name`: one `given` (all given names), `family`, optional civility and title codes. */
export function professionalName(p: ReportHealthProfessional): XmlElement {
  return el(
    'name',
    {},
    p.civility && el('prefix', {}, p.civility),
    p.givenName && el('given', {}, p.givenName),
    el('family', {}, p.familyName),
    p.title && el('suffix', {}, p.title),
  );
}

/** `id root="1.2.250.1.71.4.2.1" extension=PS_IdNat`. */
export function professionalId(p: ReportHealthProfessional): XmlElement {
  return el('id', { root: OID.professional, extension: p.idNat });
}

/** An organisation with a national structure id (`representedOrganization`, `scopingOrganization`…). */
export function organisation(name: string, o: ReportOrganisation, withPracticeSetting: boolean): XmlElement {
  return el(
    name,
    {},
    el('id', { root: OID.structure, extension: o.idNat }),
    el('name', {}, o.name),
    telecom(o.telecom),
    addr(o.address),
    withPracticeSetting && o.practiceSetting && cd('standardIndustryClassCode', o.practiceSetting),
  );
}

/**
 * The content of an `assignedAuthor` / `assignedEntity`: id, specialty, address, telecoms, person,
 * organisation — in XSD order.
 */
export function assignedProfessional(name: string, p: ReportHealthProfessional, org: ReportOrganisation | undefined, orgWithPracticeSetting = true): XmlElement {
  return el(
    name,
    {},
    professionalId(p),
    p.specialty && cd('code', p.specialty),
    addr(p.address),
    (p.telecoms ?? []).map((t) => telecom(t)),
    el('assignedPerson', {}, professionalName(p)),
    org && organisation('representedOrganization', org, orgWithPracticeSetting),
  );
}
