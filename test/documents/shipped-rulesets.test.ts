import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  BUNDLED_CDA_KIT_DIR,
  BUNDLED_COMPILED_DIR,
  CDA_RULE_SETS,
  compiledEntryName,
  loadCompiledSchematron,
  resolveCdaKitDir,
} from '../../src/documents/validation/index.js';
import { SaxonJS } from '../../src/documents/validation/saxon.js';
import type { CdaRuleSetName, SchematronManifest } from '../../src/documents/validation/index.js';

const names = Object.keys(CDA_RULE_SETS) as CdaRuleSetName[];
const repoRoot = path.resolve(BUNDLED_CDA_KIT_DIR, '..', '..');

/**
 * The compiled forms in rulesets/compiled must be those of the bundled kit: when this fails, the kit or the
 * Schematron compiler changed without `node scripts/build-compiled-rulesets.mjs` being run.
 */
describe('compiled rule sets shipped for the bundled kit', () => {
  it('resolves the kit to the bundled folder when nothing else is named', () => {
    const saved = process.env['CISIS_TLR_CDA_KIT'];
    delete process.env['CISIS_TLR_CDA_KIT'];
    try {
      assert.equal(resolveCdaKitDir(), BUNDLED_CDA_KIT_DIR);
      assert.ok(existsSync(path.join(BUNDLED_CDA_KIT_DIR, 'infrastructure', 'cda', 'CDA_extended.xsd')));
    } finally {
      if (saved !== undefined) process.env['CISIS_TLR_CDA_KIT'] = saved;
    }
  });

  for (const name of names) {
    it(`ships ${name} compiled from the bundled kit's content (every source digest and the SEF digest match)`, () => {
      const file = path.join(BUNDLED_CDA_KIT_DIR, CDA_RULE_SETS[name]);
      const entry = compiledEntryName(
        readFileSync(file),
        undefined,
        SaxonJS.getProcessorInfo().productVersion,
        path.basename(file, '.sch'),
      );
      const manifestPath = path.join(BUNDLED_COMPILED_DIR, `${entry}.manifest.json`);
      assert.ok(existsSync(manifestPath), `${entry}.manifest.json is missing: run node scripts/build-compiled-rulesets.mjs`);
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SchematronManifest;
      for (const source of manifest.sources) {
        const digest = createHashHex(readFileSync(path.resolve(path.dirname(file), source.path)));
        assert.equal(digest, source.sha256, `${source.path} changed since the shipped form was compiled`);
      }
      const sef = gunzipSync(readFileSync(path.join(BUNDLED_COMPILED_DIR, `${entry}.sef.json.gz`))).toString('utf8');
      assert.equal(createHashHex(sef), manifest.sefSha256);
    });
  }

  it('keeps no path of the checkout that compiled them, and one entry per rule set', async () => {
    const entries = await readdir(BUNDLED_COMPILED_DIR);
    assert.equal(entries.length, names.length * 2);
    for (const entry of entries) {
      const bytes = await readFile(path.join(BUNDLED_COMPILED_DIR, entry));
      const text = (entry.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      assert.ok(!text.includes(repoRoot), `${entry} names ${repoRoot}`);
      assert.ok(!/"file:\/\//.test(text), `${entry} holds a file: URI`);
    }
  });

  it('loads every rule set from the shipped forms with an empty cache, compiling nothing', async () => {
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-shipped-'));
    try {
      for (const name of names) {
        let compiled = false;
        const artifact = await loadCompiledSchematron(path.join(BUNDLED_CDA_KIT_DIR, CDA_RULE_SETS[name]), {
          cacheDir,
          precompiledDirs: [BUNDLED_COMPILED_DIR],
          onCompile: () => {
            compiled = true;
          },
        });
        assert.equal(compiled, false, name);
        assert.equal(artifact.fromCache, true);
        assert.equal(path.dirname(artifact.sefPath), BUNDLED_COMPILED_DIR);
      }
      assert.deepEqual(await readdir(cacheDir), []);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});

function createHashHex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
