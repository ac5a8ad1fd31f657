import { CdaValidationError } from '../errors.js';
import { isSch, loadSchematron, schChildren, SCHEMATRON_NS } from './schematron-source.js';
import type { LoadedSchematron, SchElement, SchNode, SchematronSourceFile } from './schematron-source.js';
import { CANDIDATE_KEYS, patternCandidates } from './rule-candidates.js';
import { contextPaths, planContextPaths } from './context-paths.js';
import type { ContextPathPlan } from './context-paths.js';
import { escapeXml, xpathString } from './xml-text.js';

/** `#ALL` selects every pattern, as ISO Schematron defines. */
export const ALL_PHASES = '#ALL';

/** What the compiler knows of one `sch:assert` or `sch:report`; findings refer to it by index. */
export interface CompiledAssertion {
  readonly kind: 'assert' | 'report';
  /** `@id` of the assertion, when it has one. */
  readonly id: string | null;
  /** `@role` of the assertion, when it has one. */
  readonly role: string | null;
  /** `@flag` of the assertion, when it has one. */
  readonly flag: string | null;
  readonly see: string | null;
  readonly test: string;
  /** File the assertion was written in (an include, or an abstract rule or pattern). */
  readonly sourceFile: string;
}

/**
 * A concrete rule of an active pattern; findings refer to it by index. An assertion inherited from an
 * abstract rule is shared by every rule that extends it, so the rule is recorded apart from the assertion.
 */
export interface CompiledRule {
  /** Identifier of the pattern: `@id`, else its title, else `pattern[n]`. */
  readonly pattern: string;
  readonly id: string | null;
  readonly context: string;
  /** `@role` / `@flag` of the rule, used for assertions that have none of their own. */
  readonly role: string | null;
  readonly flag: string | null;
}

/** An XSLT 3.0 translation of a Schematron, with the metadata needed to read its findings. */
export interface CompiledSchematron {
  /** The generated XSLT 3.0 stylesheet. It returns a JSON array of {@link RawFinding}. */
  readonly xslt: string;
  readonly assertions: readonly CompiledAssertion[];
  readonly rules: readonly CompiledRule[];
  /** Phase that was compiled (`#ALL` or a phase id). */
  readonly phase: string;
  /** Identifiers of the patterns that run, in order. */
  readonly patterns: readonly string[];
  readonly title: string | null;
  readonly sourceFiles: readonly SchematronSourceFile[];
  /** Non-fatal oddities of the source (for instance a phase naming a pattern that does not exist). */
  readonly warnings: readonly string[];
}

/** One finding as the generated stylesheet returns it (JSON). */
export interface RawFinding {
  /** Index into {@link CompiledSchematron.assertions}. */
  readonly a: number;
  /** Index into {@link CompiledSchematron.rules}. */
  readonly r: number;
  /** XPath of the node the rule fired on (or of `@subject`). */
  readonly l: string;
  /** Message text, whitespace-normalised. */
  readonly m: string;
  /** Texts of the diagnostics the assertion references, if any. */
  readonly d?: readonly string[];
  /** Set when the test raised a dynamic error instead of evaluating: `code: description`. */
  readonly x?: string;
}

/** Options of {@link compileSchematron}. */
export interface SchematronCompileOptions {
  /** Phase to compile; default: the schema's `@defaultPhase`, else `#ALL`. */
  readonly phase?: string;
}

const XSL_NS = 'http://www.w3.org/1999/XSL/Transform';
/** Namespace of the helper functions and variables the compiler generates (kept out of users' way). */
const GENERATED_NS = 'urn:cisis-tlr:schematron';
const GENERATED_PREFIX = 'tlrsch';
/** Static base URI written in generated stylesheets (see {@link SchematronValidator} for the one used at run time). */
const COMPILED_BASE_URI = 'urn:x-cisis-tlr:compiled-schematron';
const MAP_NS = 'http://www.w3.org/2005/xpath-functions/map';
/**
 * How a fired assertion (or a test that raised an error) becomes a finding: one function call per
 * assertion rather than a map constructor written out in each, which kept the compiled form several times
 * larger (and SaxonJS's work at every transform grows with it). Key 'n' holds the rule's node, for ordering;
 * it is removed from the result.
 */
