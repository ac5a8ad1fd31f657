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
