import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds an idempotency key: its response is stored for retries. */
    idempotency?: { scope: string; key: string; settled: boolean };
  }
}

/** How long a key is remembered (the window in which a client retry is recognised). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60_000;

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on every POST of the API (as in the IETF draft "The Idempotency-Key HTTP Header
 * Field"): the first request with a key runs and its response (status, type, body) is stored;
 * a retry with the same key and the same request gets that response again (`Idempotency-Replayed:
 * true`) and nothing is done twice. The same key with another request is refused 422; while the
 * first request runs, a retry is answered 409 with `Retry-After`. Keys belong to the API key that
 * used them and are kept 24 hours. A 5xx answer is not stored: the retry runs again.
 */
export function idempotencyHooks(app: FastifyInstance, store: Store): void {
  const prune = setInterval(
    () =>
      void store
        .pruneIdempotencyKeys(new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS))
        .catch((e: unknown) => app.log.error({ err: e }, 'idempotency key retention failed')),
    60 * 60_000,
  ).unref();
  app.addHook('onClose', async () => clearInterval(prune));

  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'POST') return;
    const header = req.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? (header[0] ?? '') : header;
    if (!KEY.test(key)) {
      return sendProblem(reply, req, 400, 'Idempotency-Key must be 1 to 255 visible ASCII characters', 'TLR_ERR_GATEWAY_INVALID_REQUEST');
    }
    const scope = createHash('sha256')
      .update(req.headers.authorization ?? '')
      .digest('hex')
      .slice(0, 32);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(JSON.stringify(req.body ?? null));
    const fingerprint = createHash('sha256').update(`${req.method} ${req.url}\n`).update(body).digest('hex');
    const claim = await store.claimIdempotencyKey(scope, key, fingerprint);
    if (claim.state === 'new') {
      req.idempotency = { scope, key, settled: false };
      return;
    }
    if (!claim.sameRequest) {
      return sendProblem(
        reply,
        req,
        422,
        'This Idempotency-Key was used for another request; use a new key for a new request',
        'TLR_ERR_GATEWAY_IDEMPOTENCY_KEY_REUSED',
      );
    }
    if (claim.state === 'in_progress') {
      reply.header('retry-after', '1');
      return sendProblem(
        reply,
        req,
        409,
        'A request with this Idempotency-Key is still being processed; retry shortly',
        'TLR_ERR_GATEWAY_IDEMPOTENCY_IN_PROGRESS',
      );
    }
    return reply
      .code(claim.response.status)
      .header('content-type', claim.response.contentType)
      .header('idempotency-replayed', 'true')
      .send(claim.response.body);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const held = req.idempotency;
    if (!held || held.settled) return payload;
    held.settled = true;
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (reply.statusCode >= 500 || text === undefined) {
      await store.releaseIdempotencyKey(held.scope, held.key);
    } else {
      await store.completeIdempotencyKey(held.scope, held.key, {
        status: reply.statusCode,
        contentType: String(reply.getHeader('content-type') ?? 'application/json'),
        body: text,
      });
    }
    return payload;
  });

  app.addHook('onRequestAbort', async (req) => {
    const held = req.idempotency;
    if (!held || held.settled) return;
    held.settled = true;
    await store.releaseIdempotencyKey(held.scope, held.key);
  });
}