const FINDING_FUNCTIONS = `<xsl:function name="${GENERATED_PREFIX}:finding" as="map(*)">
<xsl:param name="a" as="xs:integer"/><xsl:param name="r" as="xs:integer"/><xsl:param name="node" as="node()"/>
<xsl:param name="at" as="node()"/><xsl:param name="m" as="xs:string"/>
<xsl:sequence select="map{'a': $a, 'r': $r, 'l': ${GENERATED_PREFIX}:location($at), 'm': $m, 'n': $node}"/>
</xsl:function>
<xsl:function name="${GENERATED_PREFIX}:finding" as="map(*)">
<xsl:param name="a" as="xs:integer"/><xsl:param name="r" as="xs:integer"/><xsl:param name="node" as="node()"/>
<xsl:param name="at" as="node()"/><xsl:param name="m" as="xs:string"/><xsl:param name="d" as="xs:string*"/>
<xsl:sequence select="map{'a': $a, 'r': $r, 'l': ${GENERATED_PREFIX}:location($at), 'm': $m, 'd': array{$d}, 'n': $node}"/>
</xsl:function>
<xsl:function name="${GENERATED_PREFIX}:error" as="map(*)">
<xsl:param name="a" as="xs:integer"/><xsl:param name="r" as="xs:integer"/><xsl:param name="node" as="node()"/>
<xsl:param name="x" as="xs:string"/>
<xsl:sequence select="map{'a': $a, 'r': $r, 'l': ${GENERATED_PREFIX}:location($node), 'm': '', 'x': $x, 'n': $node}"/>
</xsl:function>`;
/**
 * A pattern compiled as paths that declares more variables than this has its rule bodies in named templates,
 * called from its for-each: each variable scopes over everything after it, and the xslt3 compiler's time grows
 * with the size of what the variables scope over (the structuration minimale, 247 variables over 617 rule
 * bodies, took more than 11 CPU-minutes inline, and 147 s with its bodies apart). Every other pattern of the ANS
 * kit declares at most 6 variables and keeps its bodies inline, which costs nothing per transform, where each
 * named template costs a little.
 */
const BODIES_APART_ABOVE = 20;
const SUPPORTED_QUERY_BINDINGS = new Set(['', 'xslt', 'xslt2', 'xslt3', 'xpath', 'xpath2', 'xpath3', 'xpath31']);

/** Reads a Schematron (with its includes) and compiles it. */
export async function compileSchematronFile(file: string, options: SchematronCompileOptions = {}): Promise<CompiledSchematron> {
  return compileSchematron(await loadSchematron(file), options);
}

/**
 * Translates a loaded Schematron into an XSLT 3.0 stylesheet.
 *
 * The translation follows the semantics of ISO/IEC 19757-3 (and of the ISO "skeleton" implementation the
 * ANS tool runs): a node is handled by the first rule of a pattern whose context matches it and by no other
 * rule of that pattern. When every rule context of a pattern is an element path (all the ANS kit's are), the
 * rules' nodes are evaluated as expressions from the root, the first rule winning by set difference
 * (context-paths.ts); otherwise the pattern is an XSLT mode whose rules are templates with priorities
 * decreasing in document order, handed the pattern's candidate nodes (rule-candidates.ts). Abstract patterns are instantiated
 * by textual substitution of their parameters; abstract rules are inlined where `sch:extends` names them.
 * Pattern- and phase-level `sch:let`s become global variables (the skeleton does the same, and the ANS
 * schematrons rely on it: the value-set paths declared in pattern "principal" are read by other patterns).
 */
export function compileSchematron(loaded: LoadedSchematron, options: SchematronCompileOptions = {}): CompiledSchematron {
  const schema = loaded.root;
  if (schema.ns !== SCHEMATRON_NS || schema.name !== 'schema') {
    throw new CdaValidationError('TLR_ERR_SCHEMATRON_SOURCE', `${schema.file}: root element is not sch:schema`);
  }
  const queryBinding = (schema.attrs['queryBinding'] ?? '').toLowerCase();
  if (!SUPPORTED_QUERY_BINDINGS.has(queryBinding)) {
    throw new CdaValidationError('TLR_ERR_SCHEMATRON_UNSUPPORTED', `${schema.file}: queryBinding "${queryBinding}" is not supported`);
  }
  return new Compiler(loaded).compile(options.phase ?? schema.attrs['defaultPhase'] ?? ALL_PHASES);
}

interface ResolvedPattern {
  readonly element: SchElement;
  readonly name: string;
  /** Children after is-a instantiation. */
  readonly children: readonly SchNode[];
}

class Compiler {
  private readonly schema: SchElement;
  private readonly warnings: string[] = [];
  private readonly assertions: CompiledAssertion[] = [];
  private readonly rules: CompiledRule[] = [];
  /** Abstract rules compiled as named templates, by id, with the template's name. */
  private readonly abstractTemplates = new Map<string, string>();
  /** Named templates of abstract rules, emitted after the patterns. */
  private readonly abstractOut: string[] = [];
  private globalNames = new Set<string>();
  private namespaces = new Map<string, string>();
  private readonly abstractRules = new Map<string, SchElement>();
  private readonly abstractPatterns = new Map<string, SchElement>();
  private readonly diagnostics = new Map<string, SchElement>();
  /** The XML declaration, the stylesheet's start tag and the declarations that use no prefix of the schema. */
  private readonly header: string[] = [];
  /** The other top-level declarations, one string each (see withNamespaces). */
  private readonly out: string[] = [];

  constructor(private readonly loaded: LoadedSchematron) {
    this.schema = loaded.root;
    this.warnings.push(...(loaded.warnings ?? []));
    this.index(this.schema);
  }

