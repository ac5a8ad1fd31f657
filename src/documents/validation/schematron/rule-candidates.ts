/**
 * Candidate nodes of a rule context: an XPath expression selecting a superset of the nodes a Schematron
 * rule context (an XSLT pattern) can match, cheap to evaluate thanks to two keys (indexes built once per
 * document).
 *
 * Why: the ISO skeleton walks the whole document once per pattern and tries every rule at every node.
 * The ANS rule sets have up to 231 patterns and 1,000 rules, most of them keyed on an element name or a
 * `templateId/@root`, so on a large report almost all those tries fail. Selecting the candidates through
 * the keys and letting the pattern's templates do the exact matching gives the same findings (the
 * templates still decide, first matching rule first) for a fraction of the work.
 */

/** Key of the elements by the `@root` of their HL7 `templateId` children. */
export const TEMPLATE_ID_KEY = 'tlrsch:templateId';
/** Key of the elements by expanded name `{namespace}local`. */
export const ELEMENT_NAME_KEY = 'tlrsch:element';

export const HL7_NS = 'urn:hl7-org:v3';

/** `xsl:key` declarations for the keys above. */
export const CANDIDATE_KEYS = [
  `<xsl:key name="${TEMPLATE_ID_KEY}" match="*[Q{${HL7_NS}}templateId]" use="Q{${HL7_NS}}templateId/@root"/>`,
  `<xsl:key name="${ELEMENT_NAME_KEY}" match="*" use="'{' || namespace-uri() || '}' || local-name()"/>`,
].join('\n');

/** Every element and the document node: what the skeleton's walk visits (it never visits text nodes). */
const ALL_ELEMENTS = 'root(.) | root(.)//*';
const ALL_ATTRIBUTES = 'root(.)//@*';

const NAME = String.raw`[\p{L}_][\p{L}\p{N}_.\-]*`;
export const STEP = new RegExp(String.raw`^(?:child::)?(?:(${NAME}):)?(${NAME}|\*)((?:\[.*\])?)$`, 'su');
const TEMPLATE_ID_PREDICATE = new RegExp(String.raw`^\[\s*(?:(${NAME}):)?templateId\s*/\s*@root\s*=\s*(['"])([^'"]*)\2\s*\]`, 'su');

/**
 * The candidate selector of a rule context, `null` when no cheaper superset than "every element" is known.
 *
 * @param namespaces prefix → namespace URI, as declared for the XPath expressions
 */
export function candidateSelector(context: string, namespaces: ReadonlyMap<string, string>): string | null {
  const alternatives = splitTopLevel(context.trim(), '|');
  const selectors: string[] = [];
  for (const alternative of alternatives) {
    const selector = pathCandidates(alternative.trim(), namespaces);
    if (selector === null) return null;
    selectors.push(selector);
  }
  return selectors.join(' | ');
}

/** Candidates of a whole pattern: the union over its rules, or every element (and attribute) when unknown. */
export function patternCandidates(contexts: readonly string[], namespaces: ReadonlyMap<string, string>, visitsAttributes: boolean): string {
  const selectors = new Set<string>();
  for (const context of contexts) {
    const selector = candidateSelector(context, namespaces);
    if (selector === null) return visitsAttributes ? `${ALL_ELEMENTS} | ${ALL_ATTRIBUTES}` : ALL_ELEMENTS;
    selectors.add(selector);
  }
  return selectors.size === 0 ? '()' : [...selectors].join(' | ');
}

function pathCandidates(path: string, namespaces: ReadonlyMap<string, string>): string | null {
  if (path === '/') return 'root(.)';
  const steps = splitSteps(path);
  if (steps === null || steps.length === 0) return null;
  const last = steps[steps.length - 1];
  if (!last) return null;
  const own = stepCandidates(last.step, namespaces);
  if (own !== null) return own;
  // A trailing `*` under a named step: the children (or descendants) of that step's candidates.
  const match = STEP.exec(last.step);
  if (match && match[2] === '*' && match[1] === undefined && steps.length >= 2) {
    const parent = steps[steps.length - 2];
    const parentCandidates = parent ? stepCandidates(parent.step, namespaces) : null;
    if (parentCandidates !== null) return `(${parentCandidates})${last.separator}*`;
  }
  return null;
}

/** Candidates of one element step: by templateId root when its first predicate tests one, else by name. */
function stepCandidates(step: string, namespaces: ReadonlyMap<string, string>): string | null {
  const match = STEP.exec(step);
  if (!match) return null;
  const [, prefix, localName, predicates = ''] = match;
  const templateId = TEMPLATE_ID_PREDICATE.exec(predicates);
  if (templateId && (templateId[1] === undefined ? '' : namespaces.get(templateId[1])) === HL7_NS) {
    return `key('${TEMPLATE_ID_KEY}', ${xpathLiteral(templateId[3] ?? '')}, root(.))`;
  }
  if (localName === undefined || localName === '*') return null;
  const uri = prefix === undefined ? '' : namespaces.get(prefix);
  if (uri === undefined) return null;
  return `key('${ELEMENT_NAME_KEY}', ${xpathLiteral(`{${uri}}${localName}`)}, root(.))`;
}

/** Splits a path pattern into steps with the separator before each (`/`, `//`, or `` for the first). */
export function splitSteps(path: string): { separator: string; step: string }[] | null {
  const steps: { separator: string; step: string }[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  let separator = '';
  for (let index = 0; index < path.length; index += 1) {
    const character = path[index] ?? '';
    if (quote) {
      current += character;
      if (character === quote) quote = null;
      continue;
    }
    if (character === "'" || character === '"') quote = character;
    else if (character === '[' || character === '(') depth += 1;
    else if (character === ']' || character === ')') depth -= 1;
    if (character === '/' && depth === 0) {
      if (current.trim() !== '' || steps.length > 0) {
        steps.push({ separator, step: current.trim() });
        current = '';
        separator = '';
      }
      separator += '/';
      continue;
    }
    current += character;
  }
  if (quote || depth !== 0 || current.trim() === '') return null;
  steps.push({ separator, step: current.trim() });
  // A leading `/x` or `//x` step keeps its separator; inner separators must be `/` or `//`.
  return steps.every((step) => step.separator === '' || step.separator === '/' || step.separator === '//') ? steps : null;
}

/** Splits at a character that is outside brackets, parentheses and string literals. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const character of text) {
    if (quote) {
      if (character === quote) quote = null;
    } else if (character === "'" || character === '"') {
      quote = character;
    } else if (character === '[' || character === '(') {
      depth += 1;
    } else if (character === ']' || character === ')') {
      depth -= 1;
    } else if (character === separator && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += character;
  }
  parts.push(current);
  return parts;
}

function xpathLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
