import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import type { Finding, Profile, ValidationReport } from '../../profiles/index.js';
import { tryParseMessage } from '../../hl7/index.js';
import type { DocumentMessageValidation } from './validate-documents.js';
import { TerminalProgress } from '../progress.js';
import { CDA_ENVIRONMENT, helpSections } from '../help.js';

/** Where the command writes; the defaults are the process streams and `process.exitCode`. */
export interface ValidateCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
  /** Whether stderr is a terminal: progress is shown only then (never with `--json`). */
  stderrIsTTY?(): boolean;
}

const PROCESS_IO: ValidateCommandIo = {
  stdout: (t) => {
    process.stdout.write(t);
  },
  stderr: (t) => {
    process.stderr.write(t);
  },
  setExitCode: (c) => {
    process.exitCode = c;
  },
  stderrIsTTY: () => process.stderr.isTTY === true,
};

/** One file in the `--json` output (the contract external tools rely on). */
export interface ValidateJsonResult {
  file: string;
  /** The profile of the pack the message was validated with (`flux1`…, `ack`, `mdm-t02`…, `document-ack`). */
  profile: string | null;
  valid: boolean;
  issues: Array<Pick<Finding, 'severity' | 'rule' | 'location' | 'message'>>;
  /** Only with `--ack`: the acknowledgement (ER7, CR-separated). */
  ack?: string;
}

interface ValidateCommandOptions {
  profile: Profile | 'auto';
  kit?: string;
  json?: boolean;
  ack?: boolean;
}

