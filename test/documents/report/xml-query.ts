import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * A parsed XML document queried with slash paths (`ClinicalDocument/recordTarget/patientRole/id`),
 * enough to check a CDA header element by element. Every element is an array, attributes are `@name`,
 * text is `#text`; namespace prefixes are kept (`ps3-20:accessionNumber`).
 */
export type XmlObject = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});

/** Throws when the text is not well-formed XML. */
export function parseXml(xml: string): XmlObject {
  const check = XMLValidator.validate(xml);
  if (check !== true) throw new Error(`not well-formed: ${check.err.msg} at line ${check.err.line}`);
  return parser.parse(xml) as XmlObject;
}

/** Every element reached by the path (each step selects all children of that name). */
export function select(root: XmlObject, path: string): XmlObject[] {
  let nodes: XmlObject[] = [root];
  for (const step of path.split('/')) {
    // An element with text only is parsed as a plain string: wrap it so that every node is an object.
    nodes = nodes.flatMap((n) =>
      Array.isArray(n[step])
        ? (n[step] as unknown[]).map((c) => (typeof c === 'object' && c !== null ? (c as XmlObject) : { '#text': String(c) }))
        : [],
    );
  }
  return nodes;
}

/** Attribute of the single element at the path (fails the lookup with `undefined` when absent). */
export function attr(root: XmlObject, path: string, name: string): string | undefined {
  const node = select(root, path)[0];
  return node?.[`@${name}`] as string | undefined;
}

/** Text content of an element (its direct text). */
export function text(node: XmlObject | undefined): string {
  const t = node?.['#text'];
  return Array.isArray(t) ? t.join('') : typeof t === 'string' ? t : '';
}
