import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { GatewayRouteOptions } from '../http/route-plugin.js';
import { consoleAssetsDir } from './assets-dir.js';

/**
 * Content-Security-Policy of the console: everything from the gateway itself, nothing inline, no
 * third-party origin. `blob:` is allowed for frames and objects because protocols are fetched with
 * the bearer header and shown from a blob URL (an `<iframe src>` cannot send that header).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "frame-src 'self' blob:",
  "object-src 'self' blob:",
  "connect-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * The web console: static files under `/console/` (no build step, ES modules served as they are)
 * and `/` redirected there. The files hold no data; every screen reads the authenticated API, so
 * serving them without a key gives nothing away.
 */
export async function consoleRoutes(app: FastifyInstance, _options: GatewayRouteOptions): Promise<void> {
  await app.register(fastifyStatic, {
    root: consoleAssetsDir(),
    prefix: '/console/',
    // The shell is tiny and must follow upgrades at once; the browser revalidates every file by ETag.
    cacheControl: true,
    maxAge: 0,
    setHeaders: (res) => {
      res.setHeader('content-security-policy', CONSOLE_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('x-frame-options', 'SAMEORIGIN');
    },
  });
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console/', 302));
  app.get('/console', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console/', 301));
}
