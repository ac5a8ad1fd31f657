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

/** Starts loading the rule sets in the worker (compiling them on a first run); resolves when ready. */
export function warmUpCdaValidation(): Promise<void> {
  worker ??= new CdaValidationWorker();
  return worker.warmUp();
}

/** Thrown when the rule sets are still being prepared: the caller answers "retry later" (AR 206 / HTTP 503). */
export class CdaRulesNotReadyError extends Error {
  readonly code = 'TLR_ERR_GATEWAY_CDA_RULES_NOT_READY';
}

/**
 * Validation bounded in time while the rule sets are not ready: on a first start their compilation
 * takes minutes, longer than a partner waits for an acknowledgement or a user for an HTTP answer.
 */
export async function validateCdaWhenReady(xml: Uint8Array | string, waitMs = 20_000): Promise<CdaValidationReport> {
  worker ??= new CdaValidationWorker();
  if (!worker.ready) {
    const ready = worker.warmUp().then(() => true);
    const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), waitMs).unref());
    if (!(await Promise.race([ready, timedOut]))) {
      throw new CdaRulesNotReadyError('The ANS CDA rule sets are still being compiled (first start); retry in a few minutes');
    }
  }
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
