import type { InstanceIdentifier } from './cda-elements.js';
import { newUuidOid } from './identifiers.js';
import type { InputProblem, VersionedDocumentInfo } from './input-checker.js';

/** Ids and version resolved for a document (see `resolveVersion`). */
export interface ResolvedVersion {
  documentId: InstanceIdentifier;
  setId: InstanceIdentifier;
  versionNumber: number;
  /** Id of the replaced version, for `relatedDocument RPLC`. */
  replacedId?: InstanceIdentifier;
}

/**
 * Resolves id, setId and version of the document to generate (`cr-imagerie-cda.md` §2.5):
 * - first version: a new id (unless given), setId = the id, version 1;
 * - replacement (`replaces`): a new id, the replaced version's setId, its version + 1, and the replaced
 *   id for `relatedDocument typeCode="RPLC"`. An explicit setId or version contradicting that is an error.
 */
export function resolveVersion(doc: VersionedDocumentInfo): { version: ResolvedVersion; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const documentId = doc.id ?? { root: newUuidOid() };
  if (doc.replaces) {
    const { replaces } = doc;
    const versionNumber = replaces.versionNumber + 1;
    if (doc.setId && (doc.setId.root !== replaces.setId.root || doc.setId.extension !== replaces.setId.extension)) {
      problems.push({ path: 'document.setId', message: 'a replacement keeps the setId of the replaced version' });
    }
    if (doc.versionNumber !== undefined && doc.versionNumber !== versionNumber) {
      problems.push({
        path: 'document.versionNumber',
        message: `a replacement of version ${replaces.versionNumber} is version ${versionNumber}`,
      });
    }
    return { version: { documentId, setId: replaces.setId, versionNumber, replacedId: replaces.documentId }, problems };
  }
  return { version: { documentId, setId: doc.setId ?? documentId, versionNumber: doc.versionNumber ?? 1 }, problems };
}
