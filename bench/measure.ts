/**
 * Timing helpers shared by the benchmarks: warm-up, interleaved timed rounds, medians and
 * Markdown tables.
 *
 * Why interleave: the benchmark machine has two cores shared with other work, so its speed drifts
 * over seconds. Timing every contender once per round, in rotating order, spreads that drift over
 * all of them instead of penalising whichever ran during a busy spell; the median of the rounds
 * then drops the outliers.
 */

/** A contender's unit of work: runs it once and returns a value that must not be optimised away. */
export type Workload = () => number;

export interface Contender {
  name: string;
  /** One pass of the work; `units` says how many messages and bytes one pass processes. */
  workload: Workload;
  units: { messages: number; bytes: number };
}

export interface RoundOptions {
  /** Rounds timed per contender (the median is kept). */
  rounds: number;
  /** Approximate length of one timed round, in milliseconds. */
  roundMs: number;
  /** Minimum warm-up time per contender before calibration, in milliseconds. */
  warmupMs: number;
}

export interface Throughput {
  name: string;
  /** Median over the rounds. */
  messagesPerSecond: number;
  /** Median over the rounds, in MB/s (10^6 bytes of input per second). */
  megabytesPerSecond: number;
  /** Passes per timed round after calibration. */
  passesPerRound: number;
  /** Every round's messages/s, in the order they ran. */
  rounds: number[];
}

/** Result sink: every workload's return value is folded in, so the JIT cannot drop the work. */
let sink = 0;

/** The accumulated sink, to print once at the end (proves the work was consumed). */
export function sinkValue(): number {
  return sink;
}

/** Runs `global.gc()` when the process was started with `--expose-gc` (a no-op otherwise). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timePasses(workload: Workload, passes: number): number {
  const start = process.hrtime.bigint();
  let acc = 0;
  for (let i = 0; i < passes; i++) acc += workload();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  sink = (sink + acc) % 1_000_000_007;
  return elapsed;
}

/** Warms a workload up, then returns how many passes fill one round of `roundMs`. */
function calibrate(workload: Workload, options: RoundOptions): number {
  let passes = 1;
  let warm = 0;
  // Warm-up doubles as a first estimate: keep doubling until both the warm-up time is spent and a
  // batch lasts long enough (>= 20 ms) for the timer resolution not to matter.
  for (;;) {
    const ms = timePasses(workload, passes);
    warm += ms;
    if (warm >= options.warmupMs && ms >= 20) {
      return Math.max(1, Math.round((passes * options.roundMs) / ms));
    }
    if (ms < 20) passes *= 2;
  }
}

/**
 * Measures every contender in interleaved rounds and returns their median throughput, in the
 * order given. Each contender is warmed up and calibrated first; a full garbage collection runs
 * before each timed round so one contender's garbage is not collected on another's clock.
 */
export function measureInterleaved(contenders: readonly Contender[], options: RoundOptions): Throughput[] {
  const passes = contenders.map((c) => {
    collectGarbage();
    return calibrate(c.workload, options);
  });
  const perRound: number[][] = contenders.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + round) % contenders.length;
      const c = contenders[i]!;
      collectGarbage();
      const ms = timePasses(c.workload, passes[i]!);
      perRound[i]!.push((passes[i]! * c.units.messages * 1000) / ms);
    }
  }
  return contenders.map((c, i) => {
    const mps = median(perRound[i]!);
    return {
      name: c.name,
      messagesPerSecond: mps,
      megabytesPerSecond: (mps * (c.units.bytes / c.units.messages)) / 1e6,
      passesPerRound: passes[i]!,
      rounds: perRound[i]!,
    };
  });
}

/** Formats a rate with three significant digits and thin grouping (`12 300`, `1.25`). */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 1000) return Math.round(value).toLocaleString('en-US').replace(/,/g, ' ');
  return value.toPrecision(3);
}

/** A Markdown table (the benchmarks print Markdown so the figures paste into docs unchanged). */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: ReadonlyArray<'l' | 'r'>): string {
  const sep = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
}

/** Bytes in MiB with one decimal, for memory reports. */
export function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
