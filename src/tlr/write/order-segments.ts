import type { ComponentInput, Message, Segment } from '../../hl7/index.js';
import { TlrBuildError } from '../errors.js';
import type { Reason } from '../model/coded-value.js';
import type { HealthProfessional } from '../model/health-professional.js';
import type { OidIdentifier } from '../model/identifiers.js';
import type { Organisation } from '../model/organisation.js';
import { ORGANISATION_IDENTIFIER_TYPES } from '../model/organisation.js';
import { AUTHORITY, OBR_PROCEDURE, ORGANISATION_TYPE } from '../vocabulary.js';
import { optionalText, requireText } from './input-checks.js';

/** EI written `value^^oid^ISO`, the form the volet requires for the placer order number and the accession number (`common.md` §4.1). */
export function oidIdentifierComponents(id: OidIdentifier, path: string): ComponentInput[] {
  return [requireText(id.value, `${path}.value`), '', requireText(id.authorityOid, `${path}.authorityOid`), 'ISO'];
}

/** XCN of a health professional (`common.md` §4.2): PS_IdNat, names, authority `ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO`, name type `D`, id type. */
export function professionalComponents(ps: HealthProfessional, path: string): ComponentInput[] {
  const a = AUTHORITY.healthProfessional;
  return [requireText(ps.idNat, `${path}.idNat`), requireText(ps.familyName, `${path}.familyName`),
    requireText(ps.givenName, `${path}.givenName`), '', '', optionalText(ps.prefix), '', '',
    [a.namespaceId, a.universalId, a.universalIdType], 'D', '', '', requireText(ps.identifierType, `${path}.identifierType`)];
}

/**
 * XON of the issuing organisation (`common.md` §4.4): name, assigning authority (the structure
 * authority `1.2.250.1.71.4.2.2` for national identifiers, the establishment's FINESS for a unit),
 * identifier type and identifier (XON.10).
 */
export function organisationComponents(org: Organisation, path: string): ComponentInput[] {
  if (!ORGANISATION_IDENTIFIER_TYPES.includes(org.identifierType)) {
    throw new TlrBuildError('TLR_ERR_BUILD_INVALID_VALUE', `${path}.identifierType`,
      `"${String(org.identifierType)}" is not one of ${ORGANISATION_IDENTIFIER_TYPES.join(', ')}`);
  }
  const isUnit = org.identifierType === 'UF' || org.identifierType === 'SVR';
  const s = AUTHORITY.structure;
  const authority = isUnit
    ? [requireText(org.establishmentFiness, `${path}.establishmentFiness`)]
    : [s.namespaceId, s.universalId, s.universalIdType];
  return [requireText(org.name, `${path}.name`), '', '', '', '', authority, org.identifierType, '', '',
    requireText(org.identifier, `${path}.identifier`)];
}

/** CE of a cancellation or refusal reason (`common.md` §4.6): code and coding system, and/or text in CE.2. */
export function reasonComponents(reason: Reason, path: string): ComponentInput[] {
  if (reason.code !== undefined && reason.code !== '') {
    return [reason.code, optionalText(reason.text), requireText(reason.codingSystem, `${path}.codingSystem`)];
  }
  return ['', requireText(reason.text, `${path}.text`)];
}

/** XTN of the call-back phone (`common.md` §4.5): use `PRN`, equipment `PH`, the number unformatted in XTN.12. */
export function phoneComponents(phone: string, path: string): ComponentInput[] {
  return ['', 'PRN', 'PH', '', '', '', '', '', '', '', '', requireText(phone, path)];
}

/** Writes ORC-1/ORC-2 and returns the ORC; `placerPath` names the placer number in errors. */
export function addOrc(message: Message, orderControl: string, placer: OidIdentifier, placerPath: string): Segment {
  const orc = message.addSegment('ORC');
  orc.set(1, orderControl);
  orc.setComponents(2, oidIdentifierComponents(placer, placerPath));
  return orc;
}

/** ORC-17 (`common.md` §4.3). */
export function setEnteringOrganisationType(orc: Segment, type: typeof ORGANISATION_TYPE.imagingFacility | typeof ORGANISATION_TYPE.platform): void {
  orc.setComponents(17, [type, '', ORGANISATION_TYPE.codingSystem]);
}

/** Writes OBR-2 (= ORC-2) and OBR-4 (`common.md` §4.7) and returns the OBR. */
export function addObr(message: Message, placer: OidIdentifier, placerPath: string, procedure: { code: string; display: string }): Segment {
  const obr = message.addSegment('OBR');
  obr.setComponents(2, oidIdentifierComponents(placer, placerPath));
  obr.setComponents(4, [procedure.code, procedure.display, OBR_PROCEDURE.codingSystem]);
  return obr;
}

/** What flows 1 and 2 carry in ORC/OBR about the imaging facility's side of the request. */
export interface FacilityOrderFields {
  placerOrderNumber: OidIdentifier;
  /** ORC-9 as HL7 TS: date of the request (flow 1) or of the cancellation (flow 2). */
  at: string;
  responsibleProfessional: HealthProfessional;
  remoteRadiologist?: HealthProfessional | undefined;
  callbackPhone?: string | undefined;
  reason?: Reason | undefined;
  imagingFacility: Organisation;
}

/**
 * Writes the ORC and OBR the imaging facility sends in flows 1 and 2 (`common.md` §4): ORC-1/2, ORC-9,
 * ORC-11 (if known), ORC-12 = OBR-16, ORC-14, ORC-16 (reason), ORC-17 `STRUCTURE_IMAGERIE`, ORC-21,
 * OBR-2/4. `path` names the domain object in errors (`order`, `cancellation`).
 */
export function writeFacilityOrder(
  message: Message, orderControl: string, procedure: { code: string; display: string }, f: FacilityOrderFields, path: string,
): { orc: Segment; obr: Segment } {
  const orc = addOrc(message, orderControl, f.placerOrderNumber, `${path}.placerOrderNumber`);
  orc.setRaw(9, f.at);
  if (f.remoteRadiologist) orc.setComponents(11, professionalComponents(f.remoteRadiologist, `${path}.remoteRadiologist`));
  const ordering = professionalComponents(f.responsibleProfessional, `${path}.responsibleProfessional`);
  orc.setComponents(12, ordering);
  if (f.callbackPhone !== undefined) orc.setComponents(14, phoneComponents(f.callbackPhone, `${path}.callbackPhone`));
  if (f.reason) orc.setComponents(16, reasonComponents(f.reason, `${path}.reason`));
  setEnteringOrganisationType(orc, ORGANISATION_TYPE.imagingFacility);
  orc.setComponents(21, organisationComponents(f.imagingFacility, `${path}.imagingFacility`));
  const obr = addObr(message, f.placerOrderNumber, `${path}.placerOrderNumber`, procedure);
  obr.setComponents(16, ordering);
  return { orc, obr };
}
