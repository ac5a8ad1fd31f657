import { CdaValidationWorker } from '../../documents/validation/index.js';
import type { CdaValidationReport } from '../../documents/validation/index.js';

/** One validation worker per process, shared by the gateway instances it runs (the demo runs two). */
let worker: CdaValidationWorker | undefined;
let users = 0;

/** Validates a CDA document in the background worker, keeping the event loop free for MLLP and HTTP. */
export function validateCdaOffThread(xml: Uint8Array | string): Promise<CdaValidationReport> {
  worker ??= new CdaValidationWorker();
  return worker.validate(xml);
}

/** Registers a gateway instance as a user of the worker; the returned function releases it (the last one stops the worker). */
export function useCdaValidationWorker(): () => Promise<void> {
  users++;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    users--;
    if (users === 0 && worker) {
      const w = worker;
      worker = undefined;
      await w.close();
    }
  };
}
