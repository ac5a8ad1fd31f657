import type { Profile } from '../types.js';
import type { RuleContext, RuleDefinition } from './rule.js';
import { defineRule, valueAt } from './rule.js';
import type { FieldRow } from './table.js';
import { fieldRule } from './table.js';

/**
 * Acknowledgements (conformance-checklist.md §11, ack.md). TLR-ACK-001 is carried by the message
 * structure. Correlated rules run only when the acknowledged message is given.
 */

const ACK: readonly Profile[] = ['ack'];
export const ACK_MESSAGE_TYPES: readonly string[] = ['ACK^O01^ACK', 'ACK^R01^ACK', 'ACK^O23^ACK'];
export const ERROR_CONDITIONS: readonly string[] = [
  '0',
  '100',
  '101',
  '102',
  '103',
  '200',
  '201',
  '202',
  '203',
  '204',
  '205',
  '206',
  '207',
];

const row = (
  id: string,
  segment: string,
  field: string | readonly string[],
  label: string,
  check: FieldRow['check'],
  condition: FieldRow['condition'],
  summary: string,
  extra: Partial<FieldRow> = {},
): FieldRow => ({ id, profiles: ACK, segment, field, label, usage: 'R', check, severity: 'error', condition, summary, ...extra });

const ROWS: readonly FieldRow[] = [
  row('TLR-ACK-003', 'MSH', '1', 'MSH-1 field separator', { kind: 'fixed', value: '|' }, '100', 'MSH-1 = vertical bar, MSH-2 = ^~\\&.'),
  row(
    'TLR-ACK-003',
    'MSH',
    '2',
    'MSH-2 encoding characters',
    { kind: 'fixed', value: '^~\\&' },
    '100',
    'MSH-1 = vertical bar, MSH-2 = ^~\\&.',
  ),
  row(
    'TLR-ACK-004',
    'MSH',
    ['3', '4', '5', '6', '7'],
    'header field',
    { kind: 'required' },
    '101',
    'MSH-3, MSH-4, MSH-5, MSH-6, MSH-7 non-empty.',
  ),
  row(
    'TLR-ACK-005',
    'MSH',
    '9',
    'MSH-9 message type',
    { kind: 'oneOf', values: ACK_MESSAGE_TYPES },
    '200',
    'MSH-9 ∈ {ACK^O01^ACK, ACK^R01^ACK, ACK^O23^ACK}.',
  ),
  row('TLR-ACK-007', 'MSH', '10', 'MSH-10 message control id', { kind: 'required' }, '101', 'MSH-10 non-empty.'),
  row('TLR-ACK-009', 'MSH', '11.1', 'MSH-11 processing id', { kind: 'oneOf', values: ['P', 'T', 'D'] }, '202', 'MSH-11.1 ∈ {P, T, D}.'),
  row('TLR-ACK-011', 'MSH', '12.1', 'MSH-12 version id', { kind: 'fixed', value: '2.5.1' }, '203', 'MSH-12.1 = 2.5.1.'),
  row('TLR-ACK-012', 'MSH', '17', 'MSH-17 country code', { kind: 'fixed', value: 'FRA' }, '103', 'MSH-17 = FRA.'),
  row(
    'TLR-ACK-013',
    'MSH',
    '18',
    'MSH-18 character set',
    { kind: 'oneOf', values: ['UNICODE UTF-8', '8859/15'] },
    '103',
    'MSH-18 ∈ {UNICODE UTF-8, 8859/15}.',
  ),
  row(
    'TLR-ACK-015',
    'MSA',
    '1',
    'MSA-1 acknowledgment code',
    { kind: 'oneOf', values: ['AA', 'AE', 'AR'] },
    '103',
    'MSA-1 ∈ {AA, AE, AR}.',
  ),
  row('TLR-ACK-016', 'MSA', '2', 'MSA-2 acknowledged message control id', { kind: 'required' }, '101', 'MSA-2 non-empty.'),
  row(
    'TLR-ACK-019',
    'ERR',
    '3.1',
    'ERR-3.1 error condition (HL7 table 0357)',
    { kind: 'oneOf', values: ERROR_CONDITIONS },
    '103',
    'Each ERR has ERR-3.1 in HL7 table 0357.',
  ),
  row(
    'TLR-ACK-020',
    'ERR',
    '3.3',
    'ERR-3.3 coding system of the error condition',
    { kind: 'oneOf', values: ['HL70357', 'messageErrorCondition'] },
    '103',
    'ERR-3.3 ∈ {HL70357, messageErrorCondition}.',
    { severity: 'warning', usage: 'RE' },
  ),
  row(
    'TLR-ACK-021',
    'ERR',
    '4',
    'ERR-4 severity (HL7 table 0516)',
    { kind: 'oneOf', values: ['E', 'W', 'I'] },
    '103',
    'Each ERR has ERR-4 ∈ {E, W, I}.',
  ),
];

