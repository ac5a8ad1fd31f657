/**
 * Rule contexts evaluated as expressions from the document root, instead of as template match patterns.
 *
 * Why: the structuration minimale rule set (ART-DECOR) is one pattern of 617 rules whose contexts are all
 * absolute paths under `//hl7:ClinicalDocument[hl7:typeId[…]]`. As templates of one mode, every candidate
 * element is matched against the rules of its name in priority order, each re-checking the whole path up to
 * that predicate. As expressions, each path is evaluated once, its common prefixes are evaluated once into
 * variables shared by the rules below them, and ISO's "first matching rule of a pattern wins" becomes a set
 * difference: the nodes of a rule are those of its context `except` those of the earlier rules that can
 * match the same nodes.
 *
 * The two forms select the same nodes: XSLT defines a path pattern by the nodes the same path selects as an
 * expression from the root (XSLT 3.0 §5.5.3), provided the context reads nothing that depends on the node
 * being matched (`current()`). Only paths whose last step selects elements are compiled this way (what the
 * pattern's templates would be handed too); a pattern with any other context keeps its templates.
 *
 * It is also cheaper to set up: SaxonJS prepares every mode and template of a stylesheet at each transform
 * (measured: 200 modes of one template each cost about 14 ms of CPU a transform on an empty document, the
 * same rules as 200 `for-each` in one template about 1 ms), and the IHE rule set has a pattern, hence a
 * mode, for each of its 231 templates.
 */
import { candidateSelector, splitSteps, splitTopLevel, STEP } from './rule-candidates.js';

/** Name of the nodes a step selects: `{uri}local`, `*` for any element, `/` for the document node. */
type NodeName = string;

interface ContextPath {
  /** Steps with the separator before each (`/` or `//`); empty for the path `/`. */
  readonly steps: readonly { readonly separator: string; readonly step: string }[];
  /**
   * What the path says of its nodes and their ancestors: the name of the last step, then of its parent
   * step as long as the steps are joined by `/` (a node has one parent, and one name).
   */
  readonly tail: readonly NodeName[];
}

/** How a pattern's rules select their nodes once compiled as expressions (see {@link planContextPaths}). */
export interface ContextPathPlan {
  /** `[name, select]` of the variables to declare, in order (prefixes, then the rules' node sets). */
  readonly variables: readonly (readonly [string, string])[];
  /** Per rule, in order: what selects the nodes that rule fires on (a variable when later rules except them). */
  readonly ruleNodes: readonly string[];
}

/**
 * The context of one rule as element paths evaluated from the root, or `null` when it must stay a match
 * pattern. An absolute path is evaluated as written. A relative path of child steps (`A/B[p]`), which matches
 * the nodes that `//(A/B[p])` selects, is evaluated from the ancestors, as many levels up as it has steps,
 * of its candidate nodes (rule-candidates.ts: elements found through a key by name or templateId):
 * `(candidates/../..)/A/B[p]` selects exactly the matching nodes, since every matching node is a candidate
 * and is reached from that ancestor, and the steps keep their positional meaning. With a descendant step
 * (`A//B`), from every ancestor of the candidates; without candidates, as `//A/B[p]`.
 *
 * @param namespaces prefix → namespace URI, as declared for the XPath expressions
 */
