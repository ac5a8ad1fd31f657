import type { Composite } from '../../hl7/index.js';
import type { DocumentId } from './types.js';

/**
 * TXA-12 / TXA-13 population rule (trans-cda-r2 §5.5): a CDA id with an extension is written
 * `extension^^root^ISO`; a root-only id is written as the root alone in EI.1.
 */
export function documentIdComponents(id: DocumentId): string[] {
  return id.extension ? [id.extension, '', id.root, 'ISO'] : [id.root];
}

/**
 * Reads a document id back from an EI (TXA-12, TXA-13). Official examples put a namespace in EI.2
 * next to a root-only EI.1 (`1.2.250…81^Organisation-Y`, §10 #2): EI.1 is the root unless EI.3 is
 * filled, in which case EI.3 is the root and EI.1 the extension.
 */
export function readDocumentId(ei: Composite): DocumentId | undefined {
  const first = ei.get(1).trim();
  const universal = ei.get(3).trim();
  if (universal) return first ? { root: universal, extension: first } : { root: universal };
  return first ? { root: first } : undefined;
}

/** True when two ids designate the same document. */
export function sameDocumentId(a: DocumentId | undefined, b: DocumentId | undefined): boolean {
  if (!a || !b) return false;
  return a.root === b.root && (a.extension ?? '') === (b.extension ?? '');
}

/** `root` or `root^extension`, for messages. */
export function formatDocumentId(id: DocumentId): string {
  return id.extension ? `${id.root} (extension ${id.extension})` : id.root;
}

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** True when the text is an ISO OID (dotted digits, no leading zeros). */
export function isOid(text: string): boolean {
  return OID.test(text);
}
