import type { Profile } from '../types.js';
import type { OrderGroup, RuleContext, RuleDefinition } from './rule.js';
import { defineRule, subId, valueAt } from './rule.js';
import { ownSegments, groupsNamed } from '../structure/grammar.js';
import type { FieldRow, ObservationRow } from './table.js';
import { fieldRule, observationRule } from './table.js';
import { checkMembership, groupLocation, notesAfter, occurrences, withCode } from './observations.js';

/** Flow 1 — imaging request, ORM^O01 NW (conformance-checklist.md §7, flux1-transmission.md). */

const F1: readonly Profile[] = ['flux1'];

const SEGMENT_ROWS: readonly FieldRow[] = [
  {
    id: 'TLR-F1-004',
    profiles: F1,
    segment: 'OBR',
    field: '13',
    label: 'OBR-13 justification of the request (relevant clinical information)',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'OBR-13 (justification of the request) non-empty.',
  },
];

const obs = (
  id: string,
  observations: string,
  field: string,
  label: string,
  check: ObservationRow['check'],
  condition: ObservationRow['condition'],
  summary: string,
  extra: Partial<ObservationRow> = {},
): ObservationRow => ({
  id,
  profiles: F1,
  observations: [observations],
  field,
  label,
  usage: 'R',
  check,
  severity: 'error',
  condition,
  summary,
  ...extra,
});

/** Per-OBX rules of flow 1; flow 2 re-uses them for TLR-F2-004. */
export const F1_OBSERVATION_ROWS: readonly ObservationRow[] = [
  obs('TLR-F1-009', 'MODALITE_IMAGERIE', '2', 'OBX-2 value type', { kind: 'fixed', value: 'CE' }, '103', 'Modality OBX-2 = CE.'),
  obs(
    'TLR-F1-010',
    'MODALITE_IMAGERIE',
    '5.3',
    'OBX-5.3 coding system of the modality',
    { kind: 'oneOf', values: ['DCM', 'terminologie-cisis-fr'] },
    '103',
    'Modality OBX-5.3 ∈ {DCM, terminologie-cisis-fr}.',
  ),
  obs(
    'TLR-F1-014',
    'REGION_ANATOMIQUE',
    '2',
    'OBX-2 value type',
    { kind: 'fixed', value: 'CE' },
    '103',
    'REGION_ANATOMIQUE OBX have OBX-2 = CE.',
  ),
  obs(
    'TLR-F1-015',
    'REGION_ANATOMIQUE',
    '5.3',
    'OBX-5.3 coding system',
    { kind: 'fixed', value: 'SCT' },
    '103',
    'REGION_ANATOMIQUE OBX have OBX-5.3 = SCT.',
  ),
  obs(
    'TLR-F1-019',
    '11322-5',
    '2',
    'OBX-2 value type of the medical history',
    { kind: 'fixed', value: 'FT' },
    '103',
    'History OBX (11322-5) has OBX-2 = FT.',
  ),
  obs(
    'TLR-F1-020',
    '11322-5',
    '8',
    'OBX-8 relevance of the history',
    { kind: 'oneOf', values: ['SANS_IMPACT', 'PERTINENT', 'MAJEUR'] },
    '103',
    'History OBX-8, if present, ∈ {SANS_IMPACT, PERTINENT, MAJEUR}.',
    { usage: 'O' },
  ),
  obs(
    'TLR-F1-021',
    '8302-2',
    '2',
    'OBX-2 value type of the body height',
    { kind: 'fixed', value: 'NM' },
    '103',
    'Height OBX (8302-2) has OBX-2 = NM.',
  ),
  obs(
    'TLR-F1-022',
    '8302-2',
    '6',
    'OBX-6 unit of the body height',
    { kind: 'required' },
    '101',
    'Height OBX (8302-2) has OBX-6 non-empty.',
  ),
  obs(
    'TLR-F1-024',
    '29463-7',
    '2',
    'OBX-2 value type of the body weight',
    { kind: 'fixed', value: 'NM' },
    '103',
    'Weight OBX (29463-7) has OBX-2 = NM.',
  ),
  obs(
    'TLR-F1-025',
    '29463-7',
    '6',
    'OBX-6 unit of the body weight',
    { kind: 'required' },
    '101',
    'Weight OBX (29463-7) has OBX-6 non-empty.',
  ),
  obs(
    'TLR-F1-027',
    '82810-3',
    '2',
    'OBX-2 value type of the pregnancy status',
    { kind: 'fixed', value: 'CE' },
    '103',
    'Pregnancy OBX (82810-3) has OBX-2 = CE.',
  ),
  obs(
    'TLR-F1-028',
    '82810-3',
    '5.1',
    'OBX-5.1 pregnancy status (Y pregnant, N not pregnant; omit the OBX when unknown)',
    { kind: 'oneOf', values: ['Y', 'N'] },
    '103',
    'Pregnancy OBX-5.1 ∈ {Y, N}.',
  ),
  obs(
    'TLR-F1-029',
    '82810-3',
    '5.3',
    'OBX-5.3 coding system of the pregnancy status',
    { kind: 'fixed', value: 'expandedYes-NoIndicator' },
    '103',
    'Pregnancy OBX-5.3 = expandedYes-NoIndicator.',
    { severity: 'warning', usage: 'RE' },
  ),
];

