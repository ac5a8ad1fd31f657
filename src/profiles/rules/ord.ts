import type { Segment } from '../../hl7/index.js';
import { matchesPattern } from '../patterns.js';
import type { Profile } from '../types.js';
import type { RuleContext, RuleDefinition } from './rule.js';
import { BUSINESS, defineRule, valueAt } from './rule.js';
import type { FieldRow } from './table.js';
import { fieldRule } from './table.js';

/** ORC/OBR patterns shared by several flows (conformance-checklist.md §5, common.md §4). */

const F123: readonly Profile[] = ['flux1', 'flux2', 'flux3'];
const F12: readonly Profile[] = ['flux1', 'flux2'];
const F23: readonly Profile[] = ['flux2', 'flux3'];

/** OID of the national professional identifiers (PS_IdNat). */
export const PS_AUTHORITY_OID = '1.2.250.1.71.4.2.1';
/** OID of the national structure identifiers. */
export const STRUCTURE_AUTHORITY_OID = '1.2.250.1.71.4.2.2';
export const ORGANISATION_ID_TYPES: readonly string[] = ['FINEJ', 'FINEG', 'IDNST', 'UF', 'SVR'];

/** OBR-4.1 of each flow (TLR_OBR_PROCEDURE). */
export const PROCEDURE_CODE: Readonly<Record<Exclude<Profile, 'ack'>, string>> = {
  flux1: 'TRANSMISSION_DEMANDE',
  flux2: 'ANNULATION_DEMANDE',
  flux3: 'REPONSE_DEMANDE',
  flux4: 'COMPLEMENT_POST_ACTE',
};

const xcn = (
  id: string,
  component: string,
  label: string,
  check: FieldRow['check'],
  condition: FieldRow['condition'],
  summary: string,
  severity: FieldRow['severity'] = 'error',
): FieldRow => ({
  id,
  profiles: F123,
  segment: 'ORC',
  field: `12.${component}`,
  label,
  usage: severity === 'error' ? 'R' : 'RE',
  check,
  severity,
  condition,
  summary,
});

