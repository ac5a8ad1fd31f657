/**
 * The ER7 parsers compared by the parse benchmark, behind one shape: parse the input form the
 * library takes, read the same four values, serialize.
 *
 * The four values (MSH-10, PID-3.1, PID-5.1 and OBX-5.1 of the last OBX) are read in every timed
 * cycle so that lazy parsers (ours, node-hl7-client, hl7v2) do the splitting and unescaping they
 * defer, as an application would; serializing then forces eager parsers to rebuild the text.
 * Each read uses the library's own documented accessors, written as its README shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hl7Message } from '@medplum/core';
import HL7Standard from 'hl7-standard';
import { HL7Message as PanatesMessage } from 'hl7v2';
import { Message as NodeHl7Message } from 'node-hl7-client';
import simpleHl7 from 'simple-hl7';
import { decodeText, tryParseMessage } from '../src/hl7/index.js';
import type { Message } from '../src/hl7/index.js';
import { repoRoot } from './corpus.js';

/** The values every parser reads, decoded as far as the library decodes them. */
export interface ReadValues {
  controlId: string;
  patientId: string;
  familyName: string;
  lastObservation: string;
}

/** What a library is given: the wire bytes, or a string the caller decoded beforehand. */
export type InputForm = 'bytes' | 'string';

/** A parser under test, with its handle type hidden so that all of them fit in one list. */
export interface ParserUnderTest {
  /** Package name, or `cisis-tlr` for ours. */
  name: string;
  version: string;
  input: InputForm;
  /** API called, for the method section of the report. */
  api: string;
  /** Turns wire bytes into this parser's input (done once, outside the timed loop). */
  prepare(bytes: Buffer): Buffer | string;
  /** Timed unit: parse, read the four values, serialize. Returns a number for the result sink. */
  cycle(input: Buffer | string): number;
  /** Same steps, keeping the results (for the correctness checks). */
  probe(input: Buffer | string): { values: ReadValues; output: Buffer | string };
}

interface ParserSpec<H> {
  name: string;
  input: InputForm;
  api: string;
  parse(input: Buffer | string): H;
  read(handle: H): ReadValues;
  serialize(handle: H): Buffer | string;
}

