import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const IMPORT = /(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
/** `process.env['X']`, `env['X']`, `env.X`: a variable read where it is used. */
const DIRECT = /\benv(?:\[\s*|\.)['"`]?(CISIS_TLR_[A-Z0-9_]+)/g;
/** `…_VARIABLES = ['X', …]`: a list of variables read by name in a loop. */
const LIST = /_VARIABLES\b[^=\n]*=\s*\[([^\]]*)\]/g;
/** `{ name: 'X', path: … }`: a row of the configuration's environment overrides, read by `loadConfig`. */
const OVERRIDE_ROW = /\bname:\s*'(CISIS_TLR_[A-Z0-9_]+)',\s*path:/g;
/** A call of `loadConfig` (not its definition or an import of it). */
const LOAD_CONFIG_CALL = /(?<!function )\bloadConfig\(/g;

/** The text of the parenthesised arguments that start at `open` (the index of `(`). */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** The source files a module reaches through its static and dynamic relative imports (src/ only). */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? '';
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(target)) stack.push(target);
    }
  }
  return [...seen];
}

/**
 * The `CISIS_TLR_*` environment variables a command's code reads, derived from the source of everything its
 * module reaches: direct reads, lists of variables read by name, and the configuration's override table when one
 * of those files calls `loadConfig` with the process environment (a call given `env:` reads only what it is given).
 */
export function environmentReadBy(commandFile: string): string[] {
  const vars = new Set<string>();
  const rows = new Set<string>();
  let readsConfigEnvironment = false;
  for (const file of reachable(join(repoRoot, 'src', 'cli', 'commands', commandFile))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(DIRECT)) vars.add(m[1]!);
    for (const m of text.matchAll(LIST)) for (const v of m[1]!.matchAll(/'(CISIS_TLR_[A-Z0-9_]+)'/g)) vars.add(v[1]!);
    for (const m of text.matchAll(OVERRIDE_ROW)) rows.add(m[1]!);
    for (const m of text.matchAll(LOAD_CONFIG_CALL))
      if (!/\benv:/.test(argumentsAt(text, m.index + m[0].length - 1))) readsConfigEnvironment = true;
  }
  if (readsConfigEnvironment) for (const r of rows) vars.add(r);
  return [...vars].sort();
}
