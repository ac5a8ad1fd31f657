import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { consoleAssetsDir, packageRoot } from '../../src/gateway/console/index.js';
import { repoRoot } from '../helpers/paths.js';
import { buildFieldDictionary, dictionaryPath, serialiseDictionary } from './field-dictionary-generator.js';

/**
 * The console's browser modules that hold logic without touching the page (Prometheus text, HL7
 * locations and ER7 reading) run in Node as they are shipped; the field dictionary is checked
 * against its source; the assets are found from an installed copy of the package.
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface PrometheusModule {
  parsePrometheus(text: string): { samples: Sample[]; types: Record<string, string>; help: Record<string, string> };
  sumOf(samples: Sample[], name: string, where?: Record<string, string | ((v: string | undefined) => boolean)>): number;
  parseLabels(text: string): Record<string, string>;
}
interface Location {
  segment: string;
  occurrence: number;
  field?: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
}
interface Hl7Module {
  parseEr7(text: string): {
    delimiters: Record<string, string>;
    segments: Array<{
      id: string;
      occurrence: number;
      fields: Array<{ n: number; raw: string; reps: Array<{ comps: Array<{ raw: string; subs: string[] }> }> }>;
    }>;
  };
  parseLocation(loc: unknown): Location | null;
  formatLocation(loc: Location): string;
  describe(
    dict: unknown,
    loc: Location,
    valueType?: string,
  ): { field?: { name: string; type: string }; component?: { name: string }; subcomponent?: { name: string } };
  toTree(parsed: unknown): { segments: Array<{ segment: string; occurrence: number; fields: Record<string, unknown[]> }> };
  encodeMessage(text: string): Uint8Array;
}

const jsDir = join(repoRoot, 'assets', 'console', 'js');
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(join(jsDir, file)).href)) as T;

describe('console Prometheus reader', () => {
  it('reads samples with labels, escaped label values, special values and timestamps, and sums them by label', async () => {
    const { parsePrometheus, sumOf, parseLabels } = await load<PrometheusModule>('prometheus.js');
    const text = [
      '# HELP cisis_tlr_messages_in_total Messages received over MLLP, by message type and acknowledgement code',
      '# TYPE cisis_tlr_messages_in_total counter',
      'cisis_tlr_messages_in_total{type="ORM^O01",outcome="AA",role="platform"} 6',
      'cisis_tlr_messages_in_total{type="ORM^O01",outcome="AE",role="platform"} 1',
      'cisis_tlr_messages_in_total{type="OMI^O23",outcome="AA",role="platform"} 2 1732800000000',
      'cisis_tlr_outbox_depth{partner="ris",role="platform"} 3',
      'cisis_tlr_delivery_latency_seconds_bucket{le="+Inf",type="ORU^R01"} +Inf',
      'odd_metric{note="a \\"quoted\\", comma\\\\ and\\nnewline"} NaN',
      'not a sample line',
    ].join('\n');
    const { samples, types, help } = parsePrometheus(text);
    assert.equal(samples.length, 6);
    assert.equal(types['cisis_tlr_messages_in_total'], 'counter');
    assert.match(help['cisis_tlr_messages_in_total'] ?? '', /by message type/);
    assert.equal(sumOf(samples, 'cisis_tlr_messages_in_total'), 9);
    assert.equal(sumOf(samples, 'cisis_tlr_messages_in_total', { outcome: (o) => o !== 'AA' }), 1);
    assert.equal(sumOf(samples, 'cisis_tlr_messages_in_total', { type: 'ORM^O01' }), 7);
    assert.equal(sumOf(samples, 'cisis_tlr_outbox_depth'), 3);
    assert.equal(samples.find((s) => s.name.endsWith('_bucket'))!.value, Infinity);
    assert.ok(Number.isNaN(samples.find((s) => s.name === 'odd_metric')!.value));
    assert.deepEqual(parseLabels('note="a \\"quoted\\", comma\\\\ and\\nnewline",x="1"'), {
      note: 'a "quoted", comma\\ and\nnewline',
      x: '1',
    });
  });
});

describe('console HL7 reader', () => {
  it('reads and writes locations as the validator reports them, from strings and from ERR-2 objects', async () => {
    const { parseLocation, formatLocation } = await load<Hl7Module>('hl7.js');
    assert.deepEqual(parseLocation('OBX[3]-5.5'), {
      segment: 'OBX',
      occurrence: 3,
      field: 5,
      repetition: undefined,
      component: 5,
      subcomponent: undefined,
    });
    assert.deepEqual(parseLocation('PID-3[2].4.2'), {
      segment: 'PID',
      occurrence: 1,
      field: 3,
      repetition: 2,
      component: 4,
      subcomponent: 2,
    });
    assert.equal(parseLocation('not a path'), null);
    assert.equal(parseLocation(''), null);
    for (const path of ['MSH', 'MSH-12', 'OBX[3]-5.5', 'PID-3[2].4.2', 'ORC-2.3']) assert.equal(formatLocation(parseLocation(path)!), path);
    assert.equal(formatLocation(parseLocation({ segment: 'PID', occurrence: 1, field: 3 })!), 'PID-3');
  });

  it('splits segments, repetitions, components and sub-components with the delimiters of MSH, keeping MSH-1 and MSH-2 whole', async () => {
    const { parseEr7, toTree } = await load<Hl7Module>('hl7.js');
    const text = 'MSH#$*!@#APP#FAC\rPID###123$$$CHU@1.2.3@ISO$PI*456$$$X@9@ISO$PI##DOE$JOHN\nOBX#1\r\n';
    const parsed = parseEr7(text);
    assert.deepEqual(parsed.delimiters, { field: '#', component: '$', repetition: '*', escape: '!', subcomponent: '@' });
    assert.deepEqual(
      parsed.segments.map((s) => s.id),
      ['MSH', 'PID', 'OBX'],
    );
    const msh = parsed.segments[0]!;
    assert.equal(msh.fields[0]!.raw, '#');
    assert.equal(msh.fields[1]!.raw, '$*!@');
    assert.equal(msh.fields[2]!.raw, 'APP');
    const pid3 = parsed.segments[1]!.fields.find((f) => f.n === 3)!;
    assert.equal(pid3.reps.length, 2);
    assert.deepEqual(pid3.reps[1]!.comps[3]!.subs, ['X', '9', 'ISO']);
    const tree = toTree(parsed);
    assert.deepEqual(tree.segments[1]!.fields['5'], [{ 1: 'DOE', 2: 'JOHN' }]);
    assert.deepEqual(tree.segments[0]!.fields['2'], ['$*!@']);
  });

  it('writes a downloaded message with CR separators in the charset its MSH-18 names', async () => {
    const { encodeMessage } = await load<Hl7Module>('hl7.js');
    const latin9 = 'MSH|^~\\&|A|B|C|D|20260106||ORM^O01^ORM_O01|1|P|2.5.1|||||FRA|8859/15\nNTE|||Hémorragie 5 € Œdème';
    assert.deepEqual(
      Buffer.from(encodeMessage(latin9)),
      Buffer.concat([
        Buffer.from(`${latin9.split('\n')[0]!}\rNTE|||H`, 'latin1'),
        Buffer.from([0xe9]),
        Buffer.from('morragie 5 ', 'latin1'),
        Buffer.from([0xa4]),
        Buffer.from(' ', 'latin1'),
        Buffer.from([0xbc]),
        Buffer.from('dème', 'latin1'),
      ]),
    );
    const utf8 = 'MSH|^~\\&|A|B|C|D|20260106||ORM^O01^ORM_O01|1|P|2.5.1|||||FRA|UNICODE UTF-8\r\nNTE|||Œdème';
    assert.equal(Buffer.from(encodeMessage(utf8)).toString('utf8'), utf8.replace('\r\n', '\r'));
  });

  it('names fields and components from the shipped dictionary, OBX-5 with the type OBX-2 gives', async () => {
    const { describe: name } = await load<Hl7Module>('hl7.js');
    const dict = JSON.parse(readFileSync(dictionaryPath, 'utf8')) as unknown;
    const pid = name(dict, { segment: 'PID', occurrence: 1, field: 3, component: 4, subcomponent: 2 });
    assert.equal(pid.field?.name, 'Patient Identifier List');
    assert.equal(pid.component?.name, 'Assigning Authority');
    assert.equal(pid.subcomponent?.name, 'Universal ID');
    const obx = name(dict, { segment: 'OBX', occurrence: 2, field: 5, component: 3 }, 'CE');
    assert.equal(obx.field?.type, 'CE');
    assert.equal(obx.component?.name, 'Name of Coding System');
    assert.equal(name(dict, { segment: 'IPC', occurrence: 1, field: 3 }).field?.name, 'Study Instance UID');
    assert.equal(name(dict, { segment: 'ERR', occurrence: 1, field: 2 }).field?.type, 'ERL');
  });
});

describe('console texts', () => {
  it('has every French label in English and the reverse, with the same placeholders', async () => {
    const { STRINGS } = await load<{ STRINGS: Record<'fr' | 'en', Record<string, string>> }>('strings.js');
    assert.deepEqual(Object.keys(STRINGS.en).sort(), Object.keys(STRINGS.fr).sort());
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, fr] of Object.entries(STRINGS.fr)) assert.deepEqual(placeholders(STRINGS.en[key]!), placeholders(fr), key);
  });
});

describe('console field dictionary', () => {
  it('is the HL7 v2.5.1 dictionary of hl7v2-dictionary for the volet segments, as its generator writes it', async () => {
    const shipped = readFileSync(dictionaryPath, 'utf8');
    assert.equal(
      shipped,
      serialiseDictionary(await buildFieldDictionary()),
      'regenerate with: node dist/test/console/field-dictionary-generator.js --write',
    );
    const dict = JSON.parse(shipped) as { segments: Record<string, unknown>; source: { hl7Version: string; licence: string } };
    assert.deepEqual(Object.keys(dict.segments).sort(), [
      'ERR',
      'EVN',
      'IPC',
      'MSA',
      'MSH',
      'NTE',
      'OBR',
      'OBX',
      'ORC',
      'PID',
      'PV1',
      'TQ1',
      'TXA',
    ]);
    assert.equal(dict.source.hl7Version, '2.5.1');
    assert.equal(dict.source.licence, 'MIT');
  });
});

describe('console assets location', () => {
  it('finds assets/console from the compiled tree of the checkout', () => {
    assert.equal(packageRoot(), repoRoot);
    assert.equal(consoleAssetsDir(), join(repoRoot, 'assets', 'console'));
    assert.ok(readFileSync(join(consoleAssetsDir(), 'index.html'), 'utf8').includes('js/app.js'));
  });

  it('finds assets/console from an installed package under node_modules', async () => {
    const app = mkdtempSync(join(tmpdir(), 'cisis-tlr-installed-'));
    try {
      const pkg = join(app, 'node_modules', 'cisis-tlr');
      const compiled = join(pkg, 'dist', 'src', 'gateway', 'console');
      mkdirSync(compiled, { recursive: true });
      mkdirSync(join(pkg, 'assets', 'console'), { recursive: true });
      writeFileSync(join(app, 'package.json'), '{"name":"hospital-app","type":"module"}');
      writeFileSync(join(pkg, 'package.json'), '{"name":"cisis-tlr","type":"module"}');
      writeFileSync(join(pkg, 'assets', 'console', 'index.html'), '<!doctype html>');
      cpSync(join(repoRoot, 'dist', 'src', 'gateway', 'console', 'assets-dir.js'), join(compiled, 'assets-dir.js'));
      const installed = (await import(pathToFileURL(join(compiled, 'assets-dir.js')).href)) as { consoleAssetsDir(): string };
      assert.equal(installed.consoleAssetsDir(), join(pkg, 'assets', 'console'), 'the package root, not the application that installed it');
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
