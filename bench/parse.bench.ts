/**
 * ER7 parse benchmark: parse + read four values + serialize, our core against the npm HL7 v2
 * parsers, on the same corpus in the same process; then correctness checks and a constant-memory
 * loop of our parser.
 *
 * Run: `npm run bench -- parse`, or `node --expose-gc dist/bench/parse.bench.js [options]`:
 *   --rounds N          timed rounds per parser and corpus class (default 15, median kept)
 *   --round-ms N        length of one round in ms (default 80)
 *   --memory N          messages parsed by the constant-memory loop (default 1 000 000)
 *   --quick             3 rounds of 40 ms and 100 000 messages: a smoke run, not figures to quote
 *   --json FILE         also write the raw results as JSON
 *
 * Output is Markdown, ready for docs/performance.md. Exits non-zero when our parser fails on a
 * corpus message or its memory is not flat.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { loadParseCorpus, smallAcks } from './corpus.js';
import type { CorpusClass } from './corpus.js';
import { formatRate, markdownTable, measureInterleaved, mebibytes, sinkValue } from './measure.js';
import type { Contender, Throughput } from './measure.js';
import { checkCorrectness } from './parse-correctness.js';
import type { Correctness } from './parse-correctness.js';
import { HEAP_TOLERANCE, RSS_TOLERANCE, checkConstantMemory } from './parse-memory.js';
import { PARSERS, decodeForStringApi } from './parsers.js';
import type { ParserUnderTest } from './parsers.js';

interface Options {
  rounds: number;
  roundMs: number;
  warmupMs: number;
  memoryMessages: number;
  json: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const num = (flag: string, fallback: number): number => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} expects a positive number, got ${v}`);
    return n;
  };
  return {
    rounds: num('--rounds', quick ? 3 : 15),
    roundMs: num('--round-ms', quick ? 40 : 80),
    warmupMs: quick ? 100 : 300,
    memoryMessages: num('--memory', quick ? 100_000 : 1_000_000),
    json: value('--json'),
  };
}

interface ClassResult {
  corpus: string;
  results: Array<Throughput & { error?: string }>;
}

/** The contender of one parser on one corpus class, or the error it raised on a message. */
function contenderFor(parser: ParserUnderTest, corpus: CorpusClass): Contender | { error: string } {
  const inputs = corpus.messages.map((m) => parser.prepare(m.bytes));
  for (let i = 0; i < inputs.length; i++) {
    try {
      parser.cycle(inputs[i]!);
    } catch (e) {
      return { error: `${corpus.messages[i]!.source}: ${(e as Error).message}` };
    }
  }
  return {
    name: parser.name,
    units: { messages: inputs.length, bytes: corpus.bytes },
    workload: () => {
      let n = 0;
      for (let i = 0; i < inputs.length; i++) n += parser.cycle(inputs[i]!);
      return n;
    },
  };
}

function measureClass(corpus: CorpusClass, options: Options): ClassResult {
  const contenders: Contender[] = [];
  const failed: Array<{ name: string; error: string }> = [];
  for (const parser of PARSERS) {
    const c = contenderFor(parser, corpus);
    if ('error' in c) failed.push({ name: parser.name, error: c.error });
    else contenders.push(c);
  }
  const measured = measureInterleaved(contenders, options);
  const results = PARSERS.map((p) => {
    const m = measured.find((r) => r.name === p.name);
    if (m) return m;
    const error = failed.find((f) => f.name === p.name)!.error;
    return { name: p.name, messagesPerSecond: Number.NaN, megabytesPerSecond: Number.NaN, passesPerRound: 0, rounds: [], error };
  });
  return { corpus: corpus.name, results };
}

function ratioText(ours: number, peer: number): string {
  return Number.isFinite(ours) && Number.isFinite(peer) && peer > 0 ? `${(ours / peer).toFixed(2)}×` : '–';
}

