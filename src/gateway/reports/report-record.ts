/** A report (one version of a CDA document) as an order keeps it, on both sides. */
export interface ReportRecord {
  documentId: { root: string; extension?: string };
  setId: { root: string; extension?: string };
  version: number;
  title: string;
  /** `current`, or `replaced` by a later version, or `deleted` (T04). */
  status: 'current' | 'replaced' | 'deleted';
  /** Journal id of the message that carried this version (T02/T10). */
  messageId: number;
  accessionNumber?: string;
  /** Completed DRIMbox viewer URL of this version (platform side). */
  viewerUrl?: string;
  level?: 1 | 3;
  at: string;
}

export function sameId(a: { root: string; extension?: string } | undefined, b: { root: string; extension?: string } | undefined): boolean {
  return !!a && !!b && a.root === b.root && (a.extension ?? '') === (b.extension ?? '');
}
