import path from 'node:path';
import { detectCdaProfile } from './cda-profile.js';
import type { CdaProfile } from './cda-profile.js';
import { BUNDLED_COMPILED_DIR, CDA_RULE_SETS, CDA_XSD, resolveCdaKitDir } from './cda-validation-kit.js';
import type { CdaRuleSetName } from './cda-validation-kit.js';
import { parseXmlForSchematron, SchematronValidator } from './schematron/schematron-validator.js';
import type { FindingSeverity } from './schematron/severity.js';
import type { SaxonDomDocument } from './saxon.js';
import { CdaXsdValidator } from './xsd/cda-xsd-validator.js';
import { defaultSchematronCacheDir } from './schematron/sef-cache.js';

/** Where an issue comes from: the XML Schema, or the Schematron rule set named. */
export type CdaIssueSource = 'xsd' | CdaRuleSetName;

/** One problem found in a document. Findings are data, never exceptions. */
export interface CdaValidationIssue {
  readonly severity: FindingSeverity;
  /**
   * Rule identifier: for Schematron findings the assertion `@id`, else the rule `@id`, else the pattern id
   * (the ANS volet files identify their rules by pattern); for XSD findings `xsd` or `xml-well-formedness`.
   */
  readonly rule: string;
  /** XPath of the node for Schematron findings (`/ClinicalDocument/component[1]/…`); `line N` for XSD findings. */
  readonly location: string;
  readonly message: string;
  readonly source: CdaIssueSource;
  /** Line in the document, for XSD findings. */
  readonly line?: number;
  /** Schematron test that failed (or report test that succeeded). */
  readonly test?: string;
}

/** Result of {@link validateCda}. */
export interface CdaValidationReport {
  /** `true` when no issue has severity `error` (warnings and infos are allowed). */
  readonly valid: boolean;
  readonly profile: CdaProfile;
  readonly issues: readonly CdaValidationIssue[];
  /** Rule sets that ran, in order (`xsd` first). */
  readonly ruleSets: readonly CdaIssueSource[];
  /** Wall time per rule set, in milliseconds (Schematron compilation, when it happened, included). */
  readonly timings: Readonly<Partial<Record<CdaIssueSource, number>>>;
  /**
   * Value-set files the rules read that the kit does not hold (path relative to the kit), with the number
   * of assertions that could therefore not be evaluated on this document. This is a property of the kit, so
   * it is kept out of {@link CdaValidationReport.issues}: a caller reports it once, not on every document.
   */
  readonly notEvaluable: readonly CdaNotEvaluable[];
}

/** Assertions that could not be evaluated because the kit lacks a file they read. */
export interface CdaNotEvaluable {
  /** The missing file, relative to the kit folder (e.g. `jeuxDeValeurs/jdv-x-cisis.xml`). */
  readonly file: string;
  readonly source: CdaRuleSetName;
  readonly assertions: number;
}

/** Progress of {@link warmUpCdaValidation}, told once per rule set (and when one starts compiling). */
export interface CdaWarmUpProgress {
  readonly ruleSet: CdaIssueSource;
  /** `compiling`: no compiled form was found and compilation started; `ready`: the rule set is loaded. */
  readonly step: 'compiling' | 'ready';
  /** Schematron rule sets ready so far, and how many there are in all (the XML Schema is not counted). */
  readonly done: number;
  readonly total: number;
  /** Milliseconds since the warm-up started. */
  readonly elapsedMillis: number;
}

/** Options of {@link validateCda}. */
export interface CdaValidationOptions {
  /** Folder of the ANS kit; see {@link resolveCdaKitDir} for the default. */
  readonly kitDir?: string;
  /** Cache of compiled Schematrons; see {@link defaultSchematronCacheDir}. */
  readonly cacheDir?: string;
  /**
   * Read-only folders of compiled rule sets looked at before the cache; default: the compiled forms shipped
   * for the bundled kit ({@link BUNDLED_COMPILED_DIR}). Each entry is used only for the exact kit content it
   * was compiled from.
   */
  readonly precompiledDirs?: readonly string[];
  /** Rule sets to run instead of those chosen from the document (the XML Schema always runs). */
  readonly ruleSets?: readonly CdaRuleSetName[];
  /** Skip the XML Schema (for instance when a caller validated it already). Default `false`. */
  readonly skipXsd?: boolean;
}

const loadedSchematrons = new Map<string, Promise<SchematronValidator>>();
const loadedXsd = new Map<string, Promise<CdaXsdValidator>>();

/**
 * Validates a CDA R2 document as the ANS TestContenuCDA tool does: the XML Schema `CDA_extended.xsd`,
 * then the Schematron rule sets chosen from the document (see {@link detectCdaProfile}), offline and without
 * Java. Compiled rule sets are cached on disk (first use of a rule set compiles it, which takes from seconds
 * to a minute or two for the structuration minimale) and kept in memory for the life of the process.
 *
 * @param xml the document, as text or as bytes (decoded with the encoding its XML declaration names, UTF-8 by default)
 */
