/**
 * Writes the example messages of `examples/messages/` and their README from the library's own builders
 * (`src/simulate/example-messages.ts`): fixed seed, clock and control ids, so that regenerating them gives
 * the same bytes (`test/examples/example-messages.test.ts` compares them).
 *
 * Usage (from the repository root): `npm run generate:examples` (builds first), or
 * `node dist/scripts/generate-examples.js [OUT_DIR]` (default `examples/messages`).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateExampleMessages, renderExamplesReadme } from '../src/simulate/example-messages.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Writes every example and the README under `dir`, after removing what the folder held. */
export async function writeExamples(dir: string): Promise<number> {
  const examples = await generateExampleMessages();
  await rm(dir, { recursive: true, force: true });
  for (const e of examples) {
    const path = join(dir, ...e.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, e.bytes);
  }
  await writeFile(join(dir, 'README.md'), renderExamplesReadme(examples));
  return examples.length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(root, 'examples', 'messages'));
  const n = await writeExamples(dir);
  process.stdout.write(`${n} example messages written to ${dir}\n`);
}
