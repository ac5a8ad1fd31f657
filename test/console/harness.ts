import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../helpers/ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../src/gateway/config.js';
import type { GatewayConfigInput } from '../../src/gateway/config.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startGateway } from '../../src/gateway/start.js';

/**
 * What the console tests run on: a RIS and a platform gateway started in-process (real MLLP
 * between them, real SQLite stores in temporary directories, the real HTTP API and console), and
 * Debian's Chromium driven by playwright-core. No browser is ever downloaded: the tests use the
 * system's `/usr/bin/chromium` (CHROMIUM_PATH overrides it).
 */

export const API_KEY = 'console-test-key-0123456789';
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** A TCP port free on the loopback interface at the time of the call. */
export { freePort };

/** Starts one gateway with a temporary data directory, quick retries and quiet logs. */
export async function startTestGateway(role: 'ris' | 'platform', dataDir: string, overrides: GatewayConfigInput): Promise<Gateway> {
  const config = await loadConfig({
    env: {},
    overrides: {
      role,
      dataDir,
      logLevel: 'silent',
      api: { host: '127.0.0.1', port: 0, keys: [API_KEY] },
      outbox: { baseDelayMs: 50, maxDelayMs: 200 },
      ...overrides,
    },
  });
  return startGateway(config, { pollMs: 100 });
}

export interface GatewayPair {
  ris: Gateway;
  platform: Gateway;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A RIS and a platform that talk to each other over MLLP on free loopback ports. Each side must know
 * the other's port before it starts, so the ports are picked first; when another process takes one
 * in between (tests run in parallel), the pair is started again on new ports.
 */
export async function startPair(): Promise<GatewayPair> {
  const dir = mkdtempSync(join(tmpdir(), 'cisis-tlr-console-'));
  let ris: Gateway | undefined;
  let platform: Gateway | undefined;
  for (let attempt = 1; !platform; attempt++) {
    const [risMllp, platformMllp] = [await freePort(), await freePort()];
    try {
      // The RIS acknowledges a report after validating its CDA, and the first validation loads the rule sets:
      // seconds on a loaded machine. A shorter timeout would count a spurious no-ACK error on the health page.
      ris = await startTestGateway('ris', join(dir, 'ris'), {
        mllp: { port: risMllp },
        partner: { port: platformMllp, ackTimeoutMs: 2000 },
      });
      platform = await startTestGateway('platform', join(dir, 'platform'), {
        mllp: { port: platformMllp },
        partner: { port: risMllp, ackTimeoutMs: 30_000 },
      });
    } catch (e) {
      await ris?.stop();
      ris = undefined;
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 3) throw e;
    }
  }
  return {
    ris: ris!,
    platform,
    dir,
    async stop() {
      await ris!.stop();
      await platform!.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls a gateway's API with the test key; returns status and parsed JSON. */
export async function callApi(
  gw: Gateway,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${gw.apiPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile (nothing from an earlier run: no stored key, no cache),
 * a desktop viewport and the flags that keep it from reaching the network on its own.
 */
export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'cisis-tlr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: options.viewport ?? { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
