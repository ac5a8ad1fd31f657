#!/usr/bin/env node
/**
 * Checks that the source tree's imports go one way through its layers (ARCHITECTURE.md, "Layers"):
 *
 *   hl7 ← mllp ← profiles ← tlr ← documents ← workflow ← store ← gateway ← simulate ← certify ← cli ← index.ts
 *
 * A file may import its own layer and any layer to its left, never one to its right. The store also never imports
 * the validator (`profiles`, `documents/validation`): findings reach it as data. Run by `npm run lint`; prints every
 * offending import with its file and line, and exits 1 when there is one.
 *
 * Why a script and not a lint rule: Biome has no rule for layered imports, and the order is this project's own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Layers from the bottom up; the index is the rank. */
export const LAYERS = ['hl7', 'mllp', 'profiles', 'tlr', 'documents', 'workflow', 'store', 'gateway', 'simulate', 'certify', 'cli'];
/** Imports a layer must not make whatever their rank: the store never imports the validator. */
const FORBIDDEN = { store: ['profiles', 'documents/validation'] };

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `src/<layer>/…` → its layer name; `src/index.ts` is above every layer. */
function layerOf(path) {
  const rel = relative(src, path).split(sep);
  return rel.length === 1 ? 'index' : rel[0];
}

function rank(layer) {
  return layer === 'index' ? LAYERS.length : LAYERS.indexOf(layer);
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const problems = [];
for (const file of sourceFiles(src)) {
  const text = readFileSync(file, 'utf8');
  const from = layerOf(file);
  if (from !== 'index' && rank(from) < 0) problems.push(`${relative(root, file)}: folder src/${from} is in no layer`);
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (!specifier?.startsWith('.')) continue;
    const target = resolve(dirname(file), specifier);
    if (!target.startsWith(src + sep)) continue;
    const to = layerOf(target);
    const line = text.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0);
    const where = `${relative(root, file)}:${line}`;
    if (rank(to) > rank(from)) problems.push(`${where}: ${from} imports ${to} (${specifier}), a layer above it`);
    const targetRel = relative(src, target).split(sep).join('/');
    for (const forbidden of FORBIDDEN[from] ?? []) {
      if (targetRel === forbidden || targetRel.startsWith(`${forbidden}/`)) {
        problems.push(`${where}: ${from} must not import ${forbidden} (${specifier})`);
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`Layer check: ${problems.length} import(s) against the layer order\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Layer check: imports follow ${LAYERS.join(' ← ')}`);
