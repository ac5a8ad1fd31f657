import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileSchematronFile, loadSchematron, SchematronValidator, severityOf } from '../../src/documents/validation/index.js';
import type { SchematronFinding } from '../../src/documents/validation/index.js';
import { freeVariables, mayMatchAttributes } from '../../src/documents/validation/schematron/schematron-compiler.js';
import { contextPaths, planContextPaths } from '../../src/documents/validation/schematron/context-paths.js';

/** Repository root: this file runs as dist/test/documents/schematron-compiler.test.js. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixtures = path.join(repoRoot, 'test', 'documents', 'fixtures', 'schematron');
const featuresSch = path.join(fixtures, 'features.sch');

/** The sample document of the fixtures. */
function orders(): string {
  return readFileSync(path.join(fixtures, 'orders.xml'), 'utf8');
}

function only(findings: readonly SchematronFinding[], rule: string): SchematronFinding[] {
  return findings.filter((finding) => finding.rule === rule);
}

describe('Schematron compiler on hand-written schematrons', () => {
  let cacheDir: string;
  let orders: string;
  let mainPhase: SchematronFinding[];

  before(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-sch-'));
    orders = await readFile(path.join(fixtures, 'orders.xml'), 'utf8');
    const validator = await SchematronValidator.load(featuresSch, { cacheDir });
    mainPhase = validator.validate(orders);
  });

  after(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('runs the default phase only: patterns outside it do not fire', () => {
    assert.equal(only(mainPhase, 'ALL-1').length, 0);
  });

  it('reports a failed assert with value-of in the message, its id, pattern and the XPath of the node', () => {
    const [finding] = only(mainPhase, 'ORD-1');
    assert.ok(finding);
    assert.equal(finding.kind, 'failed-assert');
    assert.equal(finding.severity, 'error');
    assert.equal(finding.pattern, 'orders');
    assert.equal(finding.location, '/orders/order[2]');
    assert.equal(finding.message, 'Order o2 has status "bogus", which is not allowed.');
    assert.equal(finding.test, '@status = $allowedStatus');
  });

  it('reports a successful report with sch:name and a schema-level and a rule-level let in the message', () => {
    const findings = only(mainPhase, 'ORD-2');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.kind, 'successful-report');
    assert.equal(findings[0]?.severity, 'warning');
    assert.equal(findings[0]?.message, 'Element order holds 2 items (more than 1).');
  });

  it('maps @flag when there is no @role, and evaluates the diagnostics the assertion references', () => {
    const [finding] = only(mainPhase, 'ORD-3');
    assert.equal(finding?.severity, 'info');
    assert.deepEqual(finding?.diagnostics, ['Its status is new.']);
  });

  it('takes the severity from the ANS message convention when there is neither role nor flag', () => {
    const [finding] = only(mainPhase, 'ORD-4');
    assert.equal(finding?.severity, 'warning');
    assert.match(finding?.message ?? '', /^\[orders\] Attention : order o1/);
  });

  it('inherits assertions of an included abstract rule through sch:extends, honouring @subject', () => {
    const findings = only(mainPhase, 'ID-1');
    assert.equal(findings.length, 1, 'only the third order has no id');
    assert.equal(findings[0]?.location, '/orders', 'the subject is the parent element');
    assert.equal(findings[0]?.message, 'every order needs an id (reported on the parent orders)');
  });

  it('inlines an abstract rule that reads a variable of the extending rule', () => {
    const findings = only(mainPhase, 'CNT-1');
    assert.deepEqual(
      findings.map((finding) => finding.location),
      ['/orders/order[3]'],
    );
  });

  it('instantiates an abstract pattern with its parameters and reads the value set with document() relative to the main schema', () => {
    const findings = only(mainPhase, 'VS-1');
    assert.deepEqual(
      findings.map((finding) => finding.location),
      ['/orders/order[1]/item[2]'],
    );
    assert.equal(findings[0]?.pattern, 'itemCodes');
    assert.equal(findings[0]?.message, 'The item code "Z" is not in the order code list (valuesets/codes.xml).');
  });

  it('fires only the first matching rule of a pattern for a node', () => {
    assert.deepEqual(
      only(mainPhase, 'FM-1').map((finding) => finding.location),
      ['/orders/order[1]/item[1]'],
    );
    assert.deepEqual(
      only(mainPhase, 'FM-2').map((finding) => finding.location),
      ['/orders/order[1]/item[2]', '/orders/order[2]/item[1]'],
    );
  });

  it('visits attributes when a rule context matches attributes', () => {
    const findings = only(mainPhase, 'ATT-1');
    assert.deepEqual(
      findings.map((finding) => finding.location),
      ['/orders/order[1]/item[2]/@qty'],
    );
  });

  it('turns a dynamic error of one test into an evaluation-error warning and keeps running the others', () => {
    const [finding] = only(mainPhase, 'ROB-1');
    assert.equal(finding?.kind, 'evaluation-error');
    assert.equal(finding?.severity, 'warning');
    assert.match(finding?.message ?? '', /FORG0001/);
    assert.equal(only(mainPhase, 'ROB-2').length, 0, 'the rewritten ^+ regex evaluates and matches "1"');
  });

  it('compiles phase #ALL and a named phase on request', async () => {
    const all = (await SchematronValidator.load(featuresSch, { cacheDir, phase: '#ALL' })).validate(orders);
    assert.deepEqual(
      only(all, 'ALL-1').map((finding) => finding.location),
      ['/'],
    );
    const ordersOnly = await SchematronValidator.load(featuresSch, { cacheDir, phase: 'onlyOrders' });
    assert.deepEqual(ordersOnly.manifest.patterns, ['orders']);
    assert.deepEqual([...new Set(ordersOnly.validate(orders).map((finding) => finding.pattern))], ['orders']);
  });

  it('reuses the compiled stylesheet from the cache, and recompiles when an included file changes', async () => {
    const copy = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-sch-src-'));
    try {
      await cp(fixtures, copy, { recursive: true });
      const schematron = path.join(copy, 'features.sch');
      // The cache is keyed by content (checkouts share it): make this copy's content new to the cache.
      await writeFile(schematron, `${await readFile(schematron, 'utf8')}\n<!-- copy ${path.basename(copy)} -->\n`);
      const first = await SchematronValidator.load(schematron, { cacheDir, phase: 'onlyOrders' });
      assert.equal(first.fromCache, false);
      const second = await SchematronValidator.load(schematron, { cacheDir, phase: 'onlyOrders' });
      assert.equal(second.fromCache, true);
      const included = path.join(copy, 'parts', 'abstract-rules.sch');
      await writeFile(included, (await readFile(included, 'utf8')).replace('every order needs an id', 'an order needs an id'));
      const third = await SchematronValidator.load(schematron, { cacheDir, phase: 'onlyOrders' });
      assert.equal(third.fromCache, false);
      assert.match(only(third.validate(orders), 'ID-1')[0]?.message ?? '', /^an order needs an id/);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

describe('Schematron rules with absolute contexts, evaluated from the root', () => {
  const absoluteSch = path.join(fixtures, 'absolute-paths.sch');
  let cacheDir: string;
  let findings: SchematronFinding[];

  before(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-sch-paths-'));
    findings = (await SchematronValidator.load(absoluteSch, { cacheDir })).validate(orders());
  });

  after(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('compiles a pattern of absolute element paths as expressions, not as template match patterns', async () => {
    const { xslt } = await compileSchematronFile(absoluteSch);
    assert.match(xslt, /<xsl:sequence xmlns:o="urn:example:orders" exclude-result-prefixes="#all">\n<xsl:variable name="tlrsch:p0" /);
    assert.doesNotMatch(xslt, /mode="tlrsch:/);
    // The prefix shared by several rules is evaluated once, into a variable.
    assert.match(xslt, /<xsl:variable name="tlrsch:x\d+" select="\/o:orders"\/>/);
  });

  it('fires the first matching rule of a pattern only, and reports in document order of the nodes', () => {
    assert.deepEqual(
      findings.filter((finding) => finding.pattern === 'paths').map((finding) => [finding.rule, finding.location]),
      [
        ['AP-7', '/'],
        ['AP-4', '/orders/order[1]'],
        ['AP-1', '/orders/order[1]/item[1]'],
        ['AP-2', '/orders/order[1]/item[2]'],
        ['AP-4', '/orders/order[2]'],
        ['AP-4', '/orders/order[2]/item[1]'],
        ['AP-3', '/orders/order[3]'],
        ['AP-4', '/orders/order[3]'],
      ],
    );
    assert.equal(only(findings, 'AP-2')[0]?.message, 'item Z has quantity "x"');
    assert.equal(only(findings, 'AP-4')[2]?.message, 'third rule for item');
  });

  it('keeps subjects, diagnostics and evaluation errors', () => {
    const [subject] = only(findings, 'AP-8');
    assert.equal(subject?.location, '/orders/order[1]');
    assert.equal(subject?.message, 'quantity is not a number');
    assert.deepEqual(subject?.diagnostics, ['a plain diagnostic', 'item Z']);
    const [error] = only(findings, 'AP-9');
    assert.equal(error?.kind, 'evaluation-error');
    assert.equal(error?.location, '/orders/order[1]/item[2]');
  });

  it('finds what the same rules find as template match patterns', async () => {
    // An attribute alternative (of an attribute that orders.xml does not have) keeps the template compilation.
    const copy = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-sch-relative-'));
    try {
      const relativeSch = path.join(copy, 'relative-paths.sch');
      const source = await readFile(absoluteSch, 'utf8');
      await writeFile(relativeSch, source.replace(/context="/g, 'context="@absent | '));
      const { xslt } = await compileSchematronFile(relativeSch);
      assert.match(xslt, /mode="tlrsch:p0"/);
      assert.match(xslt, /mode="tlrsch:p1"/);
      const relative = (await SchematronValidator.load(relativeSch, { cacheDir })).validate(orders());
      const comparable = (list: readonly SchematronFinding[]): unknown[] =>
        list.map(({ rule, kind, severity, location, message, diagnostics }) => [rule, kind, severity, location, message, diagnostics]);
      assert.deepEqual(comparable(relative), comparable(findings));
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

describe('Schematron compiled forms across kits', () => {
  /** A private copy of the fixtures, with content new to any cache (the cache is keyed by content). */
  async function copyOfFixtures(prefix: string, tag: string): Promise<string> {
    const copy = await mkdtemp(path.join(os.tmpdir(), prefix));
    await cp(fixtures, copy, { recursive: true });
    const schematron = path.join(copy, 'features.sch');
    await writeFile(schematron, `${await readFile(schematron, 'utf8')}\n<!-- ${tag} -->\n`);
    return copy;
  }

  it('compiles relocatable forms: an entry compiled in one folder serves a copy of the kit elsewhere, reading its value sets', async () => {
    const tag = `relocation ${process.pid} ${Date.now()}`;
    const first = await copyOfFixtures('cisis-tlr-sch-a-', tag);
    const second = await copyOfFixtures('cisis-tlr-sch-b-', tag);
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-sch-cache-'));
    try {
      const compiled = await SchematronValidator.load(path.join(first, 'features.sch'), { cacheDir });
      assert.equal(compiled.fromCache, false);
      const before = compiled.validate(orders());
      for (const entry of await readdir(cacheDir)) {
        if (entry.endsWith('.xsl')) continue;
        const text = await readFile(path.join(cacheDir, entry), 'utf8');
        assert.ok(!text.includes(first), `${entry} names the compiling folder`);
        assert.ok(!text.includes(cacheDir), `${entry} names the cache folder`);
      }
      await rm(first, { recursive: true, force: true });
      // The second copy's value set no longer lists code B: the rule must read this copy's file.
      const codes = path.join(second, 'valuesets', 'codes.xml');
      await writeFile(codes, (await readFile(codes, 'utf8')).replace(/<code value="B"\/>/, ''));
      const relocated = await SchematronValidator.load(path.join(second, 'features.sch'), { cacheDir });
      assert.equal(relocated.fromCache, true);
      const after = relocated.validate(orders());
      assert.ok(after.every((finding) => finding.sourceFile.startsWith(second)));
      assert.ok(only(after, 'VS-1').length > only(before, 'VS-1').length, 'the value set of the second copy was read');
    } finally {
      await rm(first, { recursive: true, force: true });
      await rm(second, { recursive: true, force: true });
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('resolves an include whose letter case differs from the file, with a warning', async () => {
    const copy = await copyOfFixtures('cisis-tlr-sch-case-', `case ${process.pid} ${Date.now()}`);
    try {
      await rename(path.join(copy, 'parts'), path.join(copy, 'Parts'));
      await rename(path.join(copy, 'Parts', 'abstract-rules.sch'), path.join(copy, 'Parts', 'Abstract-Rules.sch'));
      const loaded = await loadSchematron(path.join(copy, 'features.sch'));
      assert.ok(loaded.files.some((file) => file.path === path.join(copy, 'Parts', 'Abstract-Rules.sch')));
      assert.ok(
        loaded.warnings.some((warning) =>
          /abstract-rules\.sch .*resolved as .*Parts\/Abstract-Rules\.sch \(letter case differs\)/.test(warning),
        ),
        loaded.warnings.join('\n'),
      );
      const compiled = await compileSchematronFile(path.join(copy, 'features.sch'));
      assert.ok(compiled.warnings.some((warning) => /letter case differs/.test(warning)));
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('marks the assertions reading a value-set file missing from the kit as not evaluable, naming the file', async () => {
    const copy = await copyOfFixtures('cisis-tlr-sch-novs-', `missing value set ${process.pid} ${Date.now()}`);
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-sch-cache-'));
    try {
      await rm(path.join(copy, 'valuesets', 'codes.xml'));
      const findings = (await SchematronValidator.load(path.join(copy, 'features.sch'), { cacheDir })).validate(orders());
      const notEvaluable = findings.filter((finding) => finding.kind === 'not-evaluable');
      assert.ok(notEvaluable.length > 0);
      assert.ok(
        notEvaluable.every(
          (finding) => finding.missingDocument === path.join(copy, 'valuesets', 'codes.xml') && finding.severity === 'info',
        ),
      );
      assert.match(notEvaluable[0]?.message ?? '', /not evaluable: codes\.xml is missing from the validation kit/);
      assert.equal(findings.filter((finding) => finding.kind === 'evaluation-error' && /codes\.xml/.test(finding.message)).length, 0);
    } finally {
      await rm(copy, { recursive: true, force: true });
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('Schematron compiler internals', () => {
  it('records every included file with its digest, the main schema first', async () => {
    const loaded = await loadSchematron(featuresSch);
    assert.deepEqual(
      loaded.files.map((file) => path.relative(fixtures, file.path)),
      [
        'features.sch',
        path.join('parts', 'abstract-patterns.sch'),
        path.join('parts', 'abstract-rules.sch'),
        path.join('parts', 'abstract-rule-inlined.sch'),
      ],
    );
    assert.ok(loaded.files.every((file) => /^[0-9a-f]{64}$/.test(file.sha256)));
  });

  it('substitutes abstract-pattern parameters longest name first ($listLabel is not $list + "Label")', async () => {
    const compiled = await compileSchematronFile(featuresSch);
    assert.match(compiled.xslt, /<xsl:value-of select="'the order code list'"\/>/);
    assert.match(compiled.xslt, /document\(\$codeList\)/);
  });

  it('declares pattern-level lets of every pattern as global variables', async () => {
    const compiled = await compileSchematronFile(featuresSch);
    assert.match(compiled.xslt, /<xsl:variable name="codeList" select="'valuesets\/codes.xml'"\/>/);
    assert.match(compiled.xslt, /<xsl:variable name="allowedStatus" select="\('new', 'shipped'\)"\/>/);
  });

  it('rejects an unknown phase', async () => {
    await assert.rejects(compileSchematronFile(featuresSch, { phase: 'nope' }), { code: 'TLR_ERR_SCHEMATRON_UNSUPPORTED' });
  });

  it('reports a missing include as a source error naming the including file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-sch-bad-'));
    try {
      const file = path.join(dir, 'bad.sch');
      await writeFile(file, '<schema xmlns="http://purl.oclc.org/dsdl/schematron"><include href="missing.sch"/></schema>');
      await assert.rejects(loadSchematron(file), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'TLR_ERR_SCHEMATRON_SOURCE');
        assert.match(error.message, /missing\.sch \(included from .*bad\.sch\)/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('plans rule contexts as paths from the root: shared prefixes, and set differences with the earlier rules that can overlap', () => {
    const namespaces = new Map([['o', 'urn:example:orders']]);
    const paths = (context: string) => contextPaths(context, namespaces);
    assert.equal(paths('o:order[current()/@id]'), null);
    assert.equal(paths('@status'), null);
    assert.equal(paths('*:order'), null);
    assert.deepEqual(paths('o:order/o:item')?.[0]?.steps, [
      { separator: '', step: "(key('tlrsch:element', '{urn:example:orders}item', root(.)))/../.." },
      { separator: '/', step: 'o:order' },
      { separator: '/', step: 'o:item' },
    ]);
    assert.equal(
      paths('o:orders//o:item')?.[0]?.steps[0]?.step,
      "(key('tlrsch:element', '{urn:example:orders}item', root(.)))/ancestor::node()",
    );
    const contexts = ['/o:orders/o:order[1]/o:item', '/o:orders/o:order/o:note', '/o:orders/o:order/o:item', '/o:orders/o:order/*', '/'];
    const plan = planContextPaths(
      contexts.map((context) => paths(context) ?? []),
      'p:',
    );
    assert.deepEqual(plan.variables, [
      ['p:x0', '/o:orders'],
      ['p:x1', '$p:x0/o:order'],
      ['p:s0', '$p:x0/o:order[1]/o:item'],
      ['p:s1', '$p:x1/o:note'],
      ['p:s2', '($p:x1/o:item) except ($p:s0)'],
    ]);
    // The last two are excepted by no later rule: selected where they are used, without a variable.
    assert.deepEqual(plan.ruleNodes, ['$p:s0', '$p:s1', '$p:s2', '($p:x1/*) except ($p:s0 | $p:s1 | $p:s2)', '/']);
    // Same last name under different parents cannot select a same node: no set difference.
    const disjoint = planContextPaths(
      ['/o:orders/o:order/o:id', '/o:orders/o:customer/o:id', '/o:orders/*/o:id', 'o:batch/o:id'].map((context) => paths(context) ?? []),
      'p:',
    );
    assert.deepEqual(disjoint.ruleNodes.slice(1), [
      '$p:s1',
      '$p:s2',
      "((key('tlrsch:element', '{urn:example:orders}id', root(.)))/../../o:batch/o:id) except ($p:s2)",
    ]);
  });

  it('decides from the rule context whether attributes must be visited', () => {
    assert.equal(mayMatchAttributes('o:item/@qty'), true);
    assert.equal(mayMatchAttributes('cda:code[@code = "x"]'), false);
    assert.equal(mayMatchAttributes("*[cda:templateId/@root='1.2.3']"), false);
    assert.equal(mayMatchAttributes('attribute::code'), true);
  });

  it('finds the free variables of a rule, ignoring range variables and regex groups', async () => {
    const loaded = await loadSchematron(path.join(fixtures, 'parts', 'abstract-rule-inlined.sch'));
    assert.deepEqual([...freeVariables(loaded.root)], ['count']);
    const quantified = {
      ...loaded.root,
      attrs: {},
      children: [{ ...loaded.root, attrs: { test: "every $e in * satisfies $e/@a and replace(@b, '(x)', '$1') = $outer" }, children: [] }],
    };
    assert.deepEqual([...freeVariables(quantified)], ['outer']);
  });

  it('maps role, then flag, then the ANS message prefix to a severity', () => {
    assert.equal(severityOf('error', null, ''), 'error');
    assert.equal(severityOf('WARNING', null, ''), 'warning');
    assert.equal(severityOf(null, 'info', ''), 'info');
    assert.equal(severityOf('fatal', 'info', ''), 'error');
    assert.equal(severityOf(null, null, '[CI-SIS_IMG-CR-IMG] Erreur de conformité : ...'), 'error');
    assert.equal(severityOf(null, null, '[S_x.sch] Attention : section absente'), 'warning');
    assert.equal(severityOf(null, null, 'Information : rien'), 'info');
    assert.equal(severityOf(null, null, 'Le code doit respecter la liste (information manquante)'), 'error');
  });
});
