/** The five ER7 delimiters declared by MSH-1 and MSH-2. */
export interface Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

/** `|^~\&`, the only delimiters the Téléradiologie volet allows (TLR-MSH-001/002). */
export const DEFAULT_DELIMITERS: Delimiters = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
});

/** MSH-2 as written for the given delimiters. */
export function encodingCharacters(d: Delimiters): string {
  return d.component + d.repetition + d.escape + d.subcomponent;
}

export const SEGMENT_TERMINATOR = '\r';