  /** Collects the elements that are referenced by id from anywhere in the schema. */
  private index(element: SchElement): void {
    for (const child of schChildren(element)) {
      const id = child.attrs['id'];
      if (child.name === 'rule' && child.attrs['abstract'] === 'true' && id) {
        if (!this.abstractRules.has(id)) this.abstractRules.set(id, child);
      } else if (child.name === 'pattern' && child.attrs['abstract'] === 'true' && id) {
        if (!this.abstractPatterns.has(id)) this.abstractPatterns.set(id, child);
      } else if (child.name === 'diagnostic' && id) {
        this.diagnostics.set(id, child);
      }
      this.index(child);
    }
  }

  compile(phase: string): CompiledSchematron {
    const concretePatterns = schChildren(this.schema, 'pattern').filter((pattern) => pattern.attrs['abstract'] !== 'true');
    const phaseElement = phase === ALL_PHASES ? null : schChildren(this.schema, 'phase').find((p) => p.attrs['id'] === phase);
    if (phase !== ALL_PHASES && !phaseElement) {
      throw new CdaValidationError('TLR_ERR_SCHEMATRON_UNSUPPORTED', `${this.schema.file}: no phase "${phase}"`);
    }
    let active = concretePatterns;
    if (phaseElement) {
      const wanted = new Set(schChildren(phaseElement, 'active').map((a) => a.attrs['pattern'] ?? ''));
      for (const id of wanted) {
        if (!concretePatterns.some((p) => p.attrs['id'] === id)) this.warnings.push(`phase "${phase}" activates unknown pattern "${id}"`);
      }
      active = concretePatterns.filter((p) => wanted.has(p.attrs['id'] ?? ''));
    }
    // Untitled patterns are named after their position among all concrete patterns, whatever the phase.
    const resolved = active.map((pattern) => this.resolvePattern(pattern, concretePatterns.indexOf(pattern)));

    this.emitHeader();
    // Global variables: schema lets, phase lets, then the lets of every concrete pattern (active or not,
    // since ISO skeletons make them global and other patterns may read them).
    const globals = new Map<string, string>();
    const declareGlobal = (let_: SchElement, origin: string): void => {
      const name = requireAttr(let_, 'name');
      const value = let_.attrs['value'];
      const key = value ?? serializeContent(let_.children);
      const previous = globals.get(name);
      if (previous !== undefined) {
        if (previous !== key)
          this.warnings.push(`global let "${name}" declared again with another value (${origin}); the first one is kept`);
        return;
      }
      globals.set(name, key);
      if (value !== undefined) {
        this.out.push(`<xsl:variable name="${escapeXml(name)}" select="${escapeXml(value)}"/>`);
      } else {
        this.out.push(`<xsl:variable name="${escapeXml(name)}">${serializeContent(let_.children)}</xsl:variable>`);
      }
    };
    for (const let_ of schChildren(this.schema, 'let')) declareGlobal(let_, 'schema');
    if (phaseElement) for (const let_ of schChildren(phaseElement, 'let')) declareGlobal(let_, `phase ${phase}`);
    concretePatterns.forEach((pattern, index) => {
      const children = this.resolvePattern(pattern, index).children;
      for (const child of children) if (isSch(child, 'let')) declareGlobal(child, `pattern ${patternName(pattern, index)}`);
    });

    const main: string[] = ['<xsl:template match="/">', `<xsl:variable name="${GENERATED_PREFIX}:findings" as="map(*)*">`];
    this.globalNames = new Set(globals.keys());
    resolved.forEach((pattern, index) => {
      const rules = this.concreteRules(pattern);
      // A pattern without rules (only lets, as ART-DECOR's first one) checks nothing.
      if (rules.length === 0) return;
      const plan = this.contextPaths(rules);
      if (plan) {
        main.push(this.withNamespaces(this.patternAsPaths(pattern, index, rules, plan)));
        return;
      }
      const contexts = rules.map((rule) => requireAttr(rule, 'context'));
      const candidates = patternCandidates(contexts, this.namespaces, contexts.some(mayMatchAttributes));
      main.push(`<xsl:apply-templates select="${escapeXml(candidates)}" mode="${GENERATED_PREFIX}:p${index}"/>`);
      this.emitPattern(pattern, index);
    });
    main.push('</xsl:variable>');
    // The node of each finding (key 'n', for ordering) is not part of the result.
    main.push(`<xsl:sequence select="array{$${GENERATED_PREFIX}:findings ! Q{${MAP_NS}}remove(., 'n')}"/>`);
    main.push('</xsl:template>');
    this.out.push(...this.abstractOut);

    const titleElement = schChildren(this.schema, 'title')[0];
    return {
      xslt: [
        ...this.header,
        // The patterns inside the main template declare the namespaces they use themselves.
        main.join('\n'),
        ...this.out.map((declaration) => this.withNamespaces(declaration)),
        '</xsl:stylesheet>',
      ].join('\n'),
      assertions: this.assertions,
      rules: this.rules,
      phase,
      patterns: resolved.map((p) => p.name),
      title: titleElement ? textOf(titleElement).replace(/\s+/g, ' ').trim() : null,
      sourceFiles: this.loaded.files,
      warnings: this.warnings,
    };
  }

