import type { Composite, Segment } from '../../hl7/index.js';
import type { RuleContext, RuleDefinition } from './rule.js';
import { BUSINESS, defineRule, valueAt } from './rule.js';
import type { FieldRow } from './table.js';
import { fieldRule } from './table.js';

/**
 * PID (conformance-checklist.md §3). The guide constrains PID-3, PID-5 and PID-18 only and
 * delegates the rest to PAM-FR 2.11 and the CI-SIS INS annex: those checks are warnings.
 */

/** Assigning-authority OIDs of the INS (common.md §3.3). */
export const INS_OIDS = {
  nirProduction: '1.2.250.1.213.1.4.8',
  niaProduction: '1.2.250.1.213.1.4.9',
  nirTest: '1.2.250.1.213.1.4.10',
  nirDemo: '1.2.250.1.213.1.4.11',
} as const;
const ALL_INS_OIDS: readonly string[] = Object.values(INS_OIDS);
const NIR_OIDS: readonly string[] = [INS_OIDS.nirProduction, INS_OIDS.nirTest, INS_OIDS.nirDemo];
const TEST_OIDS: readonly string[] = [INS_OIDS.nirTest, INS_OIDS.nirDemo];

/** French extension of HL7 table 0445 (identity reliability), common.md §3.3. */
export const IDENTITY_RELIABILITY_CODES = [
  'VIDE',
  'PROV',
  'VALI',
  'DOUB',
  'DESA',
  'DPOT',
  'DOUA',
  'COLP',
  'COLV',
  'FILI',
  'CACH',
  'ANOM',
  'IDVER',
  'RECD',
  'IDRA',
  'USUR',
  'HOMD',
  'HOMA',
  'INVA',
  'FICT',
  'DOUT',
] as const;

/**
 * Checks the key of an INS-NIR matricule: 15 characters, the last two equal
 * 97 − (first 13 mod 97), Corsican departments 2A / 2B counted as 19 / 18.
 */
export function isValidNirKey(matricule: string): boolean {
  if (!/^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}$/.test(matricule)) return false;
  const body = matricule.slice(0, 13).replace('2A', '19').replace('2B', '18');
  const key = 97n - (BigInt(body) % 97n);
  return key === BigInt(matricule.slice(13));
}

function insRepetitions(pid: Segment): Array<{ rep: Composite; index: number; oid: string }> {
  return pid
    .repetitions(3)
    .map((rep, i) => ({ rep, index: i + 1, oid: rep.get(4, 2).trim() }))
    .filter((r) => ALL_INS_OIDS.includes(r.oid));
}

function hasIns(pid: Segment): boolean {
  return insRepetitions(pid).length > 0;
}

const ROWS: readonly FieldRow[] = [
  {
    id: 'TLR-PID-002',
    profiles: BUSINESS,
    segment: 'PID',
    field: '3.1',
    label: 'patient identifier (CX.1)',
    usage: 'R',
    check: { kind: 'required' },
    repetitions: 'any',
    severity: 'error',
    condition: '101',
    summary: 'PID-3 has at least one repetition with CX.1 non-empty.',
  },
  {
    id: 'TLR-PID-003',
    profiles: BUSINESS,
    segment: 'PID',
    field: '5.1',
    label: 'patient family name (XPN.1)',
    usage: 'R',
    check: { kind: 'required' },
    repetitions: 'any',
    severity: 'error',
    condition: '101',
    summary: 'PID-5 has at least one repetition with XPN.1 non-empty.',
  },
];

function eachPid(ctx: RuleContext, f: (pid: Segment) => void): void {
  for (const pid of ctx.message.all('PID')) f(pid);
}

