import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ClinicalDataGenerator } from '../../src/simulate/index.js';
import type { GatewayPair } from '../helpers/gateway-pair.js';
import { API_KEY, startGatewayPair } from '../helpers/gateway-pair.js';

/** A raw HTTP request: the path goes on the wire exactly as given (no normalisation by a client library). */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          ...headers,
          ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // A request line the HTTP parser refuses closes the connection without an answer: nothing was served.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve({ status: 0, body: '' }) : reject(e)));
    // SSE would never end: the status line is all we need.
    req.setTimeout(3000, () => req.destroy(new Error(`timeout on ${method} ${path}`)));
    req.end(body);
  });
}

/**
 * Spellings of one API path that a router or a proxy may read as the same route: percent-encoded
 * letters, doubled slashes, another case, dot segments, a trailing slash, an encoded slash, a
 * semicolon parameter, a backslash.
 */
export function pathVariants(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  const encodeFirst = (s: string): string => `%${s.charCodeAt(0).toString(16)}${s.slice(1)}`;
  const encodeAll = (s: string): string => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
  const join = (parts: string[]): string => `/${parts.join('/')}`;
  const variants = new Set<string>([
    path,
    join(segments.map((s, i) => (i === 0 ? encodeFirst(s) : s))),
    join(segments.map((s, i) => (i === 0 ? encodeAll(s) : s))),
    join(segments.map(encodeFirst)),
    `/${path}`,
    path.replace(/\//g, '//'),
    path.toUpperCase(),
    join(segments.map((s, i) => (i === 0 ? s[0]!.toUpperCase() + s.slice(1) : s))),
    `/.${path}`,
    `/api/.${path.slice(4)}`,
    `/x/..${path}`,
    `/%2e${path}`,
    `/x/%2e%2e${path}`,
    `${path}/`,
    `${path}/.`,
    path.replace('/', '%2F').replace(/^%2F/, '/').replace('/', '%2f'),
    `${path};x=1`,
    `/api;x=1${path.slice(4)}`,
    path.replace(/\//g, '\\'),
    `${path}?x=1`,
    `${path}#frag`,
  ]);
  return [...variants].filter((v) => v.startsWith('/') || v.startsWith('\\'));
}

describe('API authentication: deny by default, decided on the matched route', () => {
  let pair: GatewayPair;
  const data = new ClinicalDataGenerator({ seed: 7171 });
  let placer = '';
  let birthName = '';

  before(async () => {
    pair = await startGatewayPair();
    const order = data.imagingOrder();
    placer = order.placerOrderNumber.value;
    birthName = order.patient.birthName;
    const created = await rawRequest(
      pair.ris.apiPort,
      'POST',
      '/api/orders',
      { authorization: `Bearer ${API_KEY}` },
      JSON.stringify(order),
    );
    assert.equal(created.status, 202, created.body);
    await pair.waitFor('platform', (e) => e.type === 'order.received' && e.placerOrderNumber === placer);
  });

  after(async () => {
    await pair?.stop();
  });

  it('answers 401 to every spelling of every route of /openapi.json sent without a key, on both halves', async () => {
    let tried = 0;
    const refusedOtherwise: string[] = [];
    for (const gw of [pair.ris, pair.platform]) {
      const doc = JSON.parse((await rawRequest(gw.apiPort, 'GET', '/openapi.json')).body) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/'));
      assert.ok(paths.length >= 15, `the OpenAPI document lists the API routes (${paths.length})`);
      const journalBefore = await gw.store.listMessages({ limit: 1000 });
      for (const template of paths) {
        const path = template.replace(/\{placer\}/g, placer).replace(/\{[^}]+\}/g, '1');
        for (const method of Object.keys(doc.paths[template]!)) {
          for (const variant of pathVariants(path)) {
            const r = await rawRequest(gw.apiPort, method.toUpperCase(), variant, {}, method === 'get' ? undefined : '{}');
            tried++;
            if (r.status !== 401) refusedOtherwise.push(`${r.status} ${method.toUpperCase()} ${variant}`);
            assert.ok(
              r.status === 401 || r.status === 400 || r.status === 0,
              `${gw.config.role}: ${method.toUpperCase()} ${variant} without a key answered ${r.status}: ${r.body.slice(0, 200)}`,
            );
            assert.ok(!r.body.includes(birthName), `${method.toUpperCase()} ${variant} leaks the patient's name`);
            if (r.status === 401) assert.equal((JSON.parse(r.body) as { code: string }).code, 'TLR_ERR_GATEWAY_UNAUTHORIZED');
          }
        }
      }
      const journalAfter = await gw.store.listMessages({ limit: 1000 });
      assert.equal(journalAfter.total, journalBefore.total, `${gw.config.role}: no message was queued by an unauthenticated request`);
    }
    assert.ok(tried > 500, `variants tried: ${tried}`);
    // Only what the HTTP layer refuses before routing (bad request line, bad URL) escapes the 401.
    for (const r of refusedOtherwise) assert.match(r, /^(0|400) [A-Z]+ \S*(\\|%2e%2e|#)/, r);
  });

  it('answers 401 without a key to an unknown path, so the route map is not probed for free', async () => {
    for (const path of ['/api/nothing-here', '/secret', '/api']) {
      assert.equal((await rawRequest(pair.ris.apiPort, 'GET', path)).status, 401, path);
    }
    assert.equal((await rawRequest(pair.ris.apiPort, 'GET', '/api/nothing-here', { authorization: `Bearer ${API_KEY}` })).status, 404);
  });

  it('keeps the declared public routes open: health, ready, metrics, OpenAPI, docs, console files', async () => {
    for (const path of ['/health', '/ready', '/metrics', '/openapi.json', '/docs/', '/console/', '/console/index.html']) {
      const r = await rawRequest(pair.ris.apiPort, 'GET', path);
      assert.equal(r.status, 200, `${path}: ${r.status}`);
      assert.ok(!r.body.includes(birthName), `${path} shows no patient data`);
    }
    assert.equal((await rawRequest(pair.ris.apiPort, 'GET', '/')).status, 302);
  });

  it('serves the data with the key on the canonical path', async () => {
    const r = await rawRequest(pair.ris.apiPort, 'GET', `/api/orders/${placer}`, { authorization: `Bearer ${API_KEY}` });
    assert.equal(r.status, 200);
    assert.ok(r.body.includes(placer) && r.body.includes(birthName));
  });
});
