import type { Segment } from '../../hl7/index.js';

/**
 * A small grammar over segment ids, enough for the HL7 v2 abstract message syntax of the volet:
 * segments and groups, each with a cardinality. Matching is greedy and deterministic, as in HAPI:
 * an element repeats while the next segment can start it, and a group can start only with one of
 * its leading segments (those before and including its first required child).
 */
export type StructureElement = SegmentElement | GroupElement;

interface ElementRules {
  /** Rule reported when fewer than `min` occurrences are found (default: the grammar's rule). */
  rule?: string;
  /** Rule reported for each occurrence beyond `max`; without it, extra occurrences are left to the enclosing groups. */
  maxRule?: string;
  /** Severity of the `maxRule` finding (default error). */
  maxSeverity?: 'error' | 'warning';
}

export interface SegmentElement extends ElementRules {
  kind: 'segment';
  id: string;
  min: number;
  max: number;
}

export interface GroupElement extends ElementRules {
  kind: 'group';
  name: string;
  min: number;
  max: number;
  children: readonly StructureElement[];
}

/** The root of a message structure, with the rule that reports segments it does not allow. */
export interface MessageGrammar {
  /** Message structure id, e.g. `ORM_O01`. */
  structure: string;
  /** Rule of any structure problem without a more specific rule (TLR-GEN-004, TLR-ACK-001, TDOC-STR-001). */
  rule: string;
  root: GroupElement;
  /**
   * Whether a required group whose leading segment is missing may start with the segments after it
   * (default true, see `#canStart`). The document-transport pack turns it off: its checklist reports
   * such a group as missing as a whole (TDOC-STR-001 at `ORDER_OBSERVATION`).
   */
  recoverMissingLead?: boolean;
  /**
   * What follows a segment the grammar does not allow: `skip` (default) sets it aside and matches the
   * rest, `stop` reports it and ends there (the document-transport pack: after a misplaced segment it
   * reports nothing further, as its checklist reads one structure error per misplacement).
   */
  afterUnexpected?: 'skip' | 'stop';
}

const UNBOUNDED = Number.POSITIVE_INFINITY;

/** `seg('PID')` required once; `seg('NTE', 0, '*')` optional repeating. */
export function seg(id: string, min = 1, max: number | '*' = 1, rules: ElementRules = {}): SegmentElement {
  return { kind: 'segment', id, min, max: max === '*' ? UNBOUNDED : max, ...rules };
}

export function group(
  name: string,
  min: number,
  max: number | '*',
  children: readonly StructureElement[],
  rules: ElementRules = {},
): GroupElement {
  return { kind: 'group', name, min, max: max === '*' ? UNBOUNDED : max, children, ...rules };
}

/** A matched group: its segments and sub-groups in message order. */
export interface GroupNode {
  name: string;
  items: Array<Segment | GroupNode>;
}

export function isGroupNode(item: Segment | GroupNode): item is GroupNode {
  return 'items' in item;
}

/** Every segment of a group and its sub-groups, in message order. */
export function segmentsOf(node: GroupNode): Segment[] {
  const out: Segment[] = [];
  const walk = (n: GroupNode): void => {
    for (const item of n.items)
      if (isGroupNode(item)) walk(item);
      else out.push(item);
  };
  walk(node);
  return out;
}

/** The direct segments of a group (not those of its sub-groups). */
export function ownSegments(node: GroupNode): Segment[] {
  return node.items.filter((i): i is Segment => !isGroupNode(i));
}

/** Every group named `name` below `node` (outermost first, in message order). */
export function groupsNamed(node: GroupNode, name: string): GroupNode[] {
  const out: GroupNode[] = [];
  const walk = (n: GroupNode): void => {
    for (const item of n.items) {
      if (!isGroupNode(item)) continue;
      if (item.name === name) out.push(item);
      walk(item);
    }
  };
  walk(node);
  return out;
}

/** A structure problem found by the matcher. */
export interface StructureProblem {
  rule: string;
  severity: 'error' | 'warning';
  /** Segment location (`OBX[3]`) or the name of the missing segment or group. */
  location: string;
  message: string;
}

export interface StructureMatch {
  tree: GroupNode;
  problems: StructureProblem[];
}

function firstIds(children: readonly StructureElement[], from = 0): Set<string> {
  const out = new Set<string>();
  for (let i = from; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === 'segment') out.add(c.id);
    else for (const id of firstIds(c.children)) out.add(id);
    if (c.min > 0) break;
  }
  return out;
}

function describe(e: StructureElement): string {
  if (e.kind === 'segment') return `segment ${e.id}`;
  const lead = [...firstIds(e.children)].join('/');
  return `group ${e.name} (${lead}…)`;
}

