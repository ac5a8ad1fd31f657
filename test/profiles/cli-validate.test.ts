import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerValidateCommand } from '../../src/cli/commands/validate.js';
import { EXAMPLE_FILES, examplesDir, repoRoot } from './fixtures.js';

const file = (name: keyof typeof EXAMPLE_FILES): string => join(examplesDir, EXAMPLE_FILES[name]);

async function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number | undefined }> {
  let stdout = '';
  let stderr = '';
  let code: number | undefined;
  const program = new Command('cisis-tlr').exitOverride().configureOutput({
    writeOut: (s) => {
      stdout += s;
    },
    writeErr: (s) => {
      stderr += s;
    },
  });
  registerValidateCommand(program, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    setExitCode: (c) => {
      code = c;
    },
  });
  try {
    await program.parseAsync(['node', 'cisis-tlr', 'validate', ...args]);
  } catch (e) {
    code = (e as { code?: string }).code?.startsWith('commander.') ? 2 : 99;
  }
  return { stdout, stderr, code };
}

describe('cisis-tlr validate', () => {
  it('exits 0 for files with warnings only and prints a report grouped by severity', async () => {
    const r = await run([file('flux1'), file('flux4')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /flux1_ORM_O01_transmission_demande\.hl7: flux1 — valid/);
    assert.match(r.stdout, /1 warning:\n\s+PID-3\.4\.2\s+TLR-PID-008/);
    assert.match(r.stdout, /3 warnings:/);
  });

  it('exits 1 when a file has an error and prints one JSON object per file with --json', async () => {
    const r = await run(['--json', file('flux2'), file('flux3')]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.equal(out.length, 2);
    assert.deepEqual(Object.keys(out[1]!).sort(), ['file', 'issues', 'profile', 'valid']);
    assert.equal(out[1]!['profile'], 'flux3');
    assert.equal(out[1]!['valid'], false);
    assert.deepEqual(out[1]!['issues'], [
      {
        severity: 'warning',
        rule: 'TLR-PID-008',
        location: 'PID-3.4.2',
        message: (out[1]!['issues'] as Array<{ message: string }>)[0]!.message,
      },
      {
        severity: 'error',
        rule: 'TLR-OBX-016',
        location: 'OBX-5.5',
        message: (out[1]!['issues'] as Array<{ message: string }>)[1]!.message,
      },
    ]);
  });

  it('validates against a forced profile', async () => {
    const r = await run(['--profile', 'flux1', '--json', file('flux2')]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as Array<{ profile: string; issues: Array<{ rule: string }> }>;
    assert.equal(out[0]!.profile, 'flux1');
    assert.ok(out[0]!.issues.some((i) => i.rule === 'TLR-GEN-003'));
  });

  it('prints the ACK a receiver should send with --ack', async () => {
    const r = await run(['--ack', file('flux3')]);
    assert.match(r.stdout, /ACK:\n\s+MSH\|\^~\\&\|StructureApp\|StructureFacility\|TLRapp\|TLRfacility\|.*\|ACK\^R01\^ACK\|/);
    assert.match(r.stdout, /MSA\|AE\|000003/);
    assert.match(r.stdout, /ERR\|\|OBX\^1\^5\^\^5\|102\^Data type error\^HL70357\|E\|TLR-OBX-016\|/);
  });

  it('exits 2 when a file cannot be read, and on an unknown profile', async () => {
    const missing = await run([join(tmpdir(), 'no-such-file.hl7')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
    const usage = await run(['--profile', 'flux9', file('flux1')]);
    assert.equal(usage.code, 2);
  });

  it('sets the process exit code when run as a real process', () => {
    const code = [
      "import { Command } from 'commander';",
      `import { registerValidateCommand } from ` +
        `${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'src', 'cli', 'commands', 'validate.js')).href)};`,
      "const program = new Command('cisis-tlr');",
      'registerValidateCommand(program);',
      "await program.parseAsync(process.argv.slice(process.argv.indexOf('validate')), { from: 'user' });",
    ].join('\n');
    const node = (args: string[]): ReturnType<typeof spawnSync> =>
      spawnSync(process.execPath, ['--input-type=module', '-e', code, '--', 'validate', ...args], { cwd: repoRoot, encoding: 'utf8' });
    const ok = node([file('flux2')]);
    assert.equal(ok.status, 0, String(ok.stderr));
    const bad = node(['--json', file('flux3')]);
    assert.equal(bad.status, 1, String(bad.stderr));
    assert.equal((JSON.parse(String(bad.stdout)) as unknown[]).length, 1);
  });
});