function eachGroup(ctx: RuleContext, f: (g: OrderGroup) => void): void {
  for (const g of ctx.orders) f(g);
}

export const F1_003 = defineRule({
  id: 'TLR-F1-003',
  severity: 'warning',
  condition: '100',
  profiles: F1,
  scope: 'message',
  summary: 'No RQD, RQ1, RXO, ODS or ODT segment (alternatives to OBR in HL7 ORM_O01).',
  evaluate(ctx) {
    reportOrderAlternatives(ctx, F1_003);
  },
});

/** Shared with TLR-F2-002. */
export function reportOrderAlternatives(ctx: RuleContext, rule: RuleDefinition): void {
  for (const s of ctx.message.segments) {
    if (['RQD', 'RQ1', 'RXO', 'ODS', 'ODT'].includes(s.name)) {
      ctx.report(
        rule,
        ctx.at(s),
        `Segment ${s.name} is an HL7 alternative to OBR (requisition/pharmacy/diet order); the volet orders imaging with OBR only`,
      );
    }
  }
}

function detailNotes(g: OrderGroup): ReturnType<typeof ownSegments> {
  return groupsNamed(g.node, 'ORDER_DETAIL').flatMap((d) => ownSegments(d).filter((s) => s.name === 'NTE'));
}

export const F1_005 = defineRule({
  id: 'TLR-F1-005',
  severity: 'error',
  condition: '103',
  profiles: F1,
  scope: 'group',
  summary: 'Each NTE of ORDER_DETAIL has NTE-4.1 = FINALITE_EXAMEN and NTE-4.3 = HL70364.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      detailNotes(g).forEach((nte) => {
        if (valueAt(nte, '4.1') !== 'FINALITE_EXAMEN')
          ctx.report(
            F1_005,
            ctx.at(nte, '4.1'),
            `NTE-4.1 of the note after OBR is "${valueAt(nte, '4.1')}"; expected FINALITE_EXAMEN (purpose of the exam)`,
          );
        if (valueAt(nte, '4.3') !== 'HL70364')
          ctx.report(F1_005, ctx.at(nte, '4.3'), `NTE-4.3 of the note after OBR is "${valueAt(nte, '4.3')}"; expected HL70364`);
      }),
    );
  },
});

export const F1_006 = defineRule({
  id: 'TLR-F1-006',
  severity: 'error',
  condition: '101',
  profiles: F1,
  scope: 'group',
  summary: 'An NTE of ORDER_DETAIL has NTE-3 non-empty.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      detailNotes(g).forEach((nte) => {
        if (valueAt(nte, '3') === '') ctx.report(F1_006, ctx.at(nte, '3'), 'NTE-3 (purpose of the exam) of the note after OBR is empty');
      }),
    );
  },
});

