#!/usr/bin/env node
/**
 * Checks that no line of the code is longer than the formatter's width (biome.jsonc `formatter.lineWidth`, 140).
 * The formatter breaks code at that width but leaves long strings, template literals and comments as they are;
 * this check holds those to the same limit. Generated value sets (data) are left out, as in biome.jsonc.
 * Run by `npm run lint`; prints each long line as file:line (length), exits 1 when there is one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LIMIT = 140;
const FOLDERS = ['src', 'test', 'bench', 'scripts', 'bin'];
const EXTENSIONS = ['.ts', '.mjs', '.js'];
const LEFT_OUT = [join('src', 'profiles', 'terminology', 'generated')];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (LEFT_OUT.includes(relative(root, path))) return [];
    if (entry.isDirectory()) return files(path);
    return entry.isFile() && EXTENSIONS.some((e) => entry.name.endsWith(e)) ? [path] : [];
  });
}

const long = [];
for (const file of FOLDERS.flatMap((f) => files(join(root, f)))) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      // Code points, not UTF-16 units: French text in messages counts as it reads.
      const length = [...line].length;
      if (length > LIMIT) long.push(`${relative(root, file)}:${i + 1} (${length})`);
    });
}
if (long.length > 0) {
  console.error(`Line length: ${long.length} line(s) over ${LIMIT} characters\n  ${long.join('\n  ')}`);
  process.exit(1);
}
console.log(`Line length: every line is at most ${LIMIT} characters`);
