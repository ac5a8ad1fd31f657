import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CdaValidationError } from '../errors.js';
import { SaxonJS } from '../saxon.js';
import { compileSchematronFile } from './schematron-compiler.js';
import type { CompiledAssertion, CompiledRule } from './schematron-compiler.js';
import type { SchematronSourceFile } from './schematron-source.js';

/**
 * Version of the Schematron-to-XSLT translation. Part of every cache key: bump it whenever the generated
 * XSLT changes, so that stale compiled stylesheets are never reused.
 */
export const SCHEMATRON_COMPILER_VERSION = '2';

/** What is stored beside a compiled stylesheet, and what a validator needs to read its findings. */
export interface SchematronManifest {
  readonly compilerVersion: string;
  readonly saxonVersion: string;
  readonly schematron: string;
  readonly phase: string;
  readonly title: string | null;
  readonly patterns: readonly string[];
  readonly assertions: readonly CompiledAssertion[];
  readonly rules: readonly CompiledRule[];
  /** Every file the Schematron was built from, with its SHA-256: the cache is valid while they are unchanged. */
  readonly sources: readonly SchematronSourceFile[];
  readonly warnings: readonly string[];
  readonly compiledAt: string;
  /** Wall time of the two compilation steps, for the record. */
  readonly compileMillis: { readonly xslt: number; readonly sef: number };
}

/** A compiled Schematron ready to run: its SEF (parsed) and manifest. */
export interface CompiledSchematronArtifact {
  readonly manifest: SchematronManifest;
  /** The Stylesheet Export File as parsed JSON, passed to SaxonJS as `stylesheetInternal`. */
  readonly sef: unknown;
  readonly sefPath: string;
  /** `true` when the artifact came from the cache, `false` when it was compiled by this call. */
  readonly fromCache: boolean;
}

/** Options of {@link loadCompiledSchematron}. */
export interface SefCacheOptions {
  /** Phase to compile (default: the Schematron's default phase). */
  readonly phase?: string;
  /** Cache directory (default: {@link defaultSchematronCacheDir}). */
  readonly cacheDir?: string;
}

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

/**
 * Default cache directory: `$CISIS_TLR_CACHE_DIR`, else `$XDG_CACHE_HOME/cisis-tlr/schematron`, else
 * `~/.cache/cisis-tlr/schematron`. Compiled stylesheets are derived data, so a per-user cache suits them.
 */
export function defaultSchematronCacheDir(): string {
  const explicit = process.env['CISIS_TLR_CACHE_DIR'];
  if (explicit) return path.join(explicit, 'schematron');
  const xdg = process.env['XDG_CACHE_HOME'];
  return path.join(xdg ? xdg : path.join(os.homedir(), '.cache'), 'cisis-tlr', 'schematron');
}

/**
 * Returns the compiled form of a Schematron, compiling it when the cache holds no up-to-date copy.
 *
 * Compilation has two steps: our compiler turns the Schematron into XSLT 3.0 (fast), then the SaxonJS
 * XSLT compiler shipped in the `xslt3` package turns the XSLT into a SEF (slow: seconds to minutes for the
 * larger ANS rule sets). The second step runs in a child process so that its memory is returned at once.
 * A cache entry is keyed by the Schematron path, the phase and the compiler versions, and is valid while
 * every source file keeps the SHA-256 recorded in its manifest.
 */
export async function loadCompiledSchematron(schematronFile: string, options: SefCacheOptions = {}): Promise<CompiledSchematronArtifact> {
  const file = path.resolve(schematronFile);
  const cacheDir = options.cacheDir ?? defaultSchematronCacheDir();
  const saxonVersion = SaxonJS.getProcessorInfo().productVersion;
  // Keyed by content, not by path: clones of the project in other directories (CI, several checkouts)
  // share one compiled copy, since compiling the larger ANS rule sets takes minutes.
  const key = createHash('sha256')
    .update([createHash('sha256').update(await readFile(file)).digest('hex'), options.phase ?? '(default)', SCHEMATRON_COMPILER_VERSION, saxonVersion].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const base = path.join(cacheDir, `${path.basename(file, path.extname(file))}-${key}`);
  const manifestPath = `${base}.manifest.json`;
  const sefPath = `${base}.sef.json`;

  const cached = await readCached(file, manifestPath, sefPath);
  if (cached) return { ...cached, sefPath, fromCache: true };

  await mkdir(cacheDir, { recursive: true });
  // One compilation per cache entry across processes (gateway workers, CLI runs, tests): the others wait
  // for its result instead of spending minutes of CPU on the same work.
  const lockPath = `${base}.lock`;
  while (!(await tryLock(lockPath))) {
    await sleep(LOCK_POLL_MILLIS);
    const compiledMeanwhile = await readCached(file, manifestPath, sefPath);
    if (compiledMeanwhile) return { ...compiledMeanwhile, sefPath, fromCache: true };
  }
  try {
    const compiledMeanwhile = await readCached(file, manifestPath, sefPath);
    if (compiledMeanwhile) return { ...compiledMeanwhile, sefPath, fromCache: true };
    return await compileIntoCache(file, options.phase, base, manifestPath, sefPath, saxonVersion);
  } finally {
    await rm(lockPath, { force: true });
  }
}

/** How often a process waiting for another one's compilation looks at the cache. */
const LOCK_POLL_MILLIS = 500;
/** A lock older than this is left over by a process that died while compiling. */
const STALE_LOCK_MILLIS = 15 * 60 * 1000;

/** Creates the lock file; `false` when another live process holds it. */
async function tryLock(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(lockPath).then((info) => Date.now() - info.mtimeMs, () => 0);
    if (age > STALE_LOCK_MILLIS) await rm(lockPath, { force: true });
    return false;
  }
}

