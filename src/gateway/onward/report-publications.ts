import { sameDocumentId } from '../../documents/transport/index.js';
import type { OrderKey, PublicationRecord, Store } from '../../store/index.js';
import { formatOrderKey } from '../../store/index.js';
import type { ReportRecord } from '../../workflow/index.js';

/** A publication as the API shows it with its report version. */
export type ReportPublication = Omit<PublicationRecord, 'id' | 'orderKey' | 'documentId'>;

/**
 * The report versions of an order, each with where it went onward (DMP, MSSanté mailboxes) and how
 * far it got; `publications` is empty on a gateway without an onward route.
 */
export async function reportsWithPublications(
  store: Store,
  key: OrderKey,
  reports: readonly ReportRecord[],
): Promise<Array<ReportRecord & { publications: ReportPublication[] }>> {
  const publications = await store.listPublications(formatOrderKey(key));
  return reports.map((r) => ({
    ...r,
    publications: publications
      .filter((p) => sameDocumentId(p.documentId, r.documentId))
      .map(({ id: _id, orderKey: _key, documentId: _doc, ...p }) => p),
  }));
}
