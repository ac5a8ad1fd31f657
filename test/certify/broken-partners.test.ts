import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alwaysAa, dropObr4FromRequests, noAckForFlow4, swappedMsa2 } from './broken-partners.js';
import { certifyHalf, failedIds } from './harness.js';

// Broken partners: our halves behind a proxy that spoils one behaviour. Each must fail exactly the steps that see it.

test('a RIS that sends ORC-1 = NW without OBR-4 fails every step that needs one of its requests', async () => {
  const { report } = await certifyHalf('ris', {
    ackTimeoutMs: 60_000,
    broken: { toKit: { message: dropObr4FromRequests } },
  });
  assert.equal(report.passed, false);
  const f1 = report.steps.find((s) => s.id === 'R-F1-UTF8');
  assert.ok(f1?.checks.some((c) => c.status === 'fail' && /conforms/.test(c.label)));
  assert.ok(f1?.exchanges.some((m) => m.findings.some((x) => x.location.startsWith('OBR-4') && x.severity === 'error')));
  assert.deepEqual(failedIds(report), [
    'R-F1-UTF8',
    'R-F3-ACCEPT-TEXT',
    'R-F1-LATIN9',
    'R-F3-ACCEPT-PDF',
    'R-F1-O3',
    'R-F3-ACCEPT-BOTH',
    'R-F1-O4',
    'R-F3-REFUSE',
    'R-F1-O5',
    'R-F2-BEFORE',
    'R-F1-O6',
    'R-F3-ACCEPT-O6',
    'R-F2-AFTER',
    'R-F4-MULTI',
    'R-REPORT-INITIAL',
    'R-REPORT-REPLACE',
    'R-REPORT-DELETE',
    'R-OOO-REPORT-AFTER-CANCEL',
    'R-OOO-DECISION-TWICE',
    'R-F1-O7',
    'R-INVALID-NO-ORC12',
    'R-INVALID-VERSION',
    'R-DUP-F3',
    'R-DUP-REPORT',
    'R-DROP-MID-FRAME',
    'R-SLOW-PARTNER',
  ]);
});

test('a platform that answers AA to everything fails the out-of-order and invalid-message steps', async () => {
  const { report } = await certifyHalf('platform', { broken: { toHalf: { ack: alwaysAa } } });
  assert.equal(report.passed, false);
  // The optional 8859/15 response fails as in the self-test (our platform sends UTF-8); the rest are the negative steps.
  assert.deepEqual(failedIds(report), [
    'P-F3-LATIN9-DECISION',
    'P-OOO-CANCEL-UNKNOWN',
    'P-OOO-POSTEXAM-UNKNOWN',
    'P-OOO-POSTEXAM-BEFORE-ACCEPT',
    'P-OOO-CANCEL-AFTER-POSTEXAM',
    'P-INVALID-NO-OBR4',
    'P-INVALID-VERSION',
  ]);
});

test('a platform that swaps MSA-2 fails every step where it acknowledges', async () => {
  const { report } = await certifyHalf('platform', { broken: { toHalf: { ack: swappedMsa2 } } });
  assert.equal(report.passed, false);
  // Every step where the platform acknowledges; the steps where it sends (flow 3, reports) pass.
  assert.deepEqual(failedIds(report), [
    'P-F1-UTF8',
    'P-F1-LATIN9',
    'P-F1-O3',
    'P-F3-LATIN9',
    'P-F3-LATIN9-DECISION',
    'P-F1-O4',
    'P-F1-O5',
    'P-F2-BEFORE',
    'P-F1-O6',
    'P-F2-AFTER',
    'P-F4-MULTI',
    'P-F4-LATIN9',
    'P-OOO-CANCEL-UNKNOWN',
    'P-OOO-POSTEXAM-UNKNOWN',
    'P-F1-O7',
    'P-OOO-POSTEXAM-BEFORE-ACCEPT',
    'P-OOO-CANCEL-AFTER-POSTEXAM',
    'P-INVALID-NO-OBR4',
    'P-INVALID-VERSION',
    'P-DUP-F1',
    'P-DUP-F4',
    'P-DROP-MID-FRAME',
    'P-F1-O11',
  ]);
});

test('a platform that never acknowledges flow 4 fails the flow-4 steps and what depends on them', async () => {
  const { report } = await certifyHalf('platform', { broken: { toHalf: { ack: noAckForFlow4 } } });
  assert.equal(report.passed, false);
  // Without the flow-4 AA the kit's RIS half stays ACCEPTED: it refuses the reports (AR 207) and expects a
  // cancellation of o2 to be accepted, which the platform, complemented, refuses.
  assert.deepEqual(failedIds(report), [
    'P-F3-LATIN9-DECISION',
    'P-F4-MULTI',
    'P-F4-LATIN9',
    'P-REPORT-INITIAL',
    'P-REPORT-REPLACE',
    'P-REPORT-DELETE',
    'P-OOO-POSTEXAM-UNKNOWN',
    'P-OOO-POSTEXAM-BEFORE-ACCEPT',
    'P-OOO-CANCEL-AFTER-POSTEXAM',
    'P-DUP-F4',
  ]);
});
