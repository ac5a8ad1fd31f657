import { OID } from './cda-oids.js';
import { newUuid } from './identifiers.js';
import { el } from './xml-tree.js';
import type { XmlElement } from './xml-tree.js';

/** FR-DICOM-Observation (coded observation): DICOM PS3.20 template and its CI-SIS specialisation. */
export const CODED_OBSERVATION_TEMPLATE_IDS = ['2.16.840.1.113883.10.20.6.2.13', '1.2.250.1.213.1.1.3.150'] as const;

/** `reference value="#id"`: an entry pointing at its narrative. */
export function reference(id: string): XmlElement {
  return el('reference', { value: `#${id}` });
}

/** A free-text CD value: only its original text, in the narrative at `#textId`. */
export function freeTextValue(textId: string): XmlElement {
  return el('value', { 'xsi:type': 'CD' }, el('originalText', {}, reference(textId)));
}

/**
 * A FR-DICOM-Observation entry of the medical history sub-section (`11348-0`, `47519-4`, `64100-1`,
 * `ORG-192`…), as the CR-IMG and DA-IMG both write it. The code is LOINC unless a code system is given.
 */
export function codedObservationEntry(
  code: { code: string; displayName: string; codeSystem?: string; codeSystemName?: string },
  textId: string,
  value: XmlElement,
): XmlElement {
  return el(
    'entry',
    {},
    el(
      'observation',
      { classCode: 'OBS', moodCode: 'EVN' },
      CODED_OBSERVATION_TEMPLATE_IDS.map((root) => el('templateId', { root })),
      el('id', { root: newUuid() }),
      el('code', {
        code: code.code,
        displayName: code.displayName,
        codeSystem: code.codeSystem ?? OID.loinc,
        codeSystemName: code.codeSystemName ?? (code.codeSystem ? undefined : 'LOINC'),
      }),
      el('text', {}, reference(textId)),
      el('statusCode', { code: 'completed' }),
      value,
      el('targetSiteCode', { nullFlavor: 'NA' }),
    ),
  );
}
