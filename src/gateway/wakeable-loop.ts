/**
 * A background loop that works until there is nothing to do, then sleeps until `wake()` or a poll
 * interval. Used by the outbox and webhook dispatchers: enqueueing wakes them at once, the poll
 * interval picks up retries whose backoff has elapsed and work enqueued by other instances.
 */
export class WakeableLoop {
  #running = false;
  #wakeUp: (() => void) | undefined;
  #done: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly step: () => Promise<boolean>, private readonly pollMs: number, private readonly onError: (e: unknown) => void) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#done = this.#run();
  }

  wake(): void {
    this.#wakeUp?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#done;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let didWork = false;
      try {
        didWork = await this.step();
      } catch (e) {
        this.onError(e);
      }
      if (!this.#running) break;
      if (!didWork) {
        await new Promise<void>((resolve) => {
          this.#wakeUp = resolve;
          this.#timer = setTimeout(resolve, this.pollMs);
        });
        clearTimeout(this.#timer);
        this.#wakeUp = undefined;
      }
    }
  }
}