export const ACK_002 = defineRule({
  id: 'TLR-ACK-002',
  severity: 'warning',
  condition: '100',
  profiles: ACK,
  scope: 'message',
  summary: 'UAC present (not part of the v2.5.1 ACK).',
  evaluate(ctx) {
    for (const uac of ctx.message.all('UAC'))
      ctx.report(ACK_002, ctx.at(uac), 'UAC (user authentication credential) is not part of the HL7 v2.5.1 ACK; do not send it');
  },
});

/** Correlated rules: compare with the acknowledged message. */
function correlated(ctx: RuleContext, f: (original: NonNullable<RuleContext['options']['acknowledged']>) => void): void {
  const original = ctx.options.acknowledged;
  if (original) f(original);
}

export const ACK_006 = defineRule({
  id: 'TLR-ACK-006',
  severity: 'error',
  condition: '201',
  profiles: ACK,
  scope: 'message',
  summary: '(correlated) MSH-9.2 = MSH-9.2 of the acknowledged message.',
  evaluate(ctx) {
    correlated(ctx, (original) => {
      const mine = valueAt(ctx.message.msh, '9.2');
      const theirs = valueAt(original.msh, '9.2');
      if (mine !== theirs)
        ctx.report(
          ACK_006,
          ctx.at(ctx.message.msh, '9.2'),
          `MSH-9.2 is ${mine} but the acknowledged message is ${valueAt(original.msh, '9')}: the ACK must be ACK^${theirs}^ACK`,
        );
    });
  },
});

export const ACK_008 = defineRule({
  id: 'TLR-ACK-008',
  severity: 'warning',
  condition: '205',
  profiles: ACK,
  scope: 'message',
  summary: '(correlated) MSH-10 differs from the acknowledged MSH-10.',
  evaluate(ctx) {
    correlated(ctx, (original) => {
      const id = valueAt(ctx.message.msh, '10');
      if (id !== '' && id === valueAt(original.msh, '10'))
        ctx.report(
          ACK_008,
          ctx.at(ctx.message.msh, '10'),
          `The ACK reuses the control id ${id} of the acknowledged message; it needs its own (the original id goes in MSA-2)`,
        );
    });
  },
});

export const ACK_010 = defineRule({
  id: 'TLR-ACK-010',
  severity: 'error',
  condition: '202',
  profiles: ACK,
  scope: 'message',
  summary: '(correlated) MSH-11 = MSH-11 of the acknowledged message.',
  evaluate(ctx) {
    correlated(ctx, (original) => {
      const mine = valueAt(ctx.message.msh, '11');
      const theirs = valueAt(original.msh, '11');
      if (mine !== theirs)
        ctx.report(
          ACK_010,
          ctx.at(ctx.message.msh, '11'),
          `MSH-11 is "${mine}" but the acknowledged message has "${theirs}": the processing id is copied`,
        );
    });
  },
});

export const ACK_014 = defineRule({
  id: 'TLR-ACK-014',
  severity: 'error',
  condition: '103',
  profiles: ACK,
  scope: 'message',
  summary: '(correlated) MSH-3 = original MSH-5, MSH-4 = original MSH-6, MSH-5 = original MSH-3, MSH-6 = original MSH-4.',
  evaluate(ctx) {
    correlated(ctx, (original) => {
      const pairs: Array<[number, number]> = [
        [3, 5],
        [4, 6],
        [5, 3],
        [6, 4],
      ];
      for (const [mine, theirs] of pairs) {
        const a = ctx.message.msh.rawField(mine);
        const b = original.msh.rawField(theirs);
        if (a !== b)
          ctx.report(
            ACK_014,
            ctx.at(ctx.message.msh, String(mine)),
            `MSH-${mine} is "${a}" but must repeat MSH-${theirs} of the acknowledged message ("${b}"): ` +
              `sender and receiver are swapped in an ACK`,
          );
      }
    });
  },
});

