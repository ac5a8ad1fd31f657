import { CdaValidationWorker } from '../../documents/validation/index.js';
import type { CdaValidationReport, CdaWarmUpProgress, CdaWorkerOptions } from '../../documents/validation/index.js';

/** Where the CDA rule sets of this process stand. */
export interface CdaValidationStatus {
  /**
   * `idle`: nothing asked for them yet; `loading`: reading the compiled forms (seconds); `compiling`: a rule
   * set of a user-supplied kit is being compiled (minutes); `ready`; `failed`: they cannot be prepared.
   */
  readonly state: 'idle' | 'loading' | 'compiling' | 'ready' | 'failed';
  /** Schematron rule sets ready and how many there are in all, once known. */
  readonly done: number;
  readonly total: number;
  /** The rule set being compiled, when `compiling`. */
  readonly ruleSet?: string;
  /** Milliseconds since the preparation started. */
  readonly elapsedMillis?: number;
  /** Why, when `failed`. */
  readonly reason?: string;
}

/** One validation worker per process, shared by the gateway instances it runs (the demo runs two). */
let worker: CdaValidationWorker | undefined;
let users = 0;
let workerOptions: CdaWorkerOptions = {};
let status: CdaValidationStatus = { state: 'idle', done: 0, total: 0 };
let preparationStarted = 0;

/**
 * Where the worker finds the kit (`reports.cdaKit` of the configuration; default the bundled kit). Takes
 * effect for the next worker: call it before the first validation.
 */
export function configureCdaValidation(options: CdaWorkerOptions): void {
  workerOptions = { ...options };
}

function ensureWorker(): CdaValidationWorker {
  worker ??= new CdaValidationWorker({ ...workerOptions, onProgress: onProgress });
  return worker;
}

function onProgress(progress: CdaWarmUpProgress): void {
  if (status.state === 'ready' || status.state === 'failed') return;
  status = {
    state: progress.step === 'compiling' ? 'compiling' : 'loading',
    done: progress.done,
    total: progress.total,
    ...(progress.step === 'compiling' ? { ruleSet: progress.ruleSet } : {}),
    elapsedMillis: progress.elapsedMillis,
  };
}

/** The state of the rule sets, for `/ready` and for the 503 answers. */
export function cdaValidationStatus(): CdaValidationStatus {
  if (status.state === 'loading' || status.state === 'compiling') return { ...status, elapsedMillis: Date.now() - preparationStarted };
  return status;
}

/** `ready`, `compiling 3/6 (IHE, 95 s)` (3 of 6 rule sets ready), `loading 2/6`, `unavailable: …`, `not started`. */
export function describeCdaValidationStatus(s: CdaValidationStatus = cdaValidationStatus()): string {
  switch (s.state) {
    case 'ready':
      return 'ready';
    case 'failed':
      return `unavailable: ${s.reason ?? 'unknown reason'}`;
    case 'idle':
      return 'not started';
    case 'compiling':
      return `compiling ${s.done}/${s.total}${s.ruleSet ? ` (${s.ruleSet}${s.elapsedMillis === undefined ? '' : `, ${Math.round(s.elapsedMillis / 1000)} s`})` : ''}`;
    case 'loading':
      return s.total ? `loading ${s.done}/${s.total}` : 'loading';
  }
}

/** Validates a CDA document in the background worker, keeping the event loop free for MLLP and HTTP. */
export function validateCdaOffThread(xml: Uint8Array | string): Promise<CdaValidationReport> {
  return ensureWorker().validate(xml);
}

/** Starts loading the rule sets in the worker (compiling those of a user-supplied kit); resolves when ready. */
export function warmUpCdaValidation(): Promise<void> {
  const w = ensureWorker();
  if (status.state === 'idle' || status.state === 'failed') {
    preparationStarted = Date.now();
    status = { state: 'loading', done: 0, total: 0 };
  }
  return w.warmUp().then(
    () => {
      if (worker === w) status = { state: 'ready', done: status.total, total: status.total, elapsedMillis: Date.now() - preparationStarted };
    },
    (e: unknown) => {
      if (worker === w) status = { state: 'failed', done: status.done, total: status.total, reason: (e as Error).message };
      throw e;
    },
  );
}

/**
 * Thrown when the rule sets are not ready (still being prepared, or impossible to prepare): the caller
 * answers "retry later" (AR 206 / HTTP 503) with the reason, never an internal error.
 */
export class CdaRulesNotReadyError extends Error {
  readonly code = 'TLR_ERR_GATEWAY_CDA_RULES_NOT_READY';
}

/**
 * Validation bounded in time while the rule sets are not ready: compiling a user-supplied kit takes minutes,
 * longer than a partner waits for an acknowledgement or a user for an HTTP answer.
 */
export async function validateCdaWhenReady(xml: Uint8Array | string, waitMs = 20_000): Promise<CdaValidationReport> {
  const w = ensureWorker();
  if (!w.ready) {
    const ready = warmUpCdaValidation().then(
      () => 'ready' as const,
      (e: unknown) => e as Error,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), waitMs);
      timer.unref();
    });
    const outcome = await Promise.race([ready, timedOut]);
    clearTimeout(timer);
    if (outcome instanceof Error) throw new CdaRulesNotReadyError(`CDA validation unavailable: ${outcome.message}`);
    if (outcome === 'late') {
      throw new CdaRulesNotReadyError(`The CDA rule sets are not ready (reports: ${describeCdaValidationStatus()}); retry later`);
    }
  }
  return w.validate(xml);
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
      status = { state: 'idle', done: 0, total: 0 };
      await w.close();
    }
  };
}