export const F1_007 = defineRule({
  id: 'TLR-F1-007',
  severity: 'error',
  condition: '100',
  profiles: F1,
  scope: 'group',
  summary: 'At least one OBX identified as MODALITE_IMAGERIE per ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      if (withCode(g, 'MODALITE_IMAGERIE').length === 0)
        ctx.report(
          F1_007,
          groupLocation(ctx, g),
          `ORDER group ${g.index} has no MODALITE_IMAGERIE OBX: the desired imaging modality is required`,
        );
    });
  },
});

export const F1_008 = defineRule({
  id: 'TLR-F1-008',
  severity: 'warning',
  condition: '100',
  profiles: F1,
  scope: 'observation',
  summary: 'More than one MODALITE_IMAGERIE OBX in an ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      const m = withCode(g, 'MODALITE_IMAGERIE');
      if (m.length > 1)
        ctx.report(
          F1_008,
          ctx.at(m[1]!),
          `ORDER group ${g.index} has ${m.length} MODALITE_IMAGERIE OBX; the guide expects one modality per request`,
        );
    });
  },
});

export const F1_011 = defineRule({
  id: 'TLR-F1-011',
  severity: 'error',
  condition: '103',
  profiles: F1,
  scope: 'observation',
  summary: 'Modality OBX-5.1 ∈ JDV_modalitedemandeActeImagerie-CISIS.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'MODALITE_IMAGERIE').forEach((obx) => {
        checkMembership(ctx, F1_011, obx, 'modaliteDemandeActeImagerie');
      }),
    );
  },
});

export const F1_012 = defineRule({
  id: 'TLR-F1-012',
  severity: 'error',
  condition: '103',
  profiles: F1,
  scope: 'group',
  summary: 'An NTE following the modality OBX has NTE-4.1 = MODALITE_IMAGERIE, NTE-4.3 = HL70364 and NTE-3 non-empty.',
  evaluate(ctx) {
    checkModalityNotes(ctx, F1_012);
  },
});

/** Shared with TLR-F4-040. */
export function checkModalityNotes(ctx: RuleContext, rule: RuleDefinition): void {
  for (const g of ctx.orders) {
    for (const obx of withCode(g, 'MODALITE_IMAGERIE')) {
      for (const nte of notesAfter(g, obx)) {
        if (valueAt(nte, '4.1') !== 'MODALITE_IMAGERIE')
          ctx.report(
            rule,
            ctx.at(nte, '4.1'),
            `NTE-4.1 of the note on the modality is "${valueAt(nte, '4.1')}"; expected MODALITE_IMAGERIE`,
          );
        if (valueAt(nte, '4.3') !== 'HL70364')
          ctx.report(rule, ctx.at(nte, '4.3'), `NTE-4.3 of the note on the modality is "${valueAt(nte, '4.3')}"; expected HL70364`);
        if (valueAt(nte, '3') === '') ctx.report(rule, ctx.at(nte, '3'), 'NTE-3 (comment on the modality) is empty', { condition: '101' });
      }
    }
  }
}

export const F1_013 = defineRule({
  id: 'TLR-F1-013',
  severity: 'error',
  condition: '100',
  profiles: F1,
  scope: 'group',
  summary: 'At least one REGION_ANATOMIQUE OBX with m = 1 per ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      if (!withCode(g, 'REGION_ANATOMIQUE').some((o) => subId(o)?.m === 1)) {
        ctx.report(
          F1_013,
          groupLocation(ctx, g),
          `ORDER group ${g.index} has no REGION_ANATOMIQUE OBX with Sub-ID n.1: the anatomical location is required`,
        );
      }
    });
  },
});

export const F1_016 = defineRule({
  id: 'TLR-F1-016',
  severity: 'error',
  condition: '100',
  profiles: F1,
  scope: 'observation',
  summary: 'A REGION_ANATOMIQUE OBX with OBX-4 = n.2 requires one with OBX-4 = n.1 (same n) in the same ORDER group.',
  evaluate(ctx) {
    checkQualifierHasLocation(ctx, F1_016);
  },
});

