import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Store, WebhookClaim } from '../store/index.js';
import type { WebhookConfig } from './config.js';
import { LeasingWorker } from './leasing-worker.js';
import type { GatewayMetrics } from './metrics.js';
import { ForbiddenWebhookTargetError, forbiddenWebhookAddress, guardedLookup } from './webhook-target.js';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, as Stripe-style receivers verify it. */
export const SIGNATURE_HEADER = 'x-cisis-tlr-signature';

/** Signs a webhook body: HMAC-SHA256 over `${timestamp}.${body}` with the endpoint secret. */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** Checks a signature header (for host software and tests); rejects timestamps older than `toleranceSeconds`. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = signWebhook(secret, body, t);
  return expected.length === header.length && timingSafeEqual(Buffer.from(expected), Buffer.from(header));
}

export interface WebhookDispatcherOptions {
  store: Store;
  webhooks: readonly WebhookConfig[];
  metrics: GatewayMetrics;
  logger: Logger;
  timeoutMs?: number;
  pollMs?: number;
  /** Identity of this process (see `OutboundDispatcherOptions.workerId`). */
  workerId?: string;
}

/**
 * Delivers queued webhook events by HTTP POST with an HMAC-SHA256 signature. 2xx → delivered;
 * network errors, timeouts, 408, 429 and 5xx → retried with backoff; other 4xx → parked (the
 * endpoint refuses this event; an operator can retry it). Events of one order are delivered in order.
 */
export class WebhookDispatcher {
  readonly #o: WebhookDispatcherOptions;
  readonly #timeoutMs: number;
  readonly #worker: LeasingWorker<WebhookClaim>;

  /** The name under which this dispatcher leases items. */
  get workerId(): string {
    return this.#worker.workerId;
  }

  constructor(options: WebhookDispatcherOptions) {
    this.#o = options;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#worker = new LeasingWorker<WebhookClaim>({
      queue: 'webhooks',
      name: 'webhook dispatcher',
      idPrefix: 'wh',
      ...(options.workerId ? { workerId: options.workerId } : {}),
      attemptTimeoutMs: this.#timeoutMs,
      pollMs: options.pollMs ?? 1000,
      metrics: options.metrics,
      logger: options.logger,
      lease: (workerId, leaseMs) => options.store.claimNextWebhook(workerId, leaseMs),
      process: (claim) => this.#post(claim),
    });
  }

  start(): void {
    this.#worker.start();
  }
  wake(): void {
    this.#worker.wake();
  }
  stop(): Promise<void> {
    return this.#worker.stop();
  }

  /** One delivery attempt of a leased event, and its outcome. */
  async #post(claim: WebhookClaim): Promise<void> {
    const { store, metrics, logger } = this.#o;
    const timeoutMs = this.#timeoutMs;
    const endpoint = this.#o.webhooks.find((w) => w.url === claim.targetUrl);
    if (!endpoint) {
      await store.markWebhookFailed(claim.id, { reason: 'endpoint no longer configured', retryable: false }, claim.leaseToken);
      return;
    }
    const body = JSON.stringify({ id: `evt_${claim.id}`, type: claim.eventType, attempt: claim.attempt, data: claim.payload });
    const ts = Math.floor(Date.now() / 1000);
    let status: number;
    let text = '';
    try {
      ({ status, text } = await postJson(
        claim.targetUrl,
        body,
        {
          'content-type': 'application/json',
          'user-agent': 'cisis-tlr-webhooks',
          'x-cisis-tlr-event': claim.eventType,
          'x-cisis-tlr-delivery': String(claim.id),
          [SIGNATURE_HEADER]: signWebhook(endpoint.secret, body, ts),
        },
        timeoutMs,
        endpoint.allowPrivateTargets === true,
      ));
    } catch (e) {
      if (e instanceof ForbiddenWebhookTargetError) {
        metrics.webhookDeliveries.inc({ event: claim.eventType, outcome: 'refused' });
        await store.markWebhookFailed(claim.id, { reason: e.message, retryable: false });
        logger.error({ webhookId: claim.id, event: claim.eventType, reason: e.message }, 'webhook target forbidden, parked');
        return;
      }
      const reason = (e as Error).name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : `network error: ${(e as Error).message}`;
      metrics.webhookDeliveries.inc({ event: claim.eventType, outcome: 'error' });
      await store.markWebhookFailed(claim.id, { reason, retryable: true }, claim.leaseToken);
      logger.warn({ webhookId: claim.id, event: claim.eventType, reason }, 'webhook delivery failed, will retry');
      return;
    }
    if (status >= 200 && status < 300) {
      metrics.webhookDeliveries.inc({ event: claim.eventType, outcome: 'delivered' });
      if ((await store.markWebhookDelivered(claim.id, { httpStatus: status, response: text }, claim.leaseToken)) === 'lease_lost') {
        this.#worker.leaseLost({ webhookId: claim.id, event: claim.eventType });
      }
      return;
    }
    const retryable = status === 408 || status === 429 || status >= 500;
    metrics.webhookDeliveries.inc({ event: claim.eventType, outcome: retryable ? 'retry' : 'refused' });
    await store.markWebhookFailed(claim.id, { reason: `HTTP ${status}`, retryable, httpStatus: status, response: text }, claim.leaseToken);
    logger.warn(
      { webhookId: claim.id, event: claim.eventType, status },
      retryable ? 'webhook endpoint error, will retry' : 'webhook refused by the endpoint, parked',
    );
  }
}

/**
 * One POST with node:http rather than `fetch`: the connection goes through {@link guardedLookup}
 * (so the address connected to is checked, not just the URL), and redirects are not followed (a 3xx
 * is an answer of the endpoint, parked like any other 4xx-class refusal).
 */
function postJson(
  url: string,
  body: string,
  headers: OutgoingHttpHeaders,
  timeoutMs: number,
  allowPrivate: boolean,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host)) {
    const reason = forbiddenWebhookAddress(host);
    if (reason) return Promise.reject(new ForbiddenWebhookTargetError(host, host, reason));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        ...(allowPrivate ? {} : { lookup: guardedLookup }),
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // Only the first 2000 characters are kept in the delivery log.
          if (size < 8192) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }));
        res.on('error', reject);
      },
    );
    req.on('error', (e: Error) =>
      reject(e.name === 'AbortError' ? Object.assign(new Error(`timeout after ${timeoutMs} ms`), { name: 'TimeoutError' }) : e),
    );
    req.end(body);
  });
}
