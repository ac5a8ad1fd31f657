/**
 * Start-up time of the command line: `cisis-tlr --help`, `parse FILE` and `validate FILE` (one flow-1 message)
 * against a bare `node -e 1`, wall clock from spawn to exit, in the same run.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/cli-start.bench.js [--runs N] [--quick]
 *
 *   --runs N   timed runs per command (default 20; --quick: 5), after 2 untimed ones
 *
 * The commands are run in rotating order, one at a time, so that a busy spell of the machine falls on all of
 * them; the median of the runs is kept, and the ratio to `node -e 1` is the figure to compare across machines.
 * Target (issue 17): each command under 0.5 s wall on an idle machine. The same measure with hyperfine:
 * `hyperfine -N 'node -e 1' 'node bin/cisis-tlr.js --help' ...` (docs/performance.md).
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { examplesDir, repoRoot } from './corpus.js';
import { markdownTable, median } from './measure.js';

const TARGET_SECONDS = 0.5;

interface Case {
  name: string;
  args: string[];
  /** Exit status the command must end with (a run that fails measures nothing). */
  status: number;
}

function parseArgs(argv: readonly string[]): { runs: number } {
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : argv.includes('--quick') ? 5 : 20;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs expects a positive integer');
  return { runs };
}

function timeOnce(c: Case): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== c.status) throw new Error(`${c.name}: exit ${r.status ?? r.signal}, expected ${c.status}\n${r.stderr}`);
  return seconds;
}

function main(): void {
  const { runs } = parseArgs(process.argv.slice(2));
  const cli = join(repoRoot, 'bin', 'cisis-tlr.js');
  const flow1 = join(examplesDir, 'teleradiologie', 'flux1_ORM_O01_transmission_demande.hl7');
  const cases: Case[] = [
    { name: 'node -e 1', args: ['-e', '1'], status: 0 },
    { name: 'cisis-tlr --help', args: [cli, '--help'], status: 0 },
    { name: 'cisis-tlr parse FILE', args: [cli, 'parse', flow1], status: 0 },
    { name: 'cisis-tlr validate FILE', args: [cli, 'validate', flow1], status: 0 },
  ];
  const before = loadavg();
  for (const c of cases) for (let i = 0; i < 2; i++) timeOnce(c);
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (round + k) % cases.length;
      samples[index]!.push(timeOnce(cases[index]!));
    }
  }
  const after = loadavg();
  const baseline = median(samples[0]!);
  const rows = cases.map((c, i) => {
    const m = median(samples[i]!);
    const ratio = i === 0 ? '1.00' : (m / baseline).toFixed(2);
    const target = i === 0 ? '' : m <= TARGET_SECONDS ? `≤ ${TARGET_SECONDS} s: met` : `≤ ${TARGET_SECONDS} s: missed`;
    return [c.name, (m * 1000).toFixed(0), (Math.min(...samples[i]!) * 1000).toFixed(0), ratio, target];
  });
  process.stdout.write(
    `CLI start, Node ${process.version}, ${runs} runs per command (median), load average ${before.map((l) => l.toFixed(2)).join(' ')} ` +
      `before, ${after.map((l) => l.toFixed(2)).join(' ')} after\n\n`,
  );
  if (before[0]! > availableParallelism())
    process.stdout.write(`(load average above the ${availableParallelism()} cores: the target is for an idle machine)\n\n`);
  process.stdout.write(`${markdownTable(['Command', 'Median ms', 'Min ms', '× node -e 1', 'Target'], rows, ['l', 'r', 'r', 'r', 'l'])}\n`);
}

main();
