#!/usr/bin/env node
// Measures CDA validation times (figures quoted in docs/documents-validation.md).
// Usage: npm run build && node scripts/measure-cda-validation.mjs [--runs N] [--exams N]
// Compiles the ANS rule sets first when the cache is cold (reported as "load"), then validates the level-1
// and level-3 test reports and a large level-3 report (N exams), N runs each after one warm-up run, and
// prints the median wall time per rule set, and the median user CPU time of a validateCda (steadier than wall
// time on a shared, loaded machine), with the load average before and after.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { validateCda, warmUpCdaValidation, SchematronValidator, resolveCdaKitDir, CDA_RULE_SETS, parseXmlForSchematron } = await import(
  path.join(root, 'dist/src/documents/validation/index.js')
);
const { largeCrImgLevel3, crImgLevel1File, crImgLevel3File } = await import(path.join(root, 'dist/test/documents/cda-fixtures.js'));

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, exams: { type: 'string', default: '40' } } });
const runs = Number(values.runs);
const exams = Number(values.exams);

const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
console.log(`load average ${load()} (1, 5, 15 min), Node ${process.version}`);
const loadStart = performance.now();
const loads = await warmUpCdaValidation();
console.log(`load (compile or read cache) ${Math.round(performance.now() - loadStart)} ms`, loads);

const documents = {
  'CR-IMG level 1': readFileSync(crImgLevel1File, 'utf8'),
  'CR-IMG level 3': readFileSync(crImgLevel3File, 'utf8'),
  [`CR-IMG level 3, ${exams} exams`]: largeCrImgLevel3(exams),
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const [name, xml] of Object.entries(documents)) {
  await validateCda(xml); // warm-up
  const totals = [];
  const cpu = [];
  const perSet = {};
  let report;
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    report = await validateCda(xml);
    totals.push(performance.now() - start);
    cpu.push(process.cpuUsage(cpuStart).user / 1000);
    for (const [set, ms] of Object.entries(report.timings)) {
      const list = perSet[set] ?? [];
      perSet[set] = list;
      list.push(ms);
    }
  }
  console.log(
    `\n${name} (${Math.round(xml.length / 1024)} KiB): profile ${report.profile}, valid ${report.valid}, ${report.issues.length} issues`,
  );
  console.log(
    `  validateCda total: median ${Math.round(median(totals))} ms over ${runs} runs, user CPU median ${Math.round(median(cpu))} ms`,
  );
  for (const [set, times] of Object.entries(perSet)) console.log(`  ${set}: median ${median(times)} ms`);
}

// The IMG-CR-IMG rule set alone, on a document parsed once (what a caller that already has the tree pays).
const kit = resolveCdaKitDir();
const crImg = await SchematronValidator.load(path.join(kit, CDA_RULE_SETS['CI-SIS_IMG-CR-IMG_2024.01']));
const large = await parseXmlForSchematron(documents[`CR-IMG level 3, ${exams} exams`]);
crImg.validate(large);
const times = [];
for (let run = 0; run < runs; run += 1) {
  const start = performance.now();
  crImg.validate(large);
  times.push(performance.now() - start);
}
console.log(`\nIMG-CR-IMG rule set alone on the ${exams}-exam report (pre-parsed): median ${Math.round(median(times))} ms`);
console.log(`\nload average ${load()} (1, 5, 15 min)`);
