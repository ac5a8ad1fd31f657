import type { AwaitSpec } from './plan.js';

/**
 * What the tested system must do for a step, as the operator reads it and the hook receives it
 * (`POST` with this JSON body; docs/certify.md "The hook protocol").
 */
export interface ActionRequest {
  /** Plan step id, e.g. `P-F3-ACCEPT-TEXT`. */
  step: string;
  /** Action id of the plan: `create-order`, `accept`, `refuse`, `cancel`, `post-exam`, `write-report`… */
  action: string;
  /** The instruction shown to the operator. */
  instruction: string;
  /** What the kit waits for and will check. */
  expected: AwaitSpec;
  /** The order concerned: its plan label and, once known, its placer number (ORC-2). */
  order: { label: string; placerNumber?: string; assigningAuthority?: string };
  /** Synthetic data the tested system may use (a request to create, the exams performed). */
  suggested?: { order?: unknown; exams?: unknown[] };
  timeoutMs: number;
  /** ISO 8601 instant after which the step fails. */
  deadline: string;
}

/** Whoever makes the tested system act: a person at the terminal, an HTTP hook, or both. */
export interface Operator {
  /** Asks for the action; resolves once it is asked (not when it is done: the kit waits for the message). */
  request(action: ActionRequest): Promise<void>;
  /** The step is over (message received or timeout): stop any countdown. */
  done?(action: ActionRequest): void;
}

/**
 * The terminal: prints the instruction and, on a TTY, a countdown line refreshed every second
 * until the message arrives or the step times out.
 */
export class TerminalOperator implements Operator {
  #timer: NodeJS.Timeout | undefined;
  constructor(private readonly out: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean } = process.stderr) {}

  async request(a: ActionRequest): Promise<void> {
    this.out.write(`\n  >>> ACTION ${a.step}: ${a.instruction}\n`);
    if (a.order.placerNumber) this.out.write(`      order ${a.order.placerNumber} (authority ${a.order.assigningAuthority ?? '?'})\n`);
    if (!this.out.isTTY) {
      this.out.write(`      waiting up to ${Math.round(a.timeoutMs / 1000)} s\n`);
      return;
    }
    const end = Date.parse(a.deadline);
    const tick = (): void => {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      this.out.write(`\r      waiting… ${String(Math.floor(left / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')} left `);
    };
    tick();
    this.#timer = setInterval(tick, 1000);
  }

  done(): void {
    if (this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.out.write('\n');
    }
  }
}

export class CertifyHookError extends Error {
  readonly code = 'TLR_ERR_CERTIFY_HOOK';
}

/**
 * The HTTP hook: `POST url` with the {@link ActionRequest} as JSON. A 2xx means "the system will
 * send it"; anything else (or no answer within 30 s) fails the step with the hook's words.
 */
export class HookOperator implements Operator {
  constructor(
    private readonly url: string,
    private readonly also?: Operator,
  ) {}

  async request(a: ActionRequest): Promise<void> {
    await this.also?.request(a);
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(a),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new CertifyHookError(`hook ${this.url} did not answer: ${(e as Error).message}`);
    }
    if (!res.ok) throw new CertifyHookError(`hook ${this.url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }

  done(a: ActionRequest): void {
    this.also?.done?.(a);
  }
}
