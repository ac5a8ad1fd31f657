import type { Segment } from '../../hl7/index.js';
import { readCE, readED } from '../../hl7/index.js';
import { matchesPattern } from '../patterns.js';
import type { FlowProfile, Profile } from '../types.js';
import type { OrderGroup, RuleContext, RuleDefinition } from './rule.js';
import { BUSINESS, defineRule, observationCode, subId, valueAt } from './rule.js';
import type { ObservationRow } from './table.js';
import { observationRule } from './table.js';

/** Generic OBX rules, evaluated per ORDER group (conformance-checklist.md §6, common.md §5). */

/** Observations the guide defines for each flow (OBX-3.1). */
export const FLOW_OBSERVATIONS: Readonly<Record<FlowProfile, readonly string[]>> = {
  flux1: ['MODALITE_IMAGERIE', 'REGION_ANATOMIQUE', '11322-5', '8302-2', '29463-7', '82810-3'],
  flux2: ['MODALITE_IMAGERIE', 'REGION_ANATOMIQUE', '11322-5', '8302-2', '29463-7', '82810-3'],
  flux3: ['PROTOCOLE_IMAGERIE'],
  flux4: [
    'URL_PARTIELLE_VIEWER',
    'CODE_ACTE_IMAGERIE',
    'REGION_ANATOMIQUE',
    'MODALITE_IMAGERIE',
    'PRODUIT_ADMINISTRE',
    'APPAREIL_IMAGERIE',
  ],
};

/** The seven local codes of TLR_OBSERVATION and the four LOINC codes of flow 1. */
export const LOCAL_OBSERVATIONS: readonly string[] = [
  'REGION_ANATOMIQUE',
  'PROTOCOLE_IMAGERIE',
  'URL_PARTIELLE_VIEWER',
  'PRODUIT_ADMINISTRE',
  'APPAREIL_IMAGERIE',
  'MODALITE_IMAGERIE',
  'CODE_ACTE_IMAGERIE',
];
export const LOINC_OBSERVATIONS: readonly string[] = ['11322-5', '8302-2', '29463-7', '82810-3'];

/** OBX-4 `m` allowed per observation (OBX-015). */
const SUBID_M: Readonly<Record<string, readonly number[]>> = {
  REGION_ANATOMIQUE: [1, 2],
  PRODUIT_ADMINISTRE: [1, 2, 3],
  APPAREIL_IMAGERIE: [1, 2],
};

const F124: readonly Profile[] = ['flux1', 'flux2', 'flux4'];
const ALL_OBX = ['*'];

function row(r: Omit<ObservationRow, 'observations'> & { observations?: readonly string[] }): ObservationRow {
  return { observations: ALL_OBX, ...r };
}

const ROWS: readonly ObservationRow[] = [
  row({
    id: 'TLR-OBX-003',
    profiles: BUSINESS,
    field: '2',
    label: 'OBX-2 value type',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'OBX-2 non-empty.',
  }),
  row({
    id: 'TLR-OBX-004',
    profiles: BUSINESS,
    field: ['3.1', '3.3'],
    label: 'observation identifier component',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'OBX-3.1 and OBX-3.3 non-empty.',
  }),
  row({
    id: 'TLR-OBX-006',
    profiles: BUSINESS,
    observations: LOCAL_OBSERVATIONS,
    field: '3.3',
    label: 'OBX-3.3 coding system of a local observation code',
    usage: 'R',
    check: { kind: 'fixed', value: 'TLR_OBSERVATION' },
    severity: 'error',
    condition: '103',
    summary: 'OBX-3.3 = TLR_OBSERVATION for the seven local codes; LN for the four LOINC codes.',
  }),
  row({
    id: 'TLR-OBX-006',
    profiles: BUSINESS,
    observations: LOINC_OBSERVATIONS,
    field: '3.3',
    label: 'OBX-3.3 coding system of a LOINC observation code',
    usage: 'R',
    check: { kind: 'fixed', value: 'LN' },
    severity: 'error',
    condition: '103',
    summary: 'OBX-3.3 = TLR_OBSERVATION for the seven local codes; LN for the four LOINC codes.',
  }),
  row({
    id: 'TLR-OBX-007',
    profiles: BUSINESS,
    field: '5',
    label: 'OBX-5 observation value',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'OBX-5 non-empty.',
  }),
  row({
    id: 'TLR-OBX-009',
    profiles: BUSINESS,
    field: '11',
    label: 'OBX-11 observation result status',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'OBX-11 non-empty.',
  }),
  row({
    id: 'TLR-OBX-010',
    profiles: ['flux1', 'flux2'],
    field: '11',
    label: 'OBX-11 result status (O: order detail, in flows 1 and 2)',
    usage: 'R',
    check: { kind: 'fixed', value: 'O' },
    severity: 'error',
    condition: '103',
    summary: 'OBX-11 = O in F1 and F2; F in F3 and F4.',
  }),
  row({
    id: 'TLR-OBX-010',
    profiles: ['flux3', 'flux4'],
    field: '11',
    label: 'OBX-11 result status (F: final, in flows 3 and 4)',
    usage: 'R',
    check: { kind: 'fixed', value: 'F' },
    severity: 'error',
    condition: '103',
    summary: 'OBX-11 = O in F1 and F2; F in F3 and F4.',
  }),
  row({
    id: 'TLR-OBX-011',
    profiles: BUSINESS,
    field: '4',
    label: 'OBX-4 Sub-ID',
    usage: 'O',
    check: { kind: 'pattern', pattern: 'RE_SUBID_ANY' },
    severity: 'error',
    condition: '102',
    summary: 'When present, OBX-4 matches RE_SUBID_ANY.',
  }),
  row({
    id: 'TLR-OBX-012',
    profiles: F124,
    observations: ['REGION_ANATOMIQUE', 'PRODUIT_ADMINISTRE', 'APPAREIL_IMAGERIE'],
    field: '4',
    label: 'OBX-4 Sub-ID (n.m required for this observation)',
    usage: 'R',
    check: { kind: 'pattern', pattern: 'RE_SUBID_NM' },
    severity: 'error',
    condition: '102',
    summary: 'REGION_ANATOMIQUE, PRODUIT_ADMINISTRE and APPAREIL_IMAGERIE have OBX-4 matching RE_SUBID_NM.',
  }),
];

