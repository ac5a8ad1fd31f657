import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertifyReport } from '../../src/certify/index.js';
import { certifyHalf, failedIds } from './harness.js';

// Our own halves, certified by the kit through the HTTP hook driving their REST API.

/** The required steps that failed, each with its failed checks: empty when the half is conformant. */
function requiredFailures(report: CertifyReport): string[] {
  return report.steps
    .filter((s) => s.required && s.status === 'fail')
    .map((s) => `${s.id}: ${s.checks.filter((c) => c.status === 'fail').map((c) => `${c.label} (${c.detail ?? ''})`)}`);
}

test('the kit certifies our platform half: every required step passes', async () => {
  const { report, hookCalls } = await certifyHalf('platform');
  assert.deepEqual(requiredFailures(report), []);
  assert.equal(report.passed, true);
  // Our platform sends UTF-8 as configured: the optional 8859/15 response step is the only failure.
  assert.deepEqual(failedIds(report), ['P-F3-LATIN9-DECISION']);
  assert.equal(report.testedSystem.sendingApplication, 'TLR_CISIS_TLR');
  assert.ok(hookCalls.some((a) => a.step === 'P-REPORT-INITIAL' && a.order.placerNumber));
});

test('the kit certifies our RIS half: every required step passes', async () => {
  // A RIS validates a first report's CDA against the schematrons before it answers: the kit waits longer.
  const { report } = await certifyHalf('ris', { ackTimeoutMs: 60_000 });
  assert.deepEqual(requiredFailures(report), []);
  assert.equal(report.passed, true);
  // Our RIS sends UTF-8 as configured: the optional 8859/15 request step is the only failure.
  assert.deepEqual(failedIds(report), ['R-F1-LATIN9']);
});
