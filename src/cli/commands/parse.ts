import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatLocation, tryParseMessage } from '../../hl7/index.js';
import type { Hl7Error } from '../../hl7/index.js';
import { writeOut } from '../output.js';
import { helpSections } from '../help.js';

interface ParseCliResult {
  file: string;
  ok: boolean;
  errors: ReturnType<Hl7Error['toJSON']>[];
  warnings: ReturnType<Hl7Error['toJSON']>[];
  message: unknown;
}

/**
 * `cisis-tlr parse FILE... [--json]`: prints each message as a tree of decoded values; exits 1
 * when a file has a parse error (each printed with its location), 2 when a file cannot be read.
 */
export function registerParseCommand(program: Command): void {
  program
    .command('parse')
    .description('parse HL7 v2 ER7 files and print their structure (segments → fields → components, decoded)')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr parse examples/messages/utf-8/01-flow1-order-NW.hl7',
          'cisis-tlr parse --json examples/messages/iso-8859-15/*.hl7 > parsed.json',
        ],
      }),
    )
    .argument('<files...>', 'HL7 v2 message files (ER7; CR, LF or CRLF segment separators)')
    .option('--json', 'print one JSON array, one object per file')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const results: ParseCliResult[] = [];
      let ioError = false;
      for (const file of files) {
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (e) {
          ioError = true;
          process.stderr.write(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
          continue;
        }
        const r = tryParseMessage(bytes);
        results.push({
          file,
          ok: r.errors.length === 0,
          errors: r.errors.map((e) => e.toJSON()),
          warnings: r.warnings.map((e) => e.toJSON()),
          message: r.message?.toJSON() ?? null,
        });
        if (!opts.json) printText(file, r);
      }
      if (opts.json) await writeOut(`${JSON.stringify(results, null, 2)}\n`);
      process.exitCode = ioError ? 2 : results.every((r) => r.ok) ? 0 : 1;
    });
}

function printText(file: string, r: ReturnType<typeof tryParseMessage>): void {
  const lines: string[] = [`== ${file}`];
  for (const e of r.errors) lines.push(`  error   ${e.location ? formatLocation(e.location) : '-'}  ${e.code}: ${e.message}`);
  for (const w of r.warnings) lines.push(`  warning ${w.location ? formatLocation(w.location) : '-'}  ${w.code}: ${w.message}`);
  if (r.message) {
    const h = r.message.header;
    lines.push(
      `  ${h.messageType} control id ${h.controlId} version ${h.version} charset ${r.message.charset} ` +
        `(${r.message.segments.length} segments)`,
    );
    const counts = new Map<string, number>();
    for (const seg of r.message.segments) {
      const n = (counts.get(seg.name) ?? 0) + 1;
      counts.set(seg.name, n);
      lines.push(`  ${seg.name}${n > 1 ? `[${n}]` : ''}`);
      for (let f = 1; f <= seg.fieldCount; f++) {
        if (seg.rawField(f) === '') continue;
        const reps =
          seg.name === 'MSH' && f <= 2
            ? [seg.rawField(f)]
            : seg.repetitions(f).map((rep) => {
                const comps: string[] = [];
                for (let c = 1; c <= Math.max(1, rep.length); c++) comps.push(rep.subs(c).join(' & '));
                return comps.length === 1
                  ? comps[0]!
                  : comps
                      .map((v, i) => (v === '' ? '' : `${i + 1}=${v}`))
                      .filter(Boolean)
                      .join(' | ');
              });
        const text = reps.join('  ~  ');
        lines.push(`    ${seg.name}-${f}: ${text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text}`);
      }
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
