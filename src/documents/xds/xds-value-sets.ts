import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  jdvXdsClassCode,
  jdvXdsConfidentialityCode,
  jdvXdsFormatCode,
  jdvXdsHealthcareFacilityTypeCode,
  jdvXdsPracticeSettingCode,
  jdvXdsTypeCode,
} from '../../profiles/terminology/generated/index.js';
import { ValueSet } from '../../profiles/terminology/value-set.js';

/**
 * The CI-SIS value sets of the XDS metadata (generated from the shared terminology data, codes grouped by the
 * `codingScheme` the metadata write): J02 healthcare facility type, J04 practice setting, J06 class, J07 type,
 * J08 confidentiality, J10 format. The DMP's own subsets (J57, J60, J61, J66) are not published in a form
 * available here; their CI-SIS supersets are used.
 */
export const XDS_VALUE_SETS = {
  healthcareFacilityTypeCode: new ValueSet(jdvXdsHealthcareFacilityTypeCode),
  practiceSettingCode: new ValueSet(jdvXdsPracticeSettingCode),
  classCode: new ValueSet(jdvXdsClassCode),
  typeCode: new ValueSet(jdvXdsTypeCode),
  confidentialityCode: new ValueSet(jdvXdsConfidentialityCode),
  formatCode: new ValueSet(jdvXdsFormatCode),
} as const;

/**
 * JDV_J59 (ContentTypeCode-DMP) codes known from the IG mapping of PV1-2 and the ANS sample (`dmp-publication.md`
 * §3): the full value set is not available here, so this list is partial on purpose.
 */
export const KNOWN_CONTENT_TYPE_CODES: ReadonlySet<string> = new Set(['03', '04', '07', '19', '97']);

/** The XML Schemas of the XDS.b transactions bundled with the package (`rulesets/xds/`, see its PROVENANCE.md). */
export const BUNDLED_XDS_SCHEMA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'rulesets',
  'xds',
  'schema',
  'xds-transactions.xsd',
);