/** Shared with TLR-F4-036. */
export function checkQualifierHasLocation(ctx: RuleContext, rule: RuleDefinition): void {
  for (const g of ctx.orders) {
    for (const [n, parts] of occurrences(withCode(g, 'REGION_ANATOMIQUE'))) {
      const qualifier = parts.get(2);
      if (qualifier && !parts.has(1))
        ctx.report(
          rule,
          ctx.at(qualifier, '4'),
          `Topographic qualifier REGION_ANATOMIQUE ${n}.2 has no anatomical location ${n}.1 to qualify`,
        );
    }
  }
}

export const F1_017 = defineRule({
  id: 'TLR-F1-017',
  severity: 'error',
  condition: '103',
  profiles: F1,
  scope: 'observation',
  summary: 'REGION_ANATOMIQUE n.1 OBX-5.1 ∈ JDV_RegionAnatomique-CISIS.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'REGION_ANATOMIQUE')
        .filter((o) => subId(o)?.m === 1)
        .forEach((obx) => {
          checkMembership(ctx, F1_017, obx, 'regionAnatomique');
        }),
    );
  },
});

export const F1_018 = defineRule({
  id: 'TLR-F1-018',
  severity: 'error',
  condition: '103',
  profiles: F1,
  scope: 'observation',
  summary: 'REGION_ANATOMIQUE n.2 OBX-5.1 ∈ JDV_ModificateurTopographique-CISIS.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'REGION_ANATOMIQUE')
        .filter((o) => subId(o)?.m === 2)
        .forEach((obx) => {
          checkMembership(ctx, F1_018, obx, 'modificateurTopographique');
        }),
    );
  },
});

function atMostOne(id: string, code: string, what: string): RuleDefinition {
  const rule: RuleDefinition = defineRule({
    id,
    severity: 'error',
    condition: '100',
    profiles: F1,
    scope: 'observation',
    summary: `At most one ${code} OBX per ORDER group.`,
    evaluate(ctx) {
      eachGroup(ctx, (g) =>
        withCode(g, code)
          .slice(1)
          .forEach((extra) => {
            ctx.report(rule, ctx.at(extra), `ORDER group ${g.index} has more than one ${code} OBX (${what}); at most one is allowed`);
          }),
      );
    },
  });
  return rule;
}

export const F1_023 = atMostOne('TLR-F1-023', '8302-2', 'body height');
export const F1_026 = atMostOne('TLR-F1-026', '29463-7', 'body weight');
export const F1_030 = atMostOne('TLR-F1-030', '82810-3', 'pregnancy status');

export const F1_031 = defineRule({
  id: 'TLR-F1-031',
  severity: 'warning',
  condition: '100',
  profiles: F1,
  scope: 'observation',
  summary: 'More than one anatomical-location occurrence in an ORDER group (REGION_ANATOMIQUE with two or more distinct n).',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      const ns = occurrences(withCode(g, 'REGION_ANATOMIQUE'));
      if (ns.size > 1)
        ctx.report(
          F1_031,
          ctx.at(withCode(g, 'REGION_ANATOMIQUE').find((o) => subId(o)?.n !== [...ns.keys()][0])!, '4'),
          `ORDER group ${g.index} has ${ns.size} anatomical locations (n = ${[...ns.keys()].join(', ')}); ` +
            `the flow-1 table allows one (Volume 1 allows several)`,
        );
    });
  },
});

/** Group-level and per-OBX flow-1 rules that TLR-F2-004 re-applies to the OBX of a cancellation. */
export const F1_OBSERVATION_RULES: readonly RuleDefinition[] = [
  ...F1_OBSERVATION_ROWS.map(observationRule),
  F1_011,
  F1_016,
  F1_017,
  F1_018,
  F1_023,
  F1_026,
  F1_030,
];

export const F1_RULES: readonly RuleDefinition[] = [
  ...SEGMENT_ROWS.map(fieldRule),
  F1_003,
  F1_005,
  F1_006,
  F1_007,
  F1_008,
  F1_012,
  F1_013,
  F1_031,
  ...F1_OBSERVATION_RULES,
];
