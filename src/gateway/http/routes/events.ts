import type { FastifyInstance } from 'fastify';
import type { GatewayEvent } from '../../events.js';
import type { GatewayRouteOptions } from '../route-plugin.js';

/**
 * `GET /api/events`: Server-Sent Events stream of gateway events (order updates, messages received,
 * delivery failures) for live screens. Authenticated like the rest of the API (read it with
 * `fetch` and a bearer header; browsers' EventSource cannot send one).
 */
export async function eventRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  const open = new Set<() => void>();
  // Streams never end by themselves: close them when the server stops, or close() would wait for them.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  app.get('/api/events', { schema: { tags: ['system'], summary: 'Live gateway events (text/event-stream)' } }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n: connected ${new Date().toISOString()}\n\n`);
    const onEvent = (e: GatewayEvent): void => {
      // Events carry keys and states for refreshing screens; the domain data stays behind the API.
      const { data: _data, ...light } = e;
      res.write(`event: ${e.type}\ndata: ${JSON.stringify(light)}\n\n`);
    };
    const ping = setInterval(() => res.write(`: ping\n\n`), 15_000);
    const end = (): void => {
      clearInterval(ping);
      gw.off('event', onEvent);
      open.delete(end);
      if (!res.writableEnded) res.end();
    };
    open.add(end);
    gw.on('event', onEvent);
    req.raw.on('close', end);
  });
}
