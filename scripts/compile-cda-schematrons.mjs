#!/usr/bin/env node
// Compiles the ANS CDA Schematrons of the validation kit into the cache (or checks that the cached
// stylesheets are up to date), so that the first validation does not pay the compilation.
// Usage: npm run build && node scripts/compile-cda-schematrons.mjs [--kit DIR] [--cache-dir DIR]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { warmUpCdaValidation, resolveCdaKitDir, defaultSchematronCacheDir } = await import(path.join(root, 'dist/src/documents/validation/index.js'));

const { values } = parseArgs({ options: { kit: { type: 'string' }, 'cache-dir': { type: 'string' } } });
const kitDir = resolveCdaKitDir(values.kit);
const cacheDir = values['cache-dir'] ?? defaultSchematronCacheDir();
console.log(`kit ${kitDir}\ncache ${cacheDir}`);
const timings = await warmUpCdaValidation({ kitDir, cacheDir });
for (const [ruleSet, millis] of Object.entries(timings)) console.log(`${ruleSet.padEnd(30)} ${millis} ms`);
