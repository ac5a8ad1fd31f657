import type { Message, ParseResult, Segment } from '../../hl7/index.js';
import { Message as MessageClass, tryParseMessage } from '../../hl7/index.js';
import type { GroupNode, MessageGrammar } from '../structure/grammar.js';
import { matchStructure } from '../structure/grammar.js';
import type { ValidationReport } from '../types.js';
import type { FindingCollector, ReportOverrides, RuleContext, RuleDefinition, RuleRef } from './rule.js';
import { locationOf } from './rule.js';

/**
 * The validator's engine, shared by every rule pack: a pack's rules indexed once, the structure
 * matched against the profile's grammar, then the rules run over one context. What differs between
 * packs is their pipeline (how they read the parser's problems and identify the profile: TLR-GEN-001…003,
 * TDOC-GEN-001/002, TDOC-MSH-009) and the facts their rules read; both are the pack's.
 */

/** What a pack validates: the wire bytes, ER7 text, a parse result (its parse problems are findings too) or a parsed message. */
export type ValidationInput = Uint8Array | string | Message | ParseResult;

/** A validation input parsed: `parsed` is absent for a message given already parsed (it has no parse problems to report). */
export function readInput(input: ValidationInput): { message: Message | undefined; parsed: ParseResult | undefined } {
  if (input instanceof MessageClass) return { message: input, parsed: undefined };
  const parsed = isParseResult(input) ? input : tryParseMessage(input);
  return { message: parsed.message, parsed };
}

function isParseResult(input: Uint8Array | string | ParseResult): input is ParseResult {
  return typeof input === 'object' && !(input instanceof Uint8Array) && Array.isArray((input as ParseResult).errors);
}

/**
 * A pack's rules, indexed once: by id (the first one when a rule has several table rows) and by
 * profile. Pipeline rules (reported by the pack's pipeline or by the grammar matcher) are listed with
 * the others but not evaluated.
 */
export class RuleIndex<P extends string, X> {
  readonly rules: readonly RuleDefinition<P, X>[];
  readonly #pipeline: ReadonlySet<RuleDefinition<P, X>>;
  readonly #byId = new Map<string, RuleDefinition<P, X>>();
  readonly #byProfile = new Map<P, readonly RuleDefinition<P, X>[]>();

  constructor(rules: readonly RuleDefinition<P, X>[], pipeline: readonly RuleDefinition<P, X>[] = []) {
    this.rules = rules;
    this.#pipeline = new Set(pipeline);
    for (const r of rules) if (!this.#byId.has(r.id)) this.#byId.set(r.id, r);
  }

  byId(id: string): RuleDefinition<P, X> | undefined {
    return this.#byId.get(id);
  }

  /** The rules evaluated for a profile, in declaration order, pipeline rules excluded. */
  forProfile(profile: P): readonly RuleDefinition<P, X>[] {
    const known = this.#byProfile.get(profile);
    if (known) return known;
    const rules = this.rules.filter((r) => !this.#pipeline.has(r) && r.profiles.includes(profile));
    this.#byProfile.set(profile, rules);
    return rules;
  }
}

/**
 * Matches the message against a grammar. Each structure problem is a finding of the rule the grammar
 * element names (TLR-PID-001, TDOC-STR-001…), with that rule's condition and the problem's severity.
 */
export function matchMessage(
  message: Message,
  grammar: MessageGrammar,
  collector: FindingCollector,
  ruleById: (id: string) => RuleRef | undefined,
): GroupNode {
  const match = matchStructure(grammar, message.segments, (s) => locationOf(message, s));
  for (const p of match.problems) {
    collector.add(ruleById(p.rule) ?? { id: p.rule, severity: 'error', condition: '100' }, p.location, p.message, { severity: p.severity });
  }
  return match.tree;
}

/** Runs rules over one context: the message, its profile, its matched tree and the pack's facts. */
export function evaluateRules<P extends string, X>(
  message: Message,
  profile: P,
  tree: GroupNode,
  facts: X,
  rules: readonly RuleDefinition<P, X>[],
  collector: FindingCollector,
): void {
  const ctx = {
    ...facts,
    message,
    profile,
    tree,
    at: (segment: Segment, path?: string) => locationOf(message, segment, path),
    report: (rule: RuleRef, location: string, text: string, overrides?: ReportOverrides) => collector.add(rule, location, text, overrides),
  } as RuleContext<P, X>;
  for (const rule of rules) rule.evaluate(ctx);
}

/** The report of a run: valid when no finding is an error. */
export function reportOf<P extends string>(
  profile: P | null,
  collector: FindingCollector,
  message: Message | undefined,
): ValidationReport<P> {
  return { profile, valid: !collector.findings.some((f) => f.severity === 'error'), issues: collector.findings, message };
}