export const PID_004 = defineRule({
  id: 'TLR-PID-004',
  severity: 'warning',
  condition: '101',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'Every PID-3 repetition has an assigning authority (CX.4) and an identifier type (CX.5).',
  evaluate(ctx) {
    eachPid(ctx, (pid) =>
      pid.repetitions(3).forEach((rep, i) => {
        const r = i + 1;
        if (valueAt(pid, `3[${r}].4`) === '')
          ctx.report(
            PID_004,
            ctx.at(pid, `3[${r}].4`),
            `Patient identifier "${rep.get(1)}" has no assigning authority (CX.4), required by PAM-FR`,
          );
        if (valueAt(pid, `3[${r}].5`) === '')
          ctx.report(
            PID_004,
            ctx.at(pid, `3[${r}].5`),
            `Patient identifier "${rep.get(1)}" has no identifier type (CX.5), required by PAM-FR`,
          );
      }),
    );
  },
});

export const PID_005 = defineRule({
  id: 'TLR-PID-005',
  severity: 'warning',
  condition: '103',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'A PID-3 repetition with an INS OID has CX.5 = INS.',
  evaluate(ctx) {
    eachPid(ctx, (pid) =>
      insRepetitions(pid).forEach(({ rep, index }) => {
        if (rep.get(5).trim() !== 'INS')
          ctx.report(
            PID_005,
            ctx.at(pid, `3[${index}].5`),
            `The INS identifier (authority ${rep.get(4, 2)}) has identifier type "${rep.get(5)}"; expected "INS"`,
          );
      }),
    );
  },
});

export const PID_006 = defineRule({
  id: 'TLR-PID-006',
  severity: 'warning',
  condition: '103',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'A PID-3 repetition with an INS OID has CX.4.3 = ISO.',
  evaluate(ctx) {
    eachPid(ctx, (pid) =>
      insRepetitions(pid).forEach(({ rep, index }) => {
        if (rep.get(4, 3).trim() !== 'ISO')
          ctx.report(
            PID_006,
            ctx.at(pid, `3[${index}].4.3`),
            `The INS assigning authority ${rep.get(4, 2)} has universal id type "${rep.get(4, 3)}"; expected "ISO"`,
          );
      }),
    );
  },
});

export const PID_007 = defineRule({
  id: 'TLR-PID-007',
  severity: 'warning',
  condition: '102',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'An INS-NIR matricule has 15 characters and a valid key (97 − first 13 mod 97, 2A→19, 2B→18).',
  evaluate(ctx) {
    eachPid(ctx, (pid) =>
      insRepetitions(pid).forEach(({ rep, index, oid }) => {
        if (!NIR_OIDS.includes(oid)) return;
        const nir = rep.get(1).trim();
        if (isValidNirKey(nir)) return;
        const why =
          nir.length !== 15
            ? `has ${nir.length} characters instead of 15`
            : 'has an invalid control key (last two digits ≠ 97 − first 13 digits mod 97)';
        ctx.report(PID_007, ctx.at(pid, `3[${index}].1`), `The INS-NIR matricule "${nir}" ${why}`);
      }),
    );
  },
});

export const PID_008 = defineRule({
  id: 'TLR-PID-008',
  severity: 'warning',
  condition: '207',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'MSH-11 = P and PID-3 uses a test/demo INS OID.',
  evaluate(ctx) {
    if (ctx.message.msh.get('11.1').trim() !== 'P') return;
    eachPid(ctx, (pid) =>
      insRepetitions(pid).forEach(({ index, oid }) => {
        if (!TEST_OIDS.includes(oid)) return;
        const kind = oid === INS_OIDS.nirTest ? 'test' : 'demonstration';
        ctx.report(
          PID_008,
          ctx.at(pid, `3[${index}].4.2`),
          `The INS uses the ${kind} OID ${oid} in a production message (MSH-11 = P): test identities must never travel in production`,
        );
      }),
    );
  },
});

export const PID_009 = defineRule({
  id: 'TLR-PID-009',
  severity: 'warning',
  condition: '101',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'If PID-3 contains an INS, PID-32 contains VALI.',
  evaluate(ctx) {
    eachPid(ctx, (pid) => {
      if (!hasIns(pid) || pid.repetitions(32).some((r) => r.get(1).trim() === 'VALI')) return;
      ctx.report(
        PID_009,
        ctx.at(pid, '32'),
        `PID-3 carries an INS but PID-32 (identity reliability) does not contain VALI (validated identity); ` +
          `an INS may only be shared for a qualified identity`,
      );
    });
  },
});

