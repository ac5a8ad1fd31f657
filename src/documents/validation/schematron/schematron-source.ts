import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CdaValidationError } from '../errors.js';
import { CDATA_SECTION_NODE, ELEMENT_NODE, SaxonJS, TEXT_NODE } from '../saxon.js';
import type { SaxonDomElement, SaxonDomNode } from '../saxon.js';

/** Namespace of ISO Schematron (ISO/IEC 19757-3). */
export const SCHEMATRON_NS = 'http://purl.oclc.org/dsdl/schematron';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * An element of a Schematron source, detached from the parser's DOM so that includes can be spliced in
 * and every element remembers the file it came from (needed to resolve nested includes).
 */
export interface SchElement {
  readonly kind: 'element';
  /** Namespace URI, or `null` for no namespace. */
  readonly ns: string | null;
  readonly name: string;
  /** Attributes without namespace declarations, by their lexical name. */
  readonly attrs: Readonly<Record<string, string>>;
  /** Namespace declarations made on this very element (`prefix` → URI; `''` for the default namespace). */
  readonly nsDecls: Readonly<Record<string, string>>;
  readonly children: readonly SchNode[];
  /** Absolute path of the file the element was read from. */
  readonly file: string;
}

/** Character data of a Schematron source. */
export interface SchText {
  readonly kind: 'text';
  readonly value: string;
}

export type SchNode = SchElement | SchText;

/** A source file read while loading a Schematron, with its digest (used as part of compiled-cache keys). */
export interface SchematronSourceFile {
  readonly path: string;
  readonly sha256: string;
}

/** A Schematron with every `sch:include` replaced by the document element of the included file. */
export interface LoadedSchematron {
  readonly root: SchElement;
  /** The root file first, then every included file once, in the order they were first reached. */
  readonly files: readonly SchematronSourceFile[];
  /** Oddities met while reading (an include resolved with another letter case). */
  readonly warnings: readonly string[];
}

/** `true` when `node` is the Schematron element `name`. */
export function isSch(node: SchNode, name?: string): node is SchElement {
  return node.kind === 'element' && node.ns === SCHEMATRON_NS && (name === undefined || node.name === name);
}

/** The Schematron child elements of `element`, optionally only those called `name`. */
export function schChildren(element: SchElement, name?: string): SchElement[] {
  return element.children.filter((child): child is SchElement => isSch(child, name));
}

/**
 * Reads a Schematron file and resolves its includes recursively (an include's `href` is relative to the
 * file that holds it, as ISO Schematron says). Include cycles are reported rather than followed.
 */
export async function loadSchematron(file: string): Promise<LoadedSchematron> {
  const files = new Map<string, SchematronSourceFile>();
  const warnings: string[] = [];
  const root = await loadFile(path.resolve(file), files, [], warnings);
  return { root, files: [...files.values()], warnings };
}

/**
 * The existing file whose path equals `file` but for letter case, component by component, or `null`.
 * Published kits are edited on case-insensitive file systems: the TestContenuCDA `IHE.sch` includes
 * `E_directiveAnticipee_int.sch` while the file is `E_directiveanticipee_int.sch`. An exact name always wins.
 */
export async function resolveIgnoringCase(file: string): Promise<string | null> {
  const parsed = path.parse(path.resolve(file));
  const parts = path.relative(parsed.root, path.resolve(file)).split(path.sep).filter(Boolean);
  let current = parsed.root;
  for (const part of parts) {
    const exact = path.join(current, part);
    if (await exists(exact)) {
      current = exact;
      continue;
    }
    let entries: string[];
    try {
      entries = await readdir(current);
    } catch {
      return null;
    }
    const lower = part.toLowerCase();
    const match = entries.filter((entry) => entry.toLowerCase() === lower).sort()[0];
    if (match === undefined) return null;
    current = path.join(current, match);
  }
  return current;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function loadFile(
  requested: string,
  files: Map<string, SchematronSourceFile>,
  stack: readonly string[],
  warnings: string[],
): Promise<SchElement> {
  let file = requested;
  if (stack.length > 0 && !(await exists(file))) {
    const other = await resolveIgnoringCase(file);
    if (other !== null) {
      const message =
        `include ${path.relative(path.dirname(stack[stack.length - 1] ?? file), requested)} of ${stack[stack.length - 1]} ` +
        `resolved as ${other} (letter case differs)`;
      if (!warnings.includes(message)) warnings.push(message);
      file = other;
    }
  }
  if (stack.includes(file)) {
    throw new CdaValidationError('TLR_ERR_SCHEMATRON_SOURCE', `include cycle: ${[...stack, file].join(' -> ')}`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    const from = stack.length > 0 ? ` (included from ${stack[stack.length - 1]})` : '';
    throw new CdaValidationError('TLR_ERR_SCHEMATRON_SOURCE', `cannot read ${file}${from}`, { cause });
  }
  if (!files.has(file)) files.set(file, { path: file, sha256: createHash('sha256').update(bytes).digest('hex') });
  let documentElement: SaxonDomElement;
  try {
    const document = await SaxonJS.getResource({ text: bytes.toString('utf8'), type: 'xml' });
    documentElement = document.documentElement;
  } catch (cause) {
    throw new CdaValidationError('TLR_ERR_SCHEMATRON_SOURCE', `${file} is not well-formed XML: ${describe(cause)}`, { cause });
  }
  return convert(documentElement, file, files, [...stack, file], warnings);
}

async function convert(
  element: SaxonDomElement,
  file: string,
  files: Map<string, SchematronSourceFile>,
  stack: readonly string[],
  warnings: string[],
): Promise<SchElement> {
  const attrs: Record<string, string> = {};
  const nsDecls: Record<string, string> = {};
  for (const attribute of Array.from(element.attributes)) {
    if (attribute.namespaceURI === XMLNS_NS || attribute.name === 'xmlns' || attribute.name.startsWith('xmlns:')) {
      nsDecls[attribute.name === 'xmlns' ? '' : attribute.name.slice('xmlns:'.length)] = attribute.value;
    } else {
      attrs[attribute.name] = attribute.value;
    }
  }
  const children: SchNode[] = [];
  for (const child of Array.from(element.childNodes) as SaxonDomNode[]) {
    if (child.nodeType === ELEMENT_NODE) {
      const childElement = child as SaxonDomElement;
      if (childElement.namespaceURI === SCHEMATRON_NS && childElement.localName === 'include') {
        const href = childElement.getAttribute('href');
        if (!href) throw new CdaValidationError('TLR_ERR_SCHEMATRON_SOURCE', `sch:include without href in ${file}`);
        if (href.includes('#')) {
          throw new CdaValidationError('TLR_ERR_SCHEMATRON_UNSUPPORTED', `sch:include of a fragment (${href}) in ${file}`);
        }
        children.push(await loadFile(path.resolve(path.dirname(file), decodeURI(href)), files, stack, warnings));
      } else {
        children.push(await convert(childElement, file, files, stack, warnings));
      }
    } else if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) {
      children.push({ kind: 'text', value: child.nodeValue ?? '' });
    }
  }
  return {
    kind: 'element',
    ns: element.namespaceURI,
    name: element.localName ?? '',
    attrs,
    nsDecls,
    children,
    file,
  };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
