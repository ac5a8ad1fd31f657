import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { CdaValidationOptions, CdaValidationReport, CdaWarmUpProgress } from './cda-validator.js';
import { validateCda, warmUpCdaValidation } from './cda-validator.js';

/** Where the worker finds the kit and the compiled rule sets (the defaults of {@link validateCda} otherwise). */
export type CdaWorkerOptions = Pick<CdaValidationOptions, 'kitDir' | 'cacheDir' | 'precompiledDirs'>;

type Request =
  | { id: number; kind: 'validate'; xml: Uint8Array | string; options: CdaValidationOptions }
  | { id: number; kind: 'warmUp'; options: CdaWorkerOptions }
  | { id: number; kind: 'close' };
type Reply =
  | { id: number; report: unknown }
  | { id: number; error: { message: string; code?: string | undefined } }
  | { id: number; progress: CdaWarmUpProgress };

/** How long {@link CdaValidationWorker.close} lets a running validation finish before terminating the thread. */
const CLOSE_GRACE_MILLIS = 5_000;

/**
 * CDA validation off the main thread. Running the ANS rule sets takes from a few hundred
 * milliseconds to seconds of synchronous work; a gateway must keep answering MLLP and HTTP meanwhile,
 * so it validates in one long-lived worker (the compiled rule sets are loaded once per worker).
 */
export class CdaValidationWorker {
  #worker: Worker | undefined;
  #next = 1;
  readonly #pending = new Map<
    number,
    { resolve: (r: never) => void; reject: (e: Error) => void; progress?: (p: CdaWarmUpProgress) => void }
  >();
  #ready: Promise<void> | undefined;
  #isReady = false;
  #closing = false;
  readonly #options: CdaWorkerOptions;
  readonly #onProgress: ((progress: CdaWarmUpProgress) => void) | undefined;

  constructor(options: CdaWorkerOptions & { onProgress?: (progress: CdaWarmUpProgress) => void } = {}) {
    const { onProgress, ...rest } = options;
    this.#options = rest;
    this.#onProgress = onProgress;
  }

  validate(xml: Uint8Array | string, options: CdaValidationOptions = {}): Promise<CdaValidationReport> {
    return this.#request({ id: this.#next++, kind: 'validate', xml, options: { ...this.#options, ...options } });
  }

  /**
   * Loads every rule set in the worker, once (from the shipped compiled forms in seconds; a user-supplied kit
   * is compiled, which takes minutes, with progress told to `onProgress`); later validations are then fast.
   * Resolves when the worker is ready.
   */
  warmUp(): Promise<void> {
    this.#ready ??= this.#request<unknown>({ id: this.#next++, kind: 'warmUp', options: this.#options }, this.#onProgress).then(() => {
      this.#isReady = true;
    });
    return this.#ready;
  }

  /** True once `warmUp` finished: validations no longer wait for rule-set compilation. */
  get ready(): boolean {
    return this.#isReady;
  }

  #request<T>(req: Request, progress?: (p: CdaWarmUpProgress) => void): Promise<T> {
    const worker = this.#ensure();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(req.id, { resolve: resolve as (r: never) => void, reject, ...(progress ? { progress } : {}) });
      // Referenced while a request is pending, so that awaiting it keeps the process alive; idle, the worker
      // does not hold the process open (a gateway stops it explicitly).
      worker.ref();
      worker.postMessage(req);
    });
  }

  #ensure(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(fileURLToPath(import.meta.url));
    worker.on('message', (reply: Reply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) {
        p.progress?.(reply.progress);
        return;
      }
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in reply) p.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else p.resolve(reply.report as never);
    });
    const failAll = (e: Error): void => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#ready = undefined;
      this.#isReady = false;
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new Error(`CDA validation worker exited with code ${code}`));
      else if (this.#worker === worker) this.#worker = undefined;
    });
    // After the listeners: adding a 'message' listener refs the worker again, which kept processes alive.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  /**
   * Stops the worker cleanly: it is asked to close its port and exits with code 0 once the validation in
   * progress (if any) is done; after {@link CLOSE_GRACE_MILLIS} it is terminated. Pending requests are rejected.
   * Resolves with the thread's exit code (`null` when no thread was running).
   */
  async close(): Promise<number | null> {
    const w = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    this.#isReady = false;
    if (!w || this.#closing) return null;
    this.#closing = true;
    try {
      const exited = new Promise<number>((resolve) => w.once('exit', resolve));
      // Referenced while it stops: the caller awaits its exit, which an unreferenced worker would not keep alive.
      w.ref();
      w.postMessage({ id: 0, kind: 'close' } satisfies Request);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MILLIS);
      });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      const code = outcome === 'late' ? await w.terminate() : outcome;
      const stopped = new Error('CDA validation worker stopped');
      for (const p of this.#pending.values()) p.reject(stopped);
      this.#pending.clear();
      return code;
    } finally {
      this.#closing = false;
    }
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (req: Request) => {
    if (req.kind === 'close') {
      // Nothing else holds the thread's event loop: closing the port lets it exit with code 0.
      port.close();
      return;
    }
    const work: Promise<unknown> =
      req.kind === 'warmUp'
        ? warmUpCdaValidation({ ...req.options, onProgress: (progress) => port.postMessage({ id: req.id, progress } satisfies Reply) })
        : validateCda(req.xml, req.options);
    work.then(
      (report) => port.postMessage({ id: req.id, report: JSON.parse(JSON.stringify(report ?? null)) as unknown } satisfies Reply),
      (e: unknown) =>
        port.postMessage({ id: req.id, error: { message: (e as Error).message, code: (e as { code?: string }).code } } satisfies Reply),
    );
  });
}
