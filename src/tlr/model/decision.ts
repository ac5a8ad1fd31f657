import type { Reason } from './coded-value.js';
import type { HealthProfessional } from './health-professional.js';
import type { PlacerOrderNumber } from './identifiers.js';
import type { Organisation } from './organisation.js';
import type { Patient } from './patient.js';
import type { Visit } from './visit.js';

/** An imaging protocol written as plain text (OBX-2 `FT`); line breaks travel as `\.br\`. */
export interface TextProtocol {
  kind: 'text';
  text: string;
}

/** Media types a receiver can recognise in an encapsulated protocol (by content: the ED type is always `TEXT`). */
export type ProtocolMediaType = 'application/pdf' | 'application/xml' | 'application/octet-stream';

/**
 * An imaging protocol as an encapsulated document (OBX-2 `ED`, `^TEXT^^Base64^…`): a PDF, XML or
 * another format agreed between the parties.
 */
export interface DocumentProtocol {
  kind: 'document';
  /**
   * What the content is. The message has no slot for it (the guide fixes the ED type to `TEXT`),
   * so readers recognise it from the content (`%PDF-`, `<`), and builders refuse content that does
   * not match the declared type rather than let the receiver misread it.
   */
  mediaType: ProtocolMediaType;
  /** The document, base64-encoded (RFC 4648, no line breaks). */
  base64: string;
}

/** An imaging protocol (*protocole d'imagerie*) of the remote radiologist. */
export type Protocol = TextProtocol | DocumentProtocol;

/** The radiologist's verdict: accepted with one or more protocols (ORC-1 `OK`), or refused (`OC`) with an optional reason. */
export type DecisionOutcome = { accepted: true; protocols: Protocol[] } | { accepted: false; reason?: Reason };

/**
 * The response to an imaging request (*réponse à la demande*), sent by the teleradiology platform
 * in flow 3 (ORU^R01).
 */
export interface Decision {
  placerOrderNumber: PlacerOrderNumber;
  patient: Patient;
  /** Optional in flow 3 (the guide's ORU structure makes VISIT optional). */
  visit?: Visit;
  /** The remote radiologist who assessed the request and wrote the protocol (ORC-12 = OBR-16). */
  remoteRadiologist: HealthProfessional;
  /** The teleradiology platform issuing the response (ORC-21). */
  platform: Organisation;
  outcome: DecisionOutcome;
}
