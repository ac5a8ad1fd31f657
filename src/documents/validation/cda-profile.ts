import type { CdaRuleSetName } from './cda-validation-kit.js';
import { ELEMENT_NODE } from './saxon.js';
import type { SaxonDomDocument, SaxonDomElement } from './saxon.js';

const HL7_NS = 'urn:hl7-org:v3';

/** templateId roots and LOINC codes that tell which volet a document follows. */
export const CDA_IDENTIFIERS = {
  /** CI-SIS volet IMG-CR-IMG (compte rendu d'imagerie), level 3. */
  crImgTemplate: '1.2.250.1.213.1.1.1.45',
  /** CI-SIS volet IMG-DA-IMG (demande d'actes d'imagerie). */
  daImgTemplate: '1.2.250.1.213.1.1.1.47',
  /** LOINC 18748-4 "Diagnostic imaging study", the document code of a CR d'imagerie. */
  crImgCode: '18748-4',
  /** LOINC 55115-0 "Request for imaging study", the document code of a DA d'imagerie. */
  daImgCode: '55115-0',
  /** IHE XDS-SD, the templateId of a level-1 (non-structured) CI-SIS document. */
  xdsSdTemplate: '1.3.6.1.4.1.19376.1.2.20',
} as const;

/**
 * Profile a document was validated against:
 * - `IMG-CR-IMG_2024.01` / `IMG-DA-IMG_2024.01`: structured (level 3) imaging report / order;
 * - `IMG-CR-IMG_N1` / `IMG-DA-IMG_N1`: the same documents with a non-structured body (level 1);
 * - `CI-SIS_N3` / `CI-SIS_N1`: another CDA document (only the transverse rule sets apply);
 * - `unknown`: not a CDA R2 `ClinicalDocument` (or not well-formed): only the XML Schema is checked.
 */
export type CdaProfile =
  | 'IMG-CR-IMG_2024.01'
  | 'IMG-CR-IMG_N1'
  | 'IMG-DA-IMG_2024.01'
  | 'IMG-DA-IMG_N1'
  | 'CI-SIS_N3'
  | 'CI-SIS_N1'
  | 'unknown';

/** What the header of a document says about it, and the rule sets that follow. */
export interface CdaProfileDetection {
  readonly profile: CdaProfile;
  /** `3` for a `structuredBody`, `1` for a `nonXMLBody`, `null` when there is no body. */
  readonly level: 1 | 3 | null;
  readonly templateIds: readonly string[];
  readonly code: string | null;
  /** Schematron rule sets to run, in order. */
  readonly ruleSets: readonly CdaRuleSetName[];
}

/** The transverse rule sets the ANS example documents declare for every CI-SIS document, level 1 or 3. */
const TRANSVERSE_RULE_SETS: readonly CdaRuleSetName[] = [
  'ASIP-STRUCT-MIN-StrucMin',
  'IHE',
  'CI-SIS_ModelesDeContenusCDA',
  'CI-SIS_Modeles_ANS',
];

/**
 * Chooses the profile and rule sets from the document itself, as the ANS tool does from the
 * `<?oxygen SCHSchema?>` declarations of its examples: the volet templateId or, failing it, the document
 * code tells a report (CR) from an order (DA); the body tells level 1 from level 3. The volet Schematron
 * runs on level 3 only (on a level-1 document it fails by design). A level-3 document whose code is
 * 18748-4 is checked against IMG-CR-IMG even without the volet templateId, so that the missing templateId
 * is reported rather than silently downgrading the checks.
 */
export function detectCdaProfile(document: SaxonDomDocument | null): CdaProfileDetection {
  const root = document?.documentElement;
  if (!root || root.namespaceURI !== HL7_NS || root.localName !== 'ClinicalDocument') {
    return { profile: 'unknown', level: null, templateIds: [], code: null, ruleSets: [] };
  }
  const templateIds = children(root, 'templateId').map((element) => element.getAttribute('root') ?? '');
  const code = children(root, 'code')[0]?.getAttribute('code') ?? null;
  const component = children(root, 'component')[0];
  const level =
    component && children(component, 'structuredBody').length > 0
      ? 3
      : component && children(component, 'nonXMLBody').length > 0
        ? 1
        : null;

  const isCr =
    templateIds.includes(CDA_IDENTIFIERS.crImgTemplate) ||
    (!templateIds.includes(CDA_IDENTIFIERS.daImgTemplate) && code === CDA_IDENTIFIERS.crImgCode);
  const isDa = !isCr && (templateIds.includes(CDA_IDENTIFIERS.daImgTemplate) || code === CDA_IDENTIFIERS.daImgCode);
  const structured = level !== 1;

  let profile: CdaProfile;
  const ruleSets: CdaRuleSetName[] = [...TRANSVERSE_RULE_SETS];
  if (isCr) {
    profile = structured ? 'IMG-CR-IMG_2024.01' : 'IMG-CR-IMG_N1';
    if (structured) ruleSets.push('CI-SIS_IMG-CR-IMG_2024.01');
  } else if (isDa) {
    profile = structured ? 'IMG-DA-IMG_2024.01' : 'IMG-DA-IMG_N1';
    if (structured) ruleSets.push('CI-SIS_IMG-DA-IMG_2024.01');
  } else {
    profile = structured ? 'CI-SIS_N3' : 'CI-SIS_N1';
  }
  return { profile, level, templateIds, code, ruleSets };
}

function children(element: SaxonDomElement, localName: string): SaxonDomElement[] {
  return (Array.from(element.childNodes) as SaxonDomElement[]).filter(
    (child) => child.nodeType === ELEMENT_NODE && child.namespaceURI === HL7_NS && child.localName === localName,
  );
}
