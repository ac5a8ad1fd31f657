import type { Logger } from 'pino';
import type { Message } from '../hl7/index.js';
import type { Finding, ValidationReport } from '../profiles/index.js';
import type { FlowId, InboundMessage, OrderKey, StoreTransaction } from '../store/index.js';
import type { GatewayConfig } from './config.js';
import type { GatewayEvent } from './events.js';
import type { GatewayRoutes } from './http/route-plugin.js';
import type { GatewayMetrics } from './metrics.js';
import type { ActionContext } from './outbound-actions.js';

/** Inbound messages a plug-in takes over from the core: it validates, refuses and applies them. */
export interface PluginInbound {
  /** The flows it handles (`report`: the document transport, MDM^T02/T10/T04 and ORU with a CDA). */
  readonly flows: readonly FlowId[];
  /** Validates a message of those flows, in place of the Téléradiologie profiles. */
  validate(message: Message): Promise<ValidationReport>;
  /** The negative acknowledgement of an invalid message (in the version of its volet). */
  nack(message: Message, report: ValidationReport): Message;
  /**
   * Applies a valid message in the transaction that journals it; the core queues the returned events'
   * webhooks in the same transaction and acknowledges once it committed.
   */
  apply(
    message: Message,
    tx: StoreTransaction,
    messageId: number,
    inbound: InboundMessage,
  ): Promise<{ ack: Message; findings: Finding[]; events: GatewayEvent[] }>;
}

/** What a plug-in tells `/ready`. */
export interface PluginReadiness {
  /** `ready`; `starting` while it prepares (the gateway works meanwhile); `degraded` when it cannot. */
  readonly status: 'ready' | 'starting' | 'degraded';
  /** The field of the `/ready` answer that says where it stands (`reports`), and what it says. */
  readonly field: string;
  readonly detail: string;
}

/** What the core hands a plug-in as the gateway starts. */
export interface PluginContext {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** What actions sending messages to the partner build on (store, outbox, events). */
  readonly actions: ActionContext;
  /** The gateway's metrics: a plug-in registers its own on `metrics.registry`. */
  readonly metrics: GatewayMetrics;
}

/** A document given as XML to `POST /api/validate`, as a plug-in judged it. */
export interface DocumentVerdict {
  readonly profile: string | null;
  readonly valid: boolean;
  readonly issues: unknown[];
}

/** The documents given with `POST /api/orders`, as the request carried them (`orderDocumentSource` of `http/schemas.ts`). */
export interface OrderDocumentsOfRequest {
  readonly requestDocument?: { generate?: 'level3' | 'level1'; cda?: string; pdfBase64?: string };
  readonly supportingDocuments?: ReadonlyArray<{ cda: string }>;
}

/** What became of one of them: queued after the order's ORM^O01, or refused with the problem the route would answer. */
export type OrderDocumentOutcome =
  | { role: 'request' | 'supporting'; messageId: number; controlId: string; documentId: { root: string; extension?: string } }
  | { role: 'request' | 'supporting'; error: { status: number; code: string; detail: string; extra?: Record<string, unknown> } };

/**
 * A part of the product that the gateway core runs without knowing it: the core hands it the message
 * flows it declares, mounts its routes beside the API's (under the same authentication), reports its
 * readiness on `/ready`, starts it before the partner and the API are let in and stops it last.
 * `startGateway` plugs the documents layer in this way; a headless gateway runs with none.
 */
export interface GatewayPlugin {
  readonly name: string;
  /** Inbound message flows it handles. */
  readonly inbound?: PluginInbound;
  /** Routes it adds to the API, as one fastify plugin registered with `{ gateway }`. */
  readonly routes?: GatewayRoutes;
  readiness?(): PluginReadiness;
  /**
   * Validates an XML document sent to `POST /api/validate` (a CDA); throws a `GatewayError` for an
   * answer other than the verdict (503 while its rule sets are not ready).
   */
  validateDocument?(xml: Uint8Array): Promise<DocumentVerdict>;
  /**
   * Sends the documents given with a new order (`POST /api/orders`), each as its own message after the order's
   * ORM^O01, in the given order, through the same path as the order's documents route.
   */
  sendOrderDocuments?(key: OrderKey, documents: OrderDocumentsOfRequest): Promise<OrderDocumentOutcome[]>;
  /** Called once as the gateway starts, after the store opened and before the listeners. */
  start?(context: PluginContext): Promise<void> | void;
  /** Called when the gateway stops, after its listeners and dispatchers, before the store closes (also after a failed start). */
  stop?(): Promise<void>;
}
