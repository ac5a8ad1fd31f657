/**
 * The monitoring recipes in deploy/: the Prometheus alerting rules and the Grafana dashboard query only
 * metrics the gateway exports, and the rules pass `promtool check rules` (skipped, with the reason,
 * when promtool is absent: Debian's `prometheus` package provides it).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ALERT_NAMES } from '../../src/gateway/alerts.js';
import { GatewayMetrics } from '../../src/gateway/metrics.js';
import { repoRoot } from '../helpers/paths.js';

const exec = promisify(execFile);
const RULES = join(repoRoot, 'deploy', 'prometheus', 'alerts.yml');
const DASHBOARD = join(repoRoot, 'deploy', 'grafana', 'cisis-tlr.json');
const promtool = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((d) => join(d, 'promtool'))
  .find((p) => existsSync(p));

/** Every name the gateway's registry exports, histogram series included. */
async function exportedNames(): Promise<Set<string>> {
  const metrics = new GatewayMetrics('ris');
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${m.name}${suffix}`);
  }
  return names;
}

const metricNamesIn = (expr: string): string[] => [...expr.matchAll(/\bcisis_tlr_[a-z0-9_]+/g)].map((m) => m[0]);

interface RuleFile {
  groups: { name: string; rules: { alert?: string; expr: string }[] }[];
}

describe('monitoring recipes (deploy/prometheus, deploy/grafana)', () => {
  it('the alerting rules query only metrics the gateway exports', async () => {
    const rules = parseYaml(await readFile(RULES, 'utf8')) as RuleFile;
    const exported = await exportedNames();
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    assert.ok(exprs.length >= 5);
    const used = exprs.flatMap(metricNamesIn);
    assert.ok(used.includes('cisis_tlr_alert_active'));
    for (const name of used) assert.ok(exported.has(name), `deploy/prometheus/alerts.yml uses ${name}, which the gateway does not export`);
  });

  it('the Grafana dashboard is valid JSON whose panels query only exported metrics, the alerts among them', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { query: string }[] };
    };
    const exported = await exportedNames();
    const exprs = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query)];
    const used = new Set(exprs.flatMap(metricNamesIn));
    for (const name of used) assert.ok(exported.has(name), `deploy/grafana/cisis-tlr.json uses ${name}, which the gateway does not export`);
    for (const name of ['cisis_tlr_alert_active', 'cisis_tlr_outbox_depth', 'cisis_tlr_partner_connected']) assert.ok(used.has(name), name);
    assert.ok(dashboard.panels.every((p) => p.targets.length > 0 && p.title !== ''));
  });

  it('the metrics the gateway exports include one alert gauge per alert name', async () => {
    const metrics = new GatewayMetrics('ris');
    for (const name of ALERT_NAMES) metrics.alertActive.set({ alert: name }, 0);
    const text = await metrics.registry.metrics();
    for (const name of ALERT_NAMES) assert.match(text, new RegExp(`cisis_tlr_alert_active\\{alert="${name}",role="ris"\\} 0`));
  });

  it('promtool accepts the alerting rules', {
    skip: promtool ? false : 'promtool is not installed (apt-get install prometheus)',
  }, async () => {
    const { stdout } = await exec(promtool!, ['check', 'rules', RULES]);
    assert.match(stdout, /SUCCESS: \d+ rules found/);
  });
});
