/**
 * A one-line progress report for long runs on a terminal (stderr): messages done out of the total, bytes
 * read out of the total, elapsed time, redrawn in place. Used only when stderr is a TTY and the output is
 * not `--json`: a pipe, a log file or a machine reading the JSON never sees it.
 */
export class TerminalProgress {
  readonly #write: (text: string) => void;
  readonly #label: string;
  readonly #totalMessages: number;
  readonly #totalBytes: number;
  readonly #started: number;
  readonly #now: () => number;
  #messages = 0;
  #bytes = 0;
  #current: string | undefined;
  #drawn = false;
  #drawnAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: {
    write: (text: string) => void;
    label: string;
    totalMessages: number;
    totalBytes: number;
    now?: () => number;
  }) {
    this.#write = options.write;
    this.#label = options.label;
    this.#totalMessages = options.totalMessages;
    this.#totalBytes = options.totalBytes;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  /** Redraws every `intervalMs` while one long message is being worked on (the timer does not keep the process alive). */
  start(intervalMs = 250): void {
    this.#timer = setInterval(() => this.#render(true), intervalMs);
    this.#timer.unref();
    this.#render(true);
  }

  /** The message now being worked on. */
  working(name: string): void {
    this.#current = name;
    this.#render();
  }

  /** One more message done, of this many bytes. */
  advance(bytes: number): void {
    this.#messages++;
    this.#bytes += bytes;
    this.#current = undefined;
    this.#render();
  }

  /** Removes the line, so that what the command prints next starts at the left margin; the next update redraws it. */
  clear(): void {
    if (this.#drawn) this.#write('\r\x1b[2K');
    this.#drawn = false;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.clear();
  }

  /** The text of the line (without the carriage return). */
  line(): string {
    const seconds = (this.#now() - this.#started) / 1000;
    const current = this.#current ? `, ${this.#current}` : '';
    return (
      `${this.#label}: ${this.#messages}/${this.#totalMessages} messages, ` +
      `${megabytes(this.#bytes)}/${megabytes(this.#totalBytes)} MB, ${seconds.toFixed(1)} s${current}`
    );
  }

  /** Draws the line; an update is drawn at most every 100 ms (many small files would flood the terminal), the timer's always. */
  #render(force = false): void {
    const now = this.#now();
    if (!force && this.#drawn && now - this.#drawnAt < 100) return;
    this.#write(`\r\x1b[2K${this.line()}`);
    this.#drawn = true;
    this.#drawnAt = now;
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}
