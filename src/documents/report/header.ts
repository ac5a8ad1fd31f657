import {
  ATTENDING_PHYSICIAN,
  DEFAULT_ENCOUNTER,
  DOCUMENT_TYPE,
  LEVEL1_TEMPLATE_IDS,
  LEVEL3_TEMPLATE_IDS,
  MODALITY_QUALIFIER,
  REGION_QUALIFIER,
} from './cda-codes.js';
import type { HealthProfessional, Organisation } from '../../tlr/index.js';
import { addr, assignedProfessional, cd, cdaTime, professionalId, professionalName, telecom } from '../cda/cda-elements.js';
import type { ResolvedVersion } from '../cda/versioning.js';
import type { ImagingReportInput } from './input.js';
import { custodian, documentIdentification, encompassingEncounter, recordTarget, replacedDocument } from '../cda/header-parts.js';
import { el } from '../cda/xml-tree.js';
import type { XmlChild } from '../cda/xml-tree.js';

export type { ResolvedVersion } from '../cda/versioning.js';

/** The document title: the host's, or `CR d'imagerie médicale - <act>`. */
export function documentTitle(input: ImagingReportInput): string {
  return input.document.title ?? `${DOCUMENT_TYPE.display} - ${input.exam.actCode.display}`;
}

export { compactDate } from '../cda/header-parts.js';

/**
 * The CDA header of the imaging report, element by element in XSD order (`cr-imagerie-cda.md` §2):
 * everything before `component`.
 */
export function buildHeader(input: ImagingReportInput, version: ResolvedVersion, level: 1 | 3): XmlChild[] {
  const { document: doc, patient, radiologist, platform, facility, exam } = input;
  const effectiveTime = cdaTime(doc.effectiveTime);
  const signedAt = cdaTime(doc.signedAt ?? doc.effectiveTime);
  const confidentiality = doc.confidentiality ?? 'N';
  const templateIds = level === 1 ? LEVEL1_TEMPLATE_IDS : LEVEL3_TEMPLATE_IDS;

  const legal: { professional: HealthProfessional; organisation: Organisation } =
    input.legalAuthenticator === 'facility-responsible-physician' && facility.responsiblePhysician
      ? { professional: facility.responsiblePhysician, organisation: facility }
      : { professional: radiologist, organisation: platform };

  return [
    ...documentIdentification(
      templateIds,
      version,
      cd('code', DOCUMENT_TYPE, {}, cd('translation', exam.actCode)),
      documentTitle(input),
      doc.effectiveTime,
      confidentiality,
    ),
    recordTarget(patient),
    // Author #1: the remote radiologist who wrote the report, on behalf of the platform.
    el('author', {}, el('time', { value: effectiveTime }), assignedProfessional('assignedAuthor', radiologist, platform)),
    // Author #2 (ANS teleradiology pattern): the responsible physician of the imaging facility.
    facility.responsiblePhysician &&
      el(
        'author',
        {},
        cd('functionCode', ATTENDING_PHYSICIAN),
        el('time', { value: effectiveTime }),
        assignedProfessional('assignedAuthor', facility.responsiblePhysician, facility),
      ),
    custodian(facility),
    el(
      'legalAuthenticator',
      {},
      el('time', { value: signedAt }),
      el('signatureCode', { code: 'S' }),
      assignedProfessional('assignedEntity', legal.professional, legal.organisation),
    ),
    // The radiologist attests the content even when the facility's physician signs legally.
    legal.professional !== radiologist &&
      el(
        'authenticator',
        {},
        el('time', { value: signedAt }),
        el('signatureCode', { code: 'S' }),
        assignedProfessional('assignedEntity', radiologist, platform),
      ),
    input.orderingProvider &&
      el(
        'participant',
        { typeCode: 'REF' },
        el('time', { nullFlavor: 'NA' }),
        el(
          'associatedEntity',
          { classCode: 'PROV' },
          professionalId(input.orderingProvider),
          input.orderingProvider.specialty && cd('code', input.orderingProvider.specialty),
          addr(input.orderingProvider.address),
          (input.orderingProvider.telecoms ?? []).map((t) => telecom(t)),
          el('associatedPerson', {}, professionalName(input.orderingProvider)),
        ),
      ),
    el(
      'inFulfillmentOf',
      {},
      el(
        'order',
        {},
        el('id', { root: input.order.placerOrderNumber.authorityOid, extension: input.order.placerOrderNumber.value }),
        el('ps3-20:accessionNumber', { root: exam.accessionNumber.authorityOid, extension: exam.accessionNumber.value }),
      ),
    ),
    el(
      'documentationOf',
      {},
      el(
        'serviceEvent',
        { classCode: 'ACT' },
        el('id', { root: exam.studyInstanceUid }),
        cd(
          'code',
          exam.actCode,
          {},
          exam.ccamCode && cd('translation', exam.ccamCode),
          cd('translation', exam.modality, {}, el('qualifier', {}, cd('name', MODALITY_QUALIFIER))),
          (exam.regions ?? []).map((r) => cd('translation', r, {}, el('qualifier', {}, cd('name', REGION_QUALIFIER)))),
        ),
        el(
          'effectiveTime',
          {},
          el('low', { value: cdaTime(exam.startedAt) }),
          exam.endedAt && el('high', { value: cdaTime(exam.endedAt) }),
        ),
        // The radiologist who interpreted the exam; the organisation is the facility where it was
        // performed: the DRIMbox locates the exam through it and the XDS practiceSettingCode is its code.
        el('performer', { typeCode: 'PRF' }, assignedProfessional('assignedEntity', radiologist, facility)),
      ),
    ),
    replacedDocument(version.replacedId),
    encompassingEncounter(input.encounterCode ?? DEFAULT_ENCOUNTER, exam.startedAt, exam.endedAt, facility),
  ];
}
