import type { DocumentId } from '../../documents/transport/index.js';

/**
 * What the direct DMP route queues in the outbox for one accepted report, in the transaction that
 * accepted it: enough to build the XDS.b request when the worker sends it (not before: the VIHF is
 * signed and dated at each attempt, and the registry entry a replacement or a deletion names is
 * known only once the earlier version of the same order went through, in lane order).
 *
 * The submission set's uniqueId is fixed here, once, so that every attempt submits the same set (the
 * document's uniqueId is the CDA's id): a registry that did register a timed-out attempt answers the
 * retry with `XDSDuplicateUniqueIdInRegistry` rather than keeping two entries.
 */
export interface DmpJob {
  readonly v: 1;
  readonly kind: 'initial' | 'replace' | 'delete';
  /** The platform's MDM as the RIS received it, read again at send time (patient, participants, CDA). */
  readonly message: string;
  /** The version published (initial, replacement) or deleted. */
  readonly documentId: DocumentId;
  readonly version: number;
  /** Replacement: the version it replaces (TXA-13 / the CDA's RPLC parent). */
  readonly replacedDocumentId?: DocumentId;
  /** uniqueId of the submission set (an OID under `2.25`, from a UUID). */
  readonly submissionSetUniqueId: string;
}

export function encodeDmpJob(job: DmpJob): Uint8Array {
  return Buffer.from(JSON.stringify(job), 'utf8');
}

/** The job of an outbox item of the DMP lane; throws on bytes that are not one (a damaged row). */
export function decodeDmpJob(raw: Uint8Array): DmpJob {
  const job = JSON.parse(Buffer.from(raw).toString('utf8')) as Partial<DmpJob>;
  if (job.v !== 1 || !job.kind || typeof job.message !== 'string' || !job.documentId || !job.submissionSetUniqueId) {
    throw new Error('not a DMP publication job');
  }
  return job as DmpJob;
}