function textReport(file: string, report: ValidationReport): string {
  const lines = [`${file}: ${report.profile ?? 'unknown flow'} — ${report.valid ? 'valid' : 'INVALID'}`];
  const errors = report.issues.filter((i) => i.severity === 'error');
  const warnings = report.issues.filter((i) => i.severity === 'warning');
  for (const [title, list] of [
    ['errors', errors],
    ['warnings', warnings],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(`  ${list.length} ${list.length === 1 ? title.slice(0, -1) : title}:`);
    for (const i of list) lines.push(`    ${i.location.padEnd(14)} ${i.rule.padEnd(12)} ${i.message}`);
  }
  if (report.issues.length === 0) lines.push('  no finding');
  return `${lines.join('\n')}\n`;
}

/**
 * `cisis-tlr validate [--profile auto|flux1|flux2|flux3|flux4|ack] [--json] [--ack] FILE...`
 *
 * Validates each file (one HL7 v2 message per file) against the Téléradiologie volet. With `--profile auto`
 * (the default), document messages (MDM^T02/T10/T04, an ORU^R01 carrying a CDA) are validated against the
 * document transport rules and their embedded CDA against the ANS kit (findings at `OBX[n]-5 → /ClinicalDocument/…`),
 * and ACK^T02/T10/T04^ACK as the acknowledgements of those. Exit code:
 * 0 when no file has an error (warnings allowed), 1 when a file has an error, 2 on a usage or I/O
 * error (an unreadable file is reported on stderr and left out of the JSON array). `--json` prints
 * one JSON array with one object per file; `--ack` also prints the acknowledgement a receiver should
 * send back (segments separated by newlines for reading).
 */
export function registerValidateCommand(program: Command, io: ValidateCommandIo = PROCESS_IO): Command {
  return program
    .command('validate')
    .description('validate HL7 v2.5.1 Téléradiologie messages against the ANS CI-SIS volet (offline EVS "standard 45")')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr validate examples/messages/utf-8/*.hl7',
          'cisis-tlr validate --ack examples/messages/utf-8/08-flow3-refused-OC.hl7',
          'cisis-tlr validate --json --profile flux1 order.hl7 | jq ".[0].issues"',
          'cisis-tlr validate examples/messages/reports/04-mdm-t02-level3.hl7   # MDM: transport rules, then the CDA',
        ],
        environment: CDA_ENVIRONMENT,
        notes: 'Exit code: 0 no error (warnings allowed), 1 an error in a file, 2 a usage or I/O error.',
      }),
    )
    .addOption(
      new Option('--profile <profile>', 'profile to validate against')
        .choices(['auto', 'flux1', 'flux2', 'flux3', 'flux4', 'ack'])
        .default('auto'),
    )
    .option('--json', 'print one JSON array with one object per file')
    .option('--ack', 'also print the HL7 ACK a receiver should send back')
    .option('--kit <dir>', 'document messages: folder of another ANS TestContenuCDA kit for the embedded CDA (default: the bundled kit)')
    .argument('<files...>', 'files holding one HL7 v2 message each')
    .action(async (files: string[], options: ValidateCommandOptions) => {
      // Loaded here, not at the top: `--help` and the other commands must not pay for the rule packs.
      const { ackForValidation, selectRulePack, validateMessage } = await import('../../profiles/index.js');
      // With `--profile auto` the pack is chosen per message: the document-transport packs register with the
      // validator's registry as they load.
      const documentPack =
        options.profile === 'auto' ? (await import('../../documents/transport/validation/pack.js')).DOCUMENT_TRANSPORT_PACK : undefined;
      let exit = 0;
      const results: ValidateJsonResult[] = [];
      const progress = !options.json && io.stderrIsTTY?.() ? await startProgress(files, io) : undefined;
      // Whatever the command prints starts at the left margin, not after the progress line.
      const out = (text: string): void => {
        progress?.clear();
        io.stdout(text);
      };
      const err = (text: string): void => {
        progress?.clear();
        io.stderr(text);
      };
      for (const file of files) {
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (e) {
          err(`cisis-tlr validate: cannot read ${file}: ${(e as Error).message}\n`);
          exit = 2;
          continue;
        }
        progress?.working(basename(file));
        const parsed = options.profile === 'auto' ? tryParseMessage(bytes).message : undefined;
        // The pack is chosen from the parsed message; a forced profile, or bytes that do not parse, go to the flows' pack.
        const selection = parsed ? selectRulePack(parsed) : undefined;
        let report: ValidationReport;
        if (selection && selection.pack === documentPack && !String(selection.profile).startsWith('zam-')) {
          // A report or another document (trans-cda-r2): its transport rules, then the embedded CDA. The CDA
          // validator is loaded only here: validating the flows of the volet must not pay for it.
          const { validateDocumentMessageWithCda } = await import('./validate-documents.js');
          let documentReport: DocumentMessageValidation;
          try {
            documentReport = await validateDocumentMessageWithCda(bytes, options.kit === undefined ? {} : { kitDir: options.kit });
          } catch (e) {
            err(`cisis-tlr validate: ${file}: CDA validation unavailable: ${(e as Error).message}\n`);
            exit = 2;
            progress?.advance(bytes.length);
            continue;
          }
          report = { profile: documentReport.profile, valid: documentReport.valid, issues: documentReport.issues, message: parsed };
          for (const missing of documentReport.notEvaluable) {
            err(
              `cisis-tlr validate: ${file}: not evaluable: ${missing.assertions} assertion(s) ` +
                `of ${missing.source} read ${missing.file}, which the kit does not hold\n`,
            );
          }
        } else if (selection) {
          report = selection.pack.validate(bytes);
        } else {
          report = validateMessage(bytes, { profile: options.profile });
        }
        if (!report.valid && exit === 0) exit = 1;
        const result: ValidateJsonResult = {
          file,
          profile: report.profile,
          valid: report.valid,
          issues: report.issues.map(({ severity, rule, location, message }) => ({ severity, rule, location, message })),
        };
        let ack: string | undefined;
        if (options.ack) {
          const original = report.message ?? tryParseMessage(bytes).header;
          if (original) ack = ackForValidation(original, report).toString();
        }
        if (options.json) {
          results.push(ack === undefined ? result : { ...result, ack });
        } else {
          out(textReport(file, report));
          if (options.ack)
            out(
              ack === undefined
                ? '  (no ACK: the message header could not be read)\n'
                : `  ACK:\n${ack
                    .split('\r')
                    .filter((s) => s !== '')
                    .map((s) => `    ${s}`)
                    .join('\n')}\n`,
            );
        }
        progress?.advance(bytes.length);
      }
      progress?.stop();
      if (options.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      io.setExitCode(exit === 2 ? 2 : exit);
    });
}

/** Progress on the terminal over the files to validate (their total size read first; an unreadable one counts 0). */
async function startProgress(files: readonly string[], io: ValidateCommandIo): Promise<TerminalProgress> {
  const sizes = await Promise.all(
    files.map((f) =>
      stat(f).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  const progress = new TerminalProgress({
    write: io.stderr,
    label: 'validate',
    totalMessages: files.length,
    totalBytes: sizes.reduce((a, b) => a + b, 0),
  });
  progress.start();
  return progress;
}
