import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TerminalProgress } from '../../src/cli/progress.js';
import { repoRoot } from '../helpers/paths.js';

const cli = path.join(repoRoot, 'bin', 'cisis-tlr.js');
const examples = path.join(repoRoot, 'examples', 'messages', 'utf-8');
const files = ['01-flow1-order-NW.hl7', '02-flow3-accepted-OK-text-protocol.hl7'].map((f) => path.join(examples, f));
/** util-linux `script` gives the command a pseudo-terminal, as a user's shell would. */
const hasScript = spawnSync('script', ['--version']).status === 0;

function run(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
}

/** Runs the command on a pseudo-terminal; returns everything the terminal received (stdout and stderr together). */
async function onTerminal(args: readonly string[], dir: string): Promise<string> {
  const log = path.join(dir, 'typescript');
  const command = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-q', '-e', '-c', command, log], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
  assert.ok(r.status === 0 || r.status === 1, `script ran: ${r.stderr}`);
  return readFile(log, 'utf8');
}

describe('validate progress', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cisis-tlr-progress-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows no progress when stderr is not a terminal (pipes, logs)', async () => {
    const r = await run(['validate', ...files]);
    assert.match(r.stdout, /flux1 — valid/);
    assert.doesNotMatch(r.stderr, /messages,|\x1b\[/);
    assert.doesNotMatch(r.stdout, /messages,|\x1b\[/);
  });

  it('on a terminal: messages done out of the total, bytes, elapsed time on stderr, cleared before the results', {
    skip: !hasScript && 'util-linux script is not installed',
  }, async () => {
    const text = await onTerminal(['validate', ...files], dir);
    assert.match(text, /validate: 0\/2 messages, 0\.0\/0\.0 MB, \d+\.\d s/);
    assert.match(
      text,
      /\r\x1b\[2K\/[^\r\n]*01-flow1-order-NW\.hl7: flux1 — valid/,
      'the result line starts after the progress line is cleared',
    );
    assert.match(text, /02-flow3-accepted-OK-text-protocol\.hl7: flux3 — valid/);
  });

  it('on a terminal with --json: no progress, the JSON alone', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
    const text = await onTerminal(['validate', '--json', ...files], dir);
    assert.doesNotMatch(text, /messages,|\x1b\[2K/);
    const json = /^\[$[\s\S]*?^\]$/m.exec(text.replace(/\r\n/g, '\n'))?.[0] ?? '';
    assert.equal((JSON.parse(json) as unknown[]).length, 2);
  });

  it('counts messages and bytes and says which file it is on', () => {
    let now = 0;
    const written: string[] = [];
    const p = new TerminalProgress({
      write: (t) => written.push(t),
      label: 'validate',
      totalMessages: 3,
      totalBytes: 60_100_000,
      now: () => now,
    });
    p.working('big.hl7');
    now = 9_000;
    p.advance(60_000_000);
    assert.equal(p.line(), 'validate: 1/3 messages, 60.0/60.1 MB, 9.0 s');
    p.working('small.hl7');
    assert.equal(p.line(), 'validate: 1/3 messages, 60.0/60.1 MB, 9.0 s, small.hl7');
    p.stop();
    assert.equal(written.at(-1), '\r\x1b[2K');
  });
});
