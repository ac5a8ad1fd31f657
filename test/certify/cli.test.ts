import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CertifyReport } from '../../src/certify/index.js';
import { findChromium } from '../../src/certify/index.js';
import { freePort } from '../helpers/ports.js';
import { cliPath } from '../helpers/paths.js';

const KEY = 'certify-cli-key-0123456789';

function run(
  args: string[],
  until?: RegExp,
): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; ready: Promise<void>; kill(): void } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CISIS_TLR_API_KEYS: '' },
  });
  let stdout = '';
  let stderr = '';
  let signal!: () => void;
  const ready = new Promise<void>((resolve) => {
    signal = resolve;
  });
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (until?.test(stdout)) signal();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { done, ready, kill: () => child.kill('SIGTERM') };
}

test('cisis-tlr certify --role platform against cisis-tlr serve --role platform passes and writes the three report files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlr-certify-cli-'));
  const [mllp, api, kit] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, 'platform.yaml');
  writeFileSync(
    config,
    [
      `processingId: T`,
      `api:\n  keys: [${KEY}]`,
      'partner:\n  ackTimeoutMs: 1000',
      'outbox:\n  baseDelayMs: 100\n  maxDelayMs: 1000',
      'logLevel: warn\n',
    ].join('\n'),
  );
  const serve = run(
    [
      'serve',
      '--role',
      'platform',
      '--config',
      config,
      '--mllp-port',
      String(mllp),
      '--api-port',
      String(api),
      '--data-dir',
      join(dir, 'data'),
      '--partner',
      `127.0.0.1:${kit}`,
    ],
    /half-connector/,
  );
  try {
    await serve.ready;
    const out = join(dir, 'out');
    const certify = run([
      'certify',
      '--role',
      'platform',
      '--target',
      `127.0.0.1:${mllp}`,
      '--listen',
      String(kit),
      '--listen-host',
      '127.0.0.1',
      '--drive-api',
      `http://127.0.0.1:${api}`,
      '--api-key',
      KEY,
      '--hold-ack',
      '2500',
      '--step-timeout',
      '20000',
      '--system-name',
      'cisis-tlr serve',
      '--system-version',
      '0.1.0',
      '--out',
      out,
    ]);
    const r = await certify.done;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /PASSED: 31 passed, 0 with warnings, 1 failed \(0 required, 1 optional\)/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as CertifyReport;
    assert.equal(report.passed, true);
    assert.equal(report.testedSystem.name, 'cisis-tlr serve');
    assert.equal(report.testedSystem.sendingApplication, 'TLR_CISIS_TLR');
    assert.equal(report.kit.version, JSON.parse(readFileSync(join(cliPath, '..', '..', 'package.json'), 'utf8')).version);
    assert.ok(report.ruleSets.some((p) => p.id === 'teleradiologie' && p.rules > 0));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    // Self-contained: no script, no stylesheet or image fetched from anywhere.
    assert.doesNotMatch(html, /<script|<link|src=|url\(|https?:\/\//i);
    assert.match(html, /P-INVALID-NO-OBR4/);
    // The finding of the invalid request is marked at its field in the annotated ER7.
    assert.match(html, /<mark class="e" title="OBR-4">/);
    if (findChromium()) assert.equal(readFileSync(join(out, 'report.pdf')).subarray(0, 5).toString(), '%PDF-');
    else assert.equal(existsSync(join(out, 'report.pdf')), false);
  } finally {
    serve.kill();
    await serve.done;
  }
});
