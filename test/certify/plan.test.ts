import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CertifyPlanError, checkPlan, loadPlan, shippedPlanPath } from '../../src/certify/index.js';
import { cliPath, repoRoot } from '../helpers/paths.js';

test('the shipped plans load and cover every flow, both charsets, the reports and the negative cases', async () => {
  for (const role of ['ris', 'platform'] as const) {
    const plan = await loadPlan(shippedPlanPath(role));
    assert.equal(plan.role, role);
    const specs = plan.steps.flatMap((s) => (s.kind === 'send' ? [s.send] : s.kind === 'await' ? [s.await] : []));
    const messages = new Set<string>(specs.map((s) => s.message));
    for (const m of ['order', 'cancel', 'decision', 'post-exam', 'report-initial', 'report-replace', 'report-delete'])
      assert.ok(messages.has(m), `${role}: ${m}`);
    const charsets = new Set(specs.map((s) => s.charset));
    assert.ok(charsets.has('8859/15'));
    assert.ok(plan.steps.some((s) => s.kind === 'resend'));
    assert.ok(plan.steps.some((s) => s.kind === 'send' && s.send.transport === 'drop-mid-frame'));
    assert.ok(plan.steps.some((s) => s.kind === 'await' && s.await.holdAckMs !== undefined));
    assert.ok(plan.steps.some((s) => s.kind === 'send' && s.send.mutate?.length && s.expect?.err?.some((e) => e.location)));
  }
});

const base = { role: 'platform', title: 't', version: '1' };
const send = { id: 'S-1', title: 'x', spec: 'flux1', required: true, kind: 'send', send: { message: 'order', order: 'o1' } };

test('a plan with an unknown step kind is refused with the step named', () => {
  assert.throws(
    () => checkPlan({ ...base, steps: [send, { ...send, id: 'S-2', kind: 'teleport' }] }),
    (e: unknown) => e instanceof CertifyPlanError && /step S-2: unknown step kind "teleport"/.test(e.message),
  );
});

test('a plan with a missing field is refused with the field named', () => {
  const { title: _t, ...untitled } = send;
  assert.throws(
    () => checkPlan({ ...base, steps: [untitled, { ...send, id: 'S-2', send: { message: 'order' } }] }),
    (e: unknown) =>
      e instanceof CertifyPlanError &&
      /step S-1: missing field title/.test(e.message) &&
      /step S-2: missing field send\.order/.test(e.message),
  );
});

test('a plan where the kit would send what its half never sends, or resend an unknown step, is refused', () => {
  assert.throws(
    () =>
      checkPlan({
        ...base,
        steps: [
          { ...send, send: { message: 'decision', order: 'o1' } },
          { id: 'S-2', title: 'x', spec: 'y', required: true, kind: 'resend', resend: { step: 'S-9' } },
        ],
      }),
    (e: unknown) => e instanceof CertifyPlanError && /cannot send decision/.test(e.message) && /S-9 is not an earlier step/.test(e.message),
  );
});

test('cisis-tlr certify with a broken plan exits 2 with the plan error, and --help does not load the kit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlr-certify-plan-'));
  const file = join(dir, 'plan.yaml');
  writeFileSync(file, 'role: platform\ntitle: t\nversion: "1"\nsteps:\n  - id: X-1\n    kind: send\n');
  const args = [cliPath, 'certify', '--role', 'platform', '--target', '127.0.0.1:1', '--plan', file];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /step X-1: missing field title/);
  const help = spawnSync(process.execPath, [cliPath, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /certify/);
  // `--help` loads only what the command files import statically: the certify command imports commander and the
  // help sections (`cli/help.ts`, a table of environment variables), nothing of the kit.
  const source = readFileSync(join(repoRoot, 'src', 'cli', 'commands', 'certify.ts'), 'utf8');
  const staticImports = [...source.matchAll(/^import\s.*from\s+'([^']+)';$/gm)].map((m) => m[1]);
  assert.deepEqual(staticImports, ['commander', 'commander', '../help.js']);
});
