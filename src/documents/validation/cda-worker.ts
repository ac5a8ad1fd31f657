import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { CdaValidationOptions, CdaValidationReport } from './cda-validator.js';
import { validateCda, warmUpCdaValidation } from './cda-validator.js';

type Request = { id: number; kind: 'validate'; xml: Uint8Array | string; options: CdaValidationOptions } | { id: number; kind: 'warmUp' };
type Reply = { id: number; report: unknown } | { id: number; error: { message: string; code?: string } };

/**
 * CDA validation off the main thread. Running the ANS rule sets takes from a few hundred
 * milliseconds to seconds of synchronous work; a gateway must keep answering MLLP and HTTP meanwhile,
 * so it validates in one long-lived worker (the compiled rule sets are loaded once per worker).
 */
export class CdaValidationWorker {
  #worker: Worker | undefined;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();
  #ready: Promise<void> | undefined;
  #isReady = false;

  validate(xml: Uint8Array | string, options: CdaValidationOptions = {}): Promise<CdaValidationReport> {
    return this.#request({ id: this.#next++, kind: 'validate', xml, options });
  }

  /**
   * Loads (compiling on a cold cache, which takes minutes) every rule set in the worker, once; later
   * validations are then fast. Resolves when the worker is ready.
   */
  warmUp(): Promise<void> {
    this.#ready ??= this.#request<unknown>({ id: this.#next++, kind: 'warmUp' }).then(() => { this.#isReady = true; });
    return this.#ready;
  }

  /** True once `warmUp` finished: validations no longer wait for rule-set compilation. */
  get ready(): boolean {
    return this.#isReady;
  }

  #request<T>(req: Request): Promise<T> {
    const worker = this.#ensure();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(req.id, { resolve: resolve as (r: never) => void, reject });
      worker.postMessage(req);
    });
  }

  #ensure(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(fileURLToPath(import.meta.url));
    worker.on('message', (reply: Reply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if ('error' in reply) p.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else p.resolve(reply.report as never);
    });
    const failAll = (e: Error): void => {
      this.#worker = undefined;
      this.#ready = undefined;
      this.#isReady = false;
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => { if (code !== 0) failAll(new Error(`CDA validation worker exited with code ${code}`)); else this.#worker = undefined; });
    // After the listeners: adding a 'message' listener refs the worker again, which kept processes alive.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    this.#isReady = false;
    if (w) await w.terminate();
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (req: Request) => {
    const work: Promise<unknown> = req.kind === 'warmUp' ? warmUpCdaValidation() : validateCda(req.xml, req.options);
    work.then(
      (report) => port.postMessage({ id: req.id, report: JSON.parse(JSON.stringify(report ?? null)) as unknown } satisfies Reply),
      (e: unknown) => port.postMessage({ id: req.id, error: { message: (e as Error).message, code: (e as { code?: string }).code } } satisfies Reply),
    );
  });
}
