import type { ReceivedDocumentMessage } from '../../documents/transport/index.js';

/** A registry entry of the DMP: the document's uniqueId, and its entryUUID once known. */
export interface DmpEntry {
  readonly uniqueId: string;
  readonly entryUuid: string | null;
}

/** One request of the route to the DMP, built and sent by a {@link DmpTransport}. */
export interface DmpRequest {
  /** `initial` and `replace`: ITI-41 (with RPLC to `target` when given); `delete`: ITI-57 deletion of `target`. */
  readonly kind: 'initial' | 'replace' | 'delete';
  /** The platform's message, read again: patient (INS), visit (care setting), masking flags. */
  readonly received: ReceivedDocumentMessage;
  /** The exact CDA bytes (hashed and sent unchanged). */
  readonly cda: Uint8Array;
  /** uniqueId of the submission set, the same at every attempt. */
  readonly submissionSetUniqueId: string;
  /** The entry of the replaced or deleted version, as the DMP accepted it. */
  readonly target?: DmpEntry;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * The DMP's answer, as the route records it: `accepted`; `refused` with the DMP's error code and text
 * (a business answer: not retried); `transient` (no answer, a TLS or HTTP failure, a SOAP fault of the
 * server side): retried with the outbox's backoff.
 */
export interface DmpAnswer {
  readonly outcome: 'accepted' | 'refused' | 'transient';
  readonly code?: string;
  readonly text?: string;
  /** ITI-41 accepted: the new entry (its entryUUID when the registry told it). */
  readonly entry?: DmpEntry;
  /** The entryUUID the registry gave for the target (RPLC, deletion). */
  readonly targetEntryUuid?: string;
}

/** Sends the route's requests to the DMP (the XDS.b wire: SOAP/MTOM, VIHF, mutual TLS). */
export interface DmpTransport {
  send(request: DmpRequest): Promise<DmpAnswer>;
  close(): Promise<void>;
}
