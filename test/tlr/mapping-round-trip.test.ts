import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseMessage } from '../../src/hl7/index.js';
import { buildCancellationMessage, buildDecisionMessage, buildOrderMessage, buildPostExamMessage } from '../../src/tlr/write/index.js';
import { tlrMessageFromMessage } from '../../src/tlr/read/mapping.js';
import * as f from './fixtures.js';

/** Build → bytes → parse → map, on the realistic fixtures, in both character sets. */
describe('build then read gives back the domain objects', () => {
  for (const charset of ['UNICODE UTF-8', '8859/15'] as const) {
    const ris = { ...f.risContext, charset };
    const tlr = { ...f.platformContext, charset };

    it(`round-trips the imaging order of flow 1 (${charset})`, () => {
      const value = tlrMessageFromMessage(parseMessage(buildOrderMessage(latin9(f.order, charset), ris).toBytes()));
      assert.equal(value?.kind, 'order');
      assert.deepEqual(value.context, ris);
      assert.deepEqual(value.order, latin9(f.order, charset));
    });

    it(`round-trips the cancellation of flow 2 (${charset})`, () => {
      const value = tlrMessageFromMessage(parseMessage(buildCancellationMessage(f.cancellation, ris).toBytes()));
      assert.equal(value?.kind, 'cancellation');
      assert.deepEqual(value.cancellation, f.cancellation);
    });

    it(`round-trips an acceptance with a text and a PDF protocol in flow 3 (${charset})`, () => {
      const value = tlrMessageFromMessage(parseMessage(buildDecisionMessage(f.acceptance, tlr).toBytes()));
      assert.equal(value?.kind, 'decision');
      assert.deepEqual(value.decision, f.acceptance);
    });

    it(`round-trips a refusal with a coded reason in flow 3 (${charset})`, () => {
      const value = tlrMessageFromMessage(parseMessage(buildDecisionMessage(f.refusal, tlr).toBytes()));
      assert.equal(value?.kind, 'decision');
      assert.deepEqual(value.decision, f.refusal);
    });

    it(`round-trips two performed exams of flow 4 (${charset})`, () => {
      const value = tlrMessageFromMessage(parseMessage(buildPostExamMessage(f.postExamInfo, ris).toBytes()));
      assert.equal(value?.kind, 'postExamInfo');
      assert.deepEqual(value.postExamInfo, f.postExamInfo);
    });
  }
});

/** The fixture order with the typographic apostrophes a Latin-9 message turns into `'`. */
function latin9<T>(value: T, charset: string): T {
  return charset === '8859/15' ? (JSON.parse(JSON.stringify(value).replace(/’/g, "'")) as T) : value;
}
