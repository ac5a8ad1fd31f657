import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClinicalDataGenerator, findFreePort } from '../../src/simulate/index.js';
import type { Json, ServedGateway } from './harness.js';
import { runCli, serve, sleep, stateOf, tempDir, waitFor, waitForState } from './harness.js';

/** The last stdout line of a `--json` run, parsed. */
function lastJsonLine(stdout: string): Json {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

describe('simulate ris against our platform half', () => {
  let platform: ServedGateway;
  let dispose: () => Promise<void>;
  let risPort: number;

  before(async () => {
    const dir = await tempDir('sim-ris');
    dispose = dir.dispose;
    [risPort] = [await findFreePort()];
    platform = await serve({ role: 'platform', mllpPort: await findFreePort(), partnerPort: risPort, dataDir: dir.path });
  });

  after(async () => {
    await platform?.stop();
    await dispose?.();
  });

  it('reports 100 % conformance and every request in its expected state', async () => {
    // The platform's host software decides through the API: accept two requests out of three.
    const data = new ClinicalDataGenerator({ seed: 99 });
    let decided = 0;
    let deciding = true;
    const decider = (async () => {
      while (deciding) {
        const page = await platform.api.get('/api/orders?state=REQUESTED&limit=50');
        for (const o of page.json?.items ?? []) {
          const path = `/api/orders/${o.placerOrderNumber}`;
          const body =
            decided % 3 === 2
              ? { remoteRadiologist: data.remoteRadiologist(), reason: data.refusalReason() }
              : {
                  remoteRadiologist: data.remoteRadiologist(),
                  protocols: [{ kind: 'text', text: 'Scanner sans injection\nCoupes de 1 mm' }],
                };
          const r = await platform.api.post(`${path}/${decided % 3 === 2 ? 'refuse' : 'accept'}`, body);
          if (r.status === 202) decided += 1;
        }
        await sleep(100);
      }
    })();
    const run = await runCli(
      [
        'simulate',
        'ris',
        '--to',
        `127.0.0.1:${platform.mllpPort}`,
        '--port',
        String(risPort),
        '--orders',
        '9',
        '--rate',
        '20',
        '--cancel-rate',
        '0.2',
        '--seed',
        '7',
        '--timeout',
        '20s',
        '--json',
      ],
      { timeoutMs: 45_000 },
    );
    deciding = false;
    await decider;
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const summary = lastJsonLine(run.stdout);
    assert.equal(summary.role, 'ris');
    assert.equal(summary.ok, true);
    assert.equal(summary.conformance.percent, 100);
    assert.equal(summary.conformance.errors, 0);
    assert.ok(summary.conformance.messagesReceived['ORU^R01'] >= 1, 'decisions were received and validated');
    assert.equal(summary.conformance.acks.AE + summary.conformance.acks.AR, 0);
    assert.ok(summary.conformance.acks.AA >= 9);
    assert.equal(summary.orders.total, 9);
    assert.equal(summary.orders.asExpected, 9);
    assert.match(run.stdout, /Conformance of the system under test/);
    assert.match(run.stdout, /conformant +\d+\/\d+ messages \(100 %\)/);
  });
});

describe('simulate platform against our RIS half', () => {
  let ris: ServedGateway;
  let dispose: () => Promise<void>;
  let platformPort: number;

  before(async () => {
    const dir = await tempDir('sim-platform');
    dispose = dir.dispose;
    platformPort = await findFreePort();
    ris = await serve({ role: 'ris', mllpPort: await findFreePort(), partnerPort: platformPort, dataDir: dir.path });
  });

  after(async () => {
    await ris?.stop();
    await dispose?.();
  });

  it('decides every request automatically and reports 100 % conformance', async () => {
    const simulator = runCli(
      [
        'simulate',
        'platform',
        '--port',
        String(platformPort),
        '--partner',
        `127.0.0.1:${ris.mllpPort}`,
        '--accept-rate',
        '0.7',
        '--delay',
        '100ms',
        '--seed',
        '3',
        '--exit-when-idle',
        '2s',
        '--json',
      ],
      { timeoutMs: 45_000 },
    );
    const data = new ClinicalDataGenerator({ seed: 11 });
    const orders = Array.from({ length: 6 }, () => data.imagingOrder());
    for (const o of orders) assert.equal((await ris.api.post('/api/orders', o)).status, 202);
    const decided = await waitFor(
      'every decision on the RIS',
      async () => {
        const states = await Promise.all(orders.map((o) => stateOf(ris, o.placerOrderNumber.value)));
        return states.every((s) => s === 'ACCEPTED' || s === 'REJECTED') ? states : undefined;
      },
      20_000,
    );
    assert.ok(decided.includes('ACCEPTED'), 'some requests are accepted at a 0.7 rate with this seed');
    let cancelled = false;
    for (const [i, o] of orders.entries()) {
      if (decided[i] !== 'ACCEPTED') continue;
      const placer = o.placerOrderNumber.value;
      if (!cancelled) {
        assert.equal((await ris.api.post(`/api/orders/${placer}/cancel`, {})).status, 202);
        cancelled = true;
        await waitForState(ris, placer, 'CANCELLED');
      } else {
        assert.equal((await ris.api.post(`/api/orders/${placer}/post-exam`, { exams: data.performedExams(o) })).status, 202);
      }
    }
    const run = await simulator;
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const summary = lastJsonLine(run.stdout);
    assert.equal(summary.role, 'platform');
    assert.equal(summary.ok, true);
    assert.equal(summary.conformance.percent, 100);
    assert.equal(summary.decisions.accepted + summary.decisions.refused, 6);
    assert.equal(summary.decisions.failures, 0);
    assert.equal(summary.conformance.messagesReceived['ORM^O01'], 7, 'six requests and one cancellation');
    assert.equal(summary.conformance.acks.AA, 6, 'every decision acknowledged AA');
    assert.match(run.stdout, /^accepted +\S+ +by Dr /m);
  });
});

describe('demo --exit --json', () => {
  it('prints the JSON contract as its last line and exits 0 when every outcome happened', async () => {
    const started = Date.now();
    const run = await runCli(['demo', '--exit', '--json', '--reports', 'off', '--seed', '2026'], { timeoutMs: 55_000 });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const s = lastJsonLine(run.stdout);
    assert.deepEqual(Object.keys(s), [
      'orders',
      'byState',
      'messages',
      'acks',
      'validationErrors',
      'reportsReceived',
      'orderDocuments',
      'skippedStages',
      'onward',
      'publications',
      'outcome',
      'problems',
    ]);
    assert.equal(s.orders, 24);
    assert.deepEqual(Object.keys(s.orderDocuments), ['request', 'supporting']);
    assert.equal(
      Object.values<number>(s.byState).reduce((a, b) => a + b, 0),
      24,
    );
    assert.equal(s.byState.ACCEPTED, 8);
    assert.equal(s.byState.CANCELLED, 8);
    assert.equal(s.byState.COMPLEMENTED, 4);
    assert.equal(s.byState.REJECTED, 4);
    // 24 requests, 20 decisions (4 requests are cancelled before one), 8 cancellations, 4 post-exam messages.
    assert.deepEqual(s.messages, { sent: 56, received: 56 });
    assert.deepEqual(s.acks, { AA: 56, AE: 0, AR: 0 });
    assert.equal(s.validationErrors, 0);
    assert.equal(s.reportsReceived, 0);
    assert.equal(s.onward, 'pfi', 'the demo hands the reports to a PFI unless --onward dmp');
    assert.deepEqual(s.publications, { dmp: {}, mssante: {} }, 'no report, nothing sent on to the PFI');
    assert.deepEqual(s.problems, []);
    assert.match(s.outcome, /^every expected outcome happened \(reports turned off\)$/);
    assert.match(run.stdout, /every expected outcome happened/);
    assert.ok(seconds < 30, `demo took ${seconds} s`);
  });
});
