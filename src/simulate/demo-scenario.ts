import type { Gateway } from '../gateway/gateway.js';
import type { AckCode } from '../store/index.js';
import type { ImagingOrder } from '../tlr/index.js';
import type { OrderState } from '../workflow/index.js';
import { ClinicalDataGenerator } from './clinical-data-generator.js';
import { collectConformance } from './conformance.js';
import { findFreePort } from './free-port.js';
import { freshDataDir, generateApiKey, startSimulatorGateway } from './gateway-pair.js';
import type { PlatformDecisionPlan } from './platform-simulator.js';
import { PlatformSimulator } from './platform-simulator.js';
import type { RisOrderPlan } from './ris-simulator.js';
import { RisSimulator } from './ris-simulator.js';

/** The stories the demo tells, one per request; together they go through every flow. */
export const DEMO_STORIES = [
  'accepted-text-protocol',
  'accepted-pdf-protocol',
  'refused',
  'accepted-text-protocol',
  'cancelled-before-decision',
  'accepted-text-and-pdf-protocols',
  'cancelled-after-acceptance',
  'accepted-awaiting-exam',
] as const;

export type DemoStory = (typeof DEMO_STORIES)[number];

const STORY_PLANS: Record<DemoStory, { ris: RisOrderPlan; platform: PlatformDecisionPlan; endState: OrderState }> = {
  'accepted-text-protocol': { ris: { cancel: 'never', postExam: true }, platform: { action: 'accept', protocols: 'text' }, endState: 'COMPLEMENTED' },
  'accepted-pdf-protocol': { ris: { cancel: 'never', postExam: true }, platform: { action: 'accept', protocols: 'pdf' }, endState: 'COMPLEMENTED' },
  'accepted-text-and-pdf-protocols': { ris: { cancel: 'never', postExam: true }, platform: { action: 'accept', protocols: 'text+pdf' }, endState: 'COMPLEMENTED' },
  refused: { ris: { cancel: 'never', postExam: true }, platform: { action: 'refuse' }, endState: 'REJECTED' },
  'cancelled-before-decision': { ris: { cancel: 'before-decision', postExam: false }, platform: { action: 'hold' }, endState: 'CANCELLED' },
  'cancelled-after-acceptance': { ris: { cancel: 'after-acceptance', postExam: false }, platform: { action: 'accept', protocols: 'text' }, endState: 'CANCELLED' },
  'accepted-awaiting-exam': { ris: { cancel: 'never', postExam: false }, platform: { action: 'accept', protocols: 'pdf' }, endState: 'ACCEPTED' },
};

/** The smallest number of requests that still goes through every story. */
export const DEMO_MIN_ORDERS = DEMO_STORIES.length;

export interface DemoOptions {
  /** Number of requests (at least {@link DEMO_MIN_ORDERS}). */
  orders: number;
  /** Directory of both SQLite databases; default a fresh directory under the system temp dir. */
  dataDir?: string;
  seed?: number;
  /** Receives the progress lines. */
  print?: (line: string) => void;
}

/** Both halves of the demo, running. */
export interface DemoHalves {
  ris: Gateway;
  platform: Gateway;
  apiKey: string;
  dataDir: string;
  seed: number;
}

/** The `demo --json` contract, plus what the human summary shows. */
export interface DemoSummary {
  orders: number;
  /** States of the requests on the RIS side. */
  byState: Record<string, number>;
  /** Business and document messages sent and received, both halves together. */
  messages: { sent: number; received: number };
  /** Acknowledgements the senders received, both halves together. */
  acks: Record<AckCode, number>;
  /** Error findings in every received message and acknowledgement, both halves together. */
  validationErrors: number;
  validationWarnings: number;
  reportsReceived: number;
  /** Requests per story. */
  stories: Record<string, number>;
  durationMs: number;
  /** What did not go as the scenario expects (empty when everything did). */
  problems: string[];
}

/** Starts a RIS half and a platform half on loopback, each with its SQLite database, one API key for both. */
export async function startDemoHalves(options: { dataDir?: string; seed?: number } = {}): Promise<DemoHalves> {
  const dataDir = options.dataDir ?? await freshDataDir('demo');
  const [risPort, platformPort] = [await findFreePort(), await findFreePort()];
  const apiKey = generateApiKey();
  const platform = await startSimulatorGateway({ role: 'platform', mllpPort: platformPort, apiPort: 0, partner: { host: '127.0.0.1', port: risPort }, dataDir, apiKeys: [apiKey] });
  let ris: Gateway;
  try {
    ris = await startSimulatorGateway({ role: 'ris', mllpPort: risPort, apiPort: 0, partner: { host: '127.0.0.1', port: platformPort }, dataDir, apiKeys: [apiKey] });
  } catch (e) {
    await platform.stop();
    throw e;
  }
  return { ris, platform, apiKey, dataDir, seed: options.seed ?? Math.floor(Math.random() * 2 ** 32) };
}

