import { CdaValidationWorker } from '../../documents/validation/index.js';
import type { CdaValidationReport, CdaWarmUpProgress, CdaWorkerOptions } from '../../documents/validation/index.js';

/** Where the CDA rule sets of a {@link CdaValidation} stand. */
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

const IDLE: CdaValidationStatus = { state: 'idle', done: 0, total: 0 };

/** `ready`, `compiling 3/6 (IHE, 95 s)` (3 of 6 rule sets ready), `loading 2/6`, `unavailable: …`, `not started`. */
export function describeCdaValidationStatus(s: CdaValidationStatus): string {
  switch (s.state) {
    case 'ready':
      return 'ready';
    case 'failed':
      return `unavailable: ${s.reason ?? 'unknown reason'}`;
    case 'idle':
      return 'not started';
    case 'compiling': {
      const elapsed = s.elapsedMillis === undefined ? '' : `, ${Math.round(s.elapsedMillis / 1000)} s`;
      return `compiling ${s.done}/${s.total}${s.ruleSet ? ` (${s.ruleSet}${elapsed})` : ''}`;
    }
    case 'loading':
      return s.total ? `loading ${s.done}/${s.total}` : 'loading';
  }
}

/**
 * Thrown when the rule sets are not ready (still being prepared, or impossible to prepare): the caller
 * answers "retry later" (AR 206 / HTTP 503) with the reason, never an internal error.
 */
export class CdaRulesNotReadyError extends Error {
  readonly code = 'TLR_ERR_GATEWAY_CDA_RULES_NOT_READY';
}

/**
 * The CDA validation of a gateway: one background worker ({@link CdaValidationWorker}, started at the
 * first need) with the kit it was given, and where its rule sets stand. Owned by the documents plug-in
 * of a gateway, which holds it while it runs ({@link hold}); gateways of one process may share one
 * (the demo runs two) to load the rule sets once. The worker stops when the last holder lets go.
 */
export class CdaValidation {
  readonly #options: CdaWorkerOptions;
  #worker: CdaValidationWorker | undefined;
  #holders = 0;
  #status: CdaValidationStatus = IDLE;
  #preparationStarted = 0;

  /** `kitDir`: where the worker finds the kit (`reports.cdaKit` of the configuration; default the bundled kit). */
  constructor(options: CdaWorkerOptions = {}) {
    this.#options = { ...options };
  }

  /** The state of the rule sets, for `/ready` and for the 503 answers. */
  status(): CdaValidationStatus {
    const s = this.#status;
    if (s.state === 'loading' || s.state === 'compiling') return { ...s, elapsedMillis: Date.now() - this.#preparationStarted };
    return s;
  }

  /** Starts loading the rule sets in the worker (compiling those of a user-supplied kit); resolves when ready. */
  warmUp(): Promise<void> {
    const w = this.#ensureWorker();
    if (this.#status.state === 'idle' || this.#status.state === 'failed') {
      this.#preparationStarted = Date.now();
      this.#status = { state: 'loading', done: 0, total: 0 };
    }
    return w.warmUp().then(
      () => {
        if (this.#worker === w)
          this.#status = {
            state: 'ready',
            done: this.#status.total,
            total: this.#status.total,
            elapsedMillis: Date.now() - this.#preparationStarted,
          };
      },
      (e: unknown) => {
        if (this.#worker === w)
          this.#status = { state: 'failed', done: this.#status.done, total: this.#status.total, reason: (e as Error).message };
        throw e;
      },
    );
  }

  /**
   * Validates a CDA document in the background worker, keeping the event loop free for MLLP and HTTP.
   * Bounded in time while the rule sets are not ready (compiling a user-supplied kit takes minutes, longer
   * than a partner waits for an acknowledgement or a user for an HTTP answer): {@link CdaRulesNotReadyError}.
   */
  async validate(xml: Uint8Array | string, waitMs = 20_000): Promise<CdaValidationReport> {
    const w = this.#ensureWorker();
    if (!w.ready) {
      const ready = this.warmUp().then(
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
        throw new CdaRulesNotReadyError(
          `The CDA rule sets are not ready (reports: ${describeCdaValidationStatus(this.status())}); retry later`,
        );
      }
    }
    return w.validate(xml);
  }

  /** Holds the validation while a gateway runs; the returned function lets go (the last holder stops the worker). */
  hold(): () => Promise<void> {
    this.#holders++;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.#holders--;
      if (this.#holders === 0 && this.#worker) {
        const w = this.#worker;
        this.#worker = undefined;
        this.#status = IDLE;
        await w.close();
      }
    };
  }

  #ensureWorker(): CdaValidationWorker {
    this.#worker ??= new CdaValidationWorker({ ...this.#options, onProgress: (p) => this.#onProgress(p) });
    return this.#worker;
  }

  #onProgress(progress: CdaWarmUpProgress): void {
    if (this.#status.state === 'ready' || this.#status.state === 'failed') return;
    this.#status = {
      state: progress.step === 'compiling' ? 'compiling' : 'loading',
      done: progress.done,
      total: progress.total,
      ...(progress.step === 'compiling' ? { ruleSet: progress.ruleSet } : {}),
      elapsedMillis: progress.elapsedMillis,
    };
  }
}
