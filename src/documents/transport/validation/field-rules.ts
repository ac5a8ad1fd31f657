import type { ErrorCondition, Message } from '../../../hl7/index.js';
import { parseLocation } from '../../../hl7/index.js';
import type { Finding, FindingSeverity } from '../../../profiles/index.js';
import { MESSAGE_VERSION, TRANS_CDA_PROFILE, TXA_COMPLETION_STATUS, TXA_CONTENT_PRESENTATION } from '../vocabulary.js';
import type { DocumentProfile } from './profile.js';
import { DOCUMENT_CARRYING_PROFILES, DOCUMENT_PROFILES, MDM_PROFILES, ZAM_PROFILES, finding } from './profile.js';

/**
 * Field-level conformance rules declared as data: a path, whether it is required, the allowed
 * values. One small interpreter ({@link checkFieldRules}) applies them. Values are compared after
 * trimming, as official examples carry stray spaces (`2.1^ CISIS_CDA_HL7_V2`, trans-cda-r2 §10 #6).
 */
export interface FieldRule {
  rule: string;
  profiles: readonly DocumentProfile[];
  /** `MSH-12`, `OBR-4.3`… (first occurrence of the segment). */
  path: string;
  /** `R`: an empty value is a finding (condition 101). */
  usage: 'R' | 'O';
  /** Allowed values; another value is a finding with `condition` (default 103). */
  values?: readonly string[];
  severity?: FindingSeverity;
  condition?: ErrorCondition;
  /** What the field is, for messages and the documentation. */
  description: string;
}

const ALL = DOCUMENT_PROFILES;
const DOCS = DOCUMENT_CARRYING_PROFILES;
const MDM = MDM_PROFILES;
const ORU: readonly DocumentProfile[] = ['oru-document'];
const V26: readonly DocumentProfile[] = [...MDM_PROFILES, ...ZAM_PROFILES];

export const FIELD_RULES: readonly FieldRule[] = [
  { rule: 'TDOC-MSH-001', profiles: ALL, path: 'MSH-3', usage: 'R', description: 'sending application' },
  { rule: 'TDOC-MSH-001', profiles: ALL, path: 'MSH-4', usage: 'R', description: 'sending facility' },
  { rule: 'TDOC-MSH-001', profiles: ALL, path: 'MSH-5', usage: 'R', description: 'receiving application' },
  { rule: 'TDOC-MSH-001', profiles: ALL, path: 'MSH-6', usage: 'R', description: 'receiving facility' },
  { rule: 'TDOC-MSH-003', profiles: ALL, path: 'MSH-10', usage: 'R', description: 'message control id' },
  { rule: 'TDOC-MSH-004', profiles: ALL, path: 'MSH-11', usage: 'R', values: ['P', 'T', 'D'], condition: '202', description: 'processing id' },
  { rule: 'TDOC-MSH-005', profiles: V26, path: 'MSH-12', usage: 'R', values: [MESSAGE_VERSION.MDM], condition: '203', description: 'version id (MDM and ZAM: 2.6)' },
  { rule: 'TDOC-MSH-005', profiles: ORU, path: 'MSH-12', usage: 'R', values: [MESSAGE_VERSION.ORU], condition: '203', description: 'version id (ORU: 2.5)' },
  { rule: 'TDOC-MSH-006', profiles: ALL, path: 'MSH-17', usage: 'R', values: ['FRA'], description: 'country code' },
  { rule: 'TDOC-MSH-007', profiles: ALL, path: 'MSH-18', usage: 'R', values: ['UNICODE UTF-8', '8859/15'], description: 'character set' },
  { rule: 'TDOC-MSH-008', profiles: ALL, path: 'MSH-21.1', usage: 'R', values: [TRANS_CDA_PROFILE.entityIdentifier], description: 'message profile: volet version' },
  { rule: 'TDOC-MSH-008', profiles: ALL, path: 'MSH-21.2', usage: 'R', values: [TRANS_CDA_PROFILE.namespaceId], description: 'message profile: volet name' },
  { rule: 'TDOC-PID-001', profiles: DOCS, path: 'PID-3', usage: 'R', description: 'patient identifier list' },
  { rule: 'TDOC-PID-002', profiles: DOCS, path: 'PID-5', usage: 'R', description: 'patient name' },
  { rule: 'TDOC-ORC-001', profiles: DOCS, path: 'ORC-1', usage: 'R', values: ['NW', 'RO', 'CA'], condition: '207', description: 'order control (NW initial, RO replacement, CA deletion)' },
  { rule: 'TDOC-OBR-001', profiles: DOCS, path: 'OBR-4.1', usage: 'R', description: 'document type code' },
  { rule: 'TDOC-OBR-002', profiles: DOCS, path: 'OBR-4.3', usage: 'R', values: ['LN', 'TRE_A05'], description: 'document type coding system' },
  { rule: 'TDOC-TXA-001', profiles: MDM, path: 'TXA-1', usage: 'R', values: ['1'], description: 'TXA set id' },
  { rule: 'TDOC-TXA-002', profiles: MDM, path: 'TXA-2', usage: 'R', description: 'document type' },
  { rule: 'TDOC-TXA-003', profiles: MDM, path: 'TXA-3', usage: 'R', values: [TXA_CONTENT_PRESENTATION], description: 'document content presentation' },
  { rule: 'TDOC-TXA-004', profiles: MDM, path: 'TXA-12', usage: 'R', description: 'unique document number' },
  { rule: 'TDOC-TXA-005', profiles: MDM, path: 'TXA-17', usage: 'R', values: [TXA_COMPLETION_STATUS], description: 'document completion status' },
];

/** Applies the rows of {@link FIELD_RULES} for a profile. Rows on an absent segment are left to the structure rule. */
export function checkFieldRules(message: Message, profile: DocumentProfile, rules: readonly FieldRule[] = FIELD_RULES): Finding[] {
  const out: Finding[] = [];
  for (const r of rules) {
    if (!r.profiles.includes(profile)) continue;
    const loc = parseLocation(r.path);
    if (!message.segment(loc.segment)) continue;
    const value = message.get(r.path).trim();
    const severity = r.severity ?? 'error';
    if (value === '') {
      if (r.usage === 'R') out.push(finding(r.rule, severity, r.path, `${r.path} (${r.description}) is required`, '101'));
      continue;
    }
    if (r.values && !r.values.includes(value)) {
      out.push(finding(r.rule, severity, r.path, `${r.path} (${r.description}) is "${value}"; expected ${r.values.map((v) => `"${v}"`).join(' or ')}`, r.condition ?? '103'));
    }
  }
  return out;
}
