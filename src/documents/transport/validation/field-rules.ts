import type { ErrorCondition } from '../../../hl7/index.js';
import type { FieldCheck, FieldRow } from '../../../profiles/index.js';
import { fieldRule } from '../../../profiles/index.js';
import { MESSAGE_VERSION, TRANS_CDA_PROFILE, TXA_COMPLETION_STATUS, TXA_CONTENT_PRESENTATION } from '../vocabulary.js';
import type { DocumentMessageView } from './message-view.js';
import type { DocumentProfile, DocumentRuleDefinition } from './profile.js';
import { DOCUMENT_CARRYING_PROFILES, DOCUMENT_PROFILES, MDM_PROFILES, ZAM_PROFILES } from './profile.js';

/**
 * Field-level conformance rules declared as data: rows of the validator's table interpreter
 * (`profiles/rules/table.ts`) in its `transport` dialect, which keeps this table's reading and
 * wording: the first occurrence of the segment, values compared after trimming (official examples
 * carry stray spaces, `2.1^ CISIS_CDA_HL7_V2`, trans-cda-r2 §10 #6), an empty required value reported
 * with condition 101, another value with the row's condition. Rows on an absent segment are left to
 * the structure rule.
 */
interface Row {
  id: string;
  profiles: readonly DocumentProfile[];
  /** What the field is, for messages and the documentation. */
  label: string;
  /** The allowed value(s); without it the field is only required. */
  check?: FieldCheck;
  /** 0357 code of a value outside `check` (default 103). */
  condition?: ErrorCondition;
}

/** A row at `path` (`MSH-12`, `OBR-4.3`): required, and restricted to `check` when given (condition 103 unless said). */
function row(path: string, r: Row): FieldRow<DocumentProfile> {
  const [segment, field] = path.split('-') as [string, string];
  const check = r.check ?? { kind: 'required' };
  const allowed = check.kind === 'fixed' ? [check.value] : check.kind === 'oneOf' ? check.values : [];
  return {
    ...r,
    segment,
    field,
    usage: 'R',
    check,
    severity: 'error',
    condition: r.condition ?? (check.kind === 'required' ? '101' : '103'),
    dialect: 'transport',
    summary: `${path} (${r.label}) is required${allowed.length ? ` and is ${allowed.map((v) => `"${v}"`).join(' or ')}` : ''}`,
  };
}

const ALL = DOCUMENT_PROFILES;
const DOCS = DOCUMENT_CARRYING_PROFILES;
const MDM = MDM_PROFILES;
const ORU: readonly DocumentProfile[] = ['oru-document'];
const V26: readonly DocumentProfile[] = [...MDM_PROFILES, ...ZAM_PROFILES];

export const FIELD_ROWS: readonly FieldRow<DocumentProfile>[] = [
  row('MSH-3', { id: 'TDOC-MSH-001', profiles: ALL, label: 'sending application' }),
  row('MSH-4', { id: 'TDOC-MSH-001', profiles: ALL, label: 'sending facility' }),
  row('MSH-5', { id: 'TDOC-MSH-001', profiles: ALL, label: 'receiving application' }),
  row('MSH-6', { id: 'TDOC-MSH-001', profiles: ALL, label: 'receiving facility' }),
  row('MSH-10', { id: 'TDOC-MSH-003', profiles: ALL, label: 'message control id' }),
  row('MSH-11', {
    id: 'TDOC-MSH-004',
    profiles: ALL,
    check: { kind: 'oneOf', values: ['P', 'T', 'D'] },
    condition: '202',
    label: 'processing id',
  }),
  row('MSH-12', {
    id: 'TDOC-MSH-005',
    profiles: V26,
    check: { kind: 'fixed', value: MESSAGE_VERSION.MDM },
    condition: '203',
    label: 'version id (MDM and ZAM: 2.6)',
  }),
  row('MSH-12', {
    id: 'TDOC-MSH-005',
    profiles: ORU,
    check: { kind: 'fixed', value: MESSAGE_VERSION.ORU },
    condition: '203',
    label: 'version id (ORU: 2.5)',
  }),
  row('MSH-17', { id: 'TDOC-MSH-006', profiles: ALL, check: { kind: 'fixed', value: 'FRA' }, label: 'country code' }),
  row('MSH-18', {
    id: 'TDOC-MSH-007',
    profiles: ALL,
    check: { kind: 'oneOf', values: ['UNICODE UTF-8', '8859/15'] },
    label: 'character set',
  }),
  row('MSH-21.1', {
    id: 'TDOC-MSH-008',
    profiles: ALL,
    check: { kind: 'fixed', value: TRANS_CDA_PROFILE.entityIdentifier },
    label: 'message profile: volet version',
  }),
  row('MSH-21.2', {
    id: 'TDOC-MSH-008',
    profiles: ALL,
    check: { kind: 'fixed', value: TRANS_CDA_PROFILE.namespaceId },
    label: 'message profile: volet name',
  }),
  row('PID-3', { id: 'TDOC-PID-001', profiles: DOCS, label: 'patient identifier list' }),
  row('PID-5', { id: 'TDOC-PID-002', profiles: DOCS, label: 'patient name' }),
  row('ORC-1', {
    id: 'TDOC-ORC-001',
    profiles: DOCS,
    check: { kind: 'oneOf', values: ['NW', 'RO', 'CA'] },
    condition: '207',
    label: 'order control (NW initial, RO replacement, CA deletion)',
  }),
  row('OBR-4.1', { id: 'TDOC-OBR-001', profiles: DOCS, label: 'document type code' }),
  row('OBR-4.3', {
    id: 'TDOC-OBR-002',
    profiles: DOCS,
    check: { kind: 'oneOf', values: ['LN', 'TRE_A05'] },
    label: 'document type coding system',
  }),
  row('TXA-1', { id: 'TDOC-TXA-001', profiles: MDM, check: { kind: 'fixed', value: '1' }, label: 'TXA set id' }),
  row('TXA-2', { id: 'TDOC-TXA-002', profiles: MDM, label: 'document type' }),
  row('TXA-3', {
    id: 'TDOC-TXA-003',
    profiles: MDM,
    check: { kind: 'fixed', value: TXA_CONTENT_PRESENTATION },
    label: 'document content presentation',
  }),
  row('TXA-12', { id: 'TDOC-TXA-004', profiles: MDM, label: 'unique document number' }),
  row('TXA-17', {
    id: 'TDOC-TXA-005',
    profiles: MDM,
    check: { kind: 'fixed', value: TXA_COMPLETION_STATUS },
    label: 'document completion status',
  }),
];

/** One rule per row, evaluated by the validator's engine. */
export const FIELD_RULES: readonly DocumentRuleDefinition[] = FIELD_ROWS.map((r) => fieldRule<DocumentProfile, DocumentMessageView>(r));