  /** Replaces an `is-a` pattern by the abstract pattern's content with its parameters substituted. */
  private resolvePattern(pattern: SchElement, index: number): ResolvedPattern {
    const name = patternName(pattern, index);
    const isA = pattern.attrs['is-a'];
    if (!isA) return { element: pattern, name, children: pattern.children };
    const abstract = this.abstractPatterns.get(isA);
    if (!abstract) {
      throw new CdaValidationError(
        'TLR_ERR_SCHEMATRON_UNSUPPORTED',
        `${pattern.file}: pattern "${name}" is-a unknown abstract pattern "${isA}"`,
      );
    }
    const params = schChildren(pattern, 'param').map((param) => [requireAttr(param, 'name'), requireAttr(param, 'value')] as const);
    // Longest names first, so that $path_jdv1 is not replaced as $path_jdv followed by "1".
    params.sort((a, b) => b[0].length - a[0].length);
    const substitute = (text: string): string =>
      params.reduce(
        (acc, [paramName, value]) =>
          acc.replace(new RegExp(`\\$${escapeRegExp(paramName)}(?![\\w.\\-\\u00B7\\u00C0-\\uFFFF])`, 'g'), () => value),
        text,
      );
    const instantiate = (node: SchNode): SchNode => {
      if (node.kind === 'text') return node;
      const attrs: Record<string, string> = {};
      for (const [key, value] of Object.entries(node.attrs)) attrs[key] = substitute(value);
      return { ...node, attrs, children: node.children.map(instantiate) };
    };
    return { element: pattern, name, children: abstract.children.map(instantiate) };
  }

  private emitHeader(): void {
    const namespaces = this.collectNamespaces();
    this.namespaces = namespaces;
    this.header.push('<?xml version="1.0" encoding="UTF-8"?>');
    this.header.push(
      // The schema's namespaces are declared on each declaration that uses them (see withNamespaces).
      `<xsl:stylesheet version="3.0" xmlns:xsl="${XSL_NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema"` +
        ` xmlns:${GENERATED_PREFIX}="${GENERATED_NS}" xmlns:err="http://www.w3.org/2005/xqt-errors"` +
        // A neutral base URI: the compiled form must not carry the path of the kit (or of the temporary file)
        // it was compiled from. It is exported relocatable and the validator gives the Schematron's location
        // as the stylesheet base URI when it runs it, so the relative value-set paths
        // ('../jeuxDeValeurs/x.xml') resolve inside whichever kit is in use.
        ` exclude-result-prefixes="#all" xml:base="${COMPILED_BASE_URI}">`,
    );
    this.header.push('<xsl:output method="json" indent="no"/>');
    this.header.push(CANDIDATE_KEYS);
    this.header.push(FINDING_FUNCTIONS);
    // Location of a node as an XPath that a human can follow: names as written in the document,
    // positions among same-named siblings from the second level down (the root is unique).
    this.header.push(
      `<xsl:function name="${GENERATED_PREFIX}:location" as="xs:string">
<xsl:param name="node" as="node()"/>
<xsl:sequence select="if ($node instance of document-node()) ` +
        `then '/' else string-join(for $n in $node/ancestor-or-self::node()[not(self::document-node())] return ` +
        `${GENERATED_PREFIX}:step($n), '')"/>
</xsl:function>
<xsl:function name="${GENERATED_PREFIX}:step" as="xs:string">
<xsl:param name="n" as="node()"/>
<xsl:sequence select="if ($n instance of attribute()) then '/@' || name($n)
  else if ($n instance of element()) then '/' || name($n) || (if ($n/parent::document-node() or empty($n/parent::node())) ` +
        `then '' else '[' || (count($n/preceding-sibling::*[node-name(.) eq node-name($n)]) + 1) || ']')
  else if ($n instance of text()) then '/text()[' || (count($n/preceding-sibling::text()) + 1) || ']'
  else if ($n instance of comment()) then '/comment()[' || (count($n/preceding-sibling::comment()) + 1) || ']'
  else if ($n instance of processing-instruction()) ` +
        `then '/processing-instruction()[' || (count($n/preceding-sibling::processing-instruction()) + 1) || ']'
  else ''"/>
</xsl:function>`,
    );
  }

