import { readTS, timeStampToDate } from '../../hl7/index.js';
import type { RuleDefinition } from './rule.js';
import { BUSINESS, defineRule, valueAt } from './rule.js';
import type { FieldRow } from './table.js';
import { fieldRule } from './table.js';

/**
 * PV1 (conformance-checklist.md §4, common.md §3.4). PV1-001/PV1-002 (cardinality) are carried by
 * the message structures (`structure/structures.ts`).
 */

/** HL7 table 0004 (patient class). */
export const PATIENT_CLASSES: readonly string[] = ['B', 'C', 'E', 'I', 'N', 'O', 'P', 'R', 'U'];

const ROWS: readonly FieldRow[] = [
  {
    id: 'TLR-PV1-003',
    profiles: BUSINESS,
    segment: 'PV1',
    field: '2',
    label: 'PV1-2 patient class',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'When PV1 is present, PV1-2 is non-empty.',
  },
  {
    id: 'TLR-PV1-004',
    profiles: BUSINESS,
    segment: 'PV1',
    field: '2',
    label: 'PV1-2 patient class',
    usage: 'RE',
    check: { kind: 'oneOf', values: PATIENT_CLASSES },
    severity: 'warning',
    condition: '103',
    summary: 'PV1-2 ∈ HL7 table 0004.',
  },
  {
    id: 'TLR-PV1-005',
    profiles: BUSINESS,
    segment: 'PV1',
    field: '19.1',
    label: 'PV1-19 visit number (appointment identifier)',
    usage: 'C',
    when: { field: '2', in: ['E', 'I', 'O', 'R'] },
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'If PV1-2 ∈ {E, I, O, R}, PV1-19.1 is non-empty.',
  },
  {
    id: 'TLR-PV1-006',
    profiles: BUSINESS,
    segment: 'PV1',
    field: ['44.1', '45.1'],
    label: 'admit/discharge date/time',
    usage: 'RE',
    check: { kind: 'timestamp' },
    severity: 'error',
    condition: '102',
    summary: 'When present, PV1-44 and PV1-45 are valid TS.',
  },
];

export const PV1_007 = defineRule({
  id: 'TLR-PV1-007',
  severity: 'warning',
  condition: '102',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'When both are present, PV1-45 ≥ PV1-44.',
  evaluate(ctx) {
    for (const pv1 of ctx.message.all('PV1')) {
      const admit = readTS(valueAt(pv1, '44.1'));
      const discharge = readTS(valueAt(pv1, '45.1'));
      if (!admit || !discharge) continue;
      // Values without offset are local times of the same sender: compare them in the same frame.
      if (timeStampToDate(discharge, admit.offsetMinutes ?? 0) < timeStampToDate(admit, discharge.offsetMinutes ?? 0)) {
        ctx.report(PV1_007, ctx.at(pv1, '45'), `PV1-45 (discharge ${discharge.text}) is before PV1-44 (admission ${admit.text})`);
      }
    }
  },
});

export const PV1_RULES: readonly RuleDefinition[] = [...ROWS.map(fieldRule), PV1_007];
