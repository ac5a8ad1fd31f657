import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { warmUpCdaValidation } from '../../src/documents/validation/index.js';
import { crImgLevel1File, readFixture, replaceOnce, repoRoot } from './cda-fixtures.js';

const require = createRequire(import.meta.url);
const commanderPath = require.resolve('commander', { paths: [repoRoot] });
const commandModule = pathToFileURL(path.join(repoRoot, 'dist', 'src', 'cli', 'commands', 'validate-cda.js')).href;

/** A minimal `cisis-tlr` holding only the command under test, run in a child process as a user would. */
const harness = `
const { Command } = require(${JSON.stringify(commanderPath)});
import(${JSON.stringify(commandModule)}).then(async ({ registerValidateCdaCommand }) => {
  const program = new Command('cisis-tlr');
  registerValidateCdaCommand(program);
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
});`;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', harness, '--', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? Number((error as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('cisis-tlr validate-cda', { timeout: 20 * 60 * 1000 }, () => {
  let dir: string;
  let valid: string;
  let broken: string;

  before(
    async () => {
      // Compile the rule sets here (in the cache) so that the child processes only load them.
      await warmUpCdaValidation();
      dir = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-cli-'));
      valid = path.join(dir, 'valid.xml');
      broken = path.join(dir, 'broken.xml');
      await writeFile(valid, readFixture(crImgLevel1File));
      await writeFile(broken, replaceOnce(readFixture(crImgLevel1File), '<confidentialityCode code="N"', '<confidentialityCode code="X"'));
    },
    { timeout: 20 * 60 * 1000 },
  );

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 for a valid report and prints a readable summary', async () => {
    const run = await runCli(['validate-cda', valid]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /== .*valid\.xml\n {3}profile IMG-CR-IMG_N1: VALID\n/);
  });

  it('exits 1 when a file has an error, and prints one JSON object per file with --json', async () => {
    const run = await runCli(['validate-cda', '--json', valid, broken]);
    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout) as {
      file: string;
      profile: string;
      valid: boolean;
      issues: { severity: string; rule: string; location: string; source: string }[];
    }[];
    assert.deepEqual(
      results.map((result) => [path.basename(result.file), result.profile, result.valid]),
      [
        ['valid.xml', 'IMG-CR-IMG_N1', true],
        ['broken.xml', 'IMG-CR-IMG_N1', false],
      ],
    );
    const issue = results[1]?.issues.find((candidate) => candidate.severity === 'error');
    assert.equal(issue?.source, 'ASIP-STRUCT-MIN-StrucMin');
    assert.equal(issue?.location, '/ClinicalDocument/confidentialityCode[1]');
  });

  it('groups the readable report by severity', async () => {
    const run = await runCli(['validate-cda', broken]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /INVALID \(1 error\)\n.*\n {3}errors:\n {3}- \[ASIP-STRUCT-MIN-StrucMin\] \S+ at \/ClinicalDocument\/confidentialityCode\[1\]\n/,
    );
  });

  it('exits 2 when a file cannot be read', async () => {
    const run = await runCli(['validate-cda', path.join(dir, 'missing.xml')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /missing\.xml: cannot read \(ENOENT\)/);
  });

  it('exits 2 when the validation kit is missing', async () => {
    const run = await runCli(['validate-cda', '--kit', dir, valid]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /TLR_ERR_CDA_KIT_NOT_FOUND/);
    // The message names the CLI's flag, not the library's option.
    assert.doesNotMatch(run.stderr, /kitDir/);
  });
});
