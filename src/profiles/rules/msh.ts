import type { RuleDefinition } from './rule.js';
import { BUSINESS, defineRule } from './rule.js';
import type { FieldRow } from './table.js';
import { fieldRule } from './table.js';

/** MSH of the business messages (conformance-checklist.md §2, common.md §2). */
const ROWS: readonly FieldRow[] = [
  {
    id: 'TLR-MSH-001',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '1',
    label: 'MSH-1 field separator',
    usage: 'R',
    check: { kind: 'fixed', value: '|' },
    severity: 'error',
    condition: '100',
    summary: 'MSH-1 = vertical bar.',
  },
  {
    id: 'TLR-MSH-002',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '2',
    label: 'MSH-2 encoding characters',
    usage: 'R',
    check: { kind: 'fixed', value: '^~\\&' },
    severity: 'error',
    condition: '100',
    summary: 'MSH-2 = ^~\\&.',
  },
  {
    id: 'TLR-MSH-003',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '3',
    label: 'MSH-3 sending application',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'MSH-3 non-empty.',
  },
  {
    id: 'TLR-MSH-004',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '4',
    label: 'MSH-4 sending facility',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'MSH-4 non-empty.',
  },
  {
    id: 'TLR-MSH-005',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '5',
    label: 'MSH-5 receiving application',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'MSH-5 non-empty.',
  },
  {
    id: 'TLR-MSH-006',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '6',
    label: 'MSH-6 receiving facility',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'MSH-6 non-empty.',
  },
  {
    id: 'TLR-MSH-007',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '7',
    label: 'MSH-7 date/time of message',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'MSH-7 non-empty (validity: GEN-005).',
  },
  {
    id: 'TLR-MSH-008',
    profiles: BUSINESS,
    segment: 'MSH',
    field: ['9.1', '9.2', '9.3'],
    label: 'message type component',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'MSH-9.1, MSH-9.2 and MSH-9.3 all non-empty.',
  },
  {
    id: 'TLR-MSH-009',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '10',
    label: 'MSH-10 message control id',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'MSH-10 non-empty.',
  },
  {
    id: 'TLR-MSH-010',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '11.1',
    label: 'MSH-11 processing id',
    usage: 'R',
    check: { kind: 'oneOf', values: ['P', 'T', 'D'] },
    severity: 'error',
    condition: '202',
    summary: 'MSH-11.1 ∈ {P, T, D}.',
  },
  {
    id: 'TLR-MSH-011',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '12.1',
    label: 'MSH-12 version id',
    usage: 'R',
    check: { kind: 'fixed', value: '2.5.1' },
    severity: 'error',
    condition: '203',
    summary: 'MSH-12.1 = 2.5.1.',
  },
  {
    id: 'TLR-MSH-012',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '17',
    label: 'MSH-17 country code',
    usage: 'R',
    check: { kind: 'fixed', value: 'FRA' },
    severity: 'error',
    condition: '103',
    summary: 'MSH-17 = FRA.',
  },
  {
    id: 'TLR-MSH-013',
    profiles: BUSINESS,
    segment: 'MSH',
    field: '18',
    label: 'MSH-18 character set',
    usage: 'R',
    check: { kind: 'oneOf', values: ['UNICODE UTF-8', '8859/15'] },
    severity: 'error',
    condition: '103',
    summary: 'MSH-18 (first repetition) ∈ {UNICODE UTF-8, 8859/15}.',
  },
];

export const PROFILE_NAME = 'CISIS_TLR_HL7_V2';
export const PROFILE_VERSION = '1.0';

export const MSH_014 = defineRule({
  id: 'TLR-MSH-014',
  severity: 'error',
  condition: '103',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'MSH-21 has a repetition whose EI.2 = CISIS_TLR_HL7_V2.',
  evaluate(ctx) {
    const msh = ctx.message.msh;
    const reps = msh.repetitions(21);
    if (reps.some((r) => r.get(2).trim() === PROFILE_NAME)) return;
    const found = reps.length === 0 ? 'MSH-21 is empty' : `MSH-21 is "${msh.rawField(21)}"`;
    ctx.report(
      MSH_014,
      ctx.at(msh, '21'),
      `${found}; the message profile identifier must include ${PROFILE_VERSION}^${PROFILE_NAME} (EI.2 = ${PROFILE_NAME})`,
    );
  },
});

export const MSH_015 = defineRule({
  id: 'TLR-MSH-015',
  severity: 'error',
  condition: '103',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'In the MSH-21 repetition naming CISIS_TLR_HL7_V2, EI.1 = 1.0.',
  evaluate(ctx) {
    const msh = ctx.message.msh;
    msh.repetitions(21).forEach((r, i) => {
      if (r.get(2).trim() !== PROFILE_NAME || r.get(1).trim() === PROFILE_VERSION) return;
      ctx.report(
        MSH_015,
        ctx.at(msh, `21[${i + 1}].1`),
        `The profile version of ${PROFILE_NAME} in MSH-21 is "${r.get(1)}"; expected "${PROFILE_VERSION}"`,
      );
    });
  },
});

/** Flows the imaging facility sends; the platform sends flow 3. */
const SENT_BY_FACILITY = new Set(['flux1', 'flux2', 'flux4']);

export const MSH_017 = defineRule({
  id: 'TLR-MSH-017',
  severity: 'warning',
  condition: '207',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'When partner identities are configured: the sender is the imaging facility for F1, F2, F4 and the platform for F3.',
  evaluate(ctx) {
    const partners = ctx.options.partners;
    if (!partners) return;
    const expected = SENT_BY_FACILITY.has(ctx.profile) ? partners.imagingFacility : partners.platform;
    const other = SENT_BY_FACILITY.has(ctx.profile) ? partners.platform : partners.imagingFacility;
    const msh = ctx.message.msh;
    const app = msh.get('3.1').trim();
    const facility = msh.get('4.1').trim();
    if (app === expected.application && facility === expected.facility) return;
    const who = SENT_BY_FACILITY.has(ctx.profile) ? 'the imaging facility (RIS)' : 'the teleradiology platform';
    const reversed =
      app === other.application && facility === other.facility ? ' — it is the other partner: the direction of the flow is reversed' : '';
    ctx.report(
      MSH_017,
      ctx.at(msh, '3'),
      `This flow is sent by ${who} (${expected.application}/${expected.facility}); MSH-3/MSH-4 are ${app}/${facility}${reversed}`,
    );
  },
});

export const MSH_RULES: readonly RuleDefinition[] = [...ROWS.map(fieldRule), MSH_014, MSH_015, MSH_017];
