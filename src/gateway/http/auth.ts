import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the routes {@link isPublicRoute} declares open; every other route needs an API key. */
    public?: boolean;
  }
}

/**
 * Bearer API-key check. Keys are compared as SHA-256 digests with `timingSafeEqual`, so neither the
 * length nor the content of a configured key leaks through response timing.
 */
export function bearerAuth(keys: readonly string[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const digests = keys.map((k) => createHash('sha256').update(k).digest());
  return async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      reply.header('www-authenticate', 'Bearer realm="cisis-tlr"');
      await sendProblem(reply, request, 401, 'Missing API key: send "Authorization: Bearer <key>"', 'TLR_ERR_GATEWAY_UNAUTHORIZED');
      return;
    }
    const d = createHash('sha256').update(m[1]!).digest();
    if (!digests.some((k) => timingSafeEqual(k, d))) {
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
