import { sameDocumentId } from '../documents/transport/document-id.js';
import type { DocumentId } from '../documents/transport/types.js';
import type { OrderEvent } from './order-event.js';

/** A report (one version of a CDA document) as an order keeps it, on both sides. */
export interface ReportRecord {
  documentId: DocumentId;
  setId: DocumentId;
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

/**
 * What happens to the reports of an order, whichever side it happens on (the platform sending, the
 * RIS receiving):
 * - `initial` (MDM^T02): a new report, current;
 * - `replace` (MDM^T10): a new version replaces the current report `replaced`, which becomes `replaced`;
 * - `delete` (MDM^T04): the current report `deleted` becomes `deleted`.
 *
 * A replacement that names no document (`undefined`) names no current report: it is refused.
 */
export type ReportSetEvent =
  | { readonly kind: 'initial'; readonly report: ReportRecord }
  | { readonly kind: 'replace'; readonly replaced: DocumentId | undefined; readonly report: ReportRecord }
  | { readonly kind: 'delete'; readonly deleted: DocumentId };

/** Why a replacement or a deletion does not apply: its target is not a current report of the order. */
export type ReportSetRefusal = 'replaced_not_current' | 'deleted_not_current';

/** The order event a change of the report set is, for the order workflow ({@link applyEvent}). */
export type ReportOrderEvent = Extract<OrderEvent, { type: 'report' | 'reportReplaced' | 'reportDeleted' }>;

/** Outcome of {@link applyReportSetEvent}. */
export type ReportSetDecision =
  | {
      readonly accept: true;
      /** Every version of the order's reports after the event. */
      readonly reports: ReportRecord[];
      /** What the order workflow is told. */
      readonly event: ReportOrderEvent;
    }
  | {
      readonly accept: false;
      readonly refusal: ReportSetRefusal;
      /** HL7 table 0357: the document named is unknown as a current report (`204`, unknown key identifier). */
      readonly errorCode: '204';
      /** Never contains patient data. */
      readonly message: string;
    };

const REFUSALS: Readonly<Record<ReportSetRefusal, string>> = {
  replaced_not_current: 'The replaced document is not a current report of this order',
  deleted_not_current: 'The deleted document is not a current report of this order',
};

/**
 * Applies a report event to the versions of an order's reports. Pure: no I/O, no clock; the
 * records carry what the caller knows (journal id, time). The order state itself moves with the
 * returned {@link ReportOrderEvent}, through the transition table: a deletion tells how many
 * reports remain in force, which decides whether the order is still reported.
 *
 * A replacement or a deletion must name a current report: naming a replaced, deleted or unknown
 * version is refused, and the set is left as it is.
 */
export function applyReportSetEvent(reports: readonly ReportRecord[], event: ReportSetEvent): ReportSetDecision {
  switch (event.kind) {
    case 'initial':
      return { accept: true, reports: [...reports, event.report], event: { type: 'report' } };
    case 'replace':
      if (!event.replaced || !isCurrent(reports, event.replaced)) return refuse('replaced_not_current');
      return {
        accept: true,
        reports: [...withStatus(reports, event.replaced, 'replaced'), event.report],
        event: { type: 'reportReplaced' },
      };
    case 'delete': {
      if (!isCurrent(reports, event.deleted)) return refuse('deleted_not_current');
      const next = withStatus(reports, event.deleted, 'deleted');
      return {
        accept: true,
        reports: next,
        event: { type: 'reportDeleted', remainingReports: next.filter((r) => r.status === 'current').length },
      };
    }
  }
}

/** Outcome of {@link currentReportOf}. */
export type CurrentReport =
  | { readonly found: true; readonly report: ReportRecord }
  /** `none`: no current report (of that set); `several`: more than one, and no set was named (their `setIds`). */
  | { readonly found: false; readonly reason: 'none' | 'several'; readonly setIds: readonly string[] };

/**
 * The report a replacement or a deletion is about: the current report of the set `setId` (its
 * root), or, without `setId`, the only current report of the order.
 */
export function currentReportOf(reports: readonly ReportRecord[], setId?: string): CurrentReport {
  const current = reports.filter((r) => r.status === 'current' && (!setId || r.setId.root === setId));
  if (current.length === 0) return { found: false, reason: 'none', setIds: [] };
  if (current.length > 1 && !setId) return { found: false, reason: 'several', setIds: current.map((r) => r.setId.root) };
  return { found: true, report: current[0]! };
}

function isCurrent(reports: readonly ReportRecord[], id: DocumentId): boolean {
  return reports.some((r) => sameDocumentId(r.documentId, id) && r.status === 'current');
}

function withStatus(reports: readonly ReportRecord[], id: DocumentId, status: 'replaced' | 'deleted'): ReportRecord[] {
  return reports.map((r) => (sameDocumentId(r.documentId, id) ? { ...r, status } : r));
}

function refuse(refusal: ReportSetRefusal): ReportSetDecision {
  return { accept: false, refusal, errorCode: '204', message: REFUSALS[refusal] };
}