function packageVersion(name: string): string {
  if (name === 'cisis-tlr') name = '.';
  const path = name === '.' ? join(repoRoot, 'package.json') : join(repoRoot, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/**
 * Strings for the string-only libraries are decoded by our charset layer (MSH-18, with its
 * mismatch handling), so every library sees the characters the sender meant. That decoding is
 * not timed for them, while ours decodes inside the timed cycle: the comparison favours peers.
 */
export function decodeForStringApi(bytes: Buffer): string {
  const head = bytes.subarray(0, Math.min(bytes.length, 4096)).toString('latin1');
  const msh = head.slice(0, head.search(/[\r\n]|$/));
  const charset = msh.split(msh[3] ?? '|')[17]?.split(msh[4] ?? '^')[0];
  return decodeText(bytes, charset === '' ? undefined : charset).text;
}

function define<H>(spec: ParserSpec<H>): ParserUnderTest {
  // A string built with += is a rope until something reads it; reading one character flattens
  // it, as writing it to a socket would, so rope-building serializers pay for their output too.
  const consume = (out: Buffer | string): number =>
    out.length + (typeof out === 'string' ? out.charCodeAt(out.length >> 1) : (out[out.length >> 1] ?? 0));
  return {
    name: spec.name,
    version: packageVersion(spec.name),
    input: spec.input,
    api: spec.api,
    prepare: spec.input === 'bytes' ? (bytes) => bytes : decodeForStringApi,
    cycle(input) {
      const handle = spec.parse(input);
      const v = spec.read(handle);
      return v.controlId.length + v.patientId.length + v.familyName.length + v.lastObservation.length + consume(spec.serialize(handle));
    },
    probe(input) {
      const handle = spec.parse(input);
      return { values: spec.read(handle), output: spec.serialize(handle) };
    },
  };
}

/** First string in a value that may be a string, an array or an object of such values. */
function firstString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length > 0 ? firstString(value[0]) : '';
  if (value !== null && typeof value === 'object') {
    const first = Object.values(value)[0];
    return first === undefined ? '' : firstString(first);
  }
  return value === undefined || value === null ? '' : String(value);
}

const ours = define<Message>({
  name: 'cisis-tlr',
  input: 'bytes',
  api: 'tryParseMessage(bytes) → segment(…).field(n).get(c) → toBytes()',
  parse(input) {
    const result = tryParseMessage(input);
    if (!result.message) throw result.errors[0] ?? new Error('no message');
    return result.message;
  },
  read(m) {
    const pid = m.segment('PID');
    const obx = m.all('OBX');
    return {
      controlId: m.msh.get(10),
      patientId: pid ? pid.field(3).get(1) : '',
      familyName: pid ? pid.field(5).get(1) : '',
      lastObservation: obx.length > 0 ? obx[obx.length - 1]!.field(5).get(1) : '',
    };
  },
  serialize: (m) => m.toBytes(),
});

const medplum = define<Hl7Message>({
  name: '@medplum/core',
  input: 'string',
  api: 'Hl7Message.parse(text) → getSegment(…).getComponent(f, c) → toString()',
  parse: (input) => Hl7Message.parse(input as string),
  read(m) {
    const pid = m.getSegment('PID');
    const obx = m.getAllSegments('OBX');
    return {
      controlId: m.getSegment('MSH')?.getField(10).toString() ?? '',
      patientId: pid ? pid.getComponent(3, 1) : '',
      familyName: pid ? pid.getComponent(5, 1) : '',
      lastObservation: obx.length > 0 ? obx[obx.length - 1]!.getComponent(5, 1) : '',
    };
  },
  serialize: (m) => m.toString(),
});

const simpleParser = new simpleHl7.Parser();
const simple = define<ReturnType<typeof simpleParser.parse>>({
  name: 'simple-hl7',
  input: 'string',
  api: 'new Parser().parse(text) → getSegment(…).getComponent(f, c) → toString()',
  parse: (input) => simpleParser.parse(input as string),
  read(m) {
    const pid = m.getSegment('PID');
    const obx = m.getSegments('OBX');
    return {
      // simple-hl7 numbers header fields from MSH-3: MSH-10 is header field 8.
      controlId: m.header.getField(8),
      patientId: pid ? pid.getComponent(3, 1) : '',
      familyName: pid ? pid.getComponent(5, 1) : '',
      lastObservation: obx.length > 0 ? obx[obx.length - 1]!.getComponent(5, 1) : '',
    };
  },
  serialize: (m) => m.toString(),
});

const nodeHl7Client = define<NodeHl7Message>({
  name: 'node-hl7-client',
  input: 'string',
  api: "new Message({ text }) → get('PID.3.1') / get('OBX')[last].get('5.1') → toString()",
  parse: (input) => new NodeHl7Message({ text: input as string }),
  read(m) {
    const obx = m.get('OBX');
    return {
      controlId: m.get('MSH.10').toString(),
      patientId: m.get('PID.3.1').toString(),
      familyName: m.get('PID.5.1').toString(),
      // get('OBX') is the list of OBX segments, indexed from 0.
      lastObservation:
        obx.length > 0
          ? obx
              .get(obx.length - 1)
              .get('5.1')
              .toString()
          : '',
    };
  },
  serialize: (m) => m.toString(),
});

const panates = define<PanatesMessage>({
  name: 'hl7v2',
  input: 'bytes',
  api: 'HL7Message.parse(bytes) → getSegment(…).field(n).getValue(c) → toHL7String()',
  parse: (input) => PanatesMessage.parse(input),
  read(m) {
    const pid = m.getSegment('PID');
    const obx = m.getSegmentFromLast('OBX');
    return {
      controlId: m.controlId,
      patientId: pid ? firstString(pid.field(3).getValue(1)) : '',
      familyName: pid ? firstString(pid.field(5).getValue(1)) : '',
      lastObservation: obx ? firstString(obx.field(5).getValue(1)) : '',
    };
  },
  serialize: (m) => m.toHL7String(),
});

const hl7Standard = define<HL7Standard>({
  name: 'hl7-standard',
  input: 'string',
  api: "new HL7(text, { lineEndings: '\\r' }).transform() → get('PID.3.1') → build()",
  parse(input) {
    const m = new HL7Standard(input as string, { lineEndings: '\r' });
    m.transform();
    return m;
  },
  read(m) {
    const pid = m.getSegment('PID');
    const obx = m.getSegments('OBX');
    return {
      controlId: firstString(m.get('MSH.10')),
      patientId: pid ? firstString(pid.get('PID.3.1')) : '',
      familyName: pid ? firstString(pid.get('PID.5.1')) : '',
      lastObservation: obx.length > 0 ? firstString(obx[obx.length - 1]!.get('OBX.5.1')) : '',
    };
  },
  serialize: (m) => m.build(),
});

/** Ours first, then the peers in the order of the tables. */
export const PARSERS: readonly ParserUnderTest[] = [ours, medplum, simple, nodeHl7Client, panates, hl7Standard];
