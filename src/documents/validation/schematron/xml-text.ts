/** Escapes text for use as XML character data or as a double-quoted attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"\r\n\t]/g, (character) => {
    switch (character) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case '\r':
        return '&#13;';
      case '\n':
        return '&#10;';
      default:
        return '&#9;';
    }
  });
}

/** An XPath string literal holding `text` (single quotes doubled, as XPath 2+ allows). */
export function xpathString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