function fastestPeer(result: ClassResult): Throughput | undefined {
  return result.results
    .slice(1)
    .filter((r) => Number.isFinite(r.messagesPerSecond))
    .reduce<Throughput | undefined>((best, r) => (!best || r.messagesPerSecond > best.messagesPerSecond ? r : best), undefined);
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const corpus = loadParseCorpus();
  const cpu = cpus();
  console.log('## ER7 parse benchmark\n');
  console.log(
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${mebibytes(totalmem())} MiB RAM, Node ${process.version}, ` +
      `${new Date().toISOString()}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} at start.`,
  );
  console.log(
    `Method: ${options.rounds} interleaved rounds of ~${options.roundMs} ms per parser and class after ${options.warmupMs} ` +
      `ms warm-up; median reported.\n`,
  );

  console.log(
    markdownTable(
      ['Parser', 'Version', 'Input', 'Calls'],
      PARSERS.map((p) => [
        p.name,
        p.version,
        p.input === 'bytes' ? 'bytes (decoding timed)' : 'string (decoded beforehand, untimed)',
        `\`${p.api}\``,
      ]),
    ),
  );
  console.log();
  console.log(
    markdownTable(
      ['Corpus class', 'Messages', 'Bytes', 'Content'],
      corpus.map((c) => [c.name, String(c.messages.length), String(c.bytes), c.description]),
      ['l', 'r', 'r', 'l'],
    ),
  );
  console.log();

  const results: ClassResult[] = [];
  for (const c of corpus) {
    process.stderr.write(`measuring ${c.name}…\n`);
    results.push(measureClass(c, options));
  }

  console.log('### Throughput (parse + 4 reads + serialize), median messages/s and MB/s\n');
  const rows: string[][] = [];
  for (const r of results) {
    const ours = r.results[0]!;
    for (const t of r.results) {
      rows.push([
        r.corpus,
        t.name,
        t.error ? 'error' : formatRate(t.messagesPerSecond),
        t.error ? '–' : formatRate(t.megabytesPerSecond),
        t === ours ? '1' : ratioText(ours.messagesPerSecond, t.messagesPerSecond),
      ]);
    }
  }
  console.log(markdownTable(['Corpus class', 'Parser', 'msg/s', 'MB/s', 'ours ÷ this'], rows, ['l', 'l', 'r', 'r', 'r']));
  console.log();
  for (const r of results) for (const t of r.results) if (t.error) console.log(`- ${t.name} on ${r.corpus}: ${t.error}`);

  console.log('### Our ratio to the fastest peer\n');
  console.log(
    markdownTable(
      ['Corpus class', 'cisis-tlr msg/s', 'Fastest peer', 'Peer msg/s', 'Ratio'],
      results.map((r) => {
        const ours = r.results[0]!;
        const peer = fastestPeer(r);
        return [
          r.corpus,
          formatRate(ours.messagesPerSecond),
          peer?.name ?? '–',
          peer ? formatRate(peer.messagesPerSecond) : '–',
          peer ? ratioText(ours.messagesPerSecond, peer.messagesPerSecond) : '–',
        ];
      }),
      ['l', 'r', 'l', 'r', 'r'],
    ),
  );
  console.log();

  const correctness = checkCorrectness(PARSERS, corpus, decodeForStringApi);
  console.log('### Correctness\n');
  console.log(
    markdownTable(
      ['Parser', '\\F\\ \\S\\ \\T\\ \\R\\ \\E\\', '\\X41\\\\XC3A9\\ → Aé', '8859/15 é €', 'Identical round trip', 'Same 4 values as ours'],
      correctness.map((c: Correctness) => [
        c.name,
        c.delimiterEscapes,
        c.hexData,
        c.latin9 === 'caller' ? 'caller decodes' : c.latin9,
        `${c.roundTrip.identical}/${c.roundTrip.total}`,
        `${c.sameValuesAsOurs}/${c.roundTrip.total}`,
      ]),
    ),
  );
  console.log();
  for (const c of correctness)
    if (c.roundTrip.firstDifference) console.log(`- ${c.name}, first round-trip difference: ${c.roundTrip.firstDifference}`);
  console.log();

  process.stderr.write(`constant-memory loop (${options.memoryMessages} messages)…\n`);
  const interval = Math.max(1, Math.floor(options.memoryMessages / 10));
  const memory = checkConstantMemory(smallAcks(1000), options.memoryMessages, interval);
  console.log(`### Constant memory: ${options.memoryMessages.toLocaleString('en-US')} small ACKs parsed by cisis-tlr\n`);
  console.log(
    markdownTable(
      ['Parsed', 'heapUsed MiB', 'RSS MiB', 'arrayBuffers MiB'],
      memory.samples.map((s) => [s.parsed.toLocaleString('en-US'), mebibytes(s.heapUsed), mebibytes(s.rss), mebibytes(s.arrayBuffers)]),
      ['r', 'r', 'r', 'r'],
    ),
  );
  console.log();
  console.log(
    `${(options.memoryMessages / memory.seconds).toFixed(0)} messages/s including the samples' full GCs. ` +
      `Heap growth from the sample at ${memory.baseline.parsed.toLocaleString('en-US')} to the last: ` +
      `${(memory.heapGrowth / 1024).toFixed(0)} KiB (tolerance ${HEAP_TOLERANCE / 1024} KiB); ` +
      `peak RSS growth ${mebibytes(memory.rssGrowth)} MiB (tolerance ${mebibytes(RSS_TOLERANCE)} MiB): ` +
      `memory ${memory.flat ? 'stays flat' : 'GROWS'}.`,
  );
  console.log(
    `\nLoad average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (result sink ${sinkValue()}).`,
  );

  if (options.json) {
    writeFileSync(
      options.json,
      JSON.stringify({ node: process.version, date: new Date().toISOString(), options, results, correctness, memory }, null, 2),
    );
  }
  const ourFailures = results.filter((r) => r.results[0]!.error !== undefined);
  if (ourFailures.length > 0 || correctness[0]!.errors > 0) {
    console.error('cisis-tlr failed on corpus messages');
    process.exitCode = 1;
  }
  if (!memory.flat) {
    console.error('cisis-tlr memory grew during the constant-memory loop');
    process.exitCode = 1;
  }
}

main();