export function contextPaths(context: string, namespaces: ReadonlyMap<string, string>): ContextPath[] | null {
  if (/\bcurrent\s*\(/.test(context)) return null;
  const paths: ContextPath[] = [];
  for (const alternative of splitTopLevel(context.trim(), '|')) {
    const text = alternative.trim();
    if (text === '/') {
      paths.push({ steps: [], tail: ['/'] });
      continue;
    }
    const steps = descendantSteps(splitSteps(text));
    const last = steps?.[steps.length - 1];
    if (!steps || !last) return null;
    if (elementName(last.step, namespaces) === null) return null;
    const tail: NodeName[] = [];
    for (let index = steps.length - 1; index >= 0; index -= 1) {
      const name = elementName(steps[index]?.step ?? '', namespaces);
      if (name === null) break;
      tail.push(name);
      if (steps[index]?.separator !== '/') break;
    }
    if (text.startsWith('/')) {
      if (steps[0]?.separator === '') return null;
      paths.push({ steps, tail });
      continue;
    }
    const elementSteps = steps.every(({ separator, step }, index) => (index === 0) === (separator === '') && STEP.test(step));
    if (!elementSteps) return null;
    const candidates = candidateSelector(text, namespaces);
    if (candidates === null) {
      // No cheaper start known: from every node, as the pattern is defined (`//A/B` is `root(.)//(A/B)`).
      paths.push({ steps: steps.map(({ separator, step }, index) => ({ separator: index === 0 ? '//' : separator, step })), tail });
      continue;
    }
    // With a descendant step (`A//B`) the distance to the ancestor is not fixed: every ancestor is a start.
    const up = steps.every(({ separator }) => separator !== '//') ? '/..'.repeat(steps.length) : '/ancestor::node()';
    paths.push({
      steps: [
        { separator: '', step: `(${candidates})${up}` },
        ...steps.map(({ separator, step }, index) => ({ separator: index === 0 ? '/' : separator, step })),
      ],
      tail,
    });
  }
  return paths.length > 0 ? paths : null;
}

/** Steps with `A//B` as two steps, `B` after the separator `//` (splitSteps gives an empty step between them). */
function descendantSteps(steps: { separator: string; step: string }[] | null): { separator: string; step: string }[] | null {
  if (!steps) return null;
  const merged: { separator: string; step: string }[] = [];
  let pending = '';
  for (const { separator, step } of steps) {
    if (step === '') {
      if (pending !== '' || separator !== '/') return null;
      pending = '/';
      continue;
    }
    merged.push({ separator: `${pending}${separator}`, step });
    pending = '';
  }
  return pending === '' ? merged : null;
}

/** The name an element step selects (`*` for any), `null` when the step is not a child element step. */
function elementName(step: string, namespaces: ReadonlyMap<string, string>): NodeName | null {
  const match = STEP.exec(step);
  if (!match) return null;
  const [, prefix, localName] = match;
  if (localName === '*') return '*';
  const uri = prefix === undefined ? '' : namespaces.get(prefix);
  return uri === undefined ? null : `{${uri}}${localName}`;
}

/**
 * Plans the variables of a pattern whose every rule context is given by {@link absoluteContextPaths}:
 * shared path prefixes, then for each rule the nodes it fires on (its context's nodes except those of
 * the earlier rules of the pattern that may select the same nodes, judged by the last step's name).
 *
 * @param prefix prefix of the generated variable names (in the compiler's own namespace)
 */
export function planContextPaths(rules: readonly (readonly ContextPath[])[], prefix: string): ContextPathPlan {
  interface TrieNode {
    readonly step: string;
    readonly children: Map<string, TrieNode>;
    /** How many paths end here. */
    ends: number;
    /** What selects this node's nodes: its variable, else its path written out from the nearest variable. */
    select: string;
  }
  const root: TrieNode = { step: '', children: new Map(), ends: 0, select: '/' };
  const leaves: TrieNode[][] = rules.map((paths) =>
    paths.map((path) => {
      let node = root;
      for (const { separator, step } of path.steps) {
        const key = `${separator}${step}`;
        let child = node.children.get(key);
        if (!child) {
          child = { step: key, children: new Map(), ends: 0, select: '' };
          node.children.set(key, child);
        }
        node = child;
      }
      node.ends += 1;
      return node;
    }),
  );

  const variables: [string, string][] = [];
  let counter = 0;
  // A prefix from which two paths or more go on (or end) is evaluated once; the others are written out in full.
  const declare = (node: TrieNode, parent: string): void => {
    const written = `${parent}${node.step}`;
    node.select = written;
    if (node.children.size + (node.ends > 0 ? 1 : 0) >= 2) {
      const name = `${prefix}x${counter++}`;
      variables.push([name, written]);
      node.select = `$${name}`;
    }
    for (const child of node.children.values()) declare(child, node.select);
  };
  for (const child of root.children.values()) declare(child, '');

  const earlier = rules.map((own, index) =>
    rules.slice(0, index).flatMap((other, position) => (own.some((a) => other.some((b) => overlaps(a, b))) ? [position] : [])),
  );
  // Only the rules that a later rule excepts need their nodes in a variable; the others are selected where
  // they are used. Each variable scopes over what follows it, and the fewer the XSLT compiler has to nest,
  // the faster it compiles (minutes for the structuration minimale otherwise).
  const excepted = new Set(earlier.flat());
  const ruleNodes: string[] = [];
  rules.forEach((_paths, index) => {
    const selects = (leaves[index] ?? []).map((leaf) => leaf.select);
    let expression = selects.length === 1 ? (selects[0] ?? '/') : `(${selects.join(' | ')})`;
    const overlapping = earlier[index] ?? [];
    if (overlapping.length > 0) {
      expression = `(${expression}) except (${overlapping.map((position) => ruleNodes[position]).join(' | ')})`;
    }
    if (excepted.has(index)) {
      const name = `${prefix}s${index}`;
      variables.push([name, expression]);
      ruleNodes.push(`$${name}`);
    } else {
      ruleNodes.push(expression);
    }
  });
  return { variables, ruleNodes };
}

/**
 * Whether two paths may select a same node: not when, node or ancestor at the same distance, they name two
 * different elements (or an element and the document node).
 */
function overlaps(a: ContextPath, b: ContextPath): boolean {
  const compatible = (x: NodeName, y: NodeName): boolean => x === y || (x === '*' && y !== '/') || (y === '*' && x !== '/');
  for (let index = 0; index < Math.min(a.tail.length, b.tail.length); index += 1) {
    if (!compatible(a.tail[index] ?? '*', b.tail[index] ?? '*')) return false;
  }
  return true;
}
