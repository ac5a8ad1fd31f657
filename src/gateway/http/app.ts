import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.js';
import { bearerAuth, isPublicRoute } from './auth.js';
import { idempotencyHooks } from './idempotency.js';
import { problemErrorHandler, sendProblem } from './problem.js';
import type { GatewayRoutes } from './route-plugin.js';
import { alertRoutes } from './routes/alerts.js';
import { eventRoutes } from './routes/events.js';
import { reprocessRoutes } from './routes/reprocess.js';
import { messageRoutes } from './routes/messages.js';
import { orderRoutes } from './routes/orders.js';
import { partnerRoutes } from './routes/partners.js';
import { systemRoutes } from './routes/system.js';
import { validateRoutes } from './routes/validate.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface HttpOptions {
  /** Further route plugins, mounted after the API and the plug-ins' routes (the web console). */
  routes?: readonly GatewayRoutes[];
}

/** The routes of the API, each group a fastify plugin of its own. */
const API_ROUTES: readonly GatewayRoutes[] = [
  systemRoutes,
  orderRoutes,
  messageRoutes,
  webhookRoutes,
  validateRoutes,
  eventRoutes,
  alertRoutes,
  reprocessRoutes,
  partnerRoutes,
];

/**
 * The REST/JSON API of a gateway instance: OpenAPI 3 at `/openapi.json` and a docs page at
 * `/docs`; errors are RFC 9457 problem+json.
 *
 * Deny by default: every route, and the not-found handler, requires a bearer API key unless its
 * route pattern is declared public ({@link isPublicRoute}). The decision is taken on the route the
 * router matched, never on the raw request URL: the router decodes `%61pi`, so a prefix test on
 * `req.url` would let `/%61pi/orders` through. The hooks are set on the root context before any
 * route plugin is registered, so every plugin's context inherits them.
 */
export async function buildHttpApp(gw: Gateway, options: HttpOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: gw.logger.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: 32 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    // Request lines would log URLs with placer numbers; API activity is logged by the actions instead.
    logController: new LogController({ disableRequestLogging: true }),
  });
  // First of all, so that every route registered afterwards (plugins included) is covered.
  const auth = bearerAuth([...gw.config.api.keys, ...(gw.config.api.namedKeys ?? [])]);
  app.addHook('onRoute', (route) => {
    if (isPublicRoute(route.url ?? route.path)) route.config = { ...route.config, public: true };
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.config?.public === true) return;
    await auth(req, reply);
  });
  idempotencyHooks(app, gw.store);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, 404, `No route ${req.method} ${req.url.split('?')[0]}`));
  app.addContentTypeParser(
    ['text/plain', 'application/hl7-v2', 'x-application/hl7-v2+er7', 'application/xml', 'text/xml'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: `cisis-tlr gateway API (${gw.config.role === 'ris' ? 'RIS' : 'teleradiology platform'} half-connector)`,
        version: '0.1.0',
        description:
          'JSON API of a cisis-tlr half-connector: the gateway speaks HL7 v2.5.1 (ANS CI-SIS Téléradiologie) over MLLP to the partner.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'orders', description: 'Imaging requests and their workflow' },
        { name: 'messages', description: 'The HL7 message journal' },
        { name: 'partners', description: 'The partners: state, pause and resume of a lane, reload of the list' },
        { name: 'webhooks', description: 'Webhook delivery log' },
        { name: 'validation', description: 'Offline conformance validation' },
        { name: 'system', description: 'Health, readiness, metrics' },
      ],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const pluggedRoutes = gw.plugins.flatMap((p) => (p.routes ? [p.routes] : []));
  for (const routes of [...API_ROUTES, ...pluggedRoutes, ...(options.routes ?? [])]) await app.register(routes, { gateway: gw });
  await app.ready();
  return app;
}