export const ACK_017 = defineRule({
  id: 'TLR-ACK-017',
  severity: 'error',
  condition: '204',
  profiles: ACK,
  scope: 'message',
  summary: '(correlated) MSA-2 = MSH-10 of the acknowledged message.',
  evaluate(ctx) {
    correlated(ctx, (original) => {
      const msa = ctx.message.segment('MSA');
      if (!msa) return;
      const mine = valueAt(msa, '2');
      const theirs = valueAt(original.msh, '10');
      if (mine !== theirs)
        ctx.report(ACK_017, ctx.at(msa, '2'), `MSA-2 is "${mine}" but the acknowledged message's control id (MSH-10) is "${theirs}"`);
    });
  },
});

export const ACK_018 = defineRule({
  id: 'TLR-ACK-018',
  severity: 'error',
  condition: '100',
  profiles: ACK,
  scope: 'message',
  summary: 'If MSA-1 ∈ {AE, AR}, at least one ERR segment.',
  evaluate(ctx) {
    const msa = ctx.message.segment('MSA');
    if (!msa) return;
    const code = valueAt(msa, '1');
    if ((code === 'AE' || code === 'AR') && ctx.message.all('ERR').length === 0)
      ctx.report(ACK_018, 'ERR', `A negative acknowledgement (MSA-1 = ${code}) must say why in at least one ERR segment`);
  },
});

export const ACK_022 = defineRule({
  id: 'TLR-ACK-022',
  severity: 'error',
  condition: '102',
  profiles: ACK,
  scope: 'message',
  summary: 'If ERR-2 is present: ERL.1 is a 3-character segment id, ERL.2 and ERL.3 are positive integers.',
  evaluate(ctx) {
    for (const err of ctx.message.all('ERR')) {
      err.repetitions(2).forEach((erl, i) => {
        if (erl.isEmpty) return;
        const problems: string[] = [];
        if (!/^[A-Z][A-Z0-9]{2}$/.test(erl.get(1).trim())) problems.push(`ERL.1 "${erl.get(1)}" is not a segment id`);
        if (!/^[1-9][0-9]*$/.test(erl.get(2).trim())) problems.push(`ERL.2 "${erl.get(2)}" is not a positive segment sequence`);
        if (!/^[1-9][0-9]*$/.test(erl.get(3).trim())) problems.push(`ERL.3 "${erl.get(3)}" is not a positive field position`);
        if (problems.length > 0)
          ctx.report(ACK_022, ctx.at(err, `2[${i + 1}]`), `ERR-2 (error location) is malformed: ${problems.join('; ')}`);
      });
    }
  },
});

export const ACK_023 = defineRule({
  id: 'TLR-ACK-023',
  severity: 'warning',
  condition: '207',
  profiles: ACK,
  scope: 'message',
  summary: 'MSA-1 = AA and an ERR has ERR-4 = E.',
  evaluate(ctx) {
    const msa = ctx.message.segment('MSA');
    if (!msa || valueAt(msa, '1') !== 'AA') return;
    for (const err of ctx.message.all('ERR')) {
      if (valueAt(err, '4') === 'E')
        ctx.report(
          ACK_023,
          ctx.at(err, '4'),
          'The message is accepted (MSA-1 = AA) but this ERR has severity E (error): with AA only warnings (W) ' +
            'or information (I) make sense',
        );
    }
  },
});

export const ACK_024 = defineRule({
  id: 'TLR-ACK-024',
  severity: 'warning',
  condition: '207',
  profiles: ACK,
  scope: 'message',
  summary: 'MSA-1 ∈ {AE, AR} and no ERR has ERR-4 = E.',
  evaluate(ctx) {
    const msa = ctx.message.segment('MSA');
    const errs = ctx.message.all('ERR');
    if (!msa || !['AE', 'AR'].includes(valueAt(msa, '1')) || errs.length === 0) return;
    if (!errs.some((e) => valueAt(e, '4') === 'E'))
      ctx.report(
        ACK_024,
        ctx.at(msa, '1'),
        `The message is refused (MSA-1 = ${valueAt(msa, '1')}) but no ERR has severity E: say which error caused the refusal`,
      );
  },
});

export const ACK_RULES: readonly RuleDefinition[] = [
  ACK_002,
  ...ROWS.map(fieldRule),
  ACK_006,
  ACK_008,
  ACK_010,
  ACK_014,
  ACK_017,
  ACK_018,
  ACK_022,
  ACK_023,
  ACK_024,
];
