/**
 * Benchmark runner (`npm run bench [-- filter…]`): runs every compiled `dist/bench/*.bench.js`
 * one after the other, each in its own Node process started with `--expose-gc`, streaming its
 * output, and exits non-zero if any of them fails.
 *
 * One process per benchmark so that one benchmark's JIT state, heap and open handles cannot
 * colour the next one's figures; one at a time because the benchmark machine has two cores and
 * concurrent benchmarks would measure each other.
 *
 * Filters select benchmarks whose file name contains one of them (`npm run bench -- parse mllp`).
 * Arguments after `--` are passed on to every selected benchmark
 * (`npm run bench -- parse -- --quick`).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUFFIX = '.bench.js';

interface Outcome {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
}

/** Splits `filter… [-- benchmark args…]`. */
function splitArgs(argv: readonly string[]): { filters: string[]; passOn: string[] } {
  const dash = argv.indexOf('--');
  return dash < 0 ? { filters: [...argv], passOn: [] } : { filters: argv.slice(0, dash), passOn: argv.slice(dash + 1) };
}

/** The compiled benchmarks beside this file, sorted by name, kept when a filter matches. */
function selectBenchmarks(dir: string, filters: readonly string[]): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
    .sort()
    .map((f) => join(dir, f));
}

function runOne(file: string, passOn: readonly string[]): Promise<Outcome> {
  const name = basename(file, SUFFIX);
  const started = process.hrtime.bigint();
  return new Promise((resolvePromise) => {
    // stdio inherited: output streams as it is produced, colours and all.
    const child = spawn(process.execPath, ['--expose-gc', file, ...passOn], { stdio: 'inherit' });
    const finish = (code: number | null, signal: NodeJS.Signals | null): void =>
      resolvePromise({ name, code, signal, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    child.once('error', (error) => {
      console.error(`bench: cannot start ${name}: ${error.message}`);
      finish(1, null);
    });
    child.once('exit', finish);
  });
}

async function main(): Promise<void> {
  const { filters, passOn } = splitArgs(process.argv.slice(2));
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = selectBenchmarks(dir, filters);
  if (files.length === 0) {
    console.error(`bench: no *${SUFFIX} in ${dir}${filters.length > 0 ? ` matching ${filters.join(', ')}` : ''}`);
    process.exitCode = 1;
    return;
  }
  const outcomes: Outcome[] = [];
  for (const file of files) {
    console.log(`\n━━ ${basename(file, SUFFIX)} ━━\n`);
    outcomes.push(await runOne(file, passOn));
  }
  console.log('\n━━ summary ━━');
  for (const o of outcomes) {
    const status = o.code === 0 ? 'ok' : o.signal ? `killed by ${o.signal}` : `failed (exit ${o.code})`;
    console.log(`${o.name.padEnd(24)} ${status.padEnd(20)} ${o.seconds.toFixed(1)} s`);
  }
  if (outcomes.some((o) => o.code !== 0)) process.exitCode = 1;
}

await main();