  /**
   * Prefixes for the XPath expressions: the `sch:ns` declarations first (the normative mechanism), then,
   * for prefixes they leave unbound, the XML namespace declarations found in the source files (several
   * published schematrons rely on those).
   */
  private collectNamespaces(): Map<string, string> {
    const namespaces = new Map<string, string>();
    const fromNs = (element: SchElement): void => {
      for (const child of schChildren(element)) {
        if (child.name === 'ns') {
          const prefix = requireAttr(child, 'prefix');
          const uri = requireAttr(child, 'uri');
          const previous = namespaces.get(prefix);
          if (previous !== undefined && previous !== uri) {
            this.warnings.push(`sch:ns prefix "${prefix}" bound to ${previous} and ${uri}; the first is kept`);
          } else {
            namespaces.set(prefix, uri);
          }
        }
        fromNs(child);
      }
    };
    fromNs(this.schema);
    const fromDeclarations = (element: SchElement): void => {
      for (const [prefix, uri] of Object.entries(element.nsDecls)) {
        if (prefix && !namespaces.has(prefix) && uri !== SCHEMATRON_NS) namespaces.set(prefix, uri);
      }
      for (const child of element.children) if (child.kind === 'element') fromDeclarations(child);
    };
    fromDeclarations(this.schema);
    for (const reserved of ['xml', 'xsl', 'xs', 'err', GENERATED_PREFIX]) {
      if (
        (reserved === 'xs' && namespaces.get('xs') === 'http://www.w3.org/2001/XMLSchema') ||
        (reserved === 'err' && namespaces.get('err') === 'http://www.w3.org/2005/xqt-errors')
      ) {
        namespaces.delete('xs');
        continue;
      }
      if (namespaces.has(reserved) && reserved !== 'xml') {
        if (reserved !== 'xsl' || namespaces.get('xsl') !== XSL_NS) {
          this.warnings.push(`prefix "${reserved}" is reserved by the compiler; its declaration is ignored`);
        }
      }
      namespaces.delete(reserved);
    }
    return namespaces;
  }

  private concreteRules(pattern: ResolvedPattern): SchElement[] {
    return pattern.children.filter((child): child is SchElement => isSch(child, 'rule') && child.attrs['abstract'] !== 'true');
  }

  /**
   * One mode per pattern. The mode's templates do not walk the document: the root template hands them the
   * pattern's candidate nodes in document order (see rule-candidates.ts), and the templates' priorities,
   * decreasing in document order, keep ISO's rule that a node fires the first matching rule of a pattern.
   */
  private emitPattern(pattern: ResolvedPattern, index: number): void {
    const mode = `${GENERATED_PREFIX}:p${index}`;
    const rules = this.concreteRules(pattern);
    rules.forEach((rule, position) => {
      const context = requireAttr(rule, 'context');
      const ruleIndex = this.registerRule(pattern, rule);
      const template = [`<xsl:template match="${escapeXml(context)}" mode="${mode}" priority="${rules.length - position}">`];
      this.emitRuleBody(rule, String(ruleIndex), [], template, sharedNames(rule));
      template.push('</xsl:template>');
      this.out.push(template.join('\n'));
    });
    this.out.push(`<xsl:template match="node()|@*" mode="${mode}" priority="-10"/>`);
  }

  /**
   * Emits the lets and assertions of `rule` in document order. An `sch:extends` becomes a call of a named
   * template compiled once per abstract rule, when that is equivalent to inlining (the abstract rule reads
   * no variable of the extending rule, and the extending rule reads none of the abstract rule's); otherwise
   * the abstract rule is inlined, as the ISO skeleton always does. Calling rather than inlining keeps the
   * ART-DECOR data-type rules (extended by hundreds of rules) from multiplying the stylesheet's size.
   *
   * `ruleExpression` is the XPath giving the index of the concrete rule: a constant in a rule template,
   * the parameter `$tlrsch:rule` in an abstract rule's template.
   */
  private emitRuleBody(
    rule: SchElement,
    ruleExpression: string,
    extending: readonly string[],
    out: string[],
    concreteNames: ReadonlySet<string>,
  ): void {
    for (const child of schChildren(rule)) {
      switch (child.name) {
        case 'let': {
          const name = requireAttr(child, 'name');
          const value = child.attrs['value'];
          out.push(
            value !== undefined
              ? `<xsl:variable name="${escapeXml(name)}" select="${escapeXml(value)}"/>`
              : `<xsl:variable name="${escapeXml(name)}">${serializeContent(child.children)}</xsl:variable>`,
          );
          break;
        }
        case 'extends': {
          const target = child.attrs['rule'];
          if (!target) {
            throw new CdaValidationError(
              'TLR_ERR_SCHEMATRON_UNSUPPORTED',
              `${child.file}: sch:extends without @rule (external rules are not supported)`,
            );
          }
          const abstract = this.abstractRules.get(target);
          if (!abstract)
            throw new CdaValidationError(
              'TLR_ERR_SCHEMATRON_UNSUPPORTED',
              `${child.file}: sch:extends names unknown abstract rule "${target}"`,
            );
          if (extending.includes(target)) {
            throw new CdaValidationError('TLR_ERR_SCHEMATRON_UNSUPPORTED', `${child.file}: sch:extends cycle through "${target}"`);
          }
          const template = this.callableTemplate(target, abstract, concreteNames, [...extending, target]);
          if (template) {
            out.push(
              `<xsl:call-template name="${template}"><xsl:with-param name="${GENERATED_PREFIX}:rule" ` +
                `select="${ruleExpression}"/></xsl:call-template>`,
            );
          } else {
            this.emitRuleBody(abstract, ruleExpression, [...extending, target], out, concreteNames);
          }
          break;
        }
        case 'assert':
        case 'report':
          this.emitAssertion(child, ruleExpression, out);
          break;
        default:
          break;
      }
    }
  }

