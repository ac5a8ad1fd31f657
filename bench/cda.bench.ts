/**
 * Imaging report (CR-IMG) generation and validation bench — a standalone script, not a test.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/cda.bench.js [variations=200] [firstSeed=1]
 *   npm run bench -- cda            (through the bench runner; `-- --quick` runs 20 variations)
 *
 * 1. Generation time per document: level 1 (with PDF rendering by pdf-lib) and level 3.
 * 2. Validation time per document with `validateCda` (XSD + the official ANS Schematrons chosen from
 *    the document), after a warm-up that loads (or compiles into the cache) every rule set, and the
 *    count of documents with errors among the seeded variations (alternating levels).
 * Exit code 1 when any variation has a validation error.
 */
import os from 'node:os';
import { generateImagingReport } from '../src/documents/report/index.js';
import { validateCda, warmUpCdaValidation } from '../src/documents/validation/index.js';
import { reportVariation } from '../test/documents/report/report-fixtures.js';

const args = process.argv.slice(2);
const positional = args.filter((a) => /^\d+$/.test(a)).map(Number);
const variations = positional[0] ?? (args.includes('--quick') ? 20 : 200);
const firstSeed = positional[1] ?? 1;

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return (
    `n=${samples.length} mean=${mean.toFixed(1)} ms median=${p(0.5).toFixed(1)} ms p95=${p(0.95).toFixed(1)} ms ` +
    `max=${(sorted.at(-1) ?? NaN).toFixed(1)} ms`
  );
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? 'unknown'}), ` +
      `${variations} variations from seed ${firstSeed}`,
  );

  const generation: Record<1 | 3, number[]> = { 1: [], 3: [] };
  // JIT warm-up
  for (let i = 0; i < 10; i++) await generateImagingReport(reportVariation(firstSeed + i), { level: (i % 2 === 0 ? 1 : 3) as 1 | 3 });
  for (let seed = firstSeed; seed < firstSeed + variations; seed++) {
    for (const level of [1, 3] as const) {
      const input = reportVariation(seed);
      const start = performance.now();
      await generateImagingReport(input, { level });
      generation[level].push(performance.now() - start);
    }
  }
  console.log(`generation level 1 (PDF rendered): ${stats(generation[1])}`);
  console.log(`generation level 3:               ${stats(generation[3])}`);

  const warmStart = performance.now();
  await warmUpCdaValidation();
  console.log(`validation warm-up (load or compile rule sets): ${((performance.now() - warmStart) / 1000).toFixed(1)} s`);

  const validation: Record<1 | 3, number[]> = { 1: [], 3: [] };
  const failing: string[] = [];
  let warnings = 0;
  for (let seed = firstSeed; seed < firstSeed + variations; seed++) {
    const level = (seed % 2 === 0 ? 1 : 3) as 1 | 3;
    const report = await generateImagingReport(reportVariation(seed), { level });
    const start = performance.now();
    const result = await validateCda(report.xml);
    validation[level].push(performance.now() - start);
    warnings += result.issues.filter((i) => i.severity === 'warning').length;
    const errors = result.issues.filter((i) => i.severity === 'error');
    if (errors.length > 0)
      failing.push(
        `seed ${seed} level ${level}: ${errors.map((e) => `${e.source} ${e.rule}: ${e.message.replace(/\s+/g, ' ').trim()}`).join(' | ')}`,
      );
  }
  console.log(`validation level 1: ${stats(validation[1])}`);
  console.log(`validation level 3: ${stats(validation[3])}`);
  console.log(`documents with errors: ${failing.length}/${variations}; warnings in total: ${warnings}`);
  for (const f of failing) console.log(`  ${f}`);
  if (failing.length > 0) process.exitCode = 1;
}

await main();
