import type { Codec } from './codec.js';
import { Composite } from './composite.js';
import { Hl7Error } from './errors.js';
import { parseFieldPath } from './location.js';

/** A component value for builders: a string, or its sub-components. */
export type ComponentInput = string | readonly string[];

/**
 * One segment. `fields[n]` is the ER7 text of field n (so `fields[0]` is the segment id and, for
 * MSH, `fields[1]` is the field separator and `fields[2]` the encoding characters), which keeps
 * parse → serialize byte-identical while values are split and decoded only when read.
 */
export class Segment {
  readonly name: string;
  /** Split from `#line` on first access when the segment was built from its text. */
  #fields: string[] | undefined;
  readonly #codec: Codec;
  /** The segment's ER7 text while unchanged since parsing or the last serialization (rebuilt lazily). */
  #line: string | undefined;

  /**
   * @param fields the ER7 text of each field, `fields[0]` being the segment id; or `undefined` with
   *   `line`, the segment's ER7 text, to split it into fields on first access only. The parser does
   *   that: most segments of a large message are never read field by field (a receiver reads MSH,
   *   PID and a few OBX), and splitting every one was the largest cost of parsing such a message.
   * @param line the segment's ER7 text (without terminator), when known
   */
  constructor(name: string, fields: string[], codec: Codec, line?: string);
  constructor(name: string, fields: undefined, codec: Codec, line: string);
  constructor(name: string, fields: string[] | undefined, codec: Codec, line?: string) {
    if (fields === undefined && line === undefined) throw new TypeError('A segment needs its fields or its ER7 text');
    this.name = name;
    this.#fields = fields;
    this.#codec = codec;
    this.#line = line;
  }

  /** The fields, split from the ER7 text the first time they are needed (MSH-1 is the separator itself). */
  #all(): string[] {
    if (this.#fields !== undefined) return this.#fields;
    const fs = this.#codec.delimiters.field;
    const parts = this.#line!.split(fs);
    if (this.name === 'MSH') parts.splice(1, 0, fs);
    this.#fields = parts;
    return parts;
  }

  /**
   * The ER7 text of every field, mutable. Reading it through this accessor forgets the cached
   * serialization (the caller may change the array), so prefer `rawField`, `get` and `set`.
   */
  get fields(): string[] {
    const fields = this.#all();
    this.#line = undefined;
    return fields;
  }

  /** Highest field number present. */
  get fieldCount(): number {
    return this.#all().length - 1;
  }

  /** ER7 text of field `n` (all repetitions). */
  rawField(n: number): string {
    return this.#all()[n] ?? '';
  }