  /**
   * The named template of an abstract rule, compiled on first use, or `null` when the rule must be inlined
   * because it shares variables with the rule that extends it.
   */
  private callableTemplate(id: string, abstract: SchElement, concreteNames: ReadonlySet<string>, chain: readonly string[]): string | null {
    const ownLets = letNames(abstract);
    const free = [...freeVariables(abstract)].filter((name) => !ownLets.has(name) && !this.globalNames.has(name));
    if (free.length > 0) return null;
    // The extending rule must neither read nor redeclare a let of the abstract rule: after a call, the
    // abstract rule's variables are out of scope, whereas inlining would have made them visible.
    if ([...ownLets].some((name) => concreteNames.has(name))) return null;
    const existing = this.abstractTemplates.get(id);
    if (existing) return existing;
    const name = `${GENERATED_PREFIX}:abstract${this.abstractTemplates.size}`;
    this.abstractTemplates.set(id, name);
    const body: string[] = [];
    body.push(`<xsl:template name="${name}">`);
    body.push(`<xsl:param name="${GENERATED_PREFIX}:rule" as="xs:integer" required="yes"/>`);
    this.emitRuleBody(abstract, `$${GENERATED_PREFIX}:rule`, chain, body, sharedNames(abstract));
    body.push('</xsl:template>');
    this.abstractOut.push(body.join('\n'));
    return name;
  }

  private emitAssertion(assertion: SchElement, ruleExpression: string, out: string[]): void {
    const kind = assertion.name === 'assert' ? 'assert' : 'report';
    const test = requireAttr(assertion, 'test');
    const index = this.assertions.length;
    this.assertions.push({
      kind,
      id: assertion.attrs['id'] ?? null,
      role: assertion.attrs['role'] ?? null,
      flag: assertion.attrs['flag'] ?? null,
      see: assertion.attrs['see'] ?? null,
      test,
      sourceFile: assertion.file,
    });
    const subject = assertion.attrs['subject'];
    const located = subject ? `(${subject}, .)[1]` : '.';
    const portableTest = this.portableRegexes(test, assertion.file);
    const condition = kind === 'assert' ? `not(${portableTest})` : portableTest;
    // A dynamic error in one test (a regex the engine rejects, a bad cast) must not abort the whole run:
    // it becomes a finding of its own, marked with the error, and the other assertions still run.
    out.push('<xsl:try>');
    out.push(`<xsl:if test="${escapeXml(condition)}">`);
    const message = this.messageExpression(assertion.children, `${GENERATED_PREFIX}:message`, out);
    const diagnosticIds = (assertion.attrs['diagnostics'] ?? '').split(/\s+/).filter(Boolean);
    const diagnostics: string[] = [];
    diagnosticIds.forEach((id, position) => {
      const diagnostic = this.diagnostics.get(id);
      if (!diagnostic) {
        this.warnings.push(`${assertion.file}: assertion references unknown diagnostic "${id}"`);
        return;
      }
      diagnostics.push(this.messageExpression(diagnostic.children, `${GENERATED_PREFIX}:diagnostic${position}`, out));
    });
    const args = [String(index), ruleExpression, '.', located, message];
    if (diagnostics.length > 0) args.push(`(${diagnostics.join(', ')})`);
    out.push(`<xsl:sequence select="${escapeXml(`${GENERATED_PREFIX}:finding(${args.join(', ')})`)}"/>`);
    out.push('</xsl:if>');
    out.push(
      `<xsl:catch><xsl:sequence select="${GENERATED_PREFIX}:error(${index}, ${ruleExpression}, ., ` +
        `string($err:code) || ': ' || $err:description)"/></xsl:catch>`,
    );
    out.push('</xsl:try>');
  }

