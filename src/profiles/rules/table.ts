import type { ErrorCondition, Segment } from '../../hl7/index.js';
import { parseFieldPath, readTS } from '../../hl7/index.js';
import type { PatternName } from '../patterns.js';
import { PATTERNS, matchesPattern } from '../patterns.js';
import type { ValueSetId } from '../terminology/value-sets.js';
import { valueSet } from '../terminology/value-sets.js';
import type { FindingSeverity, Profile } from '../types.js';
import type { RuleContext, RuleContextBase, RuleDefinition, RuleRef, TeleradiologieFacts } from './rule.js';
import { isExplicitNull, observationCode, subId, valueAt } from './rule.js';

/**
 * Rules as data: one row per checklist rule that constrains a single element. The engine below
 * interprets the rows; rules that need more than one element are functions in the rule files.
 */

/** What a row checks. An empty element fails `required`, and also fails the other checks when the usage is `R`. */
export type FieldCheck =
  | { kind: 'required' }
  | { kind: 'fixed'; value: string }
  | { kind: 'oneOf'; values: readonly string[] }
  | { kind: 'pattern'; pattern: PatternName }
  | { kind: 'timestamp' }
  | { kind: 'valueSet'; valueSet: ValueSetId };

/** HL7 usage of the element (README.md, reading conventions). */
export type Usage = 'R' | 'RE' | 'O' | 'C';

/** Condition of a `C` element, or a guard of a row: another element of the same segment has one of these values. */
export interface RowCondition {
  field: string;
  in: readonly string[];
}

interface RowBase<P extends string = Profile> {
  id: string;
  profiles: readonly P[];
  /** Field path relative to the segment (`2.1`, `12.9.2`, `21[1].6.2`). */
  field: string | readonly string[];
  /** What the element is, in the domain's words (used in messages). */
  label: string;
  usage: Usage;
  check: FieldCheck;
  severity: FindingSeverity;
  condition: ErrorCondition;
  /** For `C` usage: the row applies only when this holds. */
  when?: RowCondition;
  /** `any`: satisfied when one repetition passes (PID-3); default: the first repetition. */
  repetitions?: 'first' | 'any';
  summary: string;
  /**
   * How the row reads the message and words its findings. `checklist` (default, the Téléradiologie
   * tables): every occurrence of the segment, the element read as {@link valueAt} reads it (the HL7
   * null `""` is empty), findings worded from the label, the row's condition for every finding.
   * `transport` (the document-transport table, as it has always reported): the first occurrence only,
   * the element read as `Segment.get` reads it (its first sub-component, trimmed), findings worded
   * `MSH-3 (label) is required` (condition 101) and `MSH-11 (label) is "X"; expected "P" or "T" or "D"`
   * (the row's condition).
   */
  dialect?: 'checklist' | 'transport';
}

export interface FieldRow<P extends string = Profile> extends RowBase<P> {
  segment: string;
}

export interface ObservationRow extends RowBase {
  /** OBX-3.1 codes the row applies to; `*` for every OBX. */
  observations: readonly string[];
  /** Sub-ID `m` the row applies to (`n.1`, `n.2`…); all OBX of the code when absent. */
  subIdM?: number;
}

function conditionHolds(segment: Segment, when: RowCondition | undefined): boolean {
  if (!when) return true;
  return when.in.includes(valueAt(segment, when.field));
}

function quote(v: string): string {
  return `"${v}"`;
}

/** Checks one value; returns the problem text, or undefined when it conforms. */
function problem(check: FieldCheck, value: string, usage: Usage, nullValue: boolean): string | undefined {
  if (value === '') {
    if (check.kind !== 'required' && usage !== 'R' && usage !== 'C') return undefined;
    const empty = nullValue ? 'holds the HL7 null "" (no value)' : 'is empty';
    switch (check.kind) {
      case 'required':
        return `${empty}; it is required`;
      case 'fixed':
        return `${empty}; expected ${quote(check.value)}`;
      case 'oneOf':
        return `${empty}; expected one of ${check.values.join(', ')}`;
      case 'pattern':
        return `${empty}; expected ${PATTERNS[check.pattern].text}`;
      case 'timestamp':
        return `${empty}; expected ${PATTERNS.RE_TS.text}`;
      case 'valueSet':
        return `${empty}; expected a code of ${valueSet(check.valueSet).label}`;
    }
  }
  switch (check.kind) {
    case 'required':
      return undefined;
    case 'fixed':
      return value === check.value ? undefined : `is ${quote(value)}; expected ${quote(check.value)}`;
    case 'oneOf':
      return check.values.includes(value) ? undefined : `is ${quote(value)}; expected one of ${check.values.join(', ')}`;
    case 'pattern':
      return matchesPattern(check.pattern, value) ? undefined : `is ${quote(value)}, which is not ${PATTERNS[check.pattern].text}`;
    case 'timestamp':
      return readTS(value) ? undefined : `is ${quote(value)}, which is not ${PATTERNS.RE_TS.text} with a real calendar date and time`;
    case 'valueSet': {
      const vs = valueSet(check.valueSet);
      return vs.has(value) ? undefined : `code ${quote(value)} is not in ${vs.label}`;
    }
  }
}

