import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/paths.js';

const exec = promisify(execFile);
const cli = join(repoRoot, 'bin', 'cisis-tlr.js');

describe('cisis-tlr --version and --help', () => {
  it('prints the package version and the bundled rule-set versions', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await exec(process.execPath, [cli, '--version']);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], `cisis-tlr ${version}`);
    assert.match(stdout, /HL7 v2\.5\.1, MSH-21 1\.0\^CISIS_TLR_HL7_V2/);
    assert.match(stdout, /TestContenuCDA 3\.0, snapshot commit [0-9a-f]{7,40} \(\d{4}-\d{2}-\d{2}\)/);
    assert.match(stdout, /CI-SIS_IMG-CR-IMG_2024\.01\.sch/);
  });

  it('loads neither the HTTP server, the XSLT engine nor the database drivers for --help and --version', async () => {
    // Run in a child so that this test process's own imports do not count.
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const { main } = await import(${JSON.stringify(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))});
      process.stdout.write = () => true;
      await main(['node', 'cisis-tlr', process.argv[1]]);
      const heavy = Object.keys(require.cache)
        .filter((k) => /node_modules\\/(fastify|saxon-js|pg|better-sqlite3|xmllint-wasm|libxml2-wasm)\\//.test(k));
      console.error(JSON.stringify(heavy));
    `;
    for (const flag of ['--help', '--version']) {
      const { stderr } = await exec(process.execPath, ['--input-type=module', '-e', script, '--', flag]);
      assert.deepEqual(JSON.parse(stderr.trim()), [], `${flag} loaded ${stderr}`);
    }
  });
});
