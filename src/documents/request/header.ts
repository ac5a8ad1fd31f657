import { LEVEL1_TEMPLATE_IDS } from '../report/cda-codes.js';
import { OID } from '../cda/cda-oids.js';
import { addr, assignedProfessional, cd, cdaTime, ii, structureId } from '../cda/cda-elements.js';
import { custodian, recordTarget } from '../cda/header-parts.js';
import type { ResolvedVersion } from '../cda/versioning.js';
import { el } from '../cda/xml-tree.js';
import type { XmlChild } from '../cda/xml-tree.js';
import { dateTimeToDate } from '../../tlr/index.js';
import type { ImagingRequestInput } from './input.js';
import { prescriberOf } from './request-concepts.js';
import { DEFAULT_REQUEST_ENCOUNTER, REQUEST_LEVEL3_TEMPLATE_IDS, REQUEST_TYPE } from './request-codes.js';

const CONFIDENTIALITY_DISPLAY = { N: 'Normal', R: 'Restreint', V: 'Très restreint' } as const;

/** The document title: the host's, or `Demande d'acte d'imagerie`. */
export function requestTitle(input: ImagingRequestInput): string {
  return input.document.title ?? REQUEST_TYPE.display;
}

/** When the request was made (ORC-9), else the document time. */
export function requestedAt(input: ImagingRequestInput): Date {
  return dateTimeToDate(input.order.requestedAt) ?? input.document.effectiveTime;
}

/**
 * The CDA header of the imaging request, element by element in XSD order (`cr-imagerie-cda.md` §9): the
 * requesting physician is author, legal authenticator and performer of the documented request, the
 * imaging facility keeps the document, and `documentationOf/serviceEvent/id` is the Order Placer Number
 * (the id the report's `inFulfillmentOf/order/id` repeats).
 */
export function buildRequestHeader(input: ImagingRequestInput, version: ResolvedVersion, level: 1 | 3): XmlChild[] {
  const { document: doc, order, facility } = input;
  const prescriber = prescriberOf(input);
  const effectiveTime = cdaTime(doc.effectiveTime);
  const signedAt = cdaTime(doc.signedAt ?? doc.effectiveTime);
  const confidentiality = doc.confidentiality ?? 'N';
  const templateIds = level === 1 ? LEVEL1_TEMPLATE_IDS : REQUEST_LEVEL3_TEMPLATE_IDS;
  const requested = cdaTime(requestedAt(input));
  return [
    el('realmCode', { code: 'FR' }),
    el('typeId', { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' }),
    ...templateIds.map((t) => el('templateId', { root: t.root, extension: t.extension })),
    ii('id', version.documentId),
    cd('code', REQUEST_TYPE),
    el('title', {}, requestTitle(input)),
    el('effectiveTime', { value: effectiveTime }),
    el('confidentialityCode', {
      code: confidentiality,
      displayName: CONFIDENTIALITY_DISPLAY[confidentiality],
      codeSystem: OID.hl7Confidentiality,
    }),
    el('languageCode', { code: 'fr-FR' }),
    ii('setId', version.setId),
    el('versionNumber', { value: version.versionNumber }),
    recordTarget(order.patient),
    el('author', {}, el('time', { value: effectiveTime }), assignedProfessional('assignedAuthor', prescriber, facility)),
    custodian(facility),
    el(
      'legalAuthenticator',
      {},
      el('time', { value: signedAt }),
      el('signatureCode', { code: 'S' }),
      assignedProfessional('assignedEntity', prescriber, facility),
    ),
    el(
      'documentationOf',
      {},
      el(
        'serviceEvent',
        { classCode: 'ACT' },
        el('id', { root: order.placerOrderNumber.authorityOid, extension: order.placerOrderNumber.value }),
        cd('code', REQUEST_TYPE),
        el('effectiveTime', {}, el('low', { value: requested })),
        el('performer', { typeCode: 'PRF' }, assignedProfessional('assignedEntity', prescriber, facility)),
      ),
    ),
    version.replacedId && el('relatedDocument', { typeCode: 'RPLC' }, el('parentDocument', {}, ii('id', version.replacedId))),
    el(
      'componentOf',
      {},
      el(
        'encompassingEncounter',
        {},
        cd('code', input.encounterCode ?? DEFAULT_REQUEST_ENCOUNTER),
        el('effectiveTime', {}, el('low', { value: requested })),
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
    ),
  ];
}
