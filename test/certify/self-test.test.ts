import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certifyHalf, failedIds } from './harness.js';

// Our own halves, certified by the kit through the HTTP hook driving their REST API.

test('the kit certifies our platform half: every required step passes', async () => {
  const { report, hookCalls } = await certifyHalf('platform');
  const requiredFailed = report.steps.filter((s) => s.required && s.status === 'fail');
  assert.deepEqual(
    requiredFailed.map(
      (s) =>
        `${s.id}: ${s.checks
          .filter((c) => c.status === 'fail')
          .map((c) => `${c.label} (${c.detail ?? ''})`)
          .join('; ')}`,
    ),
    [],
  );
  assert.equal(report.passed, true);
  // Our platform sends UTF-8 as configured: the optional 8859/15 response step is the only failure.
  assert.deepEqual(failedIds(report), ['P-F3-LATIN9-DECISION']);
  assert.equal(report.testedSystem.sendingApplication, 'TLR_CISIS_TLR');
  assert.ok(hookCalls.some((a) => a.step === 'P-REPORT-INITIAL' && a.order.placerNumber));
});

test('the kit certifies our RIS half: every required step passes', async () => {
  const { report } = await certifyHalf('ris', { ackTimeoutMs: 60_000 });
  const requiredFailed = report.steps.filter((s) => s.required && s.status === 'fail');
  assert.deepEqual(
    requiredFailed.map(
      (s) =>
        `${s.id}: ${s.checks
          .filter((c) => c.status === 'fail')
          .map((c) => `${c.label} (${c.detail ?? ''})`)
          .join('; ')}`,
    ),
    [],
  );
  assert.equal(report.passed, true);
  assert.deepEqual(failedIds(report), ['R-F1-LATIN9']);
});
