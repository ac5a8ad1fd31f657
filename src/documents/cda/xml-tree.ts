import { XMLBuilder } from 'fast-xml-parser';

/**
 * A minimal XML element tree, serialised by fast-xml-parser's builder. Text and attribute values are
 * escaped by the builder; this module additionally removes the code points XML 1.0 forbids (C0
 * controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF), which no escaping can represent and
 * which would make the document unparseable at the receiver.
 */

/** Attribute values; `undefined` attributes are omitted. */
export type XmlAttributes = Readonly<Record<string, string | number | undefined>>;

/** An element: name (with prefix when namespaced), attributes in document order, children. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: XmlAttributes;
  readonly children: readonly XmlNode[];
}

/** A node: an element or a text node. */
export type XmlNode = XmlElement | string;

/** What `el` accepts as children: nodes, nested lists, and falsy values that are skipped (optional parts). */
export type XmlChild = XmlNode | readonly XmlChild[] | undefined | null | false;

/** Builds an element; falsy children are dropped so that optional parts read as `cond && el(...)`. */
export function el(name: string, attributes: XmlAttributes = {}, ...children: XmlChild[]): XmlElement {
  const flat: XmlNode[] = [];
  const push = (child: XmlChild): void => {
    if (child === undefined || child === null || child === false || child === '') return;
    if (typeof child === 'string') flat.push(child);
    else if (Array.isArray(child)) for (const c of child as readonly XmlChild[]) push(c);
    else flat.push(child as XmlElement);
  };
  for (const c of children) push(c);
  return { name, attributes, children: flat };
}

const XML_FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes the characters XML 1.0 cannot carry at all (escaped or not). */
export function xmlSafeText(text: string): string {
  return text.replace(XML_FORBIDDEN, '');
}

type OrderedNode = Record<string, unknown>;

function toOrdered(node: XmlNode): OrderedNode {
  if (typeof node === 'string') return { '#text': xmlSafeText(node) };
  const attrs: Record<string, string> = {};
  let hasAttrs = false;
  for (const [k, v] of Object.entries(node.attributes)) {
    if (v === undefined) continue;
    attrs[k] = xmlSafeText(String(v));
    hasAttrs = true;
  }
  const out: OrderedNode = { [node.name]: node.children.map(toOrdered) };
  if (hasAttrs) out[':@'] = attrs;
  return out;
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

/** Serialises a document (UTF-8 declaration + root element). */
export function serializeXmlDocument(root: XmlElement): string {
  const declaration = { '?xml': [{ '#text': '' }], ':@': { version: '1.0', encoding: 'UTF-8' } };
  return builder.build([declaration, toOrdered(root)]) as string;
}

const compactBuilder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  format: false,
  suppressEmptyNode: true,
  processEntities: true,
});

/**
 * Serialises one element without declaration nor indentation, to be embedded in a larger document (the
 * XDS metadata inside a SOAP body): no whitespace is added to text or between elements.
 */
export function serializeXmlFragment(root: XmlElement): string {
  return compactBuilder.build([toOrdered(root)]) as string;
}
