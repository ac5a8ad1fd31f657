import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GatewayConfigError } from '../../src/gateway/errors.js';
import { CONFIG_SCHEMA, ENVIRONMENT_OVERRIDES, loadConfig } from '../../src/gateway/config.js';
import { serveOverrides } from '../../src/cli/commands/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'tlr-config-'));

describe('gateway configuration', () => {
  it('runs on loopback with SQLite in ./cisis-tlr-data when nothing is configured', async () => {
    const c = await loadConfig({ env: {} });
    assert.equal(c.role, 'ris');
    assert.equal(c.mllp.host, '127.0.0.1');
    assert.equal(c.api.host, '127.0.0.1');
    assert.match(c.storage.url, /^sqlite:.*cisis-tlr-data\/cisis-tlr-ris\.db$/);
    assert.equal(c.partner.port, 2576, 'the RIS sends to the platform default port');
  });

  it('mirrors ports and identities for the platform role', async () => {
    const c = await loadConfig({ env: {}, defaultRole: 'platform' });
    assert.equal(c.mllp.port, 2576);
    assert.equal(c.partner.port, 2575);
    assert.equal(c.identity.facility, 'PLATEFORME_TLR');
  });

  it('layers defaults ← YAML file ← environment ← flags', async () => {
    const file = join(dir, 'ris.yaml');
    writeFileSync(file, 'role: ris\napi: { port: 9000, keys: ["file-key-0123456789"] }\npartner: { host: tlr.example.org, port: 3000 }\n');
    const c = await loadConfig({
      file,
      env: { CISIS_TLR_API_PORT: '9100', CISIS_TLR_API_KEYS: 'env-key-0123456789ab, second-key-0123456789' },
      overrides: serveOverrides({ partner: 'flag.example.org:4000' }),
    });
    assert.equal(c.api.port, 9100, 'environment beats the file');
    assert.deepEqual(c.api.keys, ['env-key-0123456789ab', 'second-key-0123456789']);
    assert.equal(c.partner.host, 'flag.example.org', 'flags beat everything');
    assert.equal(c.partner.port, 4000);
  });

  it('reads JSON files too', async () => {
    const file = join(dir, 'platform.json');
    writeFileSync(file, JSON.stringify({ role: 'platform', storage: { url: 'postgres://u@h/db?schema=p' } }));
    const c = await loadConfig({ file, env: {} });
    assert.equal(c.role, 'platform');
    assert.equal(c.storage.url, 'postgres://u@h/db?schema=p');
  });

  it('lists every problem of an invalid configuration in one error', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'role: radiology\nbogus: 1\napi: { port: 70000 }\nwebhooks: [{ url: "ftp://x", secret: short }]\n');
    await assert.rejects(loadConfig({ file, env: {} }), (e: unknown) => {
      assert.ok(e instanceof GatewayConfigError);
      const text = e.problems.join('\n');
      assert.match(text, /"bogus"/);
      assert.match(text, /role: .*ris, platform/);
      assert.match(text, /api\.port/);
      assert.match(text, /webhooks\.0\.url/);
      assert.match(text, /webhooks\.0\.secret/);
      return true;
    });
  });

  it('reports a non-numeric environment value by name', async () => {
    await assert.rejects(loadConfig({ env: { CISIS_TLR_MLLP_PORT: 'twenty' } }), /CISIS_TLR_MLLP_PORT=twenty is not an integer/);
  });

  it('reports unreadable and malformed files clearly', async () => {
    await assert.rejects(loadConfig({ file: join(dir, 'missing.yaml'), env: {} }), /Cannot read configuration file .*ENOENT/);
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'role: [ris\n');
    await assert.rejects(loadConfig({ file, env: {} }), /is not valid YAML/);
  });

  it('takes the webhooks from JSON in the environment, validated like the file', async () => {
    const c = await loadConfig({ env: { CISIS_TLR_WEBHOOKS: '[{"url":"http://127.0.0.1:9000/h","secret":"0123456789abcdef0123"}]' } });
    assert.deepEqual(c.webhooks, [{ url: 'http://127.0.0.1:9000/h', secret: '0123456789abcdef0123', events: ['*'] }]);
    await assert.rejects(loadConfig({ env: { CISIS_TLR_WEBHOOKS: '[{' } }), /CISIS_TLR_WEBHOOKS is not valid JSON/);
    await assert.rejects(loadConfig({ env: { CISIS_TLR_WEBHOOKS: '[{"url":"x"}]' } }), /webhooks\.0/);
  });

  it('refuses a --partner flag that is not HOST:PORT', () => {
    assert.throws(() => serveOverrides({ partner: 'nohostport' }), GatewayConfigError);
  });

  it('maps every environment variable onto a key of the schema', () => {
    for (const o of ENVIRONMENT_OVERRIDES) {
      let node: { properties?: Record<string, unknown> } = CONFIG_SCHEMA as unknown as { properties: Record<string, unknown> };
      for (const k of o.path.split('.')) {
        assert.ok(node.properties && k in node.properties, `${o.name} → ${o.path}: "${k}" not in the schema`);
        node = node.properties[k] as { properties?: Record<string, unknown> };
      }
      assert.ok(node, `${o.name} maps to an option`);
    }
  });
});
