/**
 * The bodies of the report actions, as docs/api.md states them: `reports/delete` needs none (with or
 * without a JSON content type), `reports/replace` needs the new content. Checked on a real platform
 * gateway over HTTP; the order is unknown, so an accepted body reaches the handler and gets 404.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway/gateway.js';
import { API_KEY, startTestGateway } from '../console/harness.js';

describe('report action bodies', () => {
  let dir: string;
  let gw: Gateway;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cisis-tlr-report-bodies-'));
    gw = await startTestGateway('platform', dir, { mllp: { port: 0 }, partner: { port: 9 } });
  });
  after(async () => {
    await gw.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const post = async (path: string, init: { body?: string; contentType?: string } = {}): Promise<{ status: number; body: string }> => {
    const res = await fetch(`http://127.0.0.1:${gw.apiPort}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    return { status: res.status, body: await res.text() };
  };

  it('accepts reports/delete with no body at all', async () => {
    const r = await post('/api/orders/UNKNOWN-1/reports/delete');
    assert.equal(r.status, 404, r.body);
    assert.doesNotMatch(r.body, /body must be object/);
  });

  it('accepts reports/delete with a JSON content type and an empty body', async () => {
    const r = await post('/api/orders/UNKNOWN-1/reports/delete', { contentType: 'application/json', body: '' });
    assert.equal(r.status, 404, r.body);
  });

  it('accepts reports/delete with {} and with a setId', async () => {
    assert.equal((await post('/api/orders/UNKNOWN-1/reports/delete', { contentType: 'application/json', body: '{}' })).status, 404);
    assert.equal(
      (await post('/api/orders/UNKNOWN-1/reports/delete', { contentType: 'application/json', body: '{"setId":"1.2.3"}' })).status,
      404,
    );
  });

  it('still refuses reports/replace without the new content, and an unknown field on delete', async () => {
    const replace = await post('/api/orders/UNKNOWN-1/reports/replace', { contentType: 'application/json', body: '{}' });
    assert.equal(replace.status, 400);
    assert.match(replace.body, /content/);
    const unknown = await post('/api/orders/UNKNOWN-1/reports/delete', { contentType: 'application/json', body: '{"reason":"x"}' });
    assert.equal(unknown.status, 400);
  });
});
