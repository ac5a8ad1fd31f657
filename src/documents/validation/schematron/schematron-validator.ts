import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CdaValidationError } from '../errors.js';
import { SaxonJS } from '../saxon.js';
import type { SaxonDomDocument } from '../saxon.js';
import type { RawFinding } from './schematron-compiler.js';
import { loadCompiledSchematron } from './sef-cache.js';
import type { CompiledSchematronArtifact, SchematronManifest, SefCacheOptions } from './sef-cache.js';
import { severityOf } from './severity.js';
import type { FindingSeverity } from './severity.js';

/** One fired assertion or report of a Schematron run, in SVRL terms plus a severity. */
export interface SchematronFinding {
  readonly severity: FindingSeverity;
  /**
   * `failed-assert` and `successful-report` as in SVRL; `evaluation-error` when the test raised a dynamic
   * error (the message then says so, and the severity is `warning`: the document was not proven wrong);
   * `not-evaluable` when the test reads a document (a value-set file) that the kit does not hold: that is a
   * property of the kit, not of the document, and {@link SchematronFinding.missingDocument} names the file.
   */
  readonly kind: 'failed-assert' | 'successful-report' | 'evaluation-error' | 'not-evaluable';
  /** For `not-evaluable`: absolute path of the file the test could not read. */
  readonly missingDocument?: string;
  /** `@id` of the assertion, else `@id` of its rule, else the pattern id. */
  readonly rule: string;
  readonly pattern: string;
  readonly context: string;
  readonly test: string;
  /** XPath of the node, e.g. `/ClinicalDocument/component[1]/structuredBody[1]`. */
  readonly location: string;
  readonly message: string;
  readonly role: string | null;
  readonly flag: string | null;
  readonly see: string | null;
  readonly diagnostics: readonly string[];
  /** Schematron file the assertion was written in. */
  readonly sourceFile: string;
}

/** A document to check: XML text, or a document already parsed by {@link parseXmlForSchematron}. */
export type SchematronInput = string | SaxonDomDocument;

/**
 * A compiled Schematron, ready to check documents. Load once (compilation is cached on disk), then call
 * {@link SchematronValidator.validate} as often as needed: a run only walks the document.
 */
export class SchematronValidator {
  readonly manifest: SchematronManifest;
  /** `true` when the compiled stylesheet came from the cache. */
  readonly fromCache: boolean;
  private readonly sef: unknown;
  private readonly baseUri: string;
  /** Absolute path of the Schematron this validator runs. */
  readonly schematronFile: string;
  /**
   * The value-set files the rules name by a literal path, parsed once and handed to every transform as its
   * document pool (by absolute URI), instead of being read and parsed again by `document()` at each run.
   */
  private readonly documentPool: Record<string, SaxonDomDocument>;

  private constructor(artifact: CompiledSchematronArtifact, documentPool: Record<string, SaxonDomDocument>) {
    this.documentPool = documentPool;
    this.manifest = artifact.manifest;
    this.fromCache = artifact.fromCache;
    this.sef = artifact.sef;
    this.schematronFile = artifact.schematronFile;
    // The compiled form is relocatable: its relative document() paths resolve against the kit in use.
    this.baseUri = pathToFileURL(artifact.schematronFile).href;
  }

  /** Loads (compiling if needed) the Schematron at `schematronFile`. */
  static async load(schematronFile: string, options: SefCacheOptions = {}): Promise<SchematronValidator> {
    const artifact = await loadCompiledSchematron(schematronFile, options);
    return new SchematronValidator(artifact, await preloadDocuments(artifact.sef, pathToFileURL(artifact.schematronFile).href));
  }

