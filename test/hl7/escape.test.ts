import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DELIMITERS, escapeValue, parseMessage, unescapeValue } from '../../src/hl7/index.js';
import type { EscapeProblem } from '../../src/hl7/index.js';

const d = DEFAULT_DELIMITERS;
const decode = (raw: string, charset: 'UNICODE UTF-8' | '8859/15' = 'UNICODE UTF-8') => unescapeValue(raw, d, charset);

describe('escape sequences', () => {
  it('decodes \\F\\ to the field separator', () => assert.equal(decode('a\\F\\b'), 'a|b'));
  it('decodes \\S\\ to the component separator', () => assert.equal(decode('a\\S\\b'), 'a^b'));
  it('decodes \\T\\ to the sub-component separator', () => assert.equal(decode('a\\T\\b'), 'a&b'));
  it('decodes \\R\\ to the repetition separator', () => assert.equal(decode('a\\R\\b'), 'a~b'));
  it('decodes \\E\\ to the escape character', () => assert.equal(decode('C:\\E\\dir'), 'C:\\dir'));
  it('decodes \\Xhh\\ in UTF-8', () => assert.equal(decode('\\XC3A9\\t\\XE282AC\\'), 'ét€'));
  it('decodes \\Xhh\\ in ISO 8859-15 (0xA4 is the euro sign)', () => assert.equal(decode('\\XE9A4\\', '8859/15'), 'é€'));
  it('turns \\.br\\ into a line break', () => assert.equal(decode('ligne 1\\.br\\ligne 2'), 'ligne 1\nligne 2'));
  it('turns \\.sp 2\\ into two line breaks', () => assert.equal(decode('a\\.sp 2\\b'), 'a\n\nb'));
  it('drops highlighting and layout commands', () => assert.equal(decode('\\H\\Urgent\\N\\ \\.in+4\\x\\.fi\\'), 'Urgent x'));
  it('keeps character-set and local escapes verbatim', () => assert.equal(decode('\\C2842\\a\\Zabc\\'), '\\C2842\\a\\Zabc\\'));

  it('reports an unterminated escape sequence as an error', () => {
    const problems: EscapeProblem[] = [];
    unescapeValue('abc\\F', d, 'UNICODE UTF-8', (p) => problems.push(p));
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity]),
      [['TLR_ERR_HL7_BAD_ESCAPE', 'E']],
    );
  });

  it('reports invalid hexadecimal data as an error', () => {
    const problems: EscapeProblem[] = [];
    unescapeValue('\\XZZ1\\', d, 'UNICODE UTF-8', (p) => problems.push(p));
    assert.equal(problems[0]?.code, 'TLR_ERR_HL7_BAD_ESCAPE');
  });

  it('reports an unknown escape as a warning and keeps it', () => {
    const problems: EscapeProblem[] = [];
    assert.equal(
      unescapeValue('\\Q\\', d, 'UNICODE UTF-8', (p) => problems.push(p)),
      '\\Q\\',
    );
    assert.deepEqual(
      problems.map((p) => p.severity),
      ['W'],
    );
  });

  it('encodes every delimiter, the escape character and line breaks', () => {
    assert.equal(escapeValue('a|b^c&d~e\\f\ng\r\nh', d), 'a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g\\.br\\h');
  });

  it('encodes other control characters as hexadecimal', () => assert.equal(escapeValue('a\u0001b', d), 'a\\X01\\b'));

  it('round-trips any text through escape and unescape', () => {
    const samples = ['', 'plain', '|^~\\&', 'Éléonore d’Arc — 5 €', 'a\\b\\c', '\\F\\ literally', 'x\ny', '\u0007bell'];
    for (const s of samples) assert.equal(decode(escapeValue(s, d)), s.replace(/\r\n/g, '\n'));
  });

  it('keeps the raw text so a message with escapes serializes unchanged', () => {
    const raw = 'MSH|^~\\&|A|B|C|D|20260101||ORM^O01^ORM_O01|1|P|2.5.1\rNTE|1||Texte \\F\\ avec \\S\\ délimiteurs\\.br\\ligne 2\r';
    const msg = parseMessage(Buffer.from(raw, 'utf8'));
    assert.equal(msg.get('NTE-3'), 'Texte | avec ^ délimiteurs\nligne 2');
    assert.equal(msg.toString(), raw);
  });
});
