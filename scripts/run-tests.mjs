#!/usr/bin/env node
/**
 * Runs the compiled test suite with Node's test runner: `node scripts/run-tests.mjs [selector…] [--exclude text…] [node --test options…]`.
 *
 * Why a script: `node --test dist/test/` runs every test file of the folder on Node 20, but Node 21 and later read
 * a positional argument as a file or a glob pattern, so the folder is loaded as a module ("Cannot find module").
 * Glob patterns do not work on Node 20 either. Listing the files here and passing them one by one works on every
 * version from 20 on.
 *
 * - A selector is a file or a folder (`dist/test/hl7`, `dist/test/hl7/cli-parse.test.js`, or the source path
 *   `test/hl7/cli-parse.test.ts`, mapped to its compiled file), or any other text, which keeps the test files whose
 *   path contains it (`npm test -- crash`). Without a selector, every `dist/test/**\/*.test.js` runs.
 * - `--exclude text` (repeatable, also `--exclude=text`) leaves out the files whose path contains the text.
 * - Every other option goes to `node --test` as it is (`--test-name-pattern=...`, `--test-reporter=tap`, …);
 *   `--test-concurrency=2` is added unless one is given: the CI machine has two cores.
 * - `--list` prints the selected files instead of running them.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = join(root, 'dist', 'test');
const SUFFIX = '.test.js';

/** Options of `node --test` (and of node) that take their value as the next argument when written without `=`. */
const TAKES_VALUE = new Set([
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-concurrency',
  '--test-timeout',
  '--test-shard',
  '--test-coverage-include',
  '--test-coverage-exclude',
  '--import',
  '--require',
  '-r',
  '--conditions',
  '-C',
  '--experimental-loader',
  '--loader',
]);

function testFilesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFilesUnder(path);
      return entry.isFile() && entry.name.endsWith(SUFFIX) ? [path] : [];
    });
}

/** A source path (`test/x.test.ts`, `test/hl7`) names its compiled counterpart (`dist/test/x.test.js`, `dist/test/hl7`). */
function compiledPath(path) {
  const abs = resolve(path);
  const rel = relative(root, abs);
  if (rel === 'test' || rel.startsWith(`test${sep}`)) return join(root, 'dist', rel.replace(/\.ts$/, '.js'));
  return abs;
}

function parseArgs(argv) {
  const selectors = [];
  const excludes = [];
  const nodeArgs = [];
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--list') list = true;
    else if (arg === '--exclude') {
      if (i + 1 >= argv.length) throw new Error('--exclude needs a value');
      excludes.push(argv[++i]);
    } else if (arg.startsWith('--exclude=')) excludes.push(arg.slice('--exclude='.length));
    else if (arg.startsWith('-')) {
      nodeArgs.push(arg);
      if (TAKES_VALUE.has(arg) && i + 1 < argv.length) nodeArgs.push(argv[++i]);
    } else selectors.push(arg);
  }
  return { selectors, excludes, nodeArgs, list };
}

function selectFiles(selectors, excludes) {
  if (!existsSync(testRoot))
    throw new Error(`${relative(process.cwd(), testRoot) || testRoot} does not exist: build first (npx tsc -p tsconfig.json)`);
  const all = testFilesUnder(testRoot);
  let files;
  if (selectors.length === 0) files = all;
  else {
    const chosen = new Set();
    for (const selector of selectors) {
      const path = compiledPath(selector);
      let matched;
      if (existsSync(path)) matched = statSync(path).isDirectory() ? testFilesUnder(path) : [path];
      else matched = all.filter((file) => relative(root, file).includes(selector));
      if (matched.length === 0) throw new Error(`no test file matches ${selector}`);
      for (const file of matched) chosen.add(file);
    }
    files = [...chosen];
  }
  return files.filter((file) => !excludes.some((text) => relative(root, file).includes(text)));
}

function main() {
  let options;
  let files;
  try {
    options = parseArgs(process.argv.slice(2));
    files = selectFiles(options.selectors, options.excludes);
  } catch (error) {
    process.stderr.write(`run-tests: ${error.message}\n`);
    return Promise.resolve(2);
  }
  if (options.list) {
    for (const file of files) process.stdout.write(`${relative(process.cwd(), file)}\n`);
    return Promise.resolve(0);
  }
  if (files.length === 0) {
    process.stderr.write('run-tests: every test file was excluded\n');
    return Promise.resolve(2);
  }
  const concurrency = options.nodeArgs.some((a) => a === '--test-concurrency' || a.startsWith('--test-concurrency='))
    ? []
    : ['--test-concurrency=2'];
  const args = ['--test', ...concurrency, ...options.nodeArgs, ...files.map((file) => relative(process.cwd(), file) || file)];
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    // Ctrl-C reaches the child through the terminal's process group; a SIGTERM sent to this process alone is passed on.
    const forward = (signal) => {
      child.kill(signal);
    };
    process.on('SIGTERM', forward);
    child.once('error', (error) => {
      process.stderr.write(`run-tests: cannot start ${process.execPath}: ${error.message}\n`);
      resolveExit(2);
    });
    child.once('exit', (code, signal) => resolveExit(code ?? (signal ? 1 : 0)));
  });
}

process.exitCode = await main();
