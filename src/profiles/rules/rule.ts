import type { Composite, ErrorCondition, FieldPath, Message, Segment } from '../../hl7/index.js';
import { formatLocation, parseFieldPath } from '../../hl7/index.js';
import type { GroupNode } from '../structure/grammar.js';
import type { Finding, FindingSeverity, Profile, ValidateOptions } from '../types.js';

/** One ORDER group (ORDER_OBSERVATION in ORU) with its ORC, OBR and OBX segments. */
export interface OrderGroup {
  /** 1-based position among the ORDER groups of the message. */
  index: number;
  node: GroupNode;
  orc: Segment | undefined;
  obr: Segment | undefined;
  /** OBX segments of the OBSERVATION groups, in order. */
  observations: Segment[];
}

/** What a finding needs of its rule: the id, and the severity and 0357 condition a report does not override. */
export interface RuleRef {
  /** `<VOLET>-<AREA>-<NNN>`: `TLR-F4-023` exactly as in conformance-checklist.md, `TDOC-MSH-001`. */
  id: string;
  severity: FindingSeverity;
  /** HL7 table 0357 code for ERR-3 (ack.md §5.3). */
  condition: ErrorCondition;
}

/** A finding's departures from its rule's severity and condition (a rule whose outcomes differ, e.g. 101 empty, 103 wrong). */
export interface ReportOverrides {
  severity?: FindingSeverity;
  condition?: ErrorCondition;
}

/** What every rule sees of the message being validated, whatever its pack. */
export interface RuleContextBase<P extends string> {
  readonly message: Message;
  readonly profile: P;
  /** The message matched against the profile's grammar. */
  readonly tree: GroupNode;
  /** `OBX[3]-5.5` for a segment of the message and an optional field path. */
  at(segment: Segment, path?: string): string;
  report(rule: RuleRef, location: string, message: string, overrides?: ReportOverrides): void;
}

/** What the Téléradiologie pack adds to the context (`X` of {@link RuleContext}). */
export interface TeleradiologieFacts {
  readonly orders: readonly OrderGroup[];
  readonly options: ValidateOptions;
  /** True when the OBX segments are a fragment (no complete ORDER group): group-completeness rules are skipped. */
  readonly fragment: boolean;
}

/**
 * What a rule sees: the common context and the facts its pack derives once per message (`X`: the ORDER groups of
 * the Téléradiologie flows, the analysed document message of the document-transport pack).
 */
export type RuleContext<P extends string = Profile, X = TeleradiologieFacts> = RuleContextBase<P> & Readonly<X>;

/**
 * Where a rule applies. `observation` rules look at one OBX and its siblings and also run on OBX
 * fragments; `group` rules need a complete ORDER group (e.g. "at least one modality OBX").
 */
export type RuleScope = 'message' | 'group' | 'observation';

/** A rule as declared, without its logic: what registries and listings show. */
export interface RuleDeclaration extends RuleRef {
  /** The profiles of its pack the rule applies to. */
  profiles: readonly string[];
  scope: RuleScope;
  /** The rule in one sentence (checklist wording). */
  summary: string;
}

/** A checklist rule of any pack, whether declared as a table row or written as a function. */
export interface RuleDefinition<P extends string = Profile, X = TeleradiologieFacts> extends RuleDeclaration {
  profiles: readonly P[];
  evaluate(ctx: RuleContext<P, X>): void;
}

export const BUSINESS: readonly Profile[] = ['flux1', 'flux2', 'flux3', 'flux4'];

/**
 * Declares a rule written as a function. The pack's profile type and facts are given, not inferred
 * (`defineRule<DocumentProfile, DocumentMessageView>`); without them the rule is a Téléradiologie rule.
 */
export function defineRule<P extends string = Profile, X = TeleradiologieFacts>(rule: NoInfer<RuleDefinition<P, X>>): RuleDefinition<P, X> {
  return rule;
}

/** Builds the context and collects findings. */
export class FindingCollector {
  readonly findings: Finding[] = [];

