import type { OrderRecord } from '../store/index.js';
import type { Cancellation, Decision, ImagingOrder, PostExamInfo, TlrMessage } from '../tlr/index.js';
import type { ReportRecord } from '../workflow/index.js';

/**
 * What the gateway keeps with an order (merged key by key into the stored order data): the last
 * version of each business object, and every version of its reports. The complete history stays in
 * the message journal. An update names the keys it replaces.
 *
 * A type rather than an interface: an object type is assignable to the store's generic JSON
 * (`Record<string, unknown>`), which knows nothing of this shape.
 */
export type OrderData = {
  order?: ImagingOrder;
  cancellation?: Cancellation;
  decision?: Decision;
  postExamInfo?: PostExamInfo;
  /** Every version of the order's imaging reports (T02, T10, T04), as `workflow/report-set` keeps them. */
  reports?: ReportRecord[];
  /** The order's request document (DA-IMG) and supporting documents, every version, sent or received. */
  documents?: OrderDocumentRecord[];
};

/** A document attached to an order: the imaging request (DA-IMG) or a supporting document (trans-cda-r2 MDM). */
export type OrderDocumentRecord = {
  /** `request`: the DA-IMG (LOINC 55115-0); `supporting`: a previous report, a letter, prior imaging results. */
  role: 'request' | 'supporting';
  direction: 'sent' | 'received';
  documentId: { root: string; extension?: string };
  setId: { root: string; extension?: string };
  version: number;
  title: string;
  type: { code: string; display?: string; codingSystem?: string };
  /** `1` PDF body, `3` structured body. */
  level: 1 | 3 | null;
  /** `current`, or `replaced` (T10) / `deleted` (T04). */
  status: 'current' | 'replaced' | 'deleted';
  /** CDA profile and verdict of the XSD and ANS rule sets (errors counted). */
  profile: string | null;
  valid: boolean;
  errors: number;
  /** Journal id of the message that carried this version. */
  messageId: number;
  at: string;
};

/**
 * The data of a stored order, read as what the gateway wrote there: the store keeps it as generic
 * JSON; every write goes through {@link OrderData}.
 */
export function orderDataOf(order: OrderRecord | null | undefined): OrderData {
  return (order?.data ?? {}) as OrderData;
}

export function orderDataFromMessage(m: TlrMessage): OrderData {
  switch (m.kind) {
    case 'order':
      return { order: m.order };
    case 'cancellation':
      return { cancellation: m.cancellation };
    case 'decision':
      return { decision: m.decision };
    case 'postExamInfo':
      return { postExamInfo: m.postExamInfo };
    default:
      return {};
  }
}

/** The patient's name as the worklist shows it: used (else birth) name, then used (else first) given name. */
export function patientDisplayName(data: OrderData | null): string | null {
  const p = data?.order?.patient;
  return p ? [p.usedName ?? p.birthName, p.usedGivenName ?? p.firstGivenName].filter(Boolean).join(' ') : null;
}

/**
 * What an order is found by in the worklist search besides its placer number and patient id: the
 * patient's name as displayed, and the birth name when a used name hides it. Given to the store
 * (`orderSearchTerms`), which folds and indexes them at every write.
 */
export function orderSearchTerms(o: OrderRecord): string[] {
  const data = orderDataOf(o);
  const p = data.order?.patient;
  return [patientDisplayName(data), p?.usedName ? p.birthName : null].filter((t): t is string => !!t);
}