  /**
   * The whitespace-normalised text of an assertion's message or of a diagnostic, as an XPath expression: a
   * string literal when it is plain text (most of them: the compiled form stays small), else a variable
   * declared in `out` that builds it as the ISO skeleton does, read through `normalize-space`.
   */
  private messageExpression(nodes: readonly SchNode[], variable: string, out: string[]): string {
    const text = plainText(nodes);
    if (text !== null) return xpathString(text.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, ''));
    out.push(`<xsl:variable name="${variable}">${this.messageContent(nodes)}</xsl:variable>`);
    return `normalize-space($${variable})`;
  }

  /**
   * A pattern whose rule contexts are all element paths (see context-paths.ts), compiled into the main
   * template rather than as a mode: a variable that evaluates each rule's nodes once and runs the rule on
   * each, read back in the order the pattern's templates would have produced the findings (by node in
   * document order, then in assertion order).
   */
  private patternAsPaths(pattern: ResolvedPattern, index: number, rules: readonly SchElement[], plan: ContextPathPlan): string {
    const [only] = rules;
    const [single] = plan.ruleNodes;
    if (only && rules.length === 1 && single !== undefined && plan.variables.length === 0) {
      // One rule (most IHE and content-module patterns): its nodes are visited in document order, and
      // there is nothing to declare. Each variable of a template scopes over everything after it, so
      // declaring nothing keeps the compiled main template from nesting hundreds of scopes deep, which
      // the XSLT compiler pays for.
      const block = [`<xsl:for-each select="${escapeXml(single)}">`];
      this.emitRuleBody(only, String(this.registerRule(pattern, only)), [], block, sharedNames(only));
      block.push('</xsl:for-each>');
      return block.join('\n');
    }
    const found = `${GENERATED_PREFIX}:p${index}`;
    // xsl:sequence as a wrapper ends the scope of the pattern's variables with the pattern.
    const block = ['<xsl:sequence>', `<xsl:variable name="${found}" as="map(*)*">`];
    for (const [name, select] of plan.variables) block.push(`<xsl:variable name="${name}" select="${escapeXml(select)}"/>`);
    rules.forEach((rule, position) => {
      const ruleIndex = this.registerRule(pattern, rule);
      block.push(`<xsl:for-each select="${escapeXml(plan.ruleNodes[position] ?? '()')}">`);
      if (plan.variables.length > BODIES_APART_ABOVE) {
        const template = [`<xsl:template name="${GENERATED_PREFIX}:r${ruleIndex}">`];
        this.emitRuleBody(rule, String(ruleIndex), [], template, sharedNames(rule));
        template.push('</xsl:template>');
        this.out.push(template.join('\n'));
        block.push(`<xsl:call-template name="${GENERATED_PREFIX}:r${ruleIndex}"/>`);
      } else {
        this.emitRuleBody(rule, String(ruleIndex), [], block, sharedNames(rule));
      }
      block.push('</xsl:for-each>');
    });
    block.push('</xsl:variable>');
    const node = `$${GENERATED_PREFIX}:node`;
    block.push(`<xsl:sequence select="for ${node} in ($${found} ! ?n)/. return $${found}[?n is ${node}]"/>`);
    block.push('</xsl:sequence>');
    return block.join('\n');
  }

  /** The plan of a pattern whose every rule context is an element path (see context-paths.ts), else `null`. */
  private contextPaths(rules: readonly SchElement[]): ContextPathPlan | null {
    const paths = [];
    for (const rule of rules) {
      const rulePaths = contextPaths(requireAttr(rule, 'context'), this.namespaces);
      if (!rulePaths) return null;
      paths.push(rulePaths);
    }
    return planContextPaths(paths, `${GENERATED_PREFIX}:`);
  }

  private registerRule(pattern: ResolvedPattern, rule: SchElement): number {
    this.rules.push({
      pattern: pattern.name,
      id: rule.attrs['id'] ?? null,
      context: requireAttr(rule, 'context'),
      role: rule.attrs['role'] ?? null,
      flag: rule.attrs['flag'] ?? null,
    });
    return this.rules.length - 1;
  }

  /**
   * A top-level declaration with the schema's namespaces it uses declared on it. Declaring them all on the
   * stylesheet would put every one in scope of every instruction, and the compiled form records the
   * in-scope namespaces on each instruction that may need them: that alone was 40% of the structuration
   * minimale's compiled form. A prefix is taken as used when it occurs before a colon anywhere in the
   * declaration (a string literal may add a declaration that is not needed, never miss one).
   */
  private withNamespaces(declaration: string): string {
    const used = [...this.namespaces].filter(([prefix]) =>
      new RegExp(`(?<![\\p{L}\\p{N}_.\\-\\u00B7])${escapeRegExp(prefix)}:(?!:)`, 'u').test(declaration),
    );
    if (used.length === 0) return declaration;
    const declarations = used.map(([prefix, uri]) => ` xmlns:${prefix}="${escapeXml(uri)}"`).join('');
    return declaration.replace(/^<([\w:.-]+)/, `<$1${declarations} exclude-result-prefixes="#all"`);
  }

  /**
   * Rewrites regular expressions that the Java regex engine of the ANS tool accepts but that XPath engines
   * translating to ECMAScript regexes reject: a quantifier applied to the `^` anchor, as in ART-DECOR's
   * `'^-?[1-9]\d*$|^+?\d*$'`. Quantifying an anchor changes nothing when at least one repetition is
   * required (`^+`, `^+?` mean `^`) and removes the anchor when none is (`^?`, `^*`), which is how Java
   * evaluates them. Each rewrite is recorded as a compiler warning.
   */
  private portableRegexes(expression: string, file: string): string {
    return expression.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, (literal) => {
      const rewritten = literal.replace(/(^|[^\\[])\^([+*?]+)/g, (_match, before: string, quantifiers: string) =>
        quantifiers.startsWith('+') ? `${before}^` : before,
      );
      if (rewritten !== literal) this.warnings.push(`${file}: regex ${literal} rewritten as ${rewritten}`);
      return rewritten;
    });
  }

  /** Text of an assertion or diagnostic: literal text, `sch:value-of`, `sch:name`, and the text of `emph`/`dir`/`span`. */
  private messageContent(nodes: readonly SchNode[]): string {
    const parts: string[] = [];
    for (const node of nodes) {
      if (node.kind === 'text') {
        parts.push(`<xsl:text>${escapeXml(node.value)}</xsl:text>`);
      } else if (node.ns === SCHEMATRON_NS && node.name === 'value-of') {
        parts.push(`<xsl:value-of select="${escapeXml(requireAttr(node, 'select'))}"/>`);
      } else if (node.ns === SCHEMATRON_NS && node.name === 'name') {
        const path = node.attrs['path'];
        parts.push(`<xsl:value-of select="${escapeXml(path ? `name(${path})` : 'name()')}"/>`);
      } else {
        parts.push(this.messageContent(node.children));
      }
    }
    return parts.join('');
  }
}