export const PID_010 = defineRule({
  id: 'TLR-PID-010',
  severity: 'warning',
  condition: '101',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'If PID-3 contains an INS, PID-5 has a repetition with XPN.7 = L and non-empty XPN.1 and XPN.2.',
  evaluate(ctx) {
    eachPid(ctx, (pid) => {
      if (!hasIns(pid)) return;
      if (pid.repetitions(5).some((r) => r.get(7).trim() === 'L' && r.get(1).trim() !== '' && r.get(2).trim() !== '')) return;
      ctx.report(
        PID_010,
        ctx.at(pid, '5'),
        'PID-3 carries an INS but PID-5 has no birth name of type L (XPN.7) with family name and first given name (INS reference traits)',
      );
    });
  },
});

export const PID_011 = defineRule({
  id: 'TLR-PID-011',
  severity: 'warning',
  condition: '101',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'If PID-3 contains an INS, PID-7 and PID-8 are non-empty.',
  evaluate(ctx) {
    eachPid(ctx, (pid) => {
      if (!hasIns(pid)) return;
      if (valueAt(pid, '7') === '')
        ctx.report(PID_011, ctx.at(pid, '7'), 'PID-3 carries an INS but PID-7 (date of birth, an INS reference trait) is empty');
      if (valueAt(pid, '8') === '')
        ctx.report(PID_011, ctx.at(pid, '8'), 'PID-3 carries an INS but PID-8 (administrative sex, an INS reference trait) is empty');
    });
  },
});

export const PID_012 = defineRule({
  id: 'TLR-PID-012',
  severity: 'warning',
  condition: '101',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'If PID-3 contains an INS, PID-11 has a repetition with XAD.7 = BDL and non-empty XAD.9.',
  evaluate(ctx) {
    eachPid(ctx, (pid) => {
      if (!hasIns(pid)) return;
      if (pid.repetitions(11).some((r) => r.get(7).trim() === 'BDL' && r.get(9).trim() !== '')) return;
      ctx.report(
        PID_012,
        ctx.at(pid, '11'),
        'PID-3 carries an INS but PID-11 has no birthplace address (XAD.7 = BDL) with the INSEE birthplace code in XAD.9',
      );
    });
  },
});

export const PID_013 = defineRule({
  id: 'TLR-PID-013',
  severity: 'warning',
  condition: '101',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'If PID-18 is present, its CX.1 is non-empty.',
  evaluate(ctx) {
    eachPid(ctx, (pid) => {
      if (valueAt(pid, '18') !== '' && valueAt(pid, '18.1') === '') {
        ctx.report(PID_013, ctx.at(pid, '18.1'), 'PID-18 (patient account number) is present but its identifier (CX.1) is empty');
      }
    });
  },
});

export const PID_014 = defineRule({
  id: 'TLR-PID-014',
  severity: 'warning',
  condition: '103',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'Each PID-32 value belongs to the French table 0445 list.',
  evaluate(ctx) {
    eachPid(ctx, (pid) =>
      pid.repetitions(32).forEach((r, i) => {
        const code = r.get(1).trim();
        if (code === '' || (IDENTITY_RELIABILITY_CODES as readonly string[]).includes(code)) return;
        ctx.report(
          PID_014,
          ctx.at(pid, `32[${i + 1}]`),
          `PID-32 (identity reliability) "${code}" is not a code of the French table 0445 (${IDENTITY_RELIABILITY_CODES.join(', ')})`,
        );
      }),
    );
  },
});

export const PID_RULES: readonly RuleDefinition[] = [
  ...ROWS.map(fieldRule),
  PID_004,
  PID_005,
  PID_006,
  PID_007,
  PID_008,
  PID_009,
  PID_010,
  PID_011,
  PID_012,
  PID_013,
  PID_014,
];
