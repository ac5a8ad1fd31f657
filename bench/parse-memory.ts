/**
 * Constant-memory check of the ER7 parser: parse a long stream of small messages and sample the
 * heap and the resident set after a full garbage collection at regular intervals. A parser that
 * keeps anything per message (a cache, a registry, listeners) shows a heap that climbs.
 */
import { tryParseMessage } from '../src/hl7/index.js';
import { collectGarbage } from './measure.js';

export interface MemorySample {
  parsed: number;
  heapUsed: number;
  rss: number;
  /** Memory of Buffers and ArrayBuffers held outside the V8 heap. */
  arrayBuffers: number;
}

export interface MemoryReport {
  samples: MemorySample[];
  seconds: number;
  /** The sample growth is measured from (see `baselineIndex`). */
  baseline: MemorySample;
  /** Heap growth between the baseline and the last sample, in bytes. */
  heapGrowth: number;
  /** Peak RSS after the baseline minus peak RSS up to it, in bytes. */
  rssGrowth: number;
  flat: boolean;
}

/** Heap growth tolerated between the first and the last sample: V8 metadata, IC feedback, code. */
export const HEAP_TOLERANCE = 2 * 1024 * 1024;
/** RSS growth tolerated: the allocator may keep freed pages mapped. */
export const RSS_TOLERANCE = 32 * 1024 * 1024;

/**
 * Growth is measured from the sample a third of the way in, not from the first: early in the loop
 * V8 sizes its young generation to the allocation rate, which raises the RSS by tens of MiB once
 * and then holds it. A leak keeps growing after that; a plateau does not.
 */
export function baselineIndex(sampleCount: number): number {
  return Math.floor(sampleCount / 3);
}

function sample(parsed: number): MemorySample {
  collectGarbage();
  const m = process.memoryUsage();
  return { parsed, heapUsed: m.heapUsed, rss: m.rss, arrayBuffers: m.arrayBuffers };
}

/**
 * Parses `total` messages (cycling through `inputs`), reading MSH-10 and MSA-2 of each so the
 * lazy parts run, and samples memory every `interval` messages. Requires `--expose-gc`.
 */
export function checkConstantMemory(inputs: readonly Buffer[], total: number, interval: number): MemoryReport {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    throw new Error('The constant-memory check needs global.gc(): run node with --expose-gc');
  }
  const samples: MemorySample[] = [];
  let checksum = 0;
  const start = process.hrtime.bigint();
  for (let i = 1; i <= total; i++) {
    const message = tryParseMessage(inputs[i % inputs.length]!).message;
    if (message) checksum += message.msh.get(10).length + (message.segment('MSA')?.get(2).length ?? 0);
    if (i % interval === 0) samples.push(sample(i));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (checksum === 0) throw new Error('No message was parsed');
  const baseline = samples[baselineIndex(samples.length)]!;
  const last = samples[samples.length - 1]!;
  const heapGrowth = last.heapUsed - baseline.heapUsed;
  // RSS swings by tens of MiB as the young generation is committed and released around each
  // collection: compare its peaks before and after the baseline rather than two single points.
  const peak = (from: MemorySample[]): number => Math.max(...from.map((x) => x.rss));
  const cut = baselineIndex(samples.length) + 1;
  const rssGrowth = peak(samples.slice(cut)) - peak(samples.slice(0, cut));
  return { samples, seconds, baseline, heapGrowth, rssGrowth, flat: heapGrowth <= HEAP_TOLERANCE && rssGrowth <= RSS_TOLERANCE };
}
