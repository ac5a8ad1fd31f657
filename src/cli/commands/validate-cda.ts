import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CdaValidationIssue, CdaValidationReport } from '../../documents/validation/index.js';
import { writeOut } from '../output.js';
import { CDA_ENVIRONMENT, helpSections } from '../help.js';

/** One file's result in `--json` output. */
interface ValidateCdaCliResult {
  readonly file: string;
  readonly profile: CdaValidationReport['profile'];
  readonly valid: boolean;
  readonly issues: readonly CdaValidationIssue[];
  /** Assertions that could not be evaluated because the kit lacks a value-set file (omitted when none). */
  readonly notEvaluable?: CdaValidationReport['notEvaluable'];
}

interface ValidateCdaCliOptions {
  readonly json?: boolean;
  readonly kit?: string;
  readonly cacheDir?: string;
}

const SEVERITY_ORDER = ['error', 'warning', 'info'] as const;

/**
 * `cisis-tlr validate-cda [--json] FILE...`: validates CDA R2 documents (imaging report CR-IMG, imaging
 * order DA-IMG, or any CI-SIS document) against the ANS XML Schema and Schematrons, offline.
 * Exit code: 0 when no file has an error (warnings allowed), 1 when a file has an error, 2 when a file
 * cannot be read or the validation kit cannot be loaded.
 */
export function registerValidateCdaCommand(program: Command): void {
  program
    .command('validate-cda')
    .description('validate CDA R2 documents (CR-IMG, DA-IMG, CI-SIS) against the ANS XML Schema and Schematrons')
    .addHelpText(
      'after',
      helpSections({
        examples: ['cisis-tlr validate-cda report.xml', 'cisis-tlr validate-cda --json --kit ./testcontenucda-2025 *.xml'],
        environment: CDA_ENVIRONMENT,
      }),
    )
    .argument('<files...>', 'CDA R2 XML files')
    .option('--json', 'print one JSON array, one object per file: {file, profile, valid, issues}')
    .option('--kit <dir>', 'folder of another ANS TestContenuCDA kit (default: $CISIS_TLR_CDA_KIT, then the kit bundled with the package)')
    .option(
      '--cache-dir <dir>',
      'cache of compiled Schematrons (default: $CISIS_TLR_CACHE_DIR/schematron or ~/.cache/cisis-tlr/schematron)',
    )
    .action(async (files: string[], options: ValidateCdaCliOptions) => {
      process.exitCode = await runValidateCda(files, options);
    });
}

/** Body of the command, separate from the commander wiring; resolves with the exit code. */
export async function runValidateCda(files: readonly string[], options: ValidateCdaCliOptions): Promise<number> {
  // Loaded here, not at the top: the CDA validator (saxon-js, xmllint-wasm) is the heaviest module of the CLI.
  const { CdaValidationError, validateCda } = await import('../../documents/validation/index.js');
  const results: ValidateCdaCliResult[] = [];
  let usageOrIoError = false;
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      usageOrIoError = true;
      process.stderr.write(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
      continue;
    }
    let report: CdaValidationReport;
    try {
      report = await validateCda(bytes, {
        ...(options.kit === undefined ? {} : { kitDir: options.kit }),
        ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      });
    } catch (error) {
      // A failure of the machinery (kit missing, rule set not compilable), not a finding about the file.
      process.stderr.write(`${file}: ${error instanceof CdaValidationError ? error.describe() : String(error)}\n`);
      return 2;
    }
    results.push({
      file,
      profile: report.profile,
      valid: report.valid,
      issues: report.issues,
      ...(report.notEvaluable.length ? { notEvaluable: report.notEvaluable } : {}),
    });
    if (!options.json) await writeOut(formatReport(file, report));
  }
  if (options.json) await writeOut(`${JSON.stringify(results, null, 2)}\n`);
  if (usageOrIoError) return 2;
  return results.every((result) => result.valid) ? 0 : 1;
}

/** The human-readable report of one file: a summary line, then the issues grouped by severity. */
export function formatReport(file: string, report: CdaValidationReport): string {
  const counts = SEVERITY_ORDER.map((severity) => [severity, report.issues.filter((issue) => issue.severity === severity)] as const);
  const summary = counts
    .filter(([, issues]) => issues.length > 0)
    .map(([severity, issues]) => `${issues.length} ${severity}${issues.length > 1 ? 's' : ''}`)
    .join(', ');
  const lines = [`== ${file}`, `   profile ${report.profile}: ${report.valid ? 'VALID' : 'INVALID'}${summary ? ` (${summary})` : ''}`];
  lines.push(`   checked with: ${report.ruleSets.join(', ')}`);
  for (const missing of report.notEvaluable) {
    lines.push(
      `   not evaluable: ${missing.assertions} assertion(s) of ${missing.source} read ${missing.file}, which the kit does not hold`,
    );
  }
  for (const [severity, issues] of counts) {
    if (issues.length === 0) continue;
    lines.push(`   ${severity}s:`);
    for (const issue of issues) {
      lines.push(`   - [${issue.source}] ${issue.rule}${issue.location ? ` at ${issue.location}` : ''}`);
      lines.push(`       ${issue.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