const ROWS: readonly FieldRow[] = [
  {
    id: 'TLR-ORD-001',
    profiles: BUSINESS,
    segment: 'ORC',
    field: '2.1',
    label: 'ORC-2.1 placer order number',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'ORC-2.1 non-empty.',
  },
  {
    id: 'TLR-ORD-002',
    profiles: BUSINESS,
    segment: 'ORC',
    field: '2.3',
    label: 'ORC-2.3 placer number assigning authority (universal id)',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'ORC-2.3 non-empty.',
  },
  {
    id: 'TLR-ORD-003',
    profiles: BUSINESS,
    segment: 'ORC',
    field: '2.4',
    label: 'ORC-2.4 universal id type',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'ORC-2.4 non-empty.',
  },
  {
    id: 'TLR-ORD-004',
    profiles: BUSINESS,
    segment: 'ORC',
    field: '2.4',
    label: 'ORC-2.4 universal id type',
    usage: 'RE',
    check: { kind: 'fixed', value: 'ISO' },
    severity: 'warning',
    condition: '103',
    summary: 'ORC-2.4 = ISO.',
  },
  {
    id: 'TLR-ORD-005',
    profiles: BUSINESS,
    segment: 'ORC',
    field: '2.3',
    label: 'ORC-2.3 placer number assigning authority',
    usage: 'C',
    when: { field: '2.4', in: ['ISO'] },
    check: { kind: 'pattern', pattern: 'RE_OID' },
    severity: 'warning',
    condition: '102',
    summary: 'If ORC-2.4 = ISO, ORC-2.3 matches RE_OID.',
  },
  {
    id: 'TLR-ORD-007',
    profiles: BUSINESS,
    segment: 'OBR',
    field: '4.1',
    label: 'OBR-4.1 procedure code',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'OBR-4.1 non-empty and OBR-4.3 = TLR_OBR_PROCEDURE.',
  },
  {
    id: 'TLR-ORD-007',
    profiles: BUSINESS,
    segment: 'OBR',
    field: '4.3',
    label: 'OBR-4.3 procedure coding system',
    usage: 'R',
    check: { kind: 'fixed', value: 'TLR_OBR_PROCEDURE' },
    severity: 'error',
    condition: '103',
    summary: 'OBR-4.1 non-empty and OBR-4.3 = TLR_OBR_PROCEDURE.',
  },
  ...(['flux1', 'flux2', 'flux3', 'flux4'] as const).map(
    (flow): FieldRow => ({
      id: 'TLR-ORD-008',
      profiles: [flow],
      segment: 'OBR',
      field: '4.1',
      label: `OBR-4.1 procedure code of flow ${flow.slice(-1)}`,
      usage: 'RE',
      check: { kind: 'fixed', value: PROCEDURE_CODE[flow] },
      severity: 'error',
      condition: '103',
      summary: 'OBR-4.1 = TRANSMISSION_DEMANDE (F1), ANNULATION_DEMANDE (F2), REPONSE_DEMANDE (F3), COMPLEMENT_POST_ACTE (F4).',
    }),
  ),
  xcn(
    'TLR-ORD-009',
    '1',
    'ORC-12.1 ordering provider identifier (PS_IdNat)',
    { kind: 'required' },
    '101',
    'ORC-12.1 (PS_IdNat) non-empty.',
  ),
  xcn('TLR-ORD-010', '2', 'ORC-12.2 ordering provider family name', { kind: 'required' }, '101', 'ORC-12.2 non-empty.'),
  xcn('TLR-ORD-011', '3', 'ORC-12.3 ordering provider given name', { kind: 'required' }, '101', 'ORC-12.3 non-empty.'),
  xcn(
    'TLR-ORD-012',
    '9.2',
    'ORC-12.9.2 assigning authority of the PS_IdNat',
    { kind: 'fixed', value: PS_AUTHORITY_OID },
    '103',
    `ORC-12.9.2 = ${PS_AUTHORITY_OID}.`,
  ),
  xcn('TLR-ORD-013', '9.3', 'ORC-12.9.3 universal id type', { kind: 'fixed', value: 'ISO' }, '103', 'ORC-12.9.3 = ISO.'),
  xcn('TLR-ORD-014', '13', 'ORC-12.13 identifier type code', { kind: 'required' }, '101', 'ORC-12.13 non-empty.'),
  xcn(
    'TLR-ORD-015',
    '13',
    'ORC-12.13 identifier type code (RPPS or ADELI are tolerated)',
    { kind: 'fixed', value: 'IDNPS' },
    '103',
    'ORC-12.13 = IDNPS (RPPS or ADELI tolerated).',
    'warning',
  ),
  {
    id: 'TLR-ORD-018',
    profiles: F123,
    segment: 'ORC',
    field: '17.1',
    label: 'ORC-17.1 entering organisation type',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'ORC-17.1 non-empty and ORC-17.3 = TLR_TYPE_ORGANISATION.',
  },
  {
    id: 'TLR-ORD-018',
    profiles: F123,
    segment: 'ORC',
    field: '17.3',
    label: 'ORC-17.3 coding system',
    usage: 'R',
    check: { kind: 'fixed', value: 'TLR_TYPE_ORGANISATION' },
    severity: 'error',
    condition: '103',
    summary: 'ORC-17.1 non-empty and ORC-17.3 = TLR_TYPE_ORGANISATION.',
  },
  {
    id: 'TLR-ORD-019',
    profiles: F12,
    segment: 'ORC',
    field: '17.1',
    label: 'ORC-17.1 entering organisation type (the imaging facility sends flows 1 and 2)',
    usage: 'RE',
    check: { kind: 'fixed', value: 'STRUCTURE_IMAGERIE' },
    severity: 'error',
    condition: '103',
    summary: 'ORC-17.1 = STRUCTURE_IMAGERIE in F1 and F2, PLATEFORME_TLR in F3.',
  },
  {
    id: 'TLR-ORD-019',
    profiles: ['flux3'],
    segment: 'ORC',
    field: '17.1',
    label: 'ORC-17.1 entering organisation type (the platform sends flow 3)',
    usage: 'RE',
    check: { kind: 'fixed', value: 'PLATEFORME_TLR' },
    severity: 'error',
    condition: '103',
    summary: 'ORC-17.1 = STRUCTURE_IMAGERIE in F1 and F2, PLATEFORME_TLR in F3.',
  },
  {
    id: 'TLR-ORD-020',
    profiles: F123,
    segment: 'ORC',
    field: '21.1',
    label: 'ORC-21.1 organisation name',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'ORC-21.1 non-empty.',
  },
  {
    id: 'TLR-ORD-021',
    profiles: F123,
    segment: 'ORC',
    field: '21.6',
    label: 'ORC-21.6 organisation identifier assigning authority',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'ORC-21.6 non-empty (HD.1 or HD.2).',
  },
  {
    id: 'TLR-ORD-022',
    profiles: F123,
    segment: 'ORC',
    field: '21.7',
    label: 'ORC-21.7 organisation identifier type',
    usage: 'R',
    check: { kind: 'oneOf', values: ORGANISATION_ID_TYPES },
    severity: 'error',
    condition: '103',
    summary: 'ORC-21.7 ∈ {FINEJ, FINEG, IDNST, UF, SVR}.',
  },
  {
    id: 'TLR-ORD-023',
    profiles: F123,
    segment: 'ORC',
    field: '21.10',
    label: 'ORC-21.10 organisation identifier',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'ORC-21.10 non-empty.',
  },
  {
    id: 'TLR-ORD-024',
    profiles: F123,
    segment: 'ORC',
    field: '21.6.2',
    label: 'ORC-21.6.2 assigning authority of a FINESS / structure identifier',
    usage: 'C',
    when: { field: '21.7', in: ['FINEJ', 'FINEG', 'IDNST'] },
    check: { kind: 'fixed', value: STRUCTURE_AUTHORITY_OID },
    severity: 'warning',
    condition: '103',
    summary: `If ORC-21.7 ∈ {FINEJ, FINEG, IDNST}: ORC-21.6.2 = ${STRUCTURE_AUTHORITY_OID} and ORC-21.6.3 = ISO.`,
  },
  {
    id: 'TLR-ORD-024',
    profiles: F123,
    segment: 'ORC',
    field: '21.6.3',
    label: 'ORC-21.6.3 universal id type',
    usage: 'C',
    when: { field: '21.7', in: ['FINEJ', 'FINEG', 'IDNST'] },
    check: { kind: 'fixed', value: 'ISO' },
    severity: 'warning',
    condition: '103',
    summary: `If ORC-21.7 ∈ {FINEJ, FINEG, IDNST}: ORC-21.6.2 = ${STRUCTURE_AUTHORITY_OID} and ORC-21.6.3 = ISO.`,
  },
  {
    id: 'TLR-ORD-027',
    profiles: F12,
    segment: 'ORC',
    field: '9.1',
    label: 'ORC-9 date/time of the request',
    usage: 'R',
    check: { kind: 'required' },
    severity: 'error',
    condition: '101',
    summary: 'ORC-9 non-empty (valid TS).',
  },
  {
    id: 'TLR-ORD-027',
    profiles: F12,
    segment: 'ORC',
    field: '9.1',
    label: 'ORC-9 date/time of the request',
    usage: 'RE',
    check: { kind: 'timestamp' },
    severity: 'error',
    condition: '102',
    summary: 'ORC-9 non-empty (valid TS).',
  },
];

