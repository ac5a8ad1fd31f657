import { Counter, type Registry } from 'prom-client';
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

/** Outcome label of `cisis_tlr_publications_total`. */
export type PublicationOutcomeLabel = 'queued' | 'held' | 'skipped' | 'sent' | 'parked' | 'accepted' | 'refused';

const PUBLICATIONS_METRIC = 'cisis_tlr_publications_total';

/**
 * `cisis_tlr_publications_total`, by destination and outcome: one counter for the onward routes of a
 * gateway (the PFI route and the direct DMP route both count on it).
 */
export function publicationsCounter(registry: Registry): Counter<'destination' | 'outcome'> {
  const existing = registry.getSingleMetric(PUBLICATIONS_METRIC);
  if (existing) return existing as Counter<'destination' | 'outcome'>;
  return new Counter({
    name: PUBLICATIONS_METRIC,
    help: 'Report destinations of the onward routes (RIS → PFI, RIS → DMP), by destination and outcome',
    labelNames: ['destination', 'outcome'],
    registers: [registry],
  });
}
