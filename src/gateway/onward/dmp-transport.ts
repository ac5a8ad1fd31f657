import type { ReceivedDocumentMessage } from '../../documents/transport/index.js';

/** A registry entry of the DMP: what a replacement (RPLC) or a deletion (ITI-57) names. */
export interface DmpEntry {
  readonly entryUuid: string;
  readonly uniqueId: string;
}

/** One request of the route to the DMP, built and sent by a {@link DmpTransport}. */
export interface DmpRequest {
  /** `initial` and `replace`: ITI-41 (with RPLC when `replaces` is given); `delete`: ITI-57 deprecation of `deletes`. */
  readonly kind: 'initial' | 'replace' | 'delete';
  /** The platform's message, read again: patient (INS), participants (VIHF), order (reference ids). */
  readonly received: ReceivedDocumentMessage;
  /** The exact CDA bytes (hashed and sent unchanged). */
  readonly cda: Uint8Array;
  /** The new DocumentEntry (initial, replacement). */
  readonly entry: DmpEntry;
  readonly submissionSetUniqueId: string;
  readonly replaces?: DmpEntry;
  readonly deletes?: DmpEntry;
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
  /** The entry as the DMP registered it (accepted submissions), when it differs from the one proposed. */
  readonly entry?: DmpEntry;
  /** The response as received, kept in the journal. */
  readonly raw?: Uint8Array;
}

/** Sends the route's requests to the DMP (the XDS.b wire: SOAP/MTOM, VIHF, mutual TLS). */
export interface DmpTransport {
  send(request: DmpRequest): Promise<DmpAnswer>;
  close(): Promise<void>;
}
