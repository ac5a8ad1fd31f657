import type { Charset } from './charset.js';
import type { Delimiters } from './delimiters.js';
import { escapeValue, unescapeValue } from './escape.js';

/** The delimiters and character set of one message: what every value needs to be read or written. */
export class Codec {
  readonly delimiters: Delimiters;
  charset: Charset;

  constructor(delimiters: Delimiters, charset: Charset) {
    this.delimiters = delimiters;
    this.charset = charset;
  }

  decode(raw: string): string {
    return raw.indexOf(this.delimiters.escape) < 0 ? raw : unescapeValue(raw, this.delimiters, this.charset);
  }

  encode(value: string): string {
    return escapeValue(value, this.delimiters);
  }
}
