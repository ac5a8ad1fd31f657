#!/usr/bin/env node
// Regenerates the compiled rule sets shipped in rulesets/compiled/ from the kit bundled in
// rulesets/testcontenucda/: compiles every rule set (minutes of CPU each for the larger ones), then writes
// each manifest and its gzip-compressed SEF there. Run it after updating the bundled kit or changing the
// Schematron compiler (SCHEMATRON_COMPILER_VERSION); the test test/documents/shipped-rulesets.test.js fails
// until it has been run.
// Usage: npm run build && node scripts/build-compiled-rulesets.mjs [--jobs N] [--work-dir DIR] [--only NAME,...]
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const validation = await import(path.join(root, 'dist/src/documents/validation/index.js'));
const { CDA_RULE_SETS, loadCompiledSchematron, relativeWarning, BUNDLED_CDA_KIT_DIR, BUNDLED_COMPILED_DIR } = validation;

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '2' }, 'work-dir': { type: 'string' }, only: { type: 'string' } },
});
const jobs = Math.max(1, Number(values.jobs));
const workDir = values['work-dir'] ?? path.join(os.tmpdir(), 'cisis-tlr-compiled-rulesets');
const names = values.only ? values.only.split(',') : Object.keys(CDA_RULE_SETS);
console.log(`kit ${BUNDLED_CDA_KIT_DIR}\nwork ${workDir}\nout ${BUNDLED_COMPILED_DIR}\njobs ${jobs}`);

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const queue = [...names];
let done = 0;
const results = [];
async function worker() {
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const file = path.join(BUNDLED_CDA_KIT_DIR, CDA_RULE_SETS[name]);
    const artifact = await loadCompiledSchematron(file, {
      cacheDir: workDir,
      onCompile: (event) => {
        if (event.step === 'start') console.log(`[${elapsed()}] compiling ${name}`);
      },
    });
    done += 1;
    console.log(`[${elapsed()}] ${done}/${names.length} ${name}${artifact.fromCache ? ' (already in the work folder)' : ''}`);
    results.push({ name, artifact });
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, names.length) }, worker));

await mkdir(BUNDLED_COMPILED_DIR, { recursive: true });
for (const { name, artifact } of results) {
  const entry = path.basename(artifact.sefPath).replace(/\.sef\.json(\.gz)?$/, '');
  // Older entries of this rule set (another kit content or compiler version) are replaced.
  for (const old of await readdir(BUNDLED_COMPILED_DIR)) {
    if (old.startsWith(`${path.basename(CDA_RULE_SETS[name], '.sch')}-`) && !old.startsWith(entry))
      await rm(path.join(BUNDLED_COMPILED_DIR, old));
  }
  const sefText = await readFile(artifact.sefPath);
  const gz = gzipSync(sefText, { level: 9 });
  await writeFile(path.join(BUNDLED_COMPILED_DIR, `${entry}.sef.json.gz`), gz);
  const rootDir = path.dirname(artifact.schematronFile);
  const manifest = { ...artifact.manifest, warnings: artifact.manifest.warnings.map((warning) => relativeWarning(warning, rootDir)) };
  const manifestText = JSON.stringify(manifest, null, 1);
  if (manifestText.includes(root)) throw new Error(`the manifest of ${name} names ${root}: it would not be relocatable`);
  await writeFile(path.join(BUNDLED_COMPILED_DIR, `${entry}.manifest.json`), `${manifestText}\n`);
  console.log(`${name.padEnd(30)} ${entry}  SEF ${(sefText.length / 1e6).toFixed(1)} MB -> ${(gz.length / 1e6).toFixed(2)} MB gzip`);
}
console.log(`done in ${elapsed()}`);