function eachOrder(ctx: RuleContext, f: (orc: Segment | undefined, obr: Segment | undefined) => void): void {
  for (const o of ctx.orders) f(o.orc, o.obr);
}

export const ORD_006 = defineRule({
  id: 'TLR-ORD-006',
  severity: 'error',
  condition: '103',
  profiles: BUSINESS,
  scope: 'group',
  summary: 'OBR-2.1, OBR-2.3, OBR-2.4 equal ORC-2.1, ORC-2.3, ORC-2.4.',
  evaluate(ctx) {
    eachOrder(ctx, (orc, obr) => {
      if (!orc || !obr) return;
      for (const c of [1, 3, 4]) {
        const a = valueAt(orc, `2.${c}`);
        const b = valueAt(obr, `2.${c}`);
        if (a !== b)
          ctx.report(
            ORD_006,
            ctx.at(obr, `2.${c}`),
            `OBR-2.${c} is "${b}" but ORC-2.${c} is "${a}": the placer order number of OBR-2 must repeat ORC-2`,
          );
      }
    });
  },
});

export const ORD_016 = defineRule({
  id: 'TLR-ORD-016',
  severity: 'warning',
  condition: '102',
  profiles: F123,
  scope: 'message',
  summary: 'If ORC-12.13 = IDNPS and ORC-12.1 starts with 8, ORC-12.1 matches RE_PSIDNAT_RPPS.',
  evaluate(ctx) {
    for (const orc of ctx.message.all('ORC')) {
      const id = valueAt(orc, '12.1');
      if (valueAt(orc, '12.13') !== 'IDNPS' || !id.startsWith('8') || matchesPattern('RE_PSIDNAT_RPPS', id)) continue;
      ctx.report(
        ORD_016,
        ctx.at(orc, '12.1'),
        `ORC-12.1 "${id}" starts with 8 (RPPS-based PS_IdNat) but is not "8" followed by the 11 digits of an RPPS number`,
      );
    }
  },
});

