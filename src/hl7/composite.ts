import type { Codec } from './codec.js';

/**
 * One repetition of a field, seen as components and sub-components. Values are split lazily on
 * first access and decoded (escape sequences resolved) on read; `raw*` accessors give the ER7 text.
 */
export class Composite {
  readonly raw: string;
  readonly #codec: Codec;
  #components: string[] | undefined;

  constructor(raw: string, codec: Codec) {
    this.raw = raw;
    this.#codec = codec;
  }

  #split(): string[] {
    this.#components ??= this.raw.split(this.#codec.delimiters.component);
    return this.#components;
  }

  /** Number of components present (trailing empty components included as written). */
  get length(): number {
    return this.raw === '' ? 0 : this.#split().length;
  }

  /** ER7 text of component `c` (1-based), sub-components included. */
  rawComponent(c: number): string {
    return this.#split()[c - 1] ?? '';
  }

  /** ER7 text of sub-component `s` of component `c`. */
  rawSub(c: number, s: number): string {
    const comp = this.rawComponent(c);
    if (s === 1 && comp.indexOf(this.#codec.delimiters.subcomponent) < 0) return comp;
    return comp.split(this.#codec.delimiters.subcomponent)[s - 1] ?? '';
  }

  /** Decoded value of component `c`, sub-component `s` (default 1). */
  get(c = 1, s = 1): string {
    return this.#codec.decode(this.rawSub(c, s));
  }

  /** Decoded sub-components of component `c`. */
  subs(c: number): string[] {
    const comp = this.rawComponent(c);
    const sub = this.#codec.delimiters.subcomponent;
    if (comp.indexOf(sub) < 0) return [this.#codec.decode(comp)];
    return comp.split(sub).map((v) => this.#codec.decode(v));
  }

  /** True when the repetition is empty (nothing between the delimiters). */
  get isEmpty(): boolean {
    return this.raw === '';
  }

  /** True when the repetition is the HL7 explicit null `""`. */
  get isNull(): boolean {
    return this.raw === '""';
  }
}
