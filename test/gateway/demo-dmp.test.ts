import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { DemoHalves } from '../../src/simulate/index.js';
import { DEMO_MIN_ORDERS, runDemoScenario, startDemoHalves } from '../../src/simulate/index.js';

/**
 * The demo with the direct DMP route (`demo --onward dmp`): platform → RIS half → the DMP test double,
 * which the demo starts with certificates it generates; every report, replacement and deletion of the
 * scenario is published and accepted by the double (seed 31 has a patient born in Corsica).
 */
describe('demo scenario with the direct DMP route', () => {
  let halves: DemoHalves | undefined;

  after(async () => {
    if (!halves) return;
    await halves.stop();
    await rm(halves.dataDir, { recursive: true, force: true });
  });

  it('publishes every report version to the DMP double: accepted, replacements deprecate, the deletion deletes', async () => {
    halves = await startDemoHalves({ seed: 31, onward: 'dmp' });
    assert.equal(halves.pfi, undefined, 'no PFI behind the RIS');
    const double = halves.dmp!.double;
    const s = await runDemoScenario(halves, { orders: DEMO_MIN_ORDERS, reports: 'auto', reportsReadyWithinMs: 20_000 });
    assert.ok(s.reportStage.included, `report stage not run: ${s.reportStage.reason ?? ''}`);
    assert.deepEqual(s.problems, []);
    assert.equal(s.onward, 'dmp');
    assert.deepEqual(s.publications, { dmp: { accepted: 7 }, mssante: {} });
    // Four reports and two replacements registered; the replaced versions deprecated, the deleted one deleted.
    // (Each submission also registers the signature document of its submission set.)
    const reports = double.entries.filter((e) => e.document.includes('urn:hl7-org:v3'));
    assert.equal(double.entries.length - reports.length, 6, 'one signature document per ITI-41');
    const statuses = reports.map((e) => e.status.replace(/^.*:/, '')).sort();
    assert.deepEqual(statuses, ['Approved', 'Approved', 'Approved', 'Deleted', 'Deprecated', 'Deprecated']);
    assert.equal(reports.filter((e) => e.replaces).length, 2);
    assert.ok(
      double.exchanges.every((x) => x.outcome === 'accepted'),
      JSON.stringify(double.exchanges.filter((x) => x.outcome !== 'accepted')),
    );
    const certificates = halves.dmp!.certificates.dir;
    await halves.stop();
    assert.equal(existsSync(certificates), false, 'the generated certificates go with the demo');
    halves = { ...halves, stop: () => Promise.resolve() };
  });
});
