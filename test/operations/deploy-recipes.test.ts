/**
 * The deployment recipes in deploy/, checked with the tools that exist on this machine:
 * `systemd-analyze verify` and `systemd-analyze security --offline` for the systemd unit, `hadolint`
 * or `dockerfile-utils lint` for the Containerfile (skipped, with the reason, when absent). No
 * container engine is used: the image is not built here. Checks of our own (the hardening the
 * unit promises, the non-root user and volume of the image) always run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/paths.js';

const exec = promisify(execFile);
const UNIT = join(repoRoot, 'deploy', 'cisis-tlr.service');
const CONTAINERFILE = join(repoRoot, 'deploy', 'Containerfile');

/** The executable `name` on PATH (or in node_modules/.bin), if any. */
function which(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), join(repoRoot, 'node_modules', '.bin')];
  return dirs
    .filter((d) => d !== '')
    .map((d) => join(d, name))
    .find((p) => existsSync(p));
}

/** Directives of a unit file: name → values, in order. */
function directives(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

/**
 * The unit as installed from this checkout: `/opt/cisis-tlr` is the repository, `/usr/bin/node` the
 * Node.js running the test. `systemd-analyze verify` checks that ExecStart's program exists, so the
 * shipped paths are replaced by real ones; nothing else is changed.
 */
async function unitForThisCheckout(dir: string, mutate: (text: string) => string = (t) => t): Promise<string> {
  const text = (await readFile(UNIT, 'utf8')).replaceAll('/usr/bin/node', process.execPath).replaceAll('/opt/cisis-tlr', repoRoot);
  const path = join(dir, 'cisis-tlr.service');
  await writeFile(path, mutate(text));
  return path;
}

const systemdAnalyze = which('systemd-analyze');
const noSystemdAnalyze = systemdAnalyze ? false : 'systemd-analyze is not installed (apt-get install systemd)';

describe('deploy/cisis-tlr.service', () => {
  it('declares the hardening docs/operations.md promises', async () => {
    const d = directives(await readFile(UNIT, 'utf8'));
    const one = (k: string): string | undefined => d.get(k)?.at(-1);
    assert.equal(one('User'), 'cisis-tlr', 'a dedicated user');
    assert.equal(one('NoNewPrivileges'), 'yes');
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('ReadWritePaths'), '/var/lib/cisis-tlr', 'the data directory is the one writable path');
    assert.equal(one('StateDirectory'), 'cisis-tlr');
    assert.equal(one('PrivateTmp'), 'yes');
    assert.equal(one('ProtectHome'), 'yes');
    assert.equal(one('CapabilityBoundingSet'), '', 'no capability');
    assert.equal(one('MemoryDenyWriteExecute'), undefined, 'V8 needs writable executable memory');
    assert.match(one('ExecStart') ?? '', / serve --config \/etc\/cisis-tlr\/config\.yaml$/);
  });

  it('passes systemd-analyze verify', { skip: noSystemdAnalyze }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cisis-tlr-unit-'));
    try {
      const unit = await unitForThisCheckout(dir);
      const { stdout, stderr } = await exec(systemdAnalyze!, ['verify', '--man=no', unit]);
      assert.equal(`${stdout}${stderr}`.trim(), '', 'no warning');
      // The check is not vacuous: a misspelt directive is reported.
      const typo = await unitForThisCheckout(dir, (t) => t.replace('ProtectSystem=strict', 'ProtectSytem=strict'));
      const bad = await exec(systemdAnalyze!, ['verify', '--man=no', typo]).catch((e: { stdout: string; stderr: string }) => e);
      assert.match(`${bad.stdout}${bad.stderr}`, /Unknown key( name)? 'ProtectSytem'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is rated OK (exposure below 2) by systemd-analyze security --offline', { skip: noSystemdAnalyze }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'cisis-tlr-unit-'));
    try {
      const unit = await unitForThisCheckout(dir);
      const result = await exec(systemdAnalyze!, ['security', '--offline=yes', '--no-pager', unit]).catch(
        (e: { stdout: string; stderr: string; code?: number }) => e,
      );
      const out = `${result.stdout}${result.stderr}`;
      if (/unrecognized option|Unknown option/i.test(out)) {
        t.skip('this systemd-analyze has no --offline (systemd < 250)');
        return;
      }
      const m = /Overall exposure level for [^:]+: ([\d.]+)/.exec(out);
      assert.ok(m, `an exposure level is printed:\n${out}`);
      assert.ok(Number(m[1]) < 2, `exposure ${m[1]} < 2`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const hadolint = which('hadolint');
const dockerfileUtils = which('dockerfile-utils');

describe('deploy/Containerfile', () => {
  it('builds in two stages from the official Node.js image and runs as a non-root user with a data volume', async () => {
    const text = await readFile(CONTAINERFILE, 'utf8');
    const from = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Containerfile's own ARG reference, read as text.
    assert.deepEqual(from, ['node:${NODE_VERSION}-bookworm-slim', 'node:${NODE_VERSION}-bookworm-slim']);
    assert.match(text, /^ARG NODE_VERSION=(22|24)$/m);
    assert.match(text, /apt-get install -y --no-install-recommends python3 make g\+\+/, 'the native build tools, in the build stage');
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    assert.doesNotMatch(runtime, /apt-get|g\+\+/, 'no compiler in the runtime image');
    assert.match(runtime, /^USER node$/m);
    assert.match(runtime, /^VOLUME \["\/var\/lib\/cisis-tlr"\]$/m);
    assert.match(runtime, /CISIS_TLR_DATA_DIR=\/var\/lib\/cisis-tlr/);
    // Every path the image copies from the build context exists.
    for (const m of text.matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)) {
      for (const source of m[1]!.split(/\s+/)) assert.ok(existsSync(join(repoRoot, source)), `COPY source ${source} exists`);
    }
  });

  it('passes hadolint', { skip: hadolint ? false : 'hadolint is not installed (not packaged by Debian bookworm)' }, async () => {
    const { stdout } = await exec(hadolint!, [CONTAINERFILE]);
    assert.equal(stdout.trim(), '');
  });

  it('passes dockerfile-utils lint', {
    skip: dockerfileUtils ? false : 'dockerfile-utils is not installed (npx --yes dockerfile-utils lint deploy/Containerfile)',
  }, async () => {
    const { stdout } = await exec(dockerfileUtils!, ['lint', CONTAINERFILE]);
    assert.equal(stdout.trim(), '');
  });
});
