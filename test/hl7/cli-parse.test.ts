import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliPath, examplesDir, filesUnder } from '../helpers/paths.js';

const run = (...args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });

describe('cisis-tlr parse', () => {
  it('prints a JSON tree of every guide example and exits 0', () => {
    const files = filesUnder(join(examplesDir, 'teleradiologie'), '.hl7');
    const r = run('parse', '--json', ...files);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Array<{
      file: string;
      ok: boolean;
      message: { segments: Array<{ segment: string; fields: Record<string, unknown[]> }> };
    }>;
    assert.equal(out.length, files.length);
    const f1 = out.find((o) => o.file.includes('flux1'))!;
    assert.equal(f1.ok, true);
    const pid = f1.message.segments.find((s) => s.segment === 'PID')!;
    assert.ok(Array.isArray(pid.fields['3']));
  });

  it('exits 1 with a located error on malformed input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlr-parse-'));
    const bad = join(dir, 'bad.hl7');
    writeFileSync(bad, 'MSH|^~\\&|A|B|C|D|2026||ORM^O01^ORM_O01|1|P|2.5.1\rpid|1\r');
    const r = run('parse', bad);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /error\s+pid\s+TLR_ERR_HL7_BAD_SEGMENT_ID/);
  });

  it('exits 2 when a file cannot be read', () => {
    const r = run('parse', '/nonexistent/file.hl7');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read/);
  });
});
