import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { rm } from 'node:fs/promises';
import type { DemoHalves, DemoSummary } from '../../src/simulate/index.js';
import { DEMO_MIN_ORDERS, runDemoScenario, startDemoHalves } from '../../src/simulate/index.js';

/**
 * The demo scenario in process with its report stage: performed exams end with a CR-IMG report
 * (MDM^T02), two replaced once (T10), one deleted (T04), each CDA validated by both halves. The
 * stage needs the CDA validation kit and the compiled ANS rule sets; when they are not ready within
 * 20 s (first compilation on a machine takes minutes), the test is skipped and says so.
 */
describe('demo scenario with reports', () => {
  let halves: DemoHalves | undefined;
  let summary: DemoSummary | undefined;

  after(async () => {
    if (!halves) return;
    await halves.stop();
    await rm(halves.dataDir, { recursive: true, force: true });
  });

  it('ends every performed exam with a report, replaced or deleted as the stories say', async () => {
    halves = await startDemoHalves({ seed: 31 });
    const s = await runDemoScenario(halves, { orders: DEMO_MIN_ORDERS, reports: 'auto', reportsReadyWithinMs: 20_000 });
    summary = s;
    // The CDA validation kit ships with the package, its rule sets compiled: a demo without its report stage is a defect.
    assert.ok(s.reportStage.included, `report stage not run: ${s.reportStage.reason ?? ''}`);
    assert.deepEqual(s.problems, []);
    assert.deepEqual(s.reports, { sent: 4, replaced: 2, deleted: 1 });
    assert.equal(s.reportsReceived, 7);
    assert.equal(s.byState['REPORTED'], 3);
    assert.equal(s.byState['COMPLEMENTED'], 1, 'the deleted report leaves its order waiting for a report');
    assert.equal(s.validationErrors, 0);
    assert.equal(s.acks.AA, s.messages.sent);
    // Every report message went on to the PFI simulator: the DMP and the MSSanté copy, each settled by its ZAM.
    assert.deepEqual(s.publications, { dmp: { accepted: 7 }, mssante: { accepted: 7 } });
    assert.equal(halves.pfi?.counts.received, 7);
    const reports = await halves.ris.store.listMessages({ direction: 'inbound', flow: 'report', partner: 'platform', limit: 20 });
    assert.deepEqual(new Set(reports.items.map((m) => m.summary.messageType)), new Set(['MDM^T02', 'MDM^T10', 'MDM^T04']));
  });

  it('sends a DA-IMG with most requests (both levels) and a previous report with some; the platform receives them valid', async () => {
    const reason = summary?.reportStage.reason ?? 'no run';
    assert.ok(halves && summary?.reportStage.included, `the demo did not run with its CDA validation: ${reason}`);
    const { request, supporting } = summary.orderDocuments;
    assert.ok(request.sent > DEMO_MIN_ORDERS / 2, `DA-IMG with most requests (${request.sent} of ${DEMO_MIN_ORDERS})`);
    assert.ok(supporting.sent > 0 && supporting.sent < DEMO_MIN_ORDERS);
    assert.deepEqual(request, { sent: request.sent, received: request.sent, valid: request.sent });
    assert.deepEqual(supporting, { sent: supporting.sent, received: supporting.sent, valid: supporting.sent });
    const orders = await halves.platform.store.listOrders({ role: 'platform', limit: 200, offset: 0, count: false });
    const levels = new Set<number | null>();
    for (const o of orders.items)
      for (const d of ((o.data ?? {}) as { documents?: Array<{ role: string; level: number | null }> }).documents ?? [])
        if (d.role === 'request') levels.add(d.level);
    assert.deepEqual([...levels].sort(), [1, 3]);
  });
});
