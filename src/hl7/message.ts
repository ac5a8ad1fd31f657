import type { Charset } from './charset.js';
import { encodeText } from './charset.js';
import { Codec } from './codec.js';
import type { Delimiters } from './delimiters.js';
import { DEFAULT_DELIMITERS, SEGMENT_TERMINATOR, encodingCharacters } from './delimiters.js';
import { Hl7Error } from './errors.js';
import type { Location } from './location.js';
import { parseLocation } from './location.js';
import { Segment } from './segment.js';

/** The MSH fields a receiver needs to route and acknowledge a message. Values are decoded. */
export interface MessageHeader {
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  /** MSH-9 as written, e.g. `ORM^O01^ORM_O01`. */
  messageType: string;
  messageCode: string;
  triggerEvent: string;
  messageStructure: string;
  controlId: string;
  processingId: string;
  version: string;
  /** MSH-18 first repetition, as written (may be empty). */
  charset: string;
  /** Raw ER7 of MSH-3..6, kept so an acknowledgement swaps them without re-encoding. */
  raw: { sendingApplication: string; sendingFacility: string; receivingApplication: string; receivingFacility: string };
}

/** How segments were separated in the received bytes (HL7 says CR; LF and CRLF are tolerated). */
export type LineEnding = 'CR' | 'LF' | 'CRLF' | 'mixed';

export interface MessageOptions {
  delimiters?: Delimiters;
  charset?: Charset;
}

/**
 * An HL7 v2 message in ER7 form: an ordered list of segments sharing one codec (delimiters and
 * character set). Built by `parseMessage` or `Message.create`.
 */
export class Message {
  readonly segments: Segment[];
  readonly codec: Codec;
  /** Segment separators found when parsing; `CR` for created messages. */
  lineEnding: LineEnding = 'CR';
  /** Whether the bytes started with a UTF-8 byte order mark (written back by `toBytes`). */
  hadBom = false;
  /** Whether the last segment was followed by a terminator (written back by `toString`). */
  trailingTerminator = true;

  constructor(codec: Codec, segments: Segment[] = []) {
    this.codec = codec;
    this.segments = segments;
  }

  /** A new message with an MSH carrying the delimiters and MSH-18. */
  static create(options: MessageOptions = {}): Message {
    const d = options.delimiters ?? DEFAULT_DELIMITERS;
    const charset = options.charset ?? 'UNICODE UTF-8';
    const msg = new Message(new Codec(d, charset));
    const msh = msg.addSegment('MSH');
    msh.fields.push(d.field, encodingCharacters(d));
    msh.set(18, charset);
    return msg;
  }

  get delimiters(): Delimiters {
    return this.codec.delimiters;
  }

  get charset(): Charset {
    return this.codec.charset;
  }

  /** The MSH segment (always first in a parsed message). */
  get msh(): Segment {
    const msh = this.segments[0];
    if (msh?.name !== 'MSH') throw new Hl7Error('TLR_ERR_HL7_NO_MSH', 'The message has no MSH segment');
    return msh;
  }

  get header(): MessageHeader {
    return headerOf(this.msh);
  }

  /** Occurrence `n` (1-based) of segment `name`. */
  segment(name: string, occurrence = 1): Segment | undefined {
    let seen = 0;
    for (const s of this.segments) if (s.name === name && ++seen === occurrence) return s;
    return undefined;
  }

  /** Every occurrence of segment `name`, in order. */
  all(name: string): Segment[] {
    return this.segments.filter((s) => s.name === name);
  }

  /** Occurrence number of a segment among the segments with the same id (for locations and ERR-2). */
  occurrenceOf(segment: Segment): number {
    let seen = 0;
    for (const s of this.segments) {
      if (s.name === segment.name) seen++;
      if (s === segment) return seen;
    }
    return 0;
  }

  /** The location of a segment (or of one of its fields). */
  locate(segment: Segment, field?: number, component?: number, subcomponent?: number, repetition?: number): Location {
    const loc: Location = { segment: segment.name, occurrence: this.occurrenceOf(segment) };
    if (field !== undefined) loc.field = field;
    if (repetition !== undefined) loc.repetition = repetition;
    if (component !== undefined) loc.component = component;
    if (subcomponent !== undefined) loc.subcomponent = subcomponent;
    return loc;
  }

  /** Decoded value at a path such as `PID-3[2].4.2` or `OBX[3]-5.1` ('' when absent). */
  get(path: string): string {
    const loc = parseLocation(path);
    const seg = this.segment(loc.segment, loc.occurrence ?? 1);
    if (!seg || loc.field === undefined) return '';
    return seg.get(fieldPathOf(loc));
  }

  /** ER7 text of exactly the addressed element. */
  raw(path: string): string {
    const loc = parseLocation(path);
    const seg = this.segment(loc.segment, loc.occurrence ?? 1);
    if (!seg) return '';
    if (loc.field === undefined) return seg.toString();
    return seg.raw(fieldPathOf(loc));
  }

  /** Writes a value at a path; the segment must exist. */
  set(path: string, value: string): this {
    const loc = parseLocation(path);
    const seg = this.segment(loc.segment, loc.occurrence ?? 1);
    if (!seg || loc.field === undefined) {
      throw new Hl7Error('TLR_ERR_HL7_BAD_PATH', `Cannot set "${path}": no such segment in the message`);
    }
    seg.set(fieldPathOf(loc), value);
    return this;
  }

