import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { CdaValidationOptions, CdaValidationReport } from './cda-validator.js';
import { validateCda } from './cda-validator.js';

interface Request { id: number; xml: Uint8Array | string; options: CdaValidationOptions }
type Reply = { id: number; report: CdaValidationReport } | { id: number; error: { message: string; code?: string } };

/**
 * CDA validation off the main thread. Running the ANS rule sets takes from a few hundred
 * milliseconds to seconds of synchronous work; a gateway must keep answering MLLP and HTTP meanwhile,
 * so it validates in one long-lived worker (the compiled rule sets are loaded once per worker).
 */
export class CdaValidationWorker {
  #worker: Worker | undefined;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (r: CdaValidationReport) => void; reject: (e: Error) => void }>();

  validate(xml: Uint8Array | string, options: CdaValidationOptions = {}): Promise<CdaValidationReport> {
    const worker = this.#ensure();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, xml, options } satisfies Request);
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
      else p.resolve(reply.report);
    });
    const failAll = (e: Error): void => {
      this.#worker = undefined;
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
    if (w) await w.terminate();
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (req: Request) => {
    validateCda(req.xml, req.options).then(
      (report) => port.postMessage({ id: req.id, report: JSON.parse(JSON.stringify(report)) as CdaValidationReport } satisfies Reply),
      (e: unknown) => port.postMessage({ id: req.id, error: { message: (e as Error).message, code: (e as { code?: string }).code } } satisfies Reply),
    );
  });
}