async function compileIntoCache(
  file: string,
  phase: string | undefined,
  base: string,
  manifestPath: string,
  sefPath: string,
  saxonVersion: string,
): Promise<CompiledSchematronArtifact> {
  const xsltStart = performance.now();
  const compiled = await compileSchematronFile(file, phase === undefined ? {} : { phase });
  const xsltMillis = performance.now() - xsltStart;
  // Unique temporary names, renamed into place at the end: concurrent compilations cannot see half-written files.
  const unique = `${process.pid}-${Date.now().toString(36)}`;
  const xslPath = `${base}.xsl`;
  const xslTemp = `${base}.${unique}.xsl`;
  const sefTemp = `${base}.${unique}.sef.json`;
  await writeFile(xslTemp, compiled.xslt, 'utf8');
  const sefStart = performance.now();
  try {
    await execFileAsync(process.execPath, [xslt3Cli(), `-xsl:${xslTemp}`, `-export:${sefTemp}`, '-nogo'], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr ?? '';
    await rm(sefTemp, { force: true });
    throw new CdaValidationError(
      'TLR_ERR_SCHEMATRON_COMPILE',
      `XSLT compilation of ${file} failed (generated stylesheet kept in ${xslTemp}): ${stderr.trim().slice(0, 2000)}`,
      { cause },
    );
  }
  const sefMillis = performance.now() - sefStart;
  const manifest: SchematronManifest = {
    compilerVersion: SCHEMATRON_COMPILER_VERSION,
    saxonVersion,
    schematron: file,
    phase: compiled.phase,
    title: compiled.title,
    patterns: compiled.patterns,
    assertions: compiled.assertions,
    rules: compiled.rules,
    // Paths relative to the root Schematron, so the entry stays valid for a kit checked out elsewhere.
    sources: compiled.sourceFiles.map((source) => ({ ...source, path: path.relative(path.dirname(file), source.path) })),
    warnings: compiled.warnings,
    compiledAt: new Date().toISOString(),
    compileMillis: { xslt: Math.round(xsltMillis), sef: Math.round(sefMillis) },
  };
  await rename(xslTemp, xslPath);
  await rename(sefTemp, sefPath);
  await writeFile(`${manifestPath}.${unique}`, JSON.stringify(manifest), 'utf8');
  await rename(`${manifestPath}.${unique}`, manifestPath);
  const sef: unknown = JSON.parse(await readFile(sefPath, 'utf8'));
  return { manifest, sef, sefPath, fromCache: false };
}

async function readCached(file: string, manifestPath: string, sefPath: string): Promise<{ manifest: SchematronManifest; sef: unknown } | null> {
  let manifest: SchematronManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as SchematronManifest;
  } catch {
    return null;
  }
  if (manifest.compilerVersion !== SCHEMATRON_COMPILER_VERSION) return null;
  for (const source of manifest.sources) {
    try {
      const digest = createHash('sha256').update(await readFile(path.resolve(path.dirname(file), source.path))).digest('hex');
      if (digest !== source.sha256) return null;
    } catch {
      return null;
    }
  }
  try {
    return { manifest, sef: JSON.parse(await readFile(sefPath, 'utf8')) as unknown };
  } catch {
    return null;
  }
}

/** Path of the `xslt3` command-line compiler (same vendor and licence as saxon-js). */
function xslt3Cli(): string {
  return path.join(path.dirname(require.resolve('xslt3/package.json')), 'xslt3.js');
}
