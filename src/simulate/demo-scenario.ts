import { readFile } from 'node:fs/promises';
import type { Gateway } from '../gateway/gateway.js';
import type { AckCode, OrderKey, PublicationStatus } from '../store/index.js';
import { formatOrderKey } from '../store/index.js';
import type { ImagingOrder } from '../tlr/index.js';
import { resolveCdaKitDir } from '../documents/validation/index.js';
import { CdaValidation } from '../gateway/documents/cda-validation.js';
import { documentsOf } from '../gateway/documents/documents-plugin.js';
import { orderDataOf } from '../gateway/order-data.js';
import { ClinicalDataGenerator } from './clinical-data-generator.js';
import { collectConformance } from './conformance.js';
import { findFreePort } from './free-port.js';
import { freshDataDir, generateApiKey, startSimulatorGateway } from './gateway-pair.js';
import { generateDmpCertificates } from './dmp-certificates.js';
import type { DmpCertificates } from './dmp-certificates.js';
import { DmpSimulator } from './dmp-simulator.js';
import { PfiSimulator } from './pfi-simulator.js';
import { PlatformSimulator } from './platform-simulator.js';
import { type RisOrderOutcome, type RisRunResult, RisSimulator, defaultDocumentPlan } from './ris-simulator.js';
import type { DemoStory } from './demo-stories.js';
import { OTHER_STORIES, PERFORMED_STORIES, demoStories } from './demo-stories.js';

export { DEMO_MIN_ORDERS, demoStories } from './demo-stories.js';
export type { DemoStory } from './demo-stories.js';

export interface DemoOptions {
  /** Number of requests (at least {@link DEMO_MIN_ORDERS}). */
  orders: number;
  /** Directory of both SQLite databases; default a fresh directory under the system temp dir. */
  dataDir?: string;
  seed?: number;
  /**
   * Whether requests whose exam was performed end with a report: `on` waits for the CDA rule sets
   * however long their first compilation takes; `auto` (default) includes reports when the CDA
   * validation kit is found and its rule sets are ready within {@link DemoOptions.reportsReadyWithinMs};
   * `off` stops at the post-exam information.
   */
  reports?: 'auto' | 'on' | 'off';
  /** `auto` mode: how long to wait for the CDA rule sets, from the start of the run (default 25 s). */
  reportsReadyWithinMs?: number;
  /** Receives the progress lines. */
  print?: (line: string) => void;
}

/** Whether the report stage ran, and why not when it did not. */
export interface ReportStageStatus {
  included: boolean;
  reason?: string;
}

/** Both halves of the demo, running. */
export interface DemoHalves {
  ris: Gateway;
  platform: Gateway;
  apiKey: string;
  dataDir: string;
  seed: number;
  /** Where the RIS sends the reports on: its integration platform (`pfi`) or the DMP directly (`dmp`, XDS.b). */
  onward: DemoOnwardRoute;
  /** `pfi`: the integration platform behind the RIS (DMP, MSSanté). */
  pfi?: PfiSimulator;
  /** `dmp`: the DMP test double the RIS publishes to, and the certificates generated for it. */
  dmp?: { double: DmpSimulator; certificates: DmpCertificates };
  /** Stops both halves and what is behind the RIS, and removes the generated certificates. */
  stop(): Promise<void>;
}

/** The onward routes the demo can run. */
export type DemoOnwardRoute = 'pfi' | 'dmp';

/** The structure the demo's RIS publishes for on the direct DMP route (its FINESS is a test value). */
const DEMO_STRUCTURE = { id: '750000001', idType: 'FINESS', name: 'Centre Imagerie Demo', sector: 'SA07' } as const;

/** Publications of the onward route, per destination and status (`demo` summary). */
export type DemoPublications = Record<'dmp' | 'mssante', Partial<Record<PublicationStatus, number>>>;

