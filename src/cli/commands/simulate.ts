import { readFile, rm } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { Gateway } from '../../gateway/gateway.js';
import type { ConformanceSummary, RisOrderOutcome, RisRunResult } from '../../simulate/index.js';
import { formatDuration } from '../../simulate/duration.js';
import type { Protocol } from '../../tlr/index.js';
import { sniffProtocolMediaType } from '../../tlr/protocol-content.js';
import { writeOut } from '../output.js';
import { duration, hostPort, port } from './arguments.js';
import { registerSimulateDmpCommand } from './simulate-dmp.js';
import { registerSimulatePfiCommand } from './simulate-pfi.js';
import { CDA_ENVIRONMENT, helpSections } from '../help.js';

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

function positive(value: string): number {
  const n = Number(value.replace(/\/s$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** A protocol file: PDF or XML (sent as an encapsulated document), anything else as UTF-8 text. */
export async function protocolFromFile(file: string): Promise<Protocol> {
  const bytes = await readFile(file);
  const mediaType = sniffProtocolMediaType(bytes);
  if (mediaType === 'application/octet-stream') return { kind: 'text', text: bytes.toString('utf8').replace(/\r\n?/g, '\n').trimEnd() };
  return { kind: 'document', mediaType, base64: bytes.toString('base64') };
}

/** The JSON summary line of `simulate ris|platform --json`. */
export interface SimulationJson {
  role: 'ris' | 'platform';
  seed: number;
  conformance: ConformanceSummary;
  orders?: { total: number; asExpected: number; byState: Record<string, number>; problems: string[] };
  decisions?: { accepted: number; refused: number; failures: number };
  ok: boolean;
}

/** The simulators and the gateway, loaded by the commands themselves: `--help` and the other commands must not pay for them. */
type Simulate = typeof import('../../simulate/index.js');

async function startGatewayFor(
  { generateApiKey, startSimulatorGateway }: Simulate,
  role: 'ris' | 'platform',
  o: { port: number; apiPort: number; partner: { host: string; port: number }; dataDir?: string; ackTimeout?: number },
  print: (l: string) => void,
): Promise<{ gw: Gateway; apiKey: string }> {
  const apiKey = process.env['CISIS_TLR_API_KEYS']?.split(',')[0]?.trim() || generateApiKey();
  const gw = await startSimulatorGateway({
    role,
    mllpPort: o.port,
    apiPort: o.apiPort,
    partner: o.partner,
    apiKeys: [apiKey],
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    ...(o.ackTimeout ? { ackTimeoutMs: o.ackTimeout } : {}),
  });
  print(
    `${role === 'ris' ? 'RIS' : 'platform'} simulator: MLLP ${gw.config.mllp.host}:${gw.mllpPort}, ` +
      `partner ${o.partner.host}:${o.partner.port}, ` +
      `API http://${gw.config.api.host}:${gw.apiPort}/api (key ${apiKey}), data ${gw.config.dataDir}`,
  );
  return { gw, apiKey };
}

interface PlatformCliOptions {
  port: number;
  partner: { host: string; port: number };
  apiPort: number;
  acceptRate: number;
  delay: number;
  protocolFile?: string;
  reports?: boolean;
  replaceRate: number;
  seed?: number;
  dataDir?: string;
  exitWhenIdle?: number;
  json?: boolean;
  ackTimeout?: number;
}

interface RisCliOptions {
  to: { host: string; port: number };
  /** `--no-documents`: no DA-IMG nor supporting document with the requests. */
  documents: boolean;
  orders: number;
  rate: number;
  cancelRate: number;
  port: number;
  apiPort: number;
  seed?: number;
  dataDir?: string;
  timeout: number;
  json?: boolean;
  ackTimeout?: number;
}

/**
 * `cisis-tlr simulate platform|ris`: one half of the exchange, simulated, against the other half
 * under test. Both print a line per event and a conformance summary of what the system under test
 * sent; `--json` ends with it as one JSON line. Exit code 0 only when every received message and
 * acknowledgement conforms (and, for `ris`, every request reached its expected state).
 */
export function registerSimulateCommand(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('simulate a RIS or a teleradiology platform against the other half under test')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr simulate platform --port 2576 --partner 127.0.0.1:2575',
          'cisis-tlr simulate ris --to 127.0.0.1:2576 --orders 20',
          'cisis-tlr simulate pfi --port 2577 --receipts 127.0.0.1:2578 --dmp refuse',
        ],
        environment: [['CISIS_TLR_API_KEYS', 'API key of the simulated half (default: a new one, printed)'], ...CDA_ENVIRONMENT],
      }),
    );
  registerSimulatePfiCommand(simulate);
  registerSimulateDmpCommand(simulate);

  simulate
    .command('platform')
    .description('a teleradiology platform whose radiologist decides automatically (accept with a protocol, or refuse)')
    .requiredOption('--port <port>', 'MLLP port the RIS under test sends to', port)
    .addOption(
      new Option('--partner <host:port>', 'MLLP address of the RIS under test')
        .argParser(hostPort)
        .default({ host: '127.0.0.1', port: 2575 }, '127.0.0.1:2575'),
    )
    .option('--api-port <port>', 'REST API port of the simulated platform (0: any free port)', port, 0)
    .option('--accept-rate <p>', 'share of requests accepted', rate, 0.9)
    .option('--delay <duration>', 'time the radiologist takes to decide (±50 %)', duration, 2000)
    .option('--protocol-file <file>', 'protocol given with every acceptance (PDF, XML or text); default: generated text or PDF')
    .option('--reports', 'write a CR-IMG report (MDM^T02) once the post-exam information arrives')
    .option('--replace-rate <p>', 'with --reports: share of reports replaced once (MDM^T10)', rate, 0.2)
    .option('--seed <n>', 'seed of the simulated data (default: random)', integer)
    .option('--data-dir <dir>', 'directory of the SQLite database (default: a fresh temp directory)')
    .option(
      '--exit-when-idle <duration>',
      'stop after this long without activity (once a request was received) and print the summary',
      duration,
    )
    .option(
      '--ack-timeout <duration>',
      "time to wait for the partner's acknowledgement before a delivery is retried (default 10s)",
      duration,
    )
    .option('--json', 'end with the summary as one JSON line')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr simulate platform --port 2576 --partner 127.0.0.1:2575 --accept-rate 0.8 --reports',
          'cisis-tlr simulate platform --port 2576 --protocol-file protocol.pdf --seed 42',
        ],
        environment: [['CISIS_TLR_API_KEYS', 'API key of the simulated half (default: a new one, printed)'], ...CDA_ENVIRONMENT],
      }),
    )
    .action(async (o: PlatformCliOptions) => {
      const simulators: Simulate = await import('../../simulate/index.js');
      const { ClinicalDataGenerator, PlatformSimulator, collectConformance, formatConformance } = simulators;
      const print = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      const protocol = o.protocolFile ? await protocolFromFile(o.protocolFile) : undefined;
      const generator = new ClinicalDataGenerator({ ...(o.seed !== undefined ? { seed: o.seed } : {}) });
      const { gw } = await startGatewayFor(
        simulators,
        'platform',
        {
          port: o.port,
          apiPort: o.apiPort,
          partner: o.partner,
          ...(o.dataDir ? { dataDir: o.dataDir } : {}),
          ...(o.ackTimeout ? { ackTimeout: o.ackTimeout } : {}),
        },
        print,
      );
      const sim = new PlatformSimulator({
        gateway: gw,
        generator,
        acceptRate: o.acceptRate,
        delayMs: o.delay,
        ...(protocol ? { protocol } : {}),
        print,
        ...(o.reports ? { reports: () => ({ replace: generator.random.chance(o.replaceRate) }) } : {}),
      });
      const waiting = await sim.catchUp();
      if (waiting) print(`${waiting} request(s) already waiting: decisions scheduled`);
      print(
        `seed ${generator.random.seed}; ` +
          `waiting for requests${o.exitWhenIdle ? ` (stops after ${formatDuration(o.exitWhenIdle)} idle)` : ' (Ctrl-C to stop)'}`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          clearInterval(idle);
          resolve();
        };
        const idle = setInterval(() => {
          if (
            o.exitWhenIdle &&
            sim.stats.ordersReceived > 0 &&
            sim.pendingDecisions === 0 &&
            Date.now() - sim.lastActivity > o.exitWhenIdle
          )
            stop();
        }, 100);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      sim.stop();
      await waitForOutbox(gw, 5_000);
      const conformance = await collectConformance(gw.store);
      await gw.stop();
      if (!o.dataDir) await rm(gw.config.dataDir, { recursive: true, force: true });
      const ok =
        conformance.errors === 0 &&
        conformance.percent === 100 &&
        sim.stats.failures === 0 &&
        conformance.unacknowledged === 0 &&
        conformance.acks.AE === 0 &&
        conformance.acks.AR === 0;
      print('');
      const reports = o.reports ? `, reports ${sim.stats.reportsSent} (replaced ${sim.stats.reportsReplaced})` : '';
      print(
        `Requests received ${sim.stats.ordersReceived}: accepted ${sim.stats.accepted}, refused ${sim.stats.refused}, ` +
          `cancelled ${sim.stats.cancellations}, post-exam ${sim.stats.postExamInfos}${reports}, failures ${sim.stats.failures}`,
      );
      for (const l of formatConformance(conformance)) print(l);
      print(ok ? 'Result: conformant' : 'Result: NOT conformant');
      if (o.json) {
        const json: SimulationJson = {
          role: 'platform',
          seed: generator.random.seed,
          conformance,
          decisions: { accepted: sim.stats.accepted, refused: sim.stats.refused, failures: sim.stats.failures },
          ok,
        };
        await writeOut(`${JSON.stringify(json)}\n`);
      }
      process.exitCode = ok ? 0 : 1;
    });

  simulate
    .command('ris')
    .description(
      'a RIS that sends realistic requests, cancels some, sends post-exam information, and checks what the platform under test answers',
    )
    .requiredOption('--to <host:port>', 'MLLP address of the platform under test', hostPort)
    .option('--orders <n>', 'number of requests', integer, 10)
    .option('--rate <r>', 'requests per second', positive, 2)
    .option('--cancel-rate <p>', 'share of requests cancelled (before the decision or once accepted)', rate, 0.1)
    .option('--port <port>', 'MLLP port the platform under test sends its answers to', port, 2575)
    .option('--api-port <port>', 'REST API port of the simulated RIS (0: any free port)', port, 0)
    .option('--seed <n>', 'seed of the simulated data (default: random)', integer)
    .option('--data-dir <dir>', 'directory of the SQLite database (default: a fresh temp directory)')
    .option('--timeout <duration>', 'how long to wait for the decisions after the last request', duration, 60_000)
    .option(
      '--ack-timeout <duration>',
      "time to wait for the partner's acknowledgement before a delivery is retried (default 10s)",
      duration,
    )
    .option('--no-documents', 'send no DA-IMG (most requests, both levels) nor previous report (some) after the requests')
    .option('--json', 'end with the summary as one JSON line')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr simulate ris --to 127.0.0.1:2576 --orders 50 --rate 5 --cancel-rate 0.2',
          'cisis-tlr simulate ris --to tlr.example.org:2576 --port 2575 --seed 7 --timeout 2m',
        ],
        environment: [['CISIS_TLR_API_KEYS', 'API key of the simulated half (default: a new one, printed)'], ...CDA_ENVIRONMENT],
      }),
    )
    .action(async (o: RisCliOptions) => {
      const simulators: Simulate = await import('../../simulate/index.js');
      const { ClinicalDataGenerator, RisSimulator, collectConformance, formatConformance } = simulators;
      const print = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      const generator = new ClinicalDataGenerator({ ...(o.seed !== undefined ? { seed: o.seed } : {}) });
      const { gw } = await startGatewayFor(
        simulators,
        'ris',
        {
          port: o.port,
          apiPort: o.apiPort,
          partner: o.to,
          ...(o.dataDir ? { dataDir: o.dataDir } : {}),
          ...(o.ackTimeout ? { ackTimeout: o.ackTimeout } : {}),
        },
        print,
      );
      print(`seed ${generator.random.seed}; sending ${o.orders} request(s) at ${o.rate}/s to ${o.to.host}:${o.to.port}`);
      let result: RisRunResult;
      try {
        const sim = new RisSimulator({
          gateway: gw,
          generator,
          orders: o.orders,
          ratePerSecond: o.rate,
          cancelRate: o.cancelRate,
          settleTimeoutMs: o.timeout,
          print,
          ...(o.documents ? { documents: simulators.defaultDocumentPlan } : {}),
        });
        result = await sim.run();
      } catch (e) {
        await gw.stop();
        if (!o.dataDir) await rm(gw.config.dataDir, { recursive: true, force: true });
        throw e;
      }
      const conformance = await collectConformance(gw.store);
      await gw.stop();
      if (!o.dataDir) await rm(gw.config.dataDir, { recursive: true, force: true });
      const byState: Record<string, number> = {};
      for (const r of result.outcomes) byState[r.state ?? 'UNKNOWN'] = (byState[r.state ?? 'UNKNOWN'] ?? 0) + 1;
      const problems = result.outcomes.flatMap((r: RisOrderOutcome) => r.problems.map((p) => `${r.key.placerNumber}: ${p}`));
      if (result.undelivered) problems.push(`${result.undelivered} message(s) not delivered`);
      const asExpected = result.outcomes.filter((r) => r.problems.length === 0).length;
      const ok = conformance.errors === 0 && conformance.percent === 100 && result.asExpected;
      print('');
      print(
        `Requests ${result.outcomes.length} in ${formatDuration(result.durationMs)}: ${Object.entries(byState)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}; ${asExpected} as expected`,
      );
      for (const p of problems) print(`  - ${p}`);
      for (const l of formatConformance(conformance)) print(l);
      print(
        ok
          ? 'Result: conformant, every request reached its expected state'
          : 'Result: NOT conformant or not every request reached its expected state',
      );
      if (o.json) {
        const json: SimulationJson = {
          role: 'ris',
          seed: generator.random.seed,
          conformance,
          orders: { total: result.outcomes.length, asExpected, byState, problems },
          ok,
        };
        await writeOut(`${JSON.stringify(json)}\n`);
      }
      process.exitCode = ok ? 0 : 1;
    });
}

async function waitForOutbox(gw: Gateway, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await gw.store.outboxDepth()).every((d) => d.pending + d.inFlight === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
