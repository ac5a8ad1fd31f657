import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CdaValidationWorker } from '../../src/documents/validation/index.js';
import type { CdaWarmUpProgress } from '../../src/documents/validation/index.js';
import { crImgLevel1File, readFixture } from './cda-fixtures.js';

describe('CDA validation worker', { timeout: 120_000 }, () => {
  it('loads the shipped rule sets with progress, validates a report, and stops with exit code 0', async () => {
    const progress: CdaWarmUpProgress[] = [];
    const worker = new CdaValidationWorker({ onProgress: (p) => progress.push(p) });
    await worker.warmUp();
    assert.equal(worker.ready, true);
    assert.ok(
      progress.every((p) => p.step === 'ready'),
      'nothing was compiled',
    );
    assert.deepEqual(progress.at(-1) && { done: progress.at(-1)?.done, total: progress.at(-1)?.total }, { done: 6, total: 6 });
    const report = await worker.validate(readFixture(crImgLevel1File));
    assert.equal(report.valid, true);
    assert.equal(await worker.close(), 0);
  });

  it('stops cleanly when it was never used', async () => {
    assert.equal(await new CdaValidationWorker().close(), null);
  });
});