export async function validateCda(xml: string | Uint8Array, options: CdaValidationOptions = {}): Promise<CdaValidationReport> {
  const kitDir = resolveCdaKitDir(options.kitDir);
  const cacheDir = options.cacheDir ?? defaultSchematronCacheDir();
  const text = typeof xml === 'string' ? xml : decodeXml(xml);
  const issues: CdaValidationIssue[] = [];
  const timings: Partial<Record<CdaIssueSource, number>> = {};
  const ran: CdaIssueSource[] = [];
  const notEvaluable = new Map<string, CdaNotEvaluable>();

  if (!options.skipXsd) {
    const start = performance.now();
    const xsd = await cached(loadedXsd, path.join(kitDir, CDA_XSD), () => CdaXsdValidator.load(path.join(kitDir, CDA_XSD)));
    // Bytes go to xmllint as they are, so that it honours the encoding declared by the document.
    for (const finding of await xsd.validate(xml)) {
      const wellFormedness = /parser error/i.test(finding.message);
      issues.push({
        severity: 'error',
        rule: wellFormedness ? 'xml-well-formedness' : 'xsd',
        location: finding.line === null ? '' : `line ${finding.line}`,
        message: finding.message,
        source: 'xsd',
        ...(finding.line === null ? {} : { line: finding.line }),
      });
    }
    timings.xsd = Math.round(performance.now() - start);
    ran.push('xsd');
  }

  let document: SaxonDomDocument | null = null;
  try {
    document = await parseXmlForSchematron(stripBom(text));
  } catch (cause) {
    // Not well-formed: the XML Schema step reported it (with a line); the Schematrons cannot run.
    if (options.skipXsd) {
      issues.push({
        severity: 'error',
        rule: 'xml-well-formedness',
        location: '',
        message: cause instanceof Error ? cause.message : String(cause),
        source: 'xsd',
      });
    }
  }
  const detection = detectCdaProfile(document);
  if (document) {
    const ruleSets = options.ruleSets ?? detection.ruleSets;
    for (const name of ruleSets) {
      const start = performance.now();
      const file = path.join(kitDir, CDA_RULE_SETS[name]);
      const validator = await loadRuleSet(file, cacheDir, options.precompiledDirs);
      for (const finding of validator.validate(document)) {
        if (finding.kind === 'not-evaluable' && finding.missingDocument !== undefined) {
          const missing = path.relative(kitDir, finding.missingDocument).split(path.sep).join('/');
          const entry = notEvaluable.get(`${name}\n${missing}`);
          notEvaluable.set(`${name}\n${missing}`, { file: missing, source: name, assertions: (entry?.assertions ?? 0) + 1 });
          continue;
        }
        issues.push({
          severity: finding.severity,
          rule: finding.rule,
          location: finding.location,
          message: finding.message,
          source: name,
          test: finding.test,
        });
      }
      timings[name] = Math.round(performance.now() - start);
      ran.push(name);
    }
  }
  return {
    valid: !issues.some((issue) => issue.severity === 'error'),
    profile: detection.profile,
    issues,
    ruleSets: ran,
    timings,
    notEvaluable: [...notEvaluable.values()],
  };
}

/**
 * Loads every rule set of the kit (from the shipped compiled forms, the cache, or by compiling it), so that
 * later validations do not wait. Returns the load time of each rule set in milliseconds; `onProgress` is told
 * when a rule set starts compiling (minutes for the larger ones) and when each is ready.
 */
export async function warmUpCdaValidation(
  options: Pick<CdaValidationOptions, 'kitDir' | 'cacheDir' | 'ruleSets' | 'precompiledDirs'> & {
    readonly onProgress?: (progress: CdaWarmUpProgress) => void;
  } = {},
): Promise<Partial<Record<CdaIssueSource, number>>> {
  const kitDir = resolveCdaKitDir(options.kitDir);
  const cacheDir = options.cacheDir ?? defaultSchematronCacheDir();
  const names = options.ruleSets ?? (Object.keys(CDA_RULE_SETS) as CdaRuleSetName[]);
  const total = names.length;
  const timings: Partial<Record<CdaIssueSource, number>> = {};
  const start = performance.now();
  const elapsed = (): number => Math.round(performance.now() - start);
  await cached(loadedXsd, path.join(kitDir, CDA_XSD), () => CdaXsdValidator.load(path.join(kitDir, CDA_XSD)));
  timings.xsd = elapsed();
  let done = 0;
  options.onProgress?.({ ruleSet: 'xsd', step: 'ready', done, total, elapsedMillis: elapsed() });
  for (const name of names) {
    const ruleSetStart = performance.now();
    const file = path.join(kitDir, CDA_RULE_SETS[name]);
    await loadRuleSet(file, cacheDir, options.precompiledDirs, () =>
      options.onProgress?.({ ruleSet: name, step: 'compiling', done, total, elapsedMillis: elapsed() }),
    );
    timings[name] = Math.round(performance.now() - ruleSetStart);
    done += 1;
    options.onProgress?.({ ruleSet: name, step: 'ready', done, total, elapsedMillis: elapsed() });
  }
  return timings;
}

/** A rule set's validator, loaded once per process (shipped compiled form, then cache, then compilation). */
function loadRuleSet(
  file: string,
  cacheDir: string,
  precompiledDirs: readonly string[] | undefined,
  onCompileStart?: () => void,
): Promise<SchematronValidator> {
  const dirs = precompiledDirs ?? [BUNDLED_COMPILED_DIR];
  return cached(loadedSchematrons, `${file}\n${cacheDir}\n${dirs.join('\n')}`, () =>
    SchematronValidator.load(file, {
      cacheDir,
      precompiledDirs: dirs,
      onCompile: (event) => {
        if (event.step === 'start') onCompileStart?.();
      },
    }),
  );
}

/** Memoises a load; a failed load is forgotten so that the next call retries it. */
function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let promise = cache.get(key);
  if (!promise) {
    promise = load();
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}

/** Decodes XML bytes with the encoding of the XML declaration (UTF-8 when none is declared). */
function decodeXml(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.replace(/^\uFEFF|^ï»¿/, ''))?.[1];
  return stripBom(new TextDecoder(declared ?? 'utf-8').decode(bytes));
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