function eachGroup(ctx: RuleContext, f: (group: OrderGroup) => void): void {
  for (const g of ctx.orders) f(g);
}

export const OBX_001 = defineRule({
  id: 'TLR-OBX-001',
  severity: 'error',
  condition: '102',
  profiles: BUSINESS,
  scope: 'observation',
  summary: 'OBX-1 non-empty positive integer.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      g.observations.forEach((obx) => {
        const v = valueAt(obx, '1');
        if (!/^[1-9][0-9]*$/.test(v))
          ctx.report(
            OBX_001,
            ctx.at(obx, '1'),
            v === '' ? 'OBX-1 (set id) is empty; it is required' : `OBX-1 (set id) is "${v}"; expected a positive integer`,
            v === '' ? { condition: '101' } : {},
          );
      }),
    );
  },
});

export const OBX_002 = defineRule({
  id: 'TLR-OBX-002',
  severity: 'warning',
  condition: '100',
  profiles: BUSINESS,
  scope: 'observation',
  summary: 'Within an ORDER group, OBX-1 values are 1, 2, 3… in segment order.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      g.observations.forEach((obx, i) => {
        const v = valueAt(obx, '1');
        if (v !== '' && v !== String(i + 1))
          ctx.report(
            OBX_002,
            ctx.at(obx, '1'),
            `OBX-1 is ${v} but this is OBX number ${i + 1} of its ORDER group: set ids should count 1, 2, 3… in order`,
          );
      }),
    );
  },
});

export const OBX_005 = defineRule({
  id: 'TLR-OBX-005',
  severity: 'warning',
  condition: '103',
  profiles: ['flux1', 'flux3', 'flux4'],
  scope: 'observation',
  summary: 'OBX-3 is one of the observations defined for the flow (for flow 2: TLR-F2-003).',
  evaluate(ctx) {
    const known = FLOW_OBSERVATIONS[ctx.profile as FlowProfile];
    eachGroup(ctx, (g) =>
      g.observations.forEach((obx) => {
        const code = observationCode(obx);
        if (code !== '' && !known.includes(code))
          ctx.report(
            OBX_005,
            ctx.at(obx, '3'),
            `Observation "${code}" is not defined for flow ${ctx.profile.slice(-1)} (expected one of ` +
              `${known.join(', ')}); receivers may ignore it`,
          );
      }),
    );
  },
});

export const OBX_008 = defineRule({
  id: 'TLR-OBX-008',
  severity: 'error',
  condition: '102',
  profiles: BUSINESS,
  scope: 'observation',
  summary: 'OBX-5 matches OBX-2: NM → RE_NM; CE → CE.1 non-empty; ED → ED.2, ED.4 and ED.5 non-empty.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      g.observations.forEach((obx) => {
        checkValueType(ctx, obx);
      }),
    );
  },
});