  add(rule: RuleRef, location: string, message: string, overrides: ReportOverrides = {}): void {
    this.findings.push({
      severity: overrides.severity ?? rule.severity,
      rule: rule.id,
      location,
      message,
      condition: overrides.condition ?? rule.condition,
    });
  }
}

export function locationOf(message: Message, segment: Segment, path?: string): string {
  const occurrence = message.occurrenceOf(segment);
  if (path === undefined) return formatLocation({ segment: segment.name, occurrence });
  return formatLocation({ segment: segment.name, occurrence, ...fieldPath(path) });
}

/** Parsed field paths (the rule tables use a few hundred distinct ones), parsed once by the hl7 layer's parser. */
const PATHS = new Map<string, FieldPath>();

function fieldPath(path: string): FieldPath {
  const known = PATHS.get(path);
  if (known) return known;
  const p = parseFieldPath(path);
  PATHS.set(path, p);
  return p;
}

/**
 * Decoded value with the checklist's notion of "non-empty": trimmed; the HL7 null `""` reads as
 * empty. A path that stops above the level where the element has parts (`MSH-3` holding
 * `^1.2.3^ISO`, `ORC-21.6` holding `NS&1.2.3&ISO`) yields the element's ER7 text when any part has
 * content, so that "non-empty" means "has a value somewhere" and fixed values compare whole.
 */
export function valueAt(segment: Segment, path: string): string {
  const p = fieldPath(path);
  const field = p.field;
  if (segment.name === 'MSH' && field <= 2) return segment.rawField(field);
  const rep = repetition(segment, field, p.repetition ?? 1);
  let v: string;
  if (p.component === undefined) {
    v = rep.length > 1 || rep.subs(1).length > 1 ? wholeText(rep.raw, rep.length, (c) => rep.subs(c)) : rep.get(1);
  } else if (p.subcomponent === undefined) {
    const c = p.component;
    const subs = rep.subs(c);
    v = subs.length > 1 ? (subs.some((s) => s.trim() !== '') ? rep.rawComponent(c) : '') : rep.get(c);
  } else {
    v = rep.get(p.component, p.subcomponent);
  }
  v = v.trim();
  return v === '""' ? '' : v;
}

/**
 * Repetitions are split once per field and reused by every rule reading that field (a message is
 * read by some 250 rules: re-splitting each time dominated the validation time). The cache is
 * keyed by the field's current ER7 text, so an edited segment is never read stale.
 */
const SPLIT_CACHE = new WeakMap<Segment, Map<number, { raw: string; reps: Composite[] }>>();

export function repetition(segment: Segment, field: number, r = 1): Composite {
  let fields = SPLIT_CACHE.get(segment);
  if (!fields) {
    fields = new Map();
    SPLIT_CACHE.set(segment, fields);
  }
  const raw = segment.rawField(field);
  let entry = fields.get(field);
  if (!entry || entry.raw !== raw) {
    entry = { raw, reps: [] };
    fields.set(field, entry);
  }
  let rep = entry.reps[r - 1];
  if (rep === undefined) {
    rep = segment.field(field, r);
    entry.reps[r - 1] = rep;
  }
  return rep;
}

function wholeText(raw: string, components: number, subs: (c: number) => string[]): string {
  for (let c = 1; c <= components; c++) if (subs(c).some((s) => s.trim() !== '')) return raw;
  return '';
}

/** True when the element holds the HL7 explicit null `""` (reported as such: it is not a value). */
export function isExplicitNull(segment: Segment, path: string): boolean {
  return segment.raw(path).trim() === '""';
}

/** OBX-3.1 — how the checklist identifies an observation. */
export function observationCode(obx: Segment): string {
  return repetition(obx, 3).get(1);
}

/** OBX-4 split at the dot: `n.m` → {n, m}; `n` → {n, m: undefined}; undefined when empty or malformed. */
export function subId(obx: Segment): { n: number; m: number | undefined; text: string } | undefined {
  const text = repetition(obx, 4).get(1).trim();
  const match = /^([1-9][0-9]*)(?:\.([1-9][0-9]*))?$/.exec(text);
  if (!match) return undefined;
  return { n: Number(match[1]), m: match[2] === undefined ? undefined : Number(match[2]), text };
}
