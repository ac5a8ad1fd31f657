import { formatTS } from '../../hl7/index.js';
import { OID } from './cda-oids.js';
import type { Address, CodedValue, HealthProfessional, Organisation, Telecom } from '../../tlr/index.js';
import { el } from './xml-tree.js';
import type { XmlAttributes, XmlChild, XmlElement } from './xml-tree.js';

/** An instance identifier (HL7 v3 II): an OID (or UUID) `root` and an optional `extension`. */
export interface InstanceIdentifier {
  root: string;
  extension?: string;
}

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
export function cd(name: string, concept: CodedValue, extra: XmlAttributes = {}, ...children: XmlChild[]): XmlElement {
  return el(
    name,
    { ...extra, code: concept.code, displayName: concept.display, codeSystem: concept.codeSystem, codeSystemName: concept.codeSystemName },
    ...children,
  );
}

/** A structured `addr` (each part at most once, as the structuration minimale requires). */
export function addr(address: Address | undefined): XmlElement | undefined {
  if (!address) return undefined;
  return el(
    'addr',
    { use: address.use },
    address.houseNumber && el('houseNumber', {}, address.houseNumber),
    address.street && el('streetName', {}, address.street),
    address.otherDesignation && el('additionalLocator', {}, address.otherDesignation),
    address.postalCode && el('postalCode', {}, address.postalCode),
    address.city && el('city', {}, address.city),
    address.country && el('country', {}, address.country),
  );
}

export function telecom(t: Telecom | undefined): XmlElement | undefined {
  return t ? el('telecom', { value: t.value, use: t.use }) : undefined;
}

/** A professional's `name`: one `given` (all given names), `family`, optional civility and title (XCN.6 `prefix`, CDA `suffix`) codes. */
export function professionalName(p: HealthProfessional): XmlElement {
  return el(
    'name',
    {},
    p.civility && el('prefix', {}, p.civility),
    p.givenName && el('given', {}, p.givenName),
    el('family', {}, p.familyName),
    p.prefix && el('suffix', {}, p.prefix),
  );
}

/** `id root="1.2.250.1.71.4.2.1" extension=PS_IdNat`. */
export function professionalId(p: HealthProfessional): XmlElement {
  return el('id', { root: OID.professional, extension: p.idNat });
}

/**
 * The national structure identifier of an organisation, its CDA id under `1.2.250.1.71.4.2.2`:
 * `1` + FINESS for `FINEJ`/`FINEG`, the Struct_IdNat as is for `IDNST`; undefined for a unit code
 * (`UF`, `SVR`), which is no national identifier.
 */
export function structureIdNat(o: Pick<Organisation, 'identifierType' | 'identifier'>): string | undefined {
  if (o.identifierType === 'IDNST') return o.identifier;
  if (o.identifierType === 'FINEJ' || o.identifierType === 'FINEG') return `1${o.identifier}`;
  return undefined;
}

/** `id root="1.2.250.1.71.4.2.2" extension=<national structure id>` (checked by the input checks). */
export function structureId(o: Organisation): XmlElement {
  return el('id', { root: OID.structure, extension: structureIdNat(o) ?? o.identifier });
}

/** An organisation with a national structure id (`representedOrganization`, `scopingOrganization`…). */
export function organisation(name: string, o: Organisation, withPracticeSetting: boolean): XmlElement {
  return el(
    name,
    {},
    structureId(o),
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
export function assignedProfessional(
  name: string,
  p: HealthProfessional,
  org: Organisation | undefined,
  orgWithPracticeSetting = true,
): XmlElement {
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
