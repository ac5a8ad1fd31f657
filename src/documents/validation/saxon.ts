import { createRequire } from 'node:module';

/**
 * The subset of the SaxonJS 2 API this layer uses, typed here because the `saxon-js` package ships no
 * type declarations. Keeping the facade in one file means an upgrade of SaxonJS is checked in one place.
 */

/** A node of the DOM that SaxonJS builds when it parses XML (a W3C DOM subset). */
export interface SaxonDomNode {
  readonly nodeType: number;
  readonly nodeValue: string | null;
  readonly localName: string | null;
  readonly namespaceURI: string | null;
  readonly childNodes: ArrayLike<SaxonDomNode>;
}

/** An element of that DOM. */
export interface SaxonDomElement extends SaxonDomNode {
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string; readonly namespaceURI: string | null }>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
}

/** A parsed document. */
export interface SaxonDomDocument extends SaxonDomNode {
  readonly documentElement: SaxonDomElement;
}

/** Options of `SaxonJS.transform` that we use. */
export interface SaxonTransformOptions {
  stylesheetText?: string;
  stylesheetInternal?: unknown;
  stylesheetBaseURI?: string;
  sourceText?: string;
  sourceNode?: SaxonDomDocument;
  sourceBaseURI?: string;
  destination: 'serialized' | 'raw' | 'document';
  stylesheetParams?: Record<string, unknown>;
  documentPool?: Record<string, SaxonDomDocument>;
  collectionFinder?: (uri: string) => unknown;
}

/** The result of a synchronous `SaxonJS.transform`. */
export interface SaxonTransformResult {
  principalResult: unknown;
}

/** The SaxonJS entry points used by this layer. */
export interface SaxonJsApi {
  transform(options: SaxonTransformOptions, execution?: 'sync'): SaxonTransformResult;
  getResource(options: { text: string; type: 'xml'; baseURI?: string } | { file: string; type: 'xml' }): Promise<SaxonDomDocument>;
  getProcessorInfo(): { productName: string; productVersion: string };
  XPath: {
    evaluate(expression: string, context: unknown, options?: { params?: Record<string, unknown>; resultForm?: string }): unknown;
  };
}

const require = createRequire(import.meta.url);

/** The SaxonJS processor (loaded once; the module is large and its start-up cost is paid at first import). */
export const SaxonJS: SaxonJsApi = require('saxon-js') as SaxonJsApi;

/** DOM node type numbers (W3C DOM). */
export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;

/** The SaxonJS release whose internals {@link shortenPerTransformWalks} was written against. */
const WALK_SHORTENED_FOR = '2.7';

/**
 * Spares SaxonJS 2.7 a walk of the whole compiled stylesheet at every transform.
 *
 * Why: to set up a transform, SaxonJS looks for the `package` and `glob` nodes of the SEF by visiting
 * every node of it (three times, through `node.C.forEach`), which costs more than running the rules on a
 * report: the structuration minimale's SEF has 240,000 nodes, about 0.3 s a report on two cores. Those
 * nodes only ever sit at the top of the tree (a SEF is one package; `glob` would be its child), so the walk
 * need not enter the components. This gives the child list of every top-level `co` (component) node an
 * own `forEach` that does nothing: the walk stops there, while everything else SaxonJS does with those
 * lists (indexing, `filter`, `for` loops) is unchanged. It is applied once the stylesheet has been primed
 * by a first transform (priming sets parent links through the same `forEach`), only for the SaxonJS release
 * it was checked against, and only when the SEF has that shape; the frozen verdicts of
 * `test/documents/cda-verdicts.test.ts` hold it to giving the same findings.
 *
 * @returns whether the walk was shortened
 */
export function shortenPerTransformWalks(sef: unknown): boolean {
  if (SaxonJS.getProcessorInfo().productVersion !== WALK_SHORTENED_FOR) return false;
  const root = sef as { N?: unknown; PRIMED?: unknown; C?: unknown };
  if (root.N !== 'package' || root.PRIMED !== true || !Array.isArray(root.C)) return false;
  const children = root.C as { N?: unknown; C?: unknown }[];
  // A package nested in the SEF, or a global context item declaration, must stay reachable by the walk.
  if (children.some((child) => child.N === 'package' || child.N === 'glob')) return false;
  for (const child of children) {
    if (child.N === 'co' && Array.isArray(child.C) && !Object.prototype.hasOwnProperty.call(child.C, 'forEach')) {
      Object.defineProperty(child.C, 'forEach', { value: skipWalk, enumerable: false, configurable: true, writable: true });
    }
  }
  return true;
}

function skipWalk(): void {}
