import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pgSkip, postgresSchemaUrl } from '../gateway/harness.js';
import { runInboundFuzz } from './fuzz-inbound.js';

/** CI's share of the fuzz campaign (`scripts/fuzz-inbound.mjs` runs the full one): set CISIS_TLR_FUZZ_COUNT to change it. */
const COUNT = Number(process.env['CISIS_TLR_FUZZ_COUNT'] ?? 3000);

describe('fuzzed inputs through parse, validate and the inbound handler on a real store', () => {
  for (const engine of ['sqlite', 'postgres'] as const) {
    it(`answers every one of ${COUNT} generated inputs on ${engine}, journals each, and never crashes`, {
      skip: engine === 'postgres' ? pgSkip : false,
      timeout: 600_000,
    }, async () => {
      const pg = engine === 'postgres' ? postgresSchemaUrl('fuzz') : undefined;
      try {
        const f = await runInboundFuzz({
          count: engine === 'postgres' ? Math.ceil(COUNT / 3) : COUNT,
          seed: 20261203,
          ...(pg ? { storeUrl: pg.url } : {}),
        });
        assert.deepEqual(f.failures, []);
        assert.equal(f.crashes, 0);
        assert.equal(f.unhandledRejections, 0);
        assert.equal(f.answered.AA + f.answered.AE + f.answered.AR, f.inputs, 'every input answered');
        assert.equal(f.journaled + f.redeliveries, f.inputs, 'every input journaled, or counted as a re-delivery of one that is');
        assert.ok(f.answered.AA > 0 && f.answered.AE > 0, `a mix of outcomes: ${JSON.stringify(f.answered)}`);
      } finally {
        await pg?.dispose();
      }
    });
  }
});
