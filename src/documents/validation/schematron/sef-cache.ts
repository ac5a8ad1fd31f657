import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { CdaValidationError } from '../errors.js';
import { SaxonJS } from '../saxon.js';
import { compileSchematronFile } from './schematron-compiler.js';
import type { CompiledAssertion, CompiledRule } from './schematron-compiler.js';
import type { SchematronSourceFile } from './schematron-source.js';

/**
 * Version of the Schematron-to-XSLT translation. Part of every cache key: bump it whenever the generated
 * XSLT changes, so that stale compiled stylesheets are never reused.
 */
export const SCHEMATRON_COMPILER_VERSION = '4';

/** What is stored beside a compiled stylesheet, and what a validator needs to read its findings. */
export interface SchematronManifest {
  readonly compilerVersion: string;
  readonly saxonVersion: string;
  /**
   * File name of the root Schematron. Every path of the manifest is relative to its folder, and the compiled
   * stylesheet carries no absolute path (it is exported relocatable): an entry compiled in one checkout is
   * valid for the same kit anywhere else.
   */
  readonly schematron: string;
  readonly phase: string;
  readonly title: string | null;
  readonly patterns: readonly string[];
  readonly assertions: readonly CompiledAssertion[];
  readonly rules: readonly CompiledRule[];
  /** Every file the Schematron was built from, with its SHA-256: the cache is valid while they are unchanged. */
  readonly sources: readonly SchematronSourceFile[];
  /** SHA-256 of the SEF text: a compiled form that does not match it is not used. */
  readonly sefSha256: string;
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
  /** Absolute path of the root Schematron it was loaded for (relative paths of the manifest start from its folder). */
  readonly schematronFile: string;
  /** `true` when the artifact came from the cache or a precompiled folder, `false` when it was compiled by this call. */
  readonly fromCache: boolean;
}

/** Reported by {@link loadCompiledSchematron} when a rule set has to be compiled. */
export interface SchematronCompileEvent {
  readonly schematron: string;
  readonly step: 'start' | 'done';
  /** Milliseconds since the compilation started (0 at `start`). */
  readonly elapsedMillis: number;
}

/** Options of {@link loadCompiledSchematron}. */
export interface SefCacheOptions {
  /** Phase to compile (default: the Schematron's default phase). */
  readonly phase?: string;
  /** Cache directory (default: {@link defaultSchematronCacheDir}). */
  readonly cacheDir?: string;
  /**
   * Read-only folders of compiled forms, looked at before the cache (the package ships the compiled rule sets
   * of its bundled kit in one). Entries there are named and checked exactly like cache entries; their SEF
   * may be gzip-compressed (`.sef.json.gz`).
   */
  readonly precompiledDirs?: readonly string[];
  /** Told when a compilation starts and ends (compiling a large rule set takes minutes). */
  readonly onCompile?: (event: SchematronCompileEvent) => void;
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
  const name = compiledEntryName(await readFile(file), options.phase, saxonVersion, path.basename(file, path.extname(file)));

  for (const dir of options.precompiledDirs ?? []) {
    const shipped = await readCached(file, path.join(dir, `${name}.manifest.json`), path.join(dir, `${name}.sef.json`));
    if (shipped) return { ...shipped, schematronFile: file, fromCache: true };
  }

  const base = path.join(cacheDir, name);
  const manifestPath = `${base}.manifest.json`;
  const sefPath = `${base}.sef.json`;

  const cached = await readCached(file, manifestPath, sefPath);
  if (cached) return { ...cached, schematronFile: file, fromCache: true };

  await mkdir(cacheDir, { recursive: true });
  // One compilation per cache entry across processes (gateway workers, CLI runs, tests): the others wait
  // for its result instead of spending minutes of CPU on the same work.
  const lockPath = `${base}.lock`;
  while (!(await tryLock(lockPath))) {
    await sleep(LOCK_POLL_MILLIS);
    const compiledMeanwhile = await readCached(file, manifestPath, sefPath);
    if (compiledMeanwhile) return { ...compiledMeanwhile, schematronFile: file, fromCache: true };
  }
  try {
    const compiledMeanwhile = await readCached(file, manifestPath, sefPath);
    if (compiledMeanwhile) return { ...compiledMeanwhile, schematronFile: file, fromCache: true };
    const started = performance.now();
    options.onCompile?.({ schematron: file, step: 'start', elapsedMillis: 0 });
    const artifact = await compileIntoCache(file, options.phase, base, manifestPath, sefPath, saxonVersion);
    options.onCompile?.({ schematron: file, step: 'done', elapsedMillis: Math.round(performance.now() - started) });
    return artifact;
  } finally {
    await rm(lockPath, { force: true });
  }
}