  /**
   * Runs the Schematron on one document. Synchronous: SaxonJS runs the compiled stylesheet on the calling
   * thread. `document()` / `doc()` calls in the rules resolve against the Schematron file's location.
   */
  validate(input: SchematronInput): SchematronFinding[] {
    let serialized: unknown;
    try {
      const source = typeof input === 'string' ? { sourceText: input } : { sourceNode: input };
      serialized = SaxonJS.transform(
        {
          stylesheetInternal: this.sef,
          // The value-set paths of the ANS rules are relative to the Schematron, not to the cache directory.
          stylesheetBaseURI: this.baseUri,
          ...source,
          documentPool: this.documentPool,
          destination: 'serialized',
        },
        'sync',
      ).principalResult;
    } catch (cause) {
      throw new CdaValidationError(
        'TLR_ERR_SCHEMATRON_RUNTIME',
        `${this.schematronFile}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
    const raw = JSON.parse(String(serialized)) as RawFinding[];
    return raw.map((finding) => this.describe(finding));
  }

  private describe(finding: RawFinding): SchematronFinding {
    const assertion = this.manifest.assertions[finding.a];
    const rule = this.manifest.rules[finding.r];
    if (!assertion || !rule) {
      throw new CdaValidationError(
        'TLR_ERR_SCHEMATRON_RUNTIME',
        `${this.schematronFile}: finding refers to unknown assertion ${finding.a}`,
      );
    }
    const role = assertion.role ?? rule.role;
    const flag = assertion.flag ?? rule.flag;
    const common = {
      rule: assertion.id ?? rule.id ?? rule.pattern,
      pattern: rule.pattern,
      context: rule.context,
      test: assertion.test,
      location: finding.l,
      role,
      flag,
      see: assertion.see,
      diagnostics: finding.d ?? [],
      sourceFile: path.resolve(path.dirname(this.schematronFile), assertion.sourceFile),
    };
    const missing = finding.x === undefined ? null : MISSING_DOCUMENT.exec(finding.x);
    if (missing?.[1] !== undefined) {
      let missingDocument: string;
      try {
        missingDocument = fileURLToPath(missing[1]);
      } catch {
        missingDocument = missing[1];
      }
      return {
        ...common,
        severity: 'info',
        kind: 'not-evaluable',
        missingDocument,
        message: `not evaluable: ${path.basename(missingDocument)} is missing from the validation kit; test: ${assertion.test}`,
      };
    }
    if (finding.x !== undefined) {
      return {
        ...common,
        severity: 'warning',
        kind: 'evaluation-error',
        message: `the test of this ${assertion.kind} could not be evaluated (${finding.x}); test: ${assertion.test}`,
      };
    }
    return {
      ...common,
      severity: severityOf(role, flag, finding.m),
      kind: assertion.kind === 'assert' ? 'failed-assert' : 'successful-report',
      message: finding.m,
    };
  }
}

/**
 * Parses the XML files that the compiled rules name by a literal relative path (`'../jeuxDeValeurs/x.xml'`),
 * resolved as `document()` resolves them against the Schematron's location, keyed by that absolute URI.
 * A file the kit lacks is left out, so that its `document()` still fails as before and is reported as not
 * evaluable; paths computed at run time are still read by `document()` itself.
 */
async function preloadDocuments(sef: unknown, baseUri: string): Promise<Record<string, SaxonDomDocument>> {
  const uris = new Set<string>();
  const visit = (node: { N?: unknown; val?: unknown; C?: unknown }): void => {
    if (node.N === 'str' && typeof node.val === 'string' && /\.xml$/i.test(node.val) && !/^[a-z][a-z0-9+.-]*:/i.test(node.val)) {
      uris.add(new URL(node.val, baseUri).href);
    }
    if (Array.isArray(node.C)) for (const child of node.C as { N?: unknown }[]) visit(child);
  };
  visit(sef as { N?: unknown });
  const pool: Record<string, SaxonDomDocument> = {};
  for (const uri of uris) {
    const file = fileURLToPath(uri);
    if (!existsSync(file)) continue;
    try {
      pool[uri] = await SaxonJS.getResource({ file, type: 'xml' });
    } catch {
      // Not well-formed: left to document(), which reports it as the rules ran before.
    }
  }
  return pool;
}

/** How SaxonJS reports a `document()` of a file that does not exist (FODC0002, ENOENT). */
const MISSING_DOCUMENT = /^(?:err:)?FODC0002: Cannot read file (file:\S+) - ENOENT/;

/** Parses XML once into the tree SaxonJS runs on, so that several Schematrons can share it. */
export async function parseXmlForSchematron(xml: string): Promise<SaxonDomDocument> {
  return SaxonJS.getResource({ text: xml, type: 'xml' });
}
