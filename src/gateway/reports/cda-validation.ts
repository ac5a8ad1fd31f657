import { CdaValidationWorker } from '../../documents/validation/index.js';
import type { CdaValidationReport } from '../../documents/validation/index.js';

/** One validation worker per process, shared by the gateway instances it runs (the demo runs two). */
let worker: CdaValidationWorker | undefined;

/** Validates a CDA document in the background worker, keeping the event loop free for MLLP and HTTP. */
export function validateCdaOffThread(xml: Uint8Array | string): Promise<CdaValidationReport> {
  worker ??= new CdaValidationWorker();
  return worker.validate(xml);
}
