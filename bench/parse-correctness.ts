/**
 * What each parser gets right, measured on the same probes: escape sequences, hexadecimal data,
 * ISO 8859-15 bytes, and byte-identical round trips over the whole corpus. A parser that fails a
 * check is still timed; the tables mark it.
 */
import { encodeText } from '../src/hl7/index.js';
import type { CorpusClass } from './corpus.js';
import type { ParserUnderTest, ReadValues } from './parsers.js';

const MSH = (charset: string, id: string): string =>
  `MSH|^~\\&|RIS|HOPITAL|TLR_PF|TLR|20260106134418||ORU^R01^ORU_R01|${id}|P|2.5.1|||||FRA|${charset}`;

/**
 * The probes. Each one puts its test value in PID-5.1 or in OBX-5.1 of the last OBX, the values
 * every parser reads anyway, so no library-specific accessor is involved.
 *
 * `\Xhh…\` carries bytes in the message's character set (HL7 v2.5.1 §2.7): in a UTF-8 message
 * `\X41\` is "A" and `\XC3A9\` is "é".
 */
export const PROBES = {
  delimiterEscapes: {
    bytes: Buffer.from(`${MSH('UNICODE UTF-8', 'P1')}\rPID|||42^^^HOP||A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\F^JEAN\r`, 'utf8'),
    expect: (v: ReadValues): boolean => v.familyName === 'A|B^C&D~E\\F',
  },
  hexData: {
    bytes: Buffer.from(`${MSH('UNICODE UTF-8', 'P2')}\rPID|||42^^^HOP||DUPONT\rOBX|1|ST|X^Y^L||\\X41\\\\XC3A9\\z\r`, 'utf8'),
    expect: (v: ReadValues): boolean => v.lastObservation === 'Aéz',
  },
  latin9: {
    bytes: encodeText(`${MSH('8859/15', 'P3')}\rPID|||42^^^HOP||HÉLÈNE\rOBX|1|ST|X^Y^L||Coût 120 € œuvre\r`, '8859/15'),
    expect: (v: ReadValues): boolean => v.familyName === 'HÉLÈNE' && v.lastObservation === 'Coût 120 € œuvre',
  },
} as const;

export type ProbeOutcome = 'yes' | 'no' | 'error' | 'caller';

export interface Correctness {
  name: string;
  delimiterEscapes: ProbeOutcome;
  hexData: ProbeOutcome;
  /** `caller` for string-only libraries: the bytes are decoded before they see them. */
  latin9: ProbeOutcome;
  roundTrip: { identical: number; total: number; firstDifference: string | undefined };
  /** Corpus messages whose four values equal ours (ours decodes escapes; raw readers differ there). */
  sameValuesAsOurs: number;
  errors: number;
}

function runProbe(parser: ParserUnderTest, probe: { bytes: Buffer; expect: (v: ReadValues) => boolean }): ProbeOutcome {
  try {
    return probe.expect(parser.probe(parser.prepare(probe.bytes)).values) ? 'yes' : 'no';
  } catch {
    return 'error';
  }
}

/** Where two serializations first differ, shown as escaped excerpts (`@123: "…" ≠ "…"`). */
export function describeDifference(expected: Buffer | string, actual: Buffer | string): string | undefined {
  const a = typeof expected === 'string' ? expected : expected.toString('latin1');
  const b = typeof actual === 'string' ? actual : actual.toString('latin1');
  if (a === b) return undefined;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const excerpt = (s: string): string => JSON.stringify(s.slice(Math.max(0, i - 12), i + 12));
  return `@${i} of ${a.length}: ${excerpt(a)} became ${excerpt(b)} (${b.length} long)`;
}

function sameOutput(expected: Buffer | string, output: Buffer | string): boolean {
  if (typeof expected === 'string' || typeof output === 'string') return expected.toString() === output.toString();
  return expected.equals(output);
}

/** Runs the probes and the corpus round trips for every parser (ours is `parsers[0]`). */
export function checkCorrectness(
  parsers: readonly ParserUnderTest[],
  corpus: readonly CorpusClass[],
  decodedText: (bytes: Buffer) => string,
): Correctness[] {
  const ours = parsers[0]!;
  const messages = corpus.flatMap((c) => c.messages);
  const reference = messages.map((m) => ours.probe(ours.prepare(m.bytes)).values);
  return parsers.map((parser) => {
    let identical = 0;
    let firstDifference: string | undefined;
    let same = 0;
    let errors = 0;
    messages.forEach((m, i) => {
      try {
        const input = parser.prepare(m.bytes);
        const { values, output } = parser.probe(input);
        // A bytes-input parser that serializes to a string is held to the decoded text.
        const expected = typeof input !== 'string' && typeof output === 'string' ? decodedText(m.bytes) : input;
        if (sameOutput(expected, output)) identical++;
        else firstDifference ??= `${m.source} ${describeDifference(expected, output) ?? ''}`;
        if (JSON.stringify(values) === JSON.stringify(reference[i])) same++;
      } catch (e) {
        errors++;
        firstDifference ??= `${m.source} threw ${(e as Error).message}`;
      }
    });
    return {
      name: parser.name,
      delimiterEscapes: runProbe(parser, PROBES.delimiterEscapes),
      hexData: runProbe(parser, PROBES.hexData),
      latin9: parser.input === 'string' ? 'caller' : runProbe(parser, PROBES.latin9),
      roundTrip: { identical, total: messages.length, firstDifference },
      sameValuesAsOurs: same,
      errors,
    };
  });
}