  /** The repetitions of field `n` (an empty field has none). MSH-1 and MSH-2 are never split. */
  repetitions(n: number): Composite[] {
    const raw = this.rawField(n);
    if (raw === '') return [];
    const read = this.#read(n, raw);
    read.all ??= this.#isMshSpecial(n)
      ? [new Composite(raw, this.#codec)]
      : raw.split(this.#codec.delimiters.repetition).map((r) => new Composite(r, this.#codec));
    read.first ??= read.all[0]!;
    return read.all.slice();
  }

  /** Repetition `r` (1-based) of field `n`; an empty composite when absent. */
  field(n: number, r = 1): Composite {
    const raw = this.rawField(n);
    const read = this.#read(n, raw);
    if (r === 1) {
      read.first ??= this.#repetition(n, raw, 1);
      return read.first;
    }
    return read.all ? (read.all[r - 1] ?? new Composite('', this.#codec)) : this.#repetition(n, raw, r);
  }

  /**
   * Repetitions already read, per field, with the field text they come from: composites are
   * immutable, so they are handed out again while the field is unchanged (the validator reads the
   * same fields through `get`, `raw`, `field` and `repetitions` a few hundred times per message).
   */
  #reads: Map<number, { field: string; first?: Composite; all?: Composite[] }> | undefined;

  #read(n: number, raw: string): { field: string; first?: Composite; all?: Composite[] } {
    this.#reads ??= new Map();
    let read = this.#reads.get(n);
    if (read === undefined || read.field !== raw) {
      read = { field: raw };
      this.#reads.set(n, read);
    }
    return read;
  }

  #repetition(n: number, raw: string, r: number): Composite {
    if (this.#isMshSpecial(n)) return new Composite(r === 1 ? raw : '', this.#codec);
    if (r === 1 && raw.indexOf(this.#codec.delimiters.repetition) < 0) return new Composite(raw, this.#codec);
    return new Composite(raw.split(this.#codec.delimiters.repetition)[r - 1] ?? '', this.#codec);
  }

  /**
   * Decoded value at a path relative to this segment (`3[2].4.2`). Missing repetition, component
   * and sub-component default to 1, as HAPI's Terser does: `get('9')` on MSH gives MSH-9.1.
   */
  get(path: string | number): string {
    const p = fieldPath(path);
    if (this.#isMshSpecial(p.field)) return this.rawField(p.field);
    return this.field(p.field, p.repetition ?? 1).get(p.component ?? 1, p.subcomponent ?? 1);
  }

  /** ER7 text of exactly the addressed element (field, repetition, component or sub-component). */
  raw(path: string | number): string {
    const p = fieldPath(path);
    if (p.repetition === undefined && p.component === undefined) return this.rawField(p.field);
    const rep = this.field(p.field, p.repetition ?? 1);
    if (p.component === undefined) return rep.raw;
    if (p.subcomponent === undefined) return rep.rawComponent(p.component);
    return rep.rawSub(p.component, p.subcomponent);
  }

  /** Writes a value at a path, escaping it. Returns the segment for chaining. */
  set(path: string | number, value: string): this {
    return this.setRaw(path, this.#codec.encode(value));
  }

  /** Writes already-encoded ER7 text at a path. */
  setRaw(path: string | number, raw: string): this {
    const p = fieldPath(path);
    if (this.#isMshSpecial(p.field)) {
      throw new Hl7Error('TLR_ERR_HL7_BAD_PATH', `MSH-${p.field} holds the delimiters and cannot be set`);
    }
    const fields = this.#all();
    this.#line = undefined;
    const d = this.#codec.delimiters;
    while (fields.length <= p.field) fields.push('');
    if (p.repetition === undefined && p.component === undefined) {
      fields[p.field] = raw;
      return this;
    }
    const reps = splitOrEmpty(fields[p.field]!, d.repetition);
    const ri = (p.repetition ?? 1) - 1;
    while (reps.length <= ri) reps.push('');
    if (p.component === undefined) {
      reps[ri] = raw;
    } else {
      const comps = splitOrEmpty(reps[ri]!, d.component);
      const ci = p.component - 1;
      while (comps.length <= ci) comps.push('');
      if (p.subcomponent === undefined) {
        comps[ci] = raw;
      } else {
        const subs = splitOrEmpty(comps[ci]!, d.subcomponent);
        const si = p.subcomponent - 1;
        while (subs.length <= si) subs.push('');
        subs[si] = raw;
        comps[ci] = trimTrailing(subs).join(d.subcomponent);
      }
      reps[ri] = trimTrailing(comps).join(d.component);
    }
    fields[p.field] = trimTrailing(reps, true).join(d.repetition);
    return this;
  }

  /**
   * Writes a whole repetition from its components (`setComponents('3[2]', ['123', '', '', ['', '1.2.250.1.213.1.4.8', 'ISO'], 'INS'])`).
   * Trailing empty components are not written.
   */
  setComponents(path: string | number, components: readonly ComponentInput[]): this {
    const d = this.#codec.delimiters;
    const raw = trimTrailing(
      components.map((c) =>
        typeof c === 'string' ? this.#codec.encode(c) : trimTrailing(c.map((s) => this.#codec.encode(s))).join(d.subcomponent),
      ),
    ).join(d.component);
    const p = fieldPath(path);
    return this.setRaw(`${p.field}[${p.repetition ?? 1}]`, raw);
  }

  /** Appends a repetition to field `n`. */
  addRepetition(n: number, components: readonly ComponentInput[]): this {
    const count = this.rawField(n) === '' ? 0 : this.rawField(n).split(this.#codec.delimiters.repetition).length;
    return this.setComponents(`${n}[${count + 1}]`, components);
  }

  /** The segment as ER7 text, without terminator. */
  toString(): string {
    if (this.#line !== undefined) return this.#line;
    const fs = this.#codec.delimiters.field;
    const fields = this.#fields!;
    this.#line = this.name === 'MSH' ? `MSH${fs}${fields.slice(2).join(fs)}` : fields.join(fs);
    return this.#line;
  }

  #isMshSpecial(n: number): boolean {
    return this.name === 'MSH' && (n === 1 || n === 2);
  }
}

type FieldPath = ReturnType<typeof parseFieldPath>;

/**
 * Field paths already parsed: code reads the same few hundred paths over and over (the validator's
 * rule tables). Bounded, since paths can also come from input.
 */
const PARSED_PATHS = new Map<string, Readonly<FieldPath>>();
const MAX_PARSED_PATHS = 4096;

function fieldPath(path: string | number): Readonly<FieldPath> {
  if (typeof path === 'number') return { field: path };
  let parsed = PARSED_PATHS.get(path);
  if (parsed === undefined) {
    parsed = Object.freeze(parseFieldPath(path));
    if (PARSED_PATHS.size >= MAX_PARSED_PATHS) PARSED_PATHS.clear();
    PARSED_PATHS.set(path, parsed);
  }
  return parsed;
}

function splitOrEmpty(raw: string, sep: string): string[] {
  return raw === '' ? [] : raw.split(sep);
}

function trimTrailing(parts: string[], keepOne = false): string[] {
  let end = parts.length;
  while (end > (keepOne ? 1 : 0) && parts[end - 1] === '') end--;
  return parts.slice(0, end);
}