type Context = RuleContextBase<string>;

function checkElement(ctx: Context, rule: RuleRef, row: RowBase<string>, segment: Segment, prefix = ''): void {
  if (!conditionHolds(segment, row.when)) return;
  for (const field of typeof row.field === 'string' ? [row.field] : row.field) {
    if (row.dialect === 'transport') checkTransportField(ctx, rule, row, field, segment);
    else checkField(ctx, rule, row, field, segment, prefix);
  }
}

function checkField(ctx: Context, rule: RuleRef, row: RowBase<string>, field: string, segment: Segment, prefix: string): void {
  const reps = row.repetitions === 'any' ? Math.max(1, segment.repetitions(parseFieldPath(field).field).length) : 1;
  let firstProblem: { path: string; text: string } | undefined;
  for (let r = 1; r <= reps; r++) {
    const path = reps > 1 ? withRepetition(field, r) : field;
    const text = problem(row.check, valueAt(segment, path), row.usage, isExplicitNull(segment, path));
    if (text === undefined) return;
    firstProblem ??= { path, text };
  }
  if (!firstProblem) return;
  const cond = row.when ? ` (applies because ${segment.name}-${row.when.field} is "${valueAt(segment, row.when.field)}")` : '';
  const label = typeof row.field === 'string' ? row.label : `${row.label} (${segment.name}-${field})`;
  const what =
    reps > 1
      ? `No repetition of ${segment.name}-${parseFieldPath(field).field} has a valid ${label}: the first`
      : `${prefix}${label[0]!.toUpperCase()}${label.slice(1)}`;
  ctx.report(rule, ctx.at(segment, firstProblem.path), `${what} ${firstProblem.text}${cond}`);
}

/** The same path in repetition `r` (`21.6.2` → `21[2].6.2`). */
function withRepetition(path: string, r: number): string {
  const { field, component, subcomponent } = parseFieldPath(path);
  return `${field}[${r}]${component === undefined ? '' : `.${component}`}${subcomponent === undefined ? '' : `.${subcomponent}`}`;
}

/** A row of the `transport` dialect (see {@link RowBase.dialect}). */
function checkTransportField(ctx: Context, rule: RuleRef, row: RowBase<string>, field: string, segment: Segment): void {
  const value = segment.get(field).trim();
  const what = `${segment.name}-${field} (${row.label})`;
  const location = ctx.at(segment, field);
  if (value === '') {
    if (row.usage === 'R') ctx.report(rule, location, `${what} is required`, { condition: '101' });
    return;
  }
  const allowed = row.check.kind === 'fixed' ? [row.check.value] : row.check.kind === 'oneOf' ? row.check.values : undefined;
  if (allowed && !allowed.includes(value))
    ctx.report(rule, location, `${what} is ${quote(value)}; expected ${allowed.map(quote).join(' or ')}`);
}

/**
 * A rule from a segment row: checked on every occurrence of the segment in the message (the first
 * one in the `transport` dialect).
 */
export function fieldRule<P extends string = Profile, X = TeleradiologieFacts>(row: FieldRow<P>): RuleDefinition<P, X> {
  const rule: RuleDefinition<P, X> = {
    id: row.id,
    severity: row.severity,
    condition: row.condition,
    profiles: row.profiles,
    scope: 'message',
    summary: row.summary,
    evaluate(ctx) {
      const segments = row.dialect === 'transport' ? ctx.message.all(row.segment).slice(0, 1) : ctx.message.all(row.segment);
      for (const segment of segments) checkElement(ctx, rule, row, segment);
    },
  };
  return rule;
}

/** The OBX segments a rule sees: those of every ORDER group (or of the fragment). */
export function allObservations(ctx: RuleContext): Segment[] {
  let all = OBSERVATIONS.get(ctx.orders);
  if (!all) {
    all = ctx.orders.flatMap((o) => o.observations);
    OBSERVATIONS.set(ctx.orders, all);
  }
  return all;
}

const OBSERVATIONS = new WeakMap<readonly unknown[], Segment[]>();

/** A rule from an observation row: checked on every OBX identified by one of the row's codes. */
export function observationRule(row: ObservationRow): RuleDefinition {
  const rule: RuleDefinition = {
    id: row.id,
    severity: row.severity,
    condition: row.condition,
    profiles: row.profiles,
    scope: 'observation',
    summary: row.summary,
    evaluate(ctx) {
      for (const obx of allObservations(ctx)) {
        const code = observationCode(obx);
        if (!row.observations.includes('*') && !row.observations.includes(code)) continue;
        if (row.subIdM !== undefined && subId(obx)?.m !== row.subIdM) continue;
        const sub = valueAt(obx, '4');
        checkElement(ctx, rule, row, obx, code ? `${code}${sub ? ` ${sub}` : ''} OBX: ` : '');
      }
    },
  };
  return rule;
}