  /** Appends a segment (or inserts it at `index`) and returns it for filling. */
  addSegment(name: string, index?: number): Segment {
    if (!/^[A-Z][A-Z0-9]{2}$/.test(name)) {
      throw new Hl7Error('TLR_ERR_HL7_BAD_SEGMENT_ID', `Invalid segment id "${name}" (three upper-case letters or digits)`);
    }
    const seg = new Segment(name, [name], this.codec);
    if (index === undefined) this.segments.push(seg);
    else this.segments.splice(index, 0, seg);
    return seg;
  }

  /** ER7 text with CR segment terminators. */
  toString(): string {
    if (this.#unchanged()) return this.#source!.text;
    const body = this.segments.map((s) => s.toString()).join(SEGMENT_TERMINATOR);
    return this.trailingTerminator ? body + SEGMENT_TERMINATOR : body;
  }

  /** The wire bytes in the message's character set (MSH-18). */
  toBytes(): Buffer {
    const source = this.#source;
    if (source?.bytes && this.#unchanged() && source.charset === this.charset && source.hadBom === this.hadBom)
      return Buffer.from(source.bytes);
    return encodeText(this.toString(), this.charset, this.hadBom);
  }

  /**
   * Remembers the text and bytes a parsed message came from, so that serializing it unchanged costs
   * a comparison instead of a join and an encoding (forwarding and journaling large base64 documents).
   * Only kept when the source is already in canonical form (CR separators, no skipped lines).
   * @internal called by the parser
   */
  rememberSource(text: string, bytes: Buffer | undefined): void {
    this.#source = {
      text,
      bytes,
      charset: this.charset,
      hadBom: this.hadBom,
      trailing: this.trailingTerminator,
      segments: [...this.segments],
      lines: this.segments.map((s) => s.toString()),
    };
  }

  #source:
    | {
        text: string;
        bytes: Buffer | undefined;
        charset: Charset;
        hadBom: boolean;
        trailing: boolean;
        segments: Segment[];
        lines: string[];
      }
    | undefined;

  /** True while the segments (and each one's serialization) are those of the parsed source. */
  #unchanged(): boolean {
    const src = this.#source;
    if (!src || src.trailing !== this.trailingTerminator || src.segments.length !== this.segments.length) return false;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      // A segment keeps returning the very same string while unchanged: identity, not content, is compared.
      if (seg !== src.segments[i] || seg.toString() !== src.lines[i]) return false;
    }
    return true;
  }

  /** Tree of decoded values: segments → fields → repetitions → components → sub-components. */
  toJSON(): MessageTree {
    return toTree(this);
  }
}

function fieldPathOf(loc: Location): string {
  let p = String(loc.field);
  if (loc.repetition !== undefined) p += `[${loc.repetition}]`;
  if (loc.component !== undefined) p += `.${loc.component}`;
  if (loc.subcomponent !== undefined) p += `.${loc.subcomponent}`;
  return p;
}

/** Reads the header fields of an MSH segment. */
export function headerOf(msh: Segment): MessageHeader {
  const type = msh.field(9);
  return {
    sendingApplication: msh.get(3),
    sendingFacility: msh.get(4),
    receivingApplication: msh.get(5),
    receivingFacility: msh.get(6),
    messageType: msh.rawField(9),
    messageCode: type.get(1),
    triggerEvent: type.get(2),
    messageStructure: type.get(3),
    controlId: msh.get(10),
    processingId: msh.get(11),
    version: msh.get(12),
    charset: msh.get(18),
    raw: {
      sendingApplication: msh.rawField(3),
      sendingFacility: msh.rawField(4),
      receivingApplication: msh.rawField(5),
      receivingFacility: msh.rawField(6),
    },
  };
}

/** A decoded value in the JSON tree: text, or sub-parts keyed by their 1-based position. */
export type TreeValue = string | { [position: string]: TreeValue };

export interface MessageTree {
  charset: string;
  segments: Array<{ segment: string; occurrence: number; fields: Record<string, TreeValue[]> }>;
}

function toTree(msg: Message): MessageTree {
  const counts = new Map<string, number>();
  return {
    charset: msg.charset,
    segments: msg.segments.map((seg) => {
      const occurrence = (counts.get(seg.name) ?? 0) + 1;
      counts.set(seg.name, occurrence);
      const fields: Record<string, TreeValue[]> = {};
      for (let n = 1; n <= seg.fieldCount; n++) {
        if (seg.rawField(n) === '') continue;
        if (seg.name === 'MSH' && (n === 1 || n === 2)) {
          fields[n] = [seg.rawField(n)];
          continue;
        }
        fields[n] = seg.repetitions(n).map((rep) => {
          if (rep.length <= 1 && rep.subs(1).length <= 1) return rep.get(1);
          const comps: Record<string, TreeValue> = {};
          for (let c = 1; c <= rep.length; c++) {
            if (rep.rawComponent(c) === '') continue;
            const subs = rep.subs(c);
            if (subs.length === 1) comps[c] = subs[0]!;
            else {
              const s: Record<string, TreeValue> = {};
              subs.forEach((v, i) => {
                if (v !== '') s[i + 1] = v;
              });
              comps[c] = s;
            }
          }
          return comps;
        });
      }
      return { segment: seg.name, occurrence, fields };
    }),
  };
}