/**
 * Name of the compiled entry of a Schematron (without extension): `<name>-<key>`. The key is derived from the
 * root file's content, the phase and the compiler versions, not from its path, so that clones of the project in
 * other directories (CI, several checkouts, an installed package) find the same entry. The include files are
 * checked by the SHA-256 recorded in the manifest.
 */
export function compiledEntryName(rootContent: Uint8Array, phase: string | undefined, saxonVersion: string, name: string): string {
  const key = createHash('sha256')
    .update(
      [createHash('sha256').update(rootContent).digest('hex'), phase ?? '(default)', SCHEMATRON_COMPILER_VERSION, saxonVersion].join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
  return `${name}-${key}`;
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
    const age = await stat(lockPath).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
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
    // -relocate:on: the SEF records no base URI of its own; the validator supplies the Schematron's location.
    await execFileAsync(process.execPath, [xslt3Cli(), `-xsl:${xslTemp}`, `-export:${sefTemp}`, '-nogo', '-relocate:on'], {
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
  const sefText = await readFile(sefTemp, 'utf8');
  const relative = (absolute: string): string => path.relative(path.dirname(file), absolute).split(path.sep).join('/');
  const manifest: SchematronManifest = {
    compilerVersion: SCHEMATRON_COMPILER_VERSION,
    saxonVersion,
    schematron: path.basename(file),
    phase: compiled.phase,
    title: compiled.title,
    patterns: compiled.patterns,
    // Paths relative to the root Schematron, so the entry stays valid for a kit checked out elsewhere.
    assertions: compiled.assertions.map((assertion) => ({ ...assertion, sourceFile: relative(assertion.sourceFile) })),
    rules: compiled.rules,
    sources: compiled.sourceFiles.map((source) => ({ ...source, path: relative(source.path) })),
    sefSha256: createHash('sha256').update(sefText).digest('hex'),
    warnings: compiled.warnings.map((warning) => relativeWarning(warning, path.dirname(file))),
    compiledAt: new Date().toISOString(),
    compileMillis: { xslt: Math.round(xsltMillis), sef: Math.round(sefMillis) },
  };
  await rename(xslTemp, xslPath);
  await rename(sefTemp, sefPath);
  await writeFile(`${manifestPath}.${unique}`, JSON.stringify(manifest), 'utf8');
  await rename(`${manifestPath}.${unique}`, manifestPath);
  const sef: unknown = JSON.parse(sefText);
  return { manifest, sef, sefPath, schematronFile: file, fromCache: false };
}

async function readCached(
  file: string,
  manifestPath: string,
  sefPath: string,
): Promise<{ manifest: SchematronManifest; sef: unknown; sefPath: string } | null> {
  let manifest: SchematronManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as SchematronManifest;
  } catch {
    return null;
  }
  if (manifest.compilerVersion !== SCHEMATRON_COMPILER_VERSION || typeof manifest.sefSha256 !== 'string') return null;
  for (const source of manifest.sources) {
    try {
      const digest = createHash('sha256')
        .update(await readFile(path.resolve(path.dirname(file), source.path)))
        .digest('hex');
      if (digest !== source.sha256) return null;
    } catch {
      return null;
    }
  }
  for (const candidate of [sefPath, `${sefPath}.gz`]) {
    let text: string;
    try {
      const bytes = await readFile(candidate);
      text = (candidate.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    } catch {
      continue;
    }
    if (createHash('sha256').update(text).digest('hex') !== manifest.sefSha256) continue;
    try {
      return { manifest, sef: JSON.parse(text) as unknown, sefPath: candidate };
    } catch {
      // Not JSON: the next candidate, or a cache miss.
    }
  }
  return null;
}

/** A compiler warning with the paths inside the kit written relative to the root Schematron's folder. */
export function relativeWarning(warning: string, rootDir: string): string {
  return warning.split(`${rootDir}${path.sep}`).join('');
}

/** Path of the `xslt3` command-line compiler (same vendor and licence as saxon-js). */
function xslt3Cli(): string {
  return path.join(path.dirname(require.resolve('xslt3/package.json')), 'xslt3.js');
}
