import { LEVEL1_TEMPLATE_IDS } from '../report/cda-codes.js';
import { assignedProfessional, cd, cdaTime } from '../cda/cda-elements.js';
import { custodian, documentIdentification, encompassingEncounter, recordTarget, replacedDocument } from '../cda/header-parts.js';
import type { ResolvedVersion } from '../cda/versioning.js';
import { el } from '../cda/xml-tree.js';
import type { XmlChild } from '../cda/xml-tree.js';
import { dateTimeToDate } from '../../tlr/index.js';
import type { ImagingRequestInput } from './input.js';
import { prescriberOf } from './request-concepts.js';
import { DEFAULT_REQUEST_ENCOUNTER, REQUEST_LEVEL3_TEMPLATE_IDS, REQUEST_TYPE } from './request-codes.js';

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
    ...documentIdentification(templateIds, version, cd('code', REQUEST_TYPE), requestTitle(input), doc.effectiveTime, confidentiality),
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
    replacedDocument(version.replacedId),
    encompassingEncounter(input.encounterCode ?? DEFAULT_REQUEST_ENCOUNTER, requestedAt(input), undefined, facility),
  ];
}
