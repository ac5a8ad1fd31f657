import type { Profile } from '../types.js';
import type { RuleDefinition } from './rule.js';
import { defineRule, valueAt } from './rule.js';
import type { ObservationRow } from './table.js';
import { observationRule } from './table.js';
import { groupLocation, withCode } from './observations.js';

/**
 * Flow 3 — response, ORU^R01 OK/OC (conformance-checklist.md §9). TLR-F3-001/002 are carried by
 * the message structure.
 */

const F3: readonly Profile[] = ['flux3'];
const PROTOCOL = 'PROTOCOLE_IMAGERIE';

const ROWS: readonly ObservationRow[] = [
  {
    id: 'TLR-F3-007',
    profiles: F3,
    observations: [PROTOCOL],
    field: '2',
    label: 'OBX-2 value type of a protocol (FT plain text or ED encapsulated)',
    usage: 'R',
    check: { kind: 'oneOf', values: ['FT', 'ED'] },
    severity: 'error',
    condition: '103',
    summary: 'PROTOCOLE_IMAGERIE OBX have OBX-2 ∈ {FT, ED}.',
  },
  {
    id: 'TLR-F3-008',
    profiles: F3,
    observations: [PROTOCOL],
    field: '5.2',
    label: 'OBX-5.2 type of data of the encapsulated protocol',
    usage: 'C',
    when: { field: '2', in: ['ED'] },
    check: { kind: 'fixed', value: 'TEXT' },
    severity: 'error',
    condition: '103',
    summary: 'If OBX-2 = ED: OBX-5.2 = TEXT.',
  },
  {
    id: 'TLR-F3-009',
    profiles: F3,
    observations: [PROTOCOL],
    field: '5.4',
    label: 'OBX-5.4 encoding of the encapsulated protocol',
    usage: 'C',
    when: { field: '2', in: ['ED'] },
    check: { kind: 'fixed', value: 'Base64' },
    severity: 'error',
    condition: '103',
    summary: 'If OBX-2 = ED: OBX-5.4 = Base64.',
  },
  {
    id: 'TLR-F3-010',
    profiles: F3,
    observations: [PROTOCOL],
    field: '5.5',
    label: 'OBX-5.5 data of the encapsulated protocol',
    usage: 'C',
    when: { field: '2', in: ['ED'] },
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'If OBX-2 = ED: OBX-5.5 non-empty (validity: OBX-016).',
  },
];

export const F3_003 = defineRule({
  id: 'TLR-F3-003',
  severity: 'error',
  condition: '100',
  profiles: F3,
  scope: 'group',
  summary: 'If ORC-1 = OK, the ORDER_OBSERVATION group contains at least one PROTOCOLE_IMAGERIE OBX.',
  evaluate(ctx) {
    for (const g of ctx.orders) {
      if (g.orc && valueAt(g.orc, '1') === 'OK' && withCode(g, PROTOCOL).length === 0) {
        ctx.report(
          F3_003,
          groupLocation(ctx, g),
          'The request is accepted (ORC-1 = OK) but no imaging protocol is sent: at least one PROTOCOLE_IMAGERIE OBX is required',
        );
      }
    }
  },
});

export const F3_004 = defineRule({
  id: 'TLR-F3-004',
  severity: 'error',
  condition: '100',
  profiles: F3,
  scope: 'group',
  summary: 'If ORC-1 = OC, the ORDER_OBSERVATION group contains no PROTOCOLE_IMAGERIE OBX.',
  evaluate(ctx) {
    for (const g of ctx.orders) {
      if (!g.orc || valueAt(g.orc, '1') !== 'OC') continue;
      for (const obx of withCode(g, PROTOCOL))
        ctx.report(
          F3_004,
          ctx.at(obx),
          'The request is refused (ORC-1 = OC) but an imaging protocol is sent: a refusal carries no protocol',
        );
    }
  },
});

export const F3_005 = defineRule({
  id: 'TLR-F3-005',
  severity: 'warning',
  condition: '100',
  profiles: F3,
  scope: 'group',
  summary: 'If ORC-1 = OC, the group contains any OBX at all.',
  evaluate(ctx) {
    for (const g of ctx.orders) {
      if (g.orc && valueAt(g.orc, '1') === 'OC' && g.observations.length > 0) {
        ctx.report(
          F3_005,
          ctx.at(g.observations[0]!),
          `The refusal (ORC-1 = OC) carries ${g.observations.length} OBX; the guide defines none for a refusal (use ORC-16 for the reason)`,
        );
      }
    }
  },
});

export const F3_006 = defineRule({
  id: 'TLR-F3-006',
  severity: 'warning',
  condition: '100',
  profiles: F3,
  scope: 'message',
  summary: 'ORC-16 is present while ORC-1 = OK.',
  evaluate(ctx) {
    for (const orc of ctx.message.all('ORC')) {
      if (valueAt(orc, '1') === 'OK' && valueAt(orc, '16') !== '')
        ctx.report(F3_006, ctx.at(orc, '16'), 'ORC-16 (refusal reason) is filled although the request is accepted (ORC-1 = OK)');
    }
  },
});

export const F3_RULES: readonly RuleDefinition[] = [F3_003, F3_004, F3_005, F3_006, ...ROWS.map(observationRule)];