function checkValueType(ctx: RuleContext, obx: Segment): void {
  if (valueAt(obx, '5') === '') return; // OBX-007
  const type = valueAt(obx, '2');
  const code = observationCode(obx);
  obx.repetitions(5).forEach((rep, i) => {
    const at = (c?: number): string => ctx.at(obx, `5${obx.repetitions(5).length > 1 ? `[${i + 1}]` : ''}${c ? `.${c}` : ''}`);
    if (type === 'NM') {
      const v = rep.get(1).trim();
      if (!matchesPattern('RE_NM', v))
        ctx.report(OBX_008, at(), `${code} OBX-5 is "${v}" but OBX-2 is NM: expected a number (digits, optional sign and decimal point)`);
    } else if (type === 'CE') {
      if (readCE(rep).identifier.trim() === '') ctx.report(OBX_008, at(1), `${code} OBX-5 is a CE without a code in CE.1`);
    } else if (type === 'ED') {
      const ed = readED(rep);
      const missing = [
        ['ED.2 type of data', ed.typeOfData],
        ['ED.4 encoding', ed.encoding],
        ['ED.5 data', ed.data],
      ]
        .filter(([, v]) => v!.trim() === '')
        .map(([n]) => n);
      if (missing.length > 0)
        ctx.report(OBX_008, at(), `${code} OBX-5 is an ED without ${missing.join(', ')} (expected ^TEXT^^Base64^<data>)`);
    }
  });
}

export const OBX_013 = defineRule({
  id: 'TLR-OBX-013',
  severity: 'error',
  condition: '101',
  profiles: BUSINESS,
  scope: 'observation',
  summary: 'When two or more OBX of the same ORDER group share OBX-3.1, each of them has a non-empty OBX-4.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      const counts = new Map<string, number>();
      for (const obx of g.observations) counts.set(observationCode(obx), (counts.get(observationCode(obx)) ?? 0) + 1);
      for (const obx of g.observations) {
        const code = observationCode(obx);
        if (code === '' || (counts.get(code) ?? 0) < 2 || valueAt(obx, '4') !== '') continue;
        ctx.report(
          OBX_013,
          ctx.at(obx, '4'),
          `${counts.get(code)} OBX of this ORDER group are identified as ${code}: each needs a Sub-ID (OBX-4) to tell them apart`,
        );
      }
    });
  },
});

export const OBX_014 = defineRule({
  id: 'TLR-OBX-014',
  severity: 'error',
  condition: '103',
  profiles: BUSINESS,
  scope: 'observation',
  summary: 'Within an ORDER group, the pairs (OBX-3.1, OBX-4) are unique.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      const seen = new Set<string>();
      for (const obx of g.observations) {
        const sub = valueAt(obx, '4');
        if (sub === '') continue; // OBX-013 reports missing Sub-IDs
        const key = `${observationCode(obx)}\u0000${sub}`;
        if (seen.has(key))
          ctx.report(
            OBX_014,
            ctx.at(obx, '4'),
            `Another ${observationCode(obx)} OBX of this ORDER group already has Sub-ID ${sub}: (OBX-3, OBX-4) must be unique`,
          );
        seen.add(key);
      }
    });
  },
});

export const OBX_015 = defineRule({
  id: 'TLR-OBX-015',
  severity: 'error',
  condition: '103',
  profiles: F124,
  scope: 'observation',
  summary: 'm ∈ {1,2} for REGION_ANATOMIQUE, ∈ {1,2,3} for PRODUIT_ADMINISTRE, ∈ {1,2} for APPAREIL_IMAGERIE.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      g.observations.forEach((obx) => {
        const allowed = SUBID_M[observationCode(obx)];
        const s = subId(obx);
        if (!allowed || !s || s.m === undefined || allowed.includes(s.m)) return;
        const code = observationCode(obx);
        const parts =
          code === 'PRODUIT_ADMINISTRE'
            ? '1 type, 2 lot, 3 quantity'
            : code === 'REGION_ANATOMIQUE'
              ? '1 location, 2 topographic qualifier'
              : '1 identifier, 2 model';
        ctx.report(
          OBX_015,
          ctx.at(obx, '4'),
          `${code} Sub-ID ${s.text}: the part after the dot must be ${allowed.join(' or ')} (${parts})`,
        );
      }),
    );
  },
});

export const OBX_016 = defineRule({
  id: 'TLR-OBX-016',
  severity: 'error',
  condition: '102',
  profiles: ['flux3', 'flux4'],
  scope: 'observation',
  summary: 'ED data is valid base64: matches RE_BASE64 and its length is a non-zero multiple of 4.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      g.observations.forEach((obx) => {
        if (valueAt(obx, '2') !== 'ED') return;
        const data = obx.get('5.5').trim();
        if (data === '' || matchesPattern('RE_BASE64', data)) return; // empty: OBX-008 / F3-010
        const why = /^[A-Za-z0-9+/]*={0,2}$/.test(data)
          ? `its length ${data.length} is not a multiple of 4`
          : 'it contains characters outside the base64 alphabet';
        ctx.report(
          OBX_016,
          ctx.at(obx, '5.5'),
          `${observationCode(obx)} OBX-5.5 is not valid base64: ${why} ("${data.length > 40 ? `${data.slice(0, 40)}…` : data}")`,
        );
      }),
    );
  },
});

export const OBX_RULES: readonly RuleDefinition[] = [
  OBX_001,
  OBX_002,
  ...ROWS.map(observationRule),
  OBX_005,
  OBX_008,
  OBX_013,
  OBX_014,
  OBX_015,
  OBX_016,
];
