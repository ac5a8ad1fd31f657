import { DOMParser, XMLSerializer, onErrorStopParsing } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';

/**
 * A strict DOM over `@xmldom/xmldom` for the XDS messages: the signature library (`xml-crypto`) works on this DOM,
 * so the request builder, the response reader and the DMP double read XML the same way. Errors of the parser stop
 * parsing (a document it would "repair" is refused), and DTDs are refused: no entity expansion from a peer.
 */

export type { Document, Element } from '@xmldom/xmldom';

/** Parses XML text; throws an `Error` with the parser's message when it is not well-formed or declares a DTD. */
export function parseXml(text: string): Document {
  if (/<!DOCTYPE/i.test(text)) throw new Error('a DOCTYPE declaration is not accepted');
  const doc = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml');
  if (!doc.documentElement) throw new Error('no root element');
  return doc;
}

/** Element children of `parent` (namespace and local name, `*` for any). */
export function childElements(parent: Element | Document, ns: string | '*', local: string | '*'): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const e = n as Element;
    if ((ns === '*' || e.namespaceURI === ns) && (local === '*' || e.localName === local)) out.push(e);
  }
  return out;
}

export function firstChild(parent: Element | Document | undefined, ns: string | '*', local: string): Element | undefined {
  return parent ? childElements(parent, ns, local)[0] : undefined;
}

/** Descendant elements in document order. */
export function descendants(parent: Element | Document, ns: string | '*', local: string): Element[] {
  const list = ns === '*' ? parent.getElementsByTagName('*') : parent.getElementsByTagNameNS(ns, local);
  const out: Element[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list.item(i);
    if (e && (ns !== '*' || local === '*' || e.localName === local)) out.push(e);
  }
  return out;
}

/** Follows a path of child local names in one namespace. */
export function path(parent: Element | undefined, ns: string, ...locals: string[]): Element | undefined {
  let node = parent;
  for (const local of locals) node = firstChild(node, ns, local);
  return node;
}

/** An attribute, undefined when absent. */
export function attr(el: Element | undefined, name: string): string | undefined {
  if (!el?.hasAttribute(name)) return undefined;
  return el.getAttribute(name) ?? undefined;
}

/** The text content, trimmed; undefined for an absent element. */
export function text(el: Element | undefined): string | undefined {
  return el ? (el.textContent ?? '').trim() : undefined;
}

/** Serialises a node (an element with its subtree) as XML text; the namespaces it uses are declared on it. */
export function serializeNode(node: Element | Document): string {
  return new XMLSerializer().serializeToString(node);
}
