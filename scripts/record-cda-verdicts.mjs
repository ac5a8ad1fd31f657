#!/usr/bin/env node
// Records the verdicts that test/documents/cda-verdicts.test.ts holds the validator to.
// Usage: npm run build && node scripts/record-cda-verdicts.mjs [--new-corpus]
//   --new-corpus  rebuild test/documents/fixtures/cda-verdicts/corpus.json.gz from the fixtures and the
//                 report builder first (otherwise the stored corpus is validated).
// Only re-record after checking that a change of verdicts is intended: the file is the reference that
// performance work on the validator is compared with.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { validateCda, warmUpCdaValidation } = await import(path.join(root, 'dist/src/documents/validation/index.js'));
const corpus = await import(path.join(root, 'dist/test/documents/cda-verdict-corpus.js'));

if (process.argv.includes('--new-corpus')) {
  const documents = await corpus.buildVerdictCorpus();
  mkdirSync(corpus.VERDICTS_DIR, { recursive: true });
  writeFileSync(corpus.CORPUS_FILE, gzipSync(JSON.stringify(documents), { level: 9 }));
  console.log(`corpus: ${documents.length} documents written to ${path.relative(root, corpus.CORPUS_FILE)}`);
}
await warmUpCdaValidation();
const verdicts = [];
for (const { name, xml } of corpus.readVerdictCorpus()) {
  verdicts.push(corpus.verdictOf(name, await validateCda(xml)));
}
writeFileSync(corpus.VERDICTS_FILE, `${JSON.stringify(verdicts, null, 1)}\n`);
const issues = verdicts.reduce((sum, v) => sum + v.issues.length, 0);
console.log(
  `verdicts: ${verdicts.length} documents, ${issues} issues, ${verdicts.filter((v) => !v.valid).length} invalid, ` +
    `written to ${path.relative(root, corpus.VERDICTS_FILE)}`,
);
