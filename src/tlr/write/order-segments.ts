import type { ComponentInput, Message, Segment } from '../../hl7/index.js';
import { TlrBuildError } from '../errors.js';
import type { Reason } from '../model/coded-value.js';
import type { HealthProfessional } from '../model/health-professional.js';
import type { OidIdentifier } from '../model/identifiers.js';
import type { Organisation } from '../model/organisation.js';
import { ORGANISATION_IDENTIFIER_TYPES } from '../model/organisation.js';
import { impliedOrganisationAuthority } from '../organisation-authority.js';
import { AUTHORITY, OBR_PROCEDURE, ORGANISATION_TYPE } from '../vocabulary.js';
import { optionalText, requireText } from './input-checks.js';
import { authorityComponents } from './patient-segments.js';

/** EI written `value^^oid^ISO`, the form the volet requires for the placer order number and the accession number (`common.md` §4.1). */
export function oidIdentifierComponents(id: OidIdentifier, path: string): ComponentInput[] {
  return [requireText(id.value, `${path}.value`), '', requireText(id.authorityOid, `${path}.authorityOid`), 'ISO'];
}

/** What an XCN must carry besides the identifier and its type. */
export interface ProfessionalComponentsOptions {
  /**
   * Family and given names required (default): the Téléradiologie volet identifies a professional
   * by PS_IdNat and names. A document message's PRT-5 may name a patient recipient by INS alone.
   */
  namesRequired?: boolean;
}

/**
 * XCN of a health professional (`common.md` §4.2): PS_IdNat, names, title, authority (default
 * `ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO`), name type (default `D`), id type. TXA-22 and PRT-5 of
 * the document messages are the same XCN.
 */
export function professionalComponents(
  ps: HealthProfessional,
  path: string,
  options: ProfessionalComponentsOptions = {},
): ComponentInput[] {
  const name = (value: string | undefined, at: string): string =>
    options.namesRequired === false ? optionalText(value) : requireText(value, at);
  return [
    requireText(ps.idNat, `${path}.idNat`),
    name(ps.familyName, `${path}.familyName`),
    name(ps.givenName, `${path}.givenName`),
    '',
    '',
    optionalText(ps.prefix),
    '',
    '',
    authorityComponents(ps.assigningAuthority ?? AUTHORITY.healthProfessional),
    ps.nameType ?? 'D',
    '',
    '',
    requireText(ps.identifierType, `${path}.identifierType`),
  ];
}

/**
 * XON of the issuing organisation (`common.md` §4.4): name, assigning authority (the one given, or
 * the one the identifier type implies), identifier type and identifier (XON.10). PRT-8 of the
 * document messages is the same XON.
 */
export function organisationComponents(org: Organisation, path: string): ComponentInput[] {
  if (!ORGANISATION_IDENTIFIER_TYPES.includes(org.identifierType)) {
    throw new TlrBuildError(
      'TLR_ERR_BUILD_INVALID_VALUE',
      `${path}.identifierType`,
      `"${String(org.identifierType)}" is not one of ${ORGANISATION_IDENTIFIER_TYPES.join(', ')}`,
    );
  }
  const authority = org.assigningAuthority ?? impliedOrganisationAuthority(org);
  if (!authority) requireText(org.establishmentFiness, `${path}.establishmentFiness`);
  return [
    requireText(org.name, `${path}.name`),
    '',
    '',
    '',
    '',
    authorityComponents(authority),
    org.identifierType,
    '',
    '',
    requireText(org.identifier, `${path}.identifier`),
  ];
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

/** Writes ORC-1 and ORC-2 (when there is a placer number) and returns the ORC; `placerPath` names the placer number in errors. */
export function addOrc(message: Message, orderControl: string, placer: OidIdentifier | undefined, placerPath: string): Segment {
  const orc = message.addSegment('ORC');
  orc.set(1, orderControl);
  if (placer) orc.setComponents(2, oidIdentifierComponents(placer, placerPath));
  return orc;
}

/** ORC-17 (`common.md` §4.3). */
export function setEnteringOrganisationType(
  orc: Segment,
  type: typeof ORGANISATION_TYPE.imagingFacility | typeof ORGANISATION_TYPE.platform,
): void {
  orc.setComponents(17, [type, '', ORGANISATION_TYPE.codingSystem]);
}

/**
 * Writes OBR-2 (= ORC-2, when there is a placer number) and OBR-4 (`common.md` §4.7: the business
 * procedure, coding system `TLR_OBR_PROCEDURE` unless another is given) and returns the OBR.
 */
export function addObr(
  message: Message,
  placer: OidIdentifier | undefined,
  placerPath: string,
  procedure: { code: string; display?: string; codingSystem?: string },
): Segment {
  const obr = message.addSegment('OBR');
  if (placer) obr.setComponents(2, oidIdentifierComponents(placer, placerPath));
  obr.setComponents(4, [procedure.code, optionalText(procedure.display), procedure.codingSystem ?? OBR_PROCEDURE.codingSystem]);
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
  message: Message,
  orderControl: string,
  procedure: { code: string; display: string },
  f: FacilityOrderFields,
  path: string,
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