/** The MSSanté mailbox the demo's RIS copies every report to. */
export const DEMO_MSSANTE_RECIPIENT = 'imagerie.demo@test.mssante.fr';

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
  reportStage: ReportStageStatus;
  /** Stages of the scenario that did not run, and why (empty when the whole chain ran). */
  skippedStages: Array<{ stage: string; reason: string; requested: boolean }>;
  /** Reports written, replaced and deleted by the platform. */
  reports: { sent: number; replaced: number; deleted: number };
  /** The onward route the RIS ran. */
  onward: DemoOnwardRoute;
  /** Where the RIS sent the reports on (RIS → PFI simulator → ZAM, or RIS → DMP double), per destination and status. */
  publications: DemoPublications;
  /** Request (DA-IMG) and supporting documents sent by the RIS, received (attached) by the platform and valid there. */
  orderDocuments: Record<'request' | 'supporting', { sent: number; received: number; valid: number }>;
  durationMs: number;
  /** What did not go as the scenario expects (empty when everything did). */
  problems: string[];
}

/** Starts a RIS half and a platform half on loopback, each with its SQLite database, one API key for both. */
export async function startDemoHalves(
  options: { dataDir?: string; seed?: number; ackTimeoutMs?: number; onward?: DemoOnwardRoute } = {},
): Promise<DemoHalves> {
  const onward = options.onward ?? 'pfi';
  const ackTimeout = options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {};
  const dataDir = options.dataDir ?? (await freshDataDir('demo'));
  const [risPort, platformPort, pfiPort, receiptPort] = [
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
  ];
  const apiKey = generateApiKey();
  // One validation worker for both halves: the rule sets are loaded once in the process.
  const cdaValidation = new CdaValidation();
  const platform = await startSimulatorGateway({
    role: 'platform',
    mllpPort: platformPort,
    apiPort: 0,
    partner: { host: '127.0.0.1', port: risPort },
    dataDir,
    apiKeys: [apiKey],
    cdaValidation,
    ...ackTimeout,
  });
  // The direct DMP route: a DMP test double over mutual TLS, with a throw-away PKI (the product needs no files).
  let dmp: DemoHalves['dmp'];
  if (onward === 'dmp') {
    try {
      const certificates = await generateDmpCertificates({ name: DEMO_STRUCTURE.name, id: `1${DEMO_STRUCTURE.id}` });
      try {
        const [cert, key, ca] = await Promise.all(
          [certificates.serverCert, certificates.serverKey, certificates.ca].map((f) => readFile(f)),
        );
        // Strict: the double also requires the signature document of each submission set.
        const double = await DmpSimulator.start({ port: 0, tls: { cert: cert!, key: key!, ca: ca! }, requireSubmissionSignature: true });
        dmp = { double, certificates };
      } catch (e) {
        await certificates.remove();
        throw e;
      }
    } catch (e) {
      await platform.stop();
      throw e;
    }
  }
  const onwardConfig = dmp
    ? {
        dmp: {
          endpoint: `https://127.0.0.1:${dmp.double.port}/repository`,
          registryEndpoint: `https://127.0.0.1:${dmp.double.port}/registry`,
          tls: { cert: dmp.certificates.clientCert, key: dmp.certificates.clientKey, ca: dmp.certificates.ca },
          structure: DEMO_STRUCTURE,
          lps: { homologationId: 'DEMO-HOMOLOGATION', name: 'cisis-tlr', version: 'demo' },
          sourceId: '1.2.250.1.999.9.1',
        },
      }
    : {
        pfi: {
          port: pfiPort,
          listen: { port: receiptPort },
          dmp: true,
          mssante: { professionals: true, patient: false, recipients: [DEMO_MSSANTE_RECIPIENT] },
        },
      };
  let ris: Gateway;
  try {
    ris = await startSimulatorGateway({
      role: 'ris',
      mllpPort: risPort,
      apiPort: 0,
      partner: { host: '127.0.0.1', port: platformPort },
      dataDir,
      apiKeys: [apiKey],
      cdaValidation,
      ...ackTimeout,
      // The RIS hands the reports on to its integration platform (DMP, and a copy by MSSanté), or publishes to the DMP itself.
      extra: { onward: onwardConfig },
    });
  } catch (e) {
    await platform.stop();
    await dmp?.double.stop();
    await dmp?.certificates.remove();
    throw e;
  }
  const pfi = dmp
    ? undefined
    : await PfiSimulator.start({ port: pfiPort, receipts: { host: '127.0.0.1', port: receiptPort }, delayMs: 100 });
  return {
    ris,
    platform,
    apiKey,
    dataDir,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    onward,
    ...(pfi ? { pfi } : {}),
    ...(dmp ? { dmp } : {}),
    async stop() {
      await Promise.all([ris.stop(), platform.stop(), pfi?.stop(), dmp?.double.stop()]);
      await dmp?.certificates.remove();
    },
  };
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
  const reportStage = cdaReadiness(halves, options.reports ?? 'auto', options.reportsReadyWithinMs ?? 25_000);
  const risData = new ClinicalDataGenerator({ seed: halves.seed });
  const platformData = new ClinicalDataGenerator({ seed: halves.seed ^ 0x5bd1e995 });
  const stories = demoStories(options.orders, risData.random);
  const storyOf = new Map<string, DemoStory>();
  const stamp =
    (side: string) =>
    (line: string): void =>
      print(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${side.padEnd(8)} ${line}`);
  let reportsIncluded: ReportStageStatus | undefined;
  // Loading the CDA rule sets overlaps the first flows; the first report waits for the verdict.
  const decided = reportStage.then((status) => {
    reportsIncluded = status;
    stamp('demo')(
      status.included ? 'reports: CDA validation ready, performed exams will be reported' : `reports skipped: ${status.reason}`,
    );
  });

  const platformSim = new PlatformSimulator({
    gateway: halves.platform,
    generator: platformData,
    delayMs: 150,
    reportDelayMs: 100,
    print: stamp('platform'),
    plan: (order: ImagingOrder) => (storyOf.get(order.placerOrderNumber.value) ?? OTHER_STORIES[0]!).platform,
    reports: async (order: ImagingOrder) => {
      await decided;
      return reportsIncluded?.included ? storyOf.get(order.placerOrderNumber.value)?.report : undefined;
    },
  });
  const risSim = new RisSimulator({
    gateway: halves.ris,
    generator: risData,
    orders: options.orders,
    ratePerSecond: 12,
    cancelDelayMs: 60,
    examDurationMs: 200,
    settleTimeoutMs: 30_000,
    print: stamp('RIS'),
    plan: (index, order) => {
      const story = stories[index]!;
      storyOf.set(order.placerOrderNumber.value, story);
      return story.ris;
    },
    // The documents are validated before they leave, by the rule sets the report stage waits for.
    documents: async (index) => {
      await decided;
      return reportsIncluded?.included ? defaultDocumentPlan(index) : undefined;
    },
  });
  let result: RisRunResult;
  try {
    result = await risSim.run();
    await decided;
    await platformSim.settled();
    await waitForEmptyOutbox(halves.platform, 60_000);
    await waitForEmptyOutbox(halves.ris, 10_000);
  } finally {
    platformSim.stop();
  }
  const withReports = reportsIncluded?.included === true;

  const problems: string[] = [];
  const byState: Record<string, number> = {};
  const storyCount: Record<string, number> = {};
  for (const o of result.outcomes) {
    const story = storyOf.get(o.key.placerNumber)!;
    storyCount[story.name] = (storyCount[story.name] ?? 0) + 1;
    const state = (await halves.ris.store.getOrder('ris', o.key))?.state;
    byState[state ?? 'UNKNOWN'] = (byState[state ?? 'UNKNOWN'] ?? 0) + 1;
    for (const p of o.problems) problems.push(`${o.key.placerNumber} (${story.name}): ${p}`);
    const expected = withReports ? story.endState.withReports : story.endState.withoutReports;
    if (state !== expected) problems.push(`${o.key.placerNumber} (${story.name}): RIS state ${state ?? 'unknown'}, expected ${expected}`);
    const onPlatform = (await halves.platform.store.getOrder('platform', o.key))?.state;
    if (onPlatform !== state)
      problems.push(
        `${o.key.placerNumber} (${story.name}): platform state ${onPlatform ?? 'unknown'} differs from the RIS state ${state ?? 'unknown'}`,
      );
  }
  if (result.undelivered) problems.push(`${result.undelivered} RIS message(s) not delivered`);
  if (platformSim.stats.failures) problems.push(`${platformSim.stats.failures} platform action(s) failed`);

  const [risConformance, platformConformance] = await Promise.all([
    collectConformance(halves.ris.store, { partner: halves.ris.config.partner.name }),
    collectConformance(halves.platform.store),
  ]);
  // The exchange between the two halves; the RIS's exchange with its PFI is counted as publications.
  const count = async (gw: Gateway, direction: 'inbound' | 'outbound', flow?: 'report'): Promise<number> =>
    (await gw.store.listMessages({ direction, partner: gw.config.partner.name, ...(flow ? { flow } : {}), limit: 1 })).total ?? 0;
  const publications = await settledPublications(
    halves,
    result.outcomes.map((o) => o.key),
  );
  for (const [destination, byStatus] of Object.entries(publications)) {
    for (const status of ['held', 'parked', 'pending', 'sent'] as const) {
      if (byStatus[status]) problems.push(`${byStatus[status]} ${destination} publication(s) ${status}`);
    }
  }
  if (halves.pfi?.counts.refused) problems.push(`${halves.pfi.counts.refused} message(s) refused by the PFI`);
  // The double accepts every publication that is right: a refusal there is a mistake of the route.
  if (halves.dmp && publications.dmp.refused) problems.push(`${publications.dmp.refused} publication(s) refused by the DMP double`);
  const sent = (await count(halves.ris, 'outbound')) + (await count(halves.platform, 'outbound'));
  const received = (await count(halves.ris, 'inbound')) + (await count(halves.platform, 'inbound'));
  const acks: Record<AckCode, number> = {
    AA: risConformance.acks.AA + platformConformance.acks.AA,
    AE: risConformance.acks.AE + platformConformance.acks.AE,
    AR: risConformance.acks.AR + platformConformance.acks.AR,
  };
  const validationErrors = risConformance.errors + platformConformance.errors;
  const reportsReceived = await count(halves.ris, 'inbound', 'report');
  const reports = {
    sent: platformSim.stats.reportsSent,
    replaced: platformSim.stats.reportsReplaced,
    deleted: platformSim.stats.reportsDeleted,
  };
  const expectedReportMessages = withReports
    ? PERFORMED_STORIES.reduce((n, s) => n + 1 + (s.report?.replace ? 1 : 0) + (s.report?.delete ? 1 : 0), 0)
    : 0;
  const orderDocuments = await countOrderDocuments(halves.platform, result.outcomes);
  for (const [role, n] of Object.entries(orderDocuments)) {
    if (n.received !== n.sent) problems.push(`${n.sent} ${role} document(s) sent but ${n.received} received by the platform`);
    if (n.valid !== n.received) problems.push(`${n.received - n.valid} ${role} document(s) received invalid`);
  }
  if (received !== sent) problems.push(`${sent} message(s) sent but ${received} received`);
  if (acks.AA !== sent) problems.push(`${sent} message(s) sent but ${acks.AA} acknowledged AA (AE ${acks.AE}, AR ${acks.AR})`);
  if (validationErrors) problems.push(`${validationErrors} validation error(s)`);
  if (reportsReceived !== expectedReportMessages)
    problems.push(`${reportsReceived} report message(s) received by the RIS, expected ${expectedReportMessages}`);
  return {
    orders: result.outcomes.length,
    byState,
    messages: { sent, received },
    acks,
    validationErrors,
    validationWarnings: risConformance.warnings + platformConformance.warnings,
    reportsReceived,
    stories: storyCount,
    reportStage: reportsIncluded ?? { included: false, reason: 'not decided' },
    skippedStages: withReports
      ? []
      : [{ stage: 'reports', reason: reportsIncluded?.reason ?? 'not decided', requested: options.reports === 'off' }],
    reports,
    onward: halves.onward,
    publications,
    orderDocuments,
    durationMs: Date.now() - started,
    problems,
  };
}

/** The request and supporting documents the RIS sent for these requests, and what the platform attached of them. */
async function countOrderDocuments(platform: Gateway, outcomes: readonly RisOrderOutcome[]): Promise<DemoSummary['orderDocuments']> {
  const counts = { request: { sent: 0, received: 0, valid: 0 }, supporting: { sent: 0, received: 0, valid: 0 } };
  for (const o of outcomes) {
    counts.request.sent += o.documentsSent.request;
    counts.supporting.sent += o.documentsSent.supporting;
    for (const d of orderDataOf(await platform.store.getOrder('platform', o.key)).documents ?? []) {
      if (d.direction !== 'received') continue;
      counts[d.role].received += 1;
      if (d.valid) counts[d.role].valid += 1;
    }
  }
  return counts;
}

/**
 * Whether the report stage can run: the CDA validation kit must be found and its rule sets loaded.
 * The first load on a machine compiles the ANS schematrons (minutes; cached afterwards), so `auto`
 * gives up after `withinMs` rather than keep the demo waiting, and says why.
 */
async function cdaReadiness(halves: DemoHalves, mode: 'auto' | 'on' | 'off', withinMs: number): Promise<ReportStageStatus> {
  if (mode === 'off') return { included: false, reason: 'disabled (--reports off)' };
  try {
    resolveCdaKitDir();
  } catch (e) {
    if (mode === 'on') throw e;
    return { included: false, reason: `no CDA validation kit (${(e as Error).message})` };
  }
  // The gateways' own validation: once it is ready, the reports the halves exchange are validated at once.
  const warmUp = Promise.all([halves.platform, halves.ris].map((gw) => documentsOf(gw).warmUp())).then(
    () => ({ included: true }) as ReportStageStatus,
  );
  if (mode === 'on') return warmUp;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ReportStageStatus>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          included: false,
          reason:
            `the CDA rule sets were not ready within ${Math.round(withinMs / 1000)} s (a user-supplied kit is compiled once, ` +
            `in minutes, and cached; run with --reports on to wait for it once)`,
        }),
      withinMs,
    );
  });
  try {
    return await Promise.race([
      warmUp.catch((e: unknown) => ({ included: false, reason: `CDA validation unavailable: ${(e as Error).message}` })),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForEmptyOutbox(gw: Gateway, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const depth = (await gw.store.outboxDepth()).reduce((s, d) => s + d.pending + d.inFlight, 0);
    if (depth === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The publications of the demo's orders once the PFI's receipts (or the DMP's answers) came back, or
 * 20 s passed: counted per destination and status.
 */
async function settledPublications(halves: DemoHalves, keys: readonly OrderKey[]): Promise<DemoPublications> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await halves.pfi?.idle();
    const rows = (await Promise.all(keys.map((k) => halves.ris.store.listPublications(formatOrderKey(k))))).flat();
    const out: DemoPublications = { dmp: {}, mssante: {} };
    for (const r of rows) out[r.destination][r.status] = (out[r.destination][r.status] ?? 0) + 1;
    if (!rows.some((r) => r.status === 'pending' || r.status === 'sent') || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 100));
  }
}