/** The text of message content made of text only (`emph`, `dir`, `span` included), `null` when it has `value-of` or `name`. */
function plainText(nodes: readonly SchNode[]): string | null {
  let text = '';
  for (const node of nodes) {
    if (node.kind === 'text') {
      text += node.value;
    } else if (node.ns === SCHEMATRON_NS && (node.name === 'value-of' || node.name === 'name')) {
      return null;
    } else {
      const inner = plainText(node.children);
      if (inner === null) return null;
      text += inner;
    }
  }
  return text;
}

function patternName(pattern: SchElement, index: number): string {
  const id = pattern.attrs['id'];
  if (id) return id;
  const title = schChildren(pattern, 'title')[0];
  const text = title ? textOf(title).replace(/\s+/g, ' ').trim() : '';
  return text || `pattern[${index + 1}]`;
}

/** The variables a rule declares or reads. */
function sharedNames(rule: SchElement): Set<string> {
  return new Set([...letNames(rule), ...freeVariables(rule)]);
}

function letNames(rule: SchElement): Set<string> {
  return new Set(schChildren(rule, 'let').map((let_) => requireAttr(let_, 'name')));
}

/**
 * Variables an element's XPath expressions read and do not bind themselves. Range variables of
 * `for`/`some`/`every`/`let` expressions and regex back-references (`$1`) are not variables of the rule.
 */
export function freeVariables(element: SchElement): Set<string> {
  const free = new Set<string>();
  const visit = (node: SchElement): void => {
    for (const value of Object.values(node.attrs)) {
      const bound = new Set<string>();
      for (const match of value.matchAll(/\b(?:for|some|every|let)\s+\$([\p{L}_][\p{L}\p{N}_.-]*)/gu)) bound.add(match[1] ?? '');
      for (const match of value.matchAll(/,\s*\$([\p{L}_][\p{L}\p{N}_.-]*)\s+(?:in|:=)/gu)) bound.add(match[1] ?? '');
      for (const match of value.matchAll(/\$([\p{L}_][\p{L}\p{N}_.-]*)/gu)) {
        const name = (match[1] ?? '').replace(/[.-]+$/, '');
        if (!bound.has(name)) free.add(name);
      }
    }
    for (const child of node.children) if (child.kind === 'element' && child.name !== 'extends') visit(child);
  };
  visit(element);
  return free;
}

function requireAttr(element: SchElement, name: string): string {
  const value = element.attrs[name];
  if (value === undefined) {
    throw new CdaValidationError('TLR_ERR_SCHEMATRON_SOURCE', `${element.file}: sch:${element.name} without @${name}`);
  }
  return value;
}

function textOf(element: SchElement): string {
  return element.children.map((child) => (child.kind === 'text' ? child.value : textOf(child))).join('');
}

/** Re-serialises the content of an element-valued `sch:let` (ISO 2016 allows element content). */
function serializeContent(nodes: readonly SchNode[]): string {
  return nodes
    .map((node) => {
      if (node.kind === 'text') return escapeXml(node.value);
      const ns = node.ns ? ` xmlns="${escapeXml(node.ns)}"` : ' xmlns=""';
      const attributes = Object.entries(node.attrs)
        .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
        .join('');
      return `<${node.name}${ns}${attributes}>${serializeContent(node.children)}</${node.name}>`;
    })
    .join('');
}

/**
 * Whether a rule context could match attribute nodes. Only then does the pattern's traversal visit
 * attributes: visiting every attribute of a CDA document in every pattern would double the work for
 * nothing. The test is syntactic (string literals and predicates removed, then an attribute axis looked for
 * in what remains), so it errs on the side of visiting.
 */
export function mayMatchAttributes(context: string): boolean {
  let stripped = context.replace(/'[^']*'|"[^"]*"/g, "''");
  let previous: string;
  do {
    previous = stripped;
    stripped = stripped.replace(/\[[^[\]]*\]/g, '');
  } while (stripped !== previous);
  return /@|attribute::|attribute\(|node\(\)/.test(stripped);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
