/**
 * CDA validation bench, side by side with Java Saxon-HE — a standalone script, not a test.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/cda-validation.bench.js [--runs N] [--java-runs N] [--no-java]
 *   npm run bench -- cda-validation
 *
 * 1. `validateCda` (XSD + every applicable ANS rule set) on the level-1 and level-3 report fixtures and on a
 *    level-3 report with 10 exams: median wall time of N warm runs, per step and in total.
 * 2. The same documents through Java Saxon-HE (Debian `libsaxonhe-java`, `net.sf.saxon.Transform
 *    -repeat`) running the very XSLT our Schematron compiler produces for each rule set (the input of the SEF
 *    export; saxon-js's SEF cannot run on Java), its static base URI set to the kit's Schematron so that the
 *    value-set paths resolve. Saxon reports its average over the last runs of the repeat; the number of
 *    findings of each engine is printed beside it. Skipped with a note when `java` or the jar is missing.
 *
 * Prints the date, CPU count, load average and Node version with the figures (the machine has two cores
 * shared with other work: read the load average before the milliseconds).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  BUNDLED_CDA_KIT_DIR,
  BUNDLED_COMPILED_DIR,
  CDA_RULE_SETS,
  compileSchematronFile,
  parseXmlForSchematron,
  SchematronValidator,
  validateCda,
  warmUpCdaValidation,
} from '../src/documents/validation/index.js';
import type { CdaIssueSource, CdaRuleSetName } from '../src/documents/validation/index.js';
import { crImgLevel1File, crImgLevel3File, largeCrImgLevel3, readFixture } from '../test/documents/cda-fixtures.js';

const execFileAsync = promisify(execFile);
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const quick = args.includes('--quick');
const runs = option('--runs', quick ? 5 : 21);
const javaRuns = option('--java-runs', quick ? 6 : 20);
const SAXON_JAR = process.env['SAXON_HE_JAR'] ?? '/usr/share/java/Saxon-HE.jar';

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const load = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  console.log(
    `${new Date().toISOString()} node ${process.version}, ` +
      `${os.cpus().length} CPU (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load()}`,
  );
  const documents: Record<string, string> = {
    'CR-IMG level 1': readFixture(crImgLevel1File),
    'CR-IMG level 3': readFixture(crImgLevel3File),
    'CR-IMG level 3, 10 exams': largeCrImgLevel3(10),
  };

  const warmStart = performance.now();
  await warmUpCdaValidation();
  console.log(`warm-up (XML Schema parsed, rule sets loaded): ${Math.round(performance.now() - warmStart)} ms`);

  const ours = new Map<
    string,
    {
      total: number;
      steps: Partial<Record<CdaIssueSource, number>>;
      ruleSets: CdaRuleSetName[];
      findings: Partial<Record<CdaIssueSource, number>>;
    }
  >();
  for (const [name, xml] of Object.entries(documents)) {
    const first = await validateCda(xml);
    await validateCda(xml);
    const totals: number[] = [];
    const steps: Partial<Record<CdaIssueSource, number[]>> = {};
    for (let run = 0; run < runs; run += 1) {
      const start = performance.now();
      const report = await validateCda(xml);
      totals.push(performance.now() - start);
      for (const [step, ms] of Object.entries(report.timings) as [CdaIssueSource, number][]) {
        const list = steps[step] ?? [];
        steps[step] = list;
        list.push(ms);
      }
    }
    const ruleSets = first.ruleSets.filter((set): set is CdaRuleSetName => set !== 'xsd');
    const findings: Partial<Record<CdaIssueSource, number>> = {};
    for (const set of first.ruleSets) findings[set] = first.issues.filter((issue) => issue.source === set).length;
    const medians = Object.fromEntries(Object.entries(steps).map(([step, values]) => [step, median(values)]));
    ours.set(name, { total: median(totals), steps: medians, ruleSets, findings });
    console.log(`\n${name} (${Math.round(xml.length / 1024)} KiB), ${first.profile}, ${first.issues.length} issues`);
    console.log(`  validateCda: median ${median(totals).toFixed(1)} ms over ${runs} runs (load average ${load()})`);
    for (const [step, ms] of Object.entries(medians)) console.log(`    ${step.padEnd(30)} ${String(ms).padStart(5)} ms`);
  }

  // The document parsed once and every rule set run on it: the Schematron part alone, as Java runs it below.
  const kit = BUNDLED_CDA_KIT_DIR;
  const validators = new Map<CdaRuleSetName, SchematronValidator>();
  // The shipped compiled forms, as validateCda uses them (the per-user cache alone would compile them again).
  for (const name of Object.keys(CDA_RULE_SETS) as CdaRuleSetName[])
    validators.set(name, await SchematronValidator.load(path.join(kit, CDA_RULE_SETS[name]), { precompiledDirs: [BUNDLED_COMPILED_DIR] }));

  const java =
    existsSync(SAXON_JAR) &&
    (await execFileAsync('java', ['-version']).then(
      () => true,
      () => false,
    ));
  if (args.includes('--no-java') || !java) {
    console.log(
      `\nJava Saxon-HE: ${java ? 'skipped (--no-java)' : `not found (java and ${SAXON_JAR}; Debian: apt-get install libsaxonhe-java)`}`,
    );
    return;
  }
  const { stdout: versionText } = await execFileAsync('java', [
    '-cp',
    SAXON_JAR,
    'net.sf.saxon.Transform',
    '-t',
    '-it:none',
    '-xsl:none',
  ]).catch((error: { stderr?: string }) => ({ stdout: error.stderr ?? '' }));
  console.log(
    `\nJava Saxon-HE (${/Saxon-HE [\d.]+/.exec(versionText)?.[0] ?? SAXON_JAR}), the same XSLT, ` +
      `${javaRuns} runs per rule set and document (-repeat; Saxon averages the last ones)`,
  );
  const work = mkdtempSync(path.join(os.tmpdir(), 'cisis-tlr-bench-saxon-'));
  try {
    const xslFiles = new Map<CdaRuleSetName, string>();
    const needed = new Set([...ours.values()].flatMap((entry) => entry.ruleSets));
    for (const name of needed) {
      const file = path.join(kit, CDA_RULE_SETS[name]);
      const compiled = await compileSchematronFile(file);
      const xsl = path.join(work, `${name}.xsl`);
      writeFileSync(xsl, compiled.xslt.replace('xml:base="urn:x-cisis-tlr:compiled-schematron"', `xml:base="${pathToFileURL(file).href}"`));
      xslFiles.set(name, xsl);
    }
    const rows: string[] = [];
    for (const [name, xml] of Object.entries(documents)) {
      const entry = ours.get(name);
      if (!entry) continue;
      const source = path.join(work, 'document.xml');
      writeFileSync(source, xml);
      const parsed = await parseXmlForSchematron(xml);
      let javaSum = 0;
      let oursSum = 0;
      console.log(`\n${name}`);
      for (const set of entry.ruleSets) {
        const output = path.join(work, 'out.json');
        const { stderr } = await execFileAsync(
          'java',
          [
            '-Xss8m',
            '-cp',
            SAXON_JAR,
            'net.sf.saxon.Transform',
            `-xsl:${xslFiles.get(set)}`,
            `-s:${source}`,
            `-o:${output}`,
            `-repeat:${javaRuns}`,
            '-t',
          ],
          {
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        const average = Number(/Average execution time over last \d+ runs: ([\d.]+)ms/.exec(stderr)?.[1] ?? NaN);
        const javaFindings = (JSON.parse(readFileSync(output, 'utf8')) as unknown[]).length;
        const validator = validators.get(set);
        const times: number[] = [];
        let ourFindings = 0;
        for (let run = 0; run < runs; run += 1) {
          const start = performance.now();
          ourFindings = validator?.validate(parsed).length ?? 0;
          times.push(performance.now() - start);
        }
        const mine = median(times);
        javaSum += average;
        oursSum += mine;
        console.log(
          `  ${set.padEnd(30)} saxon-js ${mine.toFixed(1).padStart(6)} ms (${ourFindings} findings) ` +
            `  Java Saxon-HE ${average.toFixed(1).padStart(6)} ms (${javaFindings} findings)`,
        );
      }
      const line =
        `${name}: rule sets saxon-js ${oursSum.toFixed(0)} ms, Java ${javaSum.toFixed(0)} ms, ` +
        `ratio ${(oursSum / javaSum).toFixed(2)}; validateCda (XSD + rule sets) ${entry.total.toFixed(0)} ms, ` +
        `ratio to Java's rule sets ${(entry.total / javaSum).toFixed(2)}`;
      rows.push(line);
    }
    console.log(`\nsummary (load average ${load()}):`);
    for (const row of rows) console.log(`  ${row}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
