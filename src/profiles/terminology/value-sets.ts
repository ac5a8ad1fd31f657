import { ValueSet } from './value-set.js';
import {
  jdvCodeDocumentImagerie,
  jdvModaliteDemandeActeImagerie,
  jdvModificateurTopographique,
  jdvRegionAnatomique,
} from './generated/index.js';

/**
 * The pinned value-set releases the JDV rules are evaluated with (conformance-checklist.md §0).
 * They are always loaded: the generated data is part of the package.
 */
const VALUE_SETS = {
  modaliteDemandeActeImagerie: new ValueSet(jdvModaliteDemandeActeImagerie),
  regionAnatomique: new ValueSet(jdvRegionAnatomique),
  modificateurTopographique: new ValueSet(jdvModificateurTopographique),
  codeDocumentImagerie: new ValueSet(jdvCodeDocumentImagerie),
} as const;

export type ValueSetId = keyof typeof VALUE_SETS;

export function valueSet(id: ValueSetId): ValueSet {
  return VALUE_SETS[id];
}

/** Name, OID and release of every pinned value set (for reports and documentation). */
export function pinnedValueSets(): Array<{
  id: ValueSetId;
  name: string;
  oid: string | null;
  version: string | null;
  sourceFile: string;
  generatedAt: string;
}> {
  return (Object.keys(VALUE_SETS) as ValueSetId[]).map((id) => {
    const r = VALUE_SETS[id].release;
    return { id, name: r.name, oid: r.oid, version: r.version, sourceFile: r.sourceFile, generatedAt: r.generatedAt };
  });
}