/** XCN components compared between OBR-16 and ORC-12 (ORD-017). */
const PROVIDER_COMPONENTS = [1, 2, 3, 9, 13] as const;

export const ORD_017 = defineRule({
  id: 'TLR-ORD-017',
  severity: 'error',
  condition: '103',
  profiles: F123,
  scope: 'group',
  summary: 'OBR-16 equals ORC-12 on components 1, 2, 3, 9 (all sub-components) and 13.',
  evaluate(ctx) {
    eachOrder(ctx, (orc, obr) => {
      if (!orc || !obr) return;
      for (const c of PROVIDER_COMPONENTS) {
        const a = orc
          .field(12)
          .subs(c)
          .map((s) => s.trim());
        const b = obr
          .field(16)
          .subs(c)
          .map((s) => s.trim());
        while (a.length > 1 && a[a.length - 1] === '') a.pop();
        while (b.length > 1 && b[b.length - 1] === '') b.pop();
        if (a.join('&') === b.join('&')) continue;
        ctx.report(
          ORD_017,
          ctx.at(obr, `16.${c}`),
          `OBR-16.${c} is "${b.join('&')}" but ORC-12.${c} is "${a.join('&')}": OBR-16 (ordering provider) must be identical to ORC-12`,
        );
      }
    });
  },
});

export const ORD_025 = defineRule({
  id: 'TLR-ORD-025',
  severity: 'warning',
  condition: '102',
  profiles: F123,
  scope: 'message',
  summary: 'If ORC-21.7 ∈ {FINEJ, FINEG}: ORC-21.10 is 9 alphanumeric characters (FINESS).',
  evaluate(ctx) {
    for (const orc of ctx.message.all('ORC')) {
      const type = valueAt(orc, '21.7');
      const id = valueAt(orc, '21.10');
      if (!['FINEJ', 'FINEG'].includes(type) || id === '' || /^[0-9A-Za-z]{9}$/.test(id)) continue;
      ctx.report(
        ORD_025,
        ctx.at(orc, '21.10'),
        `ORC-21.10 "${id}" is not a FINESS number (9 alphanumeric characters) although ORC-21.7 is ${type}`,
      );
    }
  },
});

export const ORD_026 = defineRule({
  id: 'TLR-ORD-026',
  severity: 'warning',
  condition: '102',
  profiles: F123,
  scope: 'message',
  summary: 'If ORC-21.7 = IDNST: ORC-21.10 is not a bare 9-character FINESS.',
  evaluate(ctx) {
    for (const orc of ctx.message.all('ORC')) {
      const id = valueAt(orc, '21.10');
      if (valueAt(orc, '21.7') !== 'IDNST' || !/^[0-9A-Za-z]{9}$/.test(id)) continue;
      ctx.report(
        ORD_026,
        ctx.at(orc, '21.10'),
        `ORC-21.10 "${id}" looks like a bare FINESS number while ORC-21.7 is IDNST: ` +
          `a Struct_IdNat carries its type prefix (e.g. "1" + FINESS), or use FINEJ/FINEG`,
      );
    }
  },
});