/**
 * Matches segments against a grammar. A segment the grammar does not allow where it stands is
 * reported once and set aside, then matching restarts without it, so that one misplaced segment
 * does not hide the rest of the structure (the classic "everything after is wrong" cascade).
 */
export function matchStructure(grammar: MessageGrammar, segments: readonly Segment[], name: (s: Segment) => string): StructureMatch {
  const unexpected: StructureProblem[] = [];
  let remaining = [...segments];
  for (;;) {
    const m = new Matcher(grammar, remaining, name);
    const tree = m.run();
    if (m.pos >= remaining.length) return { tree, problems: [...unexpected, ...m.problems] };
    const bad = remaining[m.pos]!;
    const after = m.pos > 0 ? ` after ${name(remaining[m.pos - 1]!)}` : '';
    unexpected.push({
      rule: grammar.rule,
      severity: 'error',
      location: name(bad),
      message: `Segment ${name(bad)}${after} is not allowed at this position by the ${grammar.structure} structure of the volet`,
    });
    if (grammar.afterUnexpected === 'stop') return { tree, problems: [...m.problems, ...unexpected] };
    remaining = remaining.filter((_, i) => i !== m.pos);
  }
}

class Matcher {
  pos = 0;
  readonly problems: StructureProblem[] = [];
  readonly #grammar: MessageGrammar;
  readonly #segments: readonly Segment[];
  readonly #name: (s: Segment) => string;
  readonly #first = new Map<GroupElement, Set<string>>();
  readonly #recovery = new Map<GroupElement, Set<string>>();

  constructor(grammar: MessageGrammar, segments: readonly Segment[], name: (s: Segment) => string) {
    this.#grammar = grammar;
    this.#segments = segments;
    this.#name = name;
  }

  run(): GroupNode {
    const node: GroupNode = { name: this.#grammar.root.name, items: [] };
    this.#sequence(this.#grammar.root, node);
    return node;
  }

  #next(): string | undefined {
    return this.#segments[this.pos]?.name;
  }

  /**
   * Whether the next segment starts `e`. A group still below its minimum may also start with the
   * segments that follow its missing leading segment (an ORDER without ORC but with OBR), so that the
   * missing segment is reported where it belongs instead of everything after it being misplaced.
   */
  #canStart(e: StructureElement, belowMin: boolean): boolean {
    const id = this.#next();
    if (id === undefined) return false;
    if (e.kind === 'segment') return e.id === id;
    let first = this.#first.get(e);
    if (!first) {
      first = firstIds(e.children);
      this.#first.set(e, first);
    }
    if (first.has(id)) return true;
    if (!belowMin || this.#grammar.recoverMissingLead === false) return false;
    let recovery = this.#recovery.get(e);
    if (!recovery) {
      const lead = e.children.findIndex((c) => c.min > 0);
      recovery = lead < 0 ? new Set() : firstIds(e.children, lead + 1);
      this.#recovery.set(e, recovery);
    }
    return recovery.has(id);
  }

  #consume(e: StructureElement, into: GroupNode): void {
    if (e.kind === 'segment') {
      into.items.push(this.#segments[this.pos]!);
      this.pos++;
      return;
    }
    const node: GroupNode = { name: e.name, items: [] };
    const before = this.pos;
    this.#sequence(e, node);
    if (this.pos === before) this.pos++; // defensive: never loop on a group that consumed nothing
    into.items.push(node);
  }

  #sequence(g: GroupElement, node: GroupNode): void {
    for (const child of g.children) {
      let count = 0;
      while (count < child.max && this.#canStart(child, count < child.min)) {
        this.#consume(child, node);
        count++;
      }
      // Only elements with a cardinality rule of their own absorb extra occurrences; for the others
      // the next segment may legitimately start a new enclosing group (OBX → next OBSERVATION).
      while (child.maxRule !== undefined && count >= child.max && this.#canStart(child, false)) {
        const at = this.#segments[this.pos]!;
        this.problems.push({
          rule: child.maxRule,
          severity: child.maxSeverity ?? 'error',
          location: this.#name(at),
          message:
            `${capitalise(describe(child))} occurs more than ${child.max === 1 ? 'once' : `${child.max} times`} in ${g.name} ` +
            `(extra occurrence starting at ${this.#name(at)})`,
        });
        this.#consume(child, node);
        count++;
      }
      if (count < child.min) {
        const where = this.#segments[this.pos] ? ` before ${this.#name(this.#segments[this.pos]!)}` : ' at the end of the message';
        this.problems.push({
          rule: child.rule ?? this.#grammar.rule,
          severity: 'error',
          location: child.kind === 'segment' ? child.id : child.name,
          message: `Required ${describe(child)} is missing in ${g.name}${where}`,
        });
      }
    }
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