/**
 * Runs the demo scenario between the two halves: `orders` requests, each telling one of
 * {@link DEMO_STORIES} (shuffled by the seed), at 12 requests per second with a simulated
 * radiologist answering in about 150 ms. Then compares every outcome with the expected one:
 * states on both sides, every message acknowledged AA, no validation error.
 */
export async function runDemoScenario(halves: DemoHalves, options: DemoOptions): Promise<DemoSummary> {
  const print = options.print ?? (() => undefined);
  const started = Date.now();
  const risData = new ClinicalDataGenerator({ seed: halves.seed });
  const platformData = new ClinicalDataGenerator({ seed: halves.seed ^ 0x5bd1e995 });
  const stories: DemoStory[] = Array.from({ length: options.orders }, (_, i) => DEMO_STORIES[i % DEMO_STORIES.length]!);
  for (let i = stories.length - 1; i > 0; i--) {
    const j = risData.random.int(0, i);
    [stories[i], stories[j]] = [stories[j]!, stories[i]!];
  }
  const storyOf = new Map<string, DemoStory>();
  const stamp = (side: string) => (line: string): void => print(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${side.padEnd(8)} ${line}`);

  const platformSim = new PlatformSimulator({
    gateway: halves.platform, generator: platformData, delayMs: 150, print: stamp('platform'),
    plan: (order: ImagingOrder) => STORY_PLANS[storyOf.get(order.placerOrderNumber.value) ?? 'accepted-text-protocol'].platform,
  });
  const risSim = new RisSimulator({
    gateway: halves.ris, generator: risData, orders: options.orders, ratePerSecond: 12, cancelDelayMs: 60, examDurationMs: 200,
    settleTimeoutMs: 30_000, print: stamp('RIS'),
    plan: (index, order) => {
      const story = stories[index]!;
      storyOf.set(order.placerOrderNumber.value, story);
      return STORY_PLANS[story].ris;
    },
  });
  let result;
  try {
    result = await risSim.run();
    await platformSim.settled();
    await waitForEmptyOutbox(halves.platform, 10_000);
  } finally {
    platformSim.stop();
  }

  const problems: string[] = [];
  const byState: Record<string, number> = {};
  const storyCount: Record<string, number> = {};
  for (const o of result.outcomes) {
    const story = storyOf.get(o.key.placerNumber)!;
    storyCount[story] = (storyCount[story] ?? 0) + 1;
    byState[o.state ?? 'UNKNOWN'] = (byState[o.state ?? 'UNKNOWN'] ?? 0) + 1;
    for (const p of o.problems) problems.push(`${o.key.placerNumber} (${story}): ${p}`);
    const expected = STORY_PLANS[story].endState;
    if (o.state !== expected) problems.push(`${o.key.placerNumber} (${story}): RIS state ${o.state ?? 'unknown'}, expected ${expected}`);
    const onPlatform = (await halves.platform.store.getOrder('platform', o.key))?.state;
    if (onPlatform !== o.state) problems.push(`${o.key.placerNumber} (${story}): platform state ${onPlatform ?? 'unknown'} differs from the RIS state ${o.state ?? 'unknown'}`);
  }
  if (result.undelivered) problems.push(`${result.undelivered} RIS message(s) not delivered`);

  const [risConformance, platformConformance] = await Promise.all([collectConformance(halves.ris.store), collectConformance(halves.platform.store)]);
  const count = async (gw: Gateway, direction: 'inbound' | 'outbound', flow?: 'report'): Promise<number> =>
    (await gw.store.listMessages({ direction, ...(flow ? { flow } : {}), limit: 1 })).total;
  const sent = await count(halves.ris, 'outbound') + await count(halves.platform, 'outbound');
  const received = await count(halves.ris, 'inbound') + await count(halves.platform, 'inbound');
  const acks: Record<AckCode, number> = {
    AA: risConformance.acks.AA + platformConformance.acks.AA,
    AE: risConformance.acks.AE + platformConformance.acks.AE,
    AR: risConformance.acks.AR + platformConformance.acks.AR,
  };
  const validationErrors = risConformance.errors + platformConformance.errors;
  if (received !== sent) problems.push(`${sent} message(s) sent but ${received} received`);
  if (acks.AA !== sent) problems.push(`${sent} message(s) sent but ${acks.AA} acknowledged AA (AE ${acks.AE}, AR ${acks.AR})`);
  if (validationErrors) problems.push(`${validationErrors} validation error(s)`);
  return {
    orders: result.outcomes.length,
    byState,
    messages: { sent, received },
    acks,
    validationErrors,
    validationWarnings: risConformance.warnings + platformConformance.warnings,
    reportsReceived: await count(halves.ris, 'inbound', 'report'),
    stories: storyCount,
    durationMs: Date.now() - started,
    problems,
  };
}

async function waitForEmptyOutbox(gw: Gateway, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const depth = (await gw.store.outboxDepth()).reduce((s, d) => s + d.pending + d.inFlight, 0);
    if (depth === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