export const ORD_028 = defineRule({
  id: 'TLR-ORD-028',
  severity: 'warning',
  condition: '101',
  profiles: F12,
  scope: 'message',
  summary: 'If ORC-11 is present, it satisfies the component rules of ORC-12 (ORD-009 … ORD-014).',
  evaluate(ctx) {
    for (const orc of ctx.message.all('ORC')) {
      if (valueAt(orc, '11') === '') continue;
      const problems: string[] = [];
      if (valueAt(orc, '11.1') === '') problems.push('identifier (11.1) is empty');
      if (valueAt(orc, '11.2') === '') problems.push('family name (11.2) is empty');
      if (valueAt(orc, '11.3') === '') problems.push('given name (11.3) is empty');
      if (valueAt(orc, '11.9.2') !== PS_AUTHORITY_OID)
        problems.push(`assigning authority (11.9.2) is "${valueAt(orc, '11.9.2')}" instead of ${PS_AUTHORITY_OID}`);
      if (valueAt(orc, '11.9.3') !== 'ISO') problems.push(`universal id type (11.9.3) is "${valueAt(orc, '11.9.3')}" instead of ISO`);
      if (valueAt(orc, '11.13') === '') problems.push('identifier type (11.13) is empty');
      if (problems.length > 0)
        ctx.report(ORD_028, ctx.at(orc, '11'), `ORC-11 (remote radiologist) does not follow the ORC-12 pattern: ${problems.join('; ')}`);
    }
  },
});

export const ORD_029 = defineRule({
  id: 'TLR-ORD-029',
  severity: 'warning',
  condition: '101',
  profiles: F12,
  scope: 'message',
  summary: 'If ORC-14 is present, XTN.1, XTN.4 or XTN.12 is non-empty.',
  evaluate(ctx) {
    for (const orc of ctx.message.all('ORC')) {
      orc.repetitions(14).forEach((rep, i) => {
        if (rep.isEmpty) return;
        if ([1, 4, 12].some((c) => rep.get(c).trim() !== '')) return;
        ctx.report(
          ORD_029,
          ctx.at(orc, `14[${i + 1}]`),
          'ORC-14 (call-back phone number) carries no number: fill XTN.12 (unformatted number), XTN.1 or XTN.4',
        );
      });
    }
  },
});

export const ORD_030 = defineRule({
  id: 'TLR-ORD-030',
  severity: 'error',
  condition: '101',
  profiles: F23,
  scope: 'message',
  summary: 'If ORC-16 is present, CE.2 is non-empty, or both CE.1 and CE.3 are non-empty.',
  evaluate(ctx) {
    for (const orc of ctx.message.all('ORC')) {
      if (valueAt(orc, '16') === '') continue;
      const code = valueAt(orc, '16.1');
      const text = valueAt(orc, '16.2');
      const system = valueAt(orc, '16.3');
      if (text !== '' || (code !== '' && system !== '')) continue;
      ctx.report(ORD_030, ctx.at(orc, '16'), 'ORC-16 (reason) has neither a text (CE.2) nor a code with its coding system (CE.1 + CE.3)');
    }
  },
});

export const ORD_031 = defineRule({
  id: 'TLR-ORD-031',
  severity: 'error',
  condition: '101',
  profiles: F23,
  scope: 'message',
  summary: 'If ORC-16.1 is non-empty, ORC-16.3 is non-empty.',
  evaluate(ctx) {
    for (const orc of ctx.message.all('ORC')) {
      if (valueAt(orc, '16.1') === '' || valueAt(orc, '16.3') !== '') continue;
      ctx.report(
        ORD_031,
        ctx.at(orc, '16.3'),
        `ORC-16.1 (reason code "${valueAt(orc, '16.1')}") is given without its coding system in ORC-16.3`,
      );
    }
  },
});

export const ORD_RULES: readonly RuleDefinition[] = [
  ...ROWS.map(fieldRule),
  ORD_006,
  ORD_016,
  ORD_017,
  ORD_025,
  ORD_026,
  ORD_028,
  ORD_029,
  ORD_030,
  ORD_031,
];
