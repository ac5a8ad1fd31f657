import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the API key the request was authenticated with (what the audit log records as "who"). */
    apiKeyName?: string;
  }
  interface FastifyContextConfig {
    /** Set on the routes {@link isPublicRoute} declares open; every other route needs an API key. */
    public?: boolean;
  }
}

/**
 * Bearer API-key check. Keys are compared as SHA-256 digests with `timingSafeEqual`, so neither the
 * length nor the content of a configured key leaks through response timing.
 */
export function bearerAuth(
  keys: readonly (string | { name: string; key: string })[],
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const entries = keys.map((k) => {
    const key = typeof k === 'string' ? k : k.key;
    const digest = createHash('sha256').update(key).digest();
    // An unnamed key is named by the start of its digest: stable, and tells nothing of the key.
    return { digest, name: typeof k === 'string' ? `key-${digest.toString('hex').slice(0, 8)}` : k.name };
  });
  return async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      reply.header('www-authenticate', 'Bearer realm="cisis-tlr"');
      await sendProblem(reply, request, 401, 'Missing API key: send "Authorization: Bearer <key>"', 'TLR_ERR_GATEWAY_UNAUTHORIZED');
      return;
    }
    const d = createHash('sha256').update(m[1]!).digest();
    // Every entry is compared, so the time taken does not tell which one matched.
    const matched = entries.filter((k) => timingSafeEqual(k.digest, d))[0];
    if (matched) request.apiKeyName = matched.name;
    else {
      reply.header('www-authenticate', 'Bearer realm="cisis-tlr", error="invalid_token"');
      await sendProblem(reply, request, 401, 'Unknown API key', 'TLR_ERR_GATEWAY_UNAUTHORIZED');
    }
  };
}

/**
 * Route patterns answered without an API key: liveness, readiness and metrics (no patient data),
 * the OpenAPI document and its docs page, and the console's static files (they hold no data; every
 * screen reads the authenticated API). Matched against the *registered pattern* of the route, so
 * an encoded or oddly spelled request URL can never select it.
 */
export function isPublicRoute(pattern: string): boolean {
  return PUBLIC_ROUTES.has(pattern) || PUBLIC_PREFIXES.some((p) => pattern.startsWith(p));
}

const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics', '/openapi.json', '/', '/console', '/docs']);
const PUBLIC_PREFIXES: readonly string[] = ['/console/', '/docs/'];
