import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OrderKey } from '../../src/store/index.js';
import { order } from '../tlr/fixtures.js';
import type { GatewayPair } from '../helpers/gateway-pair.js';
import { API_KEY, bringOrderToReport, startGatewayPair } from '../helpers/gateway-pair.js';

const key: OrderKey = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
const MISSING_KIT = '/nonexistent/cisis-tlr-test-kit';

/**
 * A gateway whose configured CDA kit (`reports.cdaKit`) cannot be used still starts and handles orders; it
 * says so on /ready and refuses reports with 503 and the reason, never with an internal error.
 */
describe('gateway whose CDA validation kit is unusable', { timeout: 120_000 }, () => {
  let pair: GatewayPair;
  before(async () => {
    pair = await startGatewayPair({ platform: { reports: { cdaKit: MISSING_KIT } }, ris: { reports: { cdaKit: MISSING_KIT } } });
    await bringOrderToReport(pair);
  });
  after(async () => {
    await pair?.stop();
  });

  it('tells on /ready that reports cannot be validated, and why', async () => {
    let body: { status?: string; reports?: string } = {};
    for (let i = 0; i < 100 && !/^unavailable/.test(body.reports ?? ''); i++) {
      const res = await fetch(`http://127.0.0.1:${pair.platform.apiPort}/ready`);
      assert.equal(res.status, 200);
      body = (await res.json()) as typeof body;
      if (!/^unavailable/.test(body.reports ?? '')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(body.status, 'degraded');
    assert.match(body.reports ?? '', /^unavailable: no CDA validation kit at \/nonexistent\/cisis-tlr-test-kit/);
  });

  it('answers the report API with 503 naming the reason, not 500', async () => {
    const res = await fetch(
      `http://127.0.0.1:${pair.platform.apiPort}/api/orders/${encodeURIComponent(key.placerNumber)}/reports` +
        `?authority=${encodeURIComponent(key.assigningAuthority)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({
          content: {
            clinicalContext: 'Céphalées.',
            technique: 'IRM encéphalique.',
            findings: 'Pas d’anomalie.',
            conclusion: 'IRM encéphalique normale.',
          },
        }),
      },
    );
    const text = await res.text();
    assert.equal(res.status, 503, text);
    assert.match(text, /TLR_ERR_GATEWAY_NOT_READY/);
    assert.match(text, /no CDA validation kit at \/nonexistent\/cisis-tlr-test-kit/);
  });
});
