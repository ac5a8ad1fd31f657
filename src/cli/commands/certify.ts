import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { CDA_ENVIRONMENT, helpSections } from '../help.js';

interface CertifyCliOptions {
  role: 'ris' | 'platform';
  target: { host: string; port: number };
  listen: number;
  listenHost: string;
  plan?: string;
  out: string;
  hook?: string;
  driveApi?: string;
  apiKey?: string;
  systemName?: string;
  systemVersion?: string;
  tls?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  listenCert?: string;
  listenKey?: string;
  listenCa?: string;
  ackTimeout: number;
  stepTimeout: number;
  holdAck?: number;
  chromium?: string;
  seed?: number;
  kitApplication?: string;
  kitFacility?: string;
  theirApplication?: string;
  theirFacility?: string;
}

/**
 * `cisis-tlr certify --role ris|platform --target HOST:PORT [--listen PORT] [--plan FILE] [--out DIR] …`
 * tests the other side's implementation of the volet and writes report.html, report.pdf and
 * report.json. Exit code 0 when every required step passed, 1 when one failed, 2 on a usage,
 * plan or I/O error. Everything is loaded in the action: `--help` does not load the kit.
 */
export function registerCertifyCommand(program: Command): void {
  program
    .command('certify')
    .description("conformance test kit: drive the other side's half through every scenario of the volet and write a report")
    .requiredOption(
      '--role <role>',
      'role of the system under test: ris (the kit plays the platform) or platform (the kit plays the RIS)',
      parseRole,
    )
    .requiredOption('--target <host:port>', 'MLLP listener of the system under test', parseHostPort)
    .option('--listen <port>', 'port where the kit receives the messages of the system under test', parsePortNumber, 2577)
    .option('--listen-host <host>', 'address the kit listens on', '0.0.0.0')
    .option('--plan <file>', 'test plan (YAML); default: the shipped certify/plans/<role>.yaml')
    .option('--out <dir>', 'directory of report.html, report.pdf and report.json', './certify-report')
    .option('--hook <url>', 'HTTP hook receiving a POST (JSON) for every step the system under test must act on')
    .option('--drive-api <url>', 'the system under test is a cisis-tlr gateway: perform the operator steps through its REST API')
    .option('--api-key <key>', 'API key for --drive-api (default: CISIS_TLR_API_KEY)')
    .option('--system-name <name>', 'name of the system under test, for the report')
    .option('--system-version <version>', 'version of the system under test, for the report')
    .option('--tls', 'connect to the target over TLS (implied by --ca, --cert, --key)')
    .option('--ca <file>', 'PEM authorities trusted for the target certificate')
    .option('--cert <file>', 'PEM client certificate (mutual TLS)')
    .option('--key <file>', 'PEM private key of the client certificate')
    .option('--servername <name>', 'name expected in the target certificate')
    .option('--listen-cert <file>', "PEM certificate of the kit's listener (TLS)")
    .option('--listen-key <file>', "PEM private key of the kit's listener")
    .option('--listen-ca <file>', 'PEM authorities for client certificates (mutual TLS on the listener)')
    .option('--ack-timeout <ms>', 'time the system under test has to acknowledge', parsePositive, 10_000)
    .option('--step-timeout <ms>', 'time the system under test has to send an awaited message', parsePositive, 300_000)
    .option('--hold-ack <ms>', "slow-partner steps: answer after this long (more than the system's own ACK timeout)", parsePositive)
    .option('--chromium <path>', 'Chromium for report.pdf (default: CISIS_TLR_CHROMIUM, else /usr/bin/chromium)')
    .option('--seed <n>', 'seed of the synthetic data', parsePositive)
    .option('--kit-application <name>', 'MSH-3 of the kit (default: cisis-tlr default of the role it plays)')
    .option('--kit-facility <name>', 'MSH-4 of the kit')
    .option('--their-application <name>', 'MSH-5 the kit addresses (default: cisis-tlr default of the tested role)')
    .option('--their-facility <name>', 'MSH-6 the kit addresses')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr certify --role ris --target ris.example.org:2575 --listen 2576 --system-name "RIS X" --system-version 4.2',
          'CISIS_TLR_API_KEY=... cisis-tlr certify --role platform --target 127.0.0.1:2576 --drive-api http://127.0.0.1:8081',
        ],
        environment: [
          ['CISIS_TLR_API_KEY', 'API key for --drive-api'],
          ['CISIS_TLR_CHROMIUM', 'Chromium used to print report.pdf (default /usr/bin/chromium)'],
          ...CDA_ENVIRONMENT,
        ],
      }),
    )
    .action(async (o: CertifyCliOptions) => {
      process.exitCode = await certify(o);
    });
}

async function certify(o: CertifyCliOptions): Promise<number> {
  const kit = await import('../../certify/index.js');
  const { readTlsFiles } = await import('../../mllp/index.js');
  const { ClinicalDataGenerator } = await import('../../simulate/index.js');
  const err = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  type Kit = typeof import('../../certify/index.js');
  let plan: Awaited<ReturnType<Kit['loadPlan']>>;
  let target: import('../../certify/index.js').CertifyTarget;
  let listenTls: import('../../mllp/index.js').MllpServerTlsOptions | undefined;
  try {
    plan = await kit.loadPlan(o.plan ?? kit.shippedPlanPath(o.role));
    if (plan.role !== o.role) throw new Error(`the plan ${o.plan ?? ''} tests a ${plan.role}, not a ${o.role}`);
    const tls =
      o.tls || o.ca || o.cert || o.key
        ? {
            ...(await readTlsFiles({ caFile: o.ca, certFile: o.cert, keyFile: o.key })),
            ...(o.servername ? { servername: o.servername } : {}),
          }
        : undefined;
    target = { ...o.target, ...(tls ? { tls } : {}) };
    if (o.listenCert || o.listenKey) {
      const files = await readTlsFiles({ certFile: o.listenCert, keyFile: o.listenKey, caFile: o.listenCa });
      if (!files.cert || !files.key) throw new Error('--listen-cert and --listen-key go together');
      listenTls = { cert: files.cert, key: files.key, ...(files.ca ? { ca: files.ca, requestCert: true } : {}) };
    }
  } catch (e) {
    err(`cisis-tlr certify: ${(e as Error).message}`);
    return 2;
  }
  const terminal = new kit.TerminalOperator(process.stderr);
  let operator: import('../../certify/index.js').Operator = terminal;
  if (o.driveApi) {
    const apiKey = o.apiKey ?? process.env['CISIS_TLR_API_KEY'];
    if (!apiKey) {
      err('cisis-tlr certify: --drive-api needs --api-key or CISIS_TLR_API_KEY');
      return 2;
    }
    const driver = new kit.GatewayDriver({ url: o.driveApi, apiKey }, new ClinicalDataGenerator({ processingId: 'T' }));
    operator = {
      request: async (a) => {
        await terminal.request(a);
        await driver.request(a);
      },
      done: () => terminal.done(),
    };
  } else if (o.hook) {
    operator = new kit.HookOperator(o.hook, terminal);
  }
  const line = (s: string): void => {
    process.stdout.write(`${s}\n`);
  };
  line(
    `cisis-tlr certify ${kit.kitVersion()}: ${plan.title} (plan ${plan.version}, ${plan.steps.length} steps)` +
      ` against ${o.target.host}:${o.target.port}`,
  );
  let report: import('../../certify/index.js').CertifyReport;
  try {
    report = await kit.runCertification({
      plan,
      target,
      listen: { host: o.listenHost, port: o.listen, ...(listenTls ? { tls: listenTls } : {}) },
      operator,
      ackTimeoutMs: o.ackTimeout,
      stepTimeoutMs: o.stepTimeout,
      ...(o.holdAck === undefined ? {} : { holdAckMs: o.holdAck }),
      system: { ...(o.systemName ? { name: o.systemName } : {}), ...(o.systemVersion ? { version: o.systemVersion } : {}) },
      ...(o.kitApplication || o.kitFacility
        ? { kitIdentity: { application: o.kitApplication ?? 'CISIS_TLR_CERTIFY', facility: o.kitFacility ?? 'CISIS_TLR_CERTIFY' } }
        : {}),
      ...(o.theirApplication || o.theirFacility
        ? { partnerIdentity: { application: o.theirApplication ?? '', facility: o.theirFacility ?? '' } }
        : {}),
      ...(o.seed === undefined ? {} : { seed: o.seed }),
      print: line,
      onListening: (port) => line(`the kit listens on ${o.listenHost}:${port}: point the system's outbound MLLP connection there`),
    });
  } catch (e) {
    err(`cisis-tlr certify: ${(e as Error).message}`);
    return 2;
  }
  let written: import('../../certify/index.js').WrittenReport;
  try {
    written = await kit.writeReportFiles(report, o.out, o.chromium);
  } catch (e) {
    err(`cisis-tlr certify: cannot write the report in ${o.out}: ${(e as Error).message}`);
    return 2;
  }
  const s = report.summary;
  line(
    `${report.passed ? 'PASSED' : 'FAILED'}: ${s.passed} passed, ${s.warnings} with warnings, ` +
      `${s.failed} failed (${s.requiredFailed} required, ${s.optionalFailed} optional)`,
  );
  line(`report: ${written.html}, ${written.json}${written.pdf ? `, ${written.pdf}` : ''}`);
  if (written.pdfSkipped) err(`report.pdf not written: ${written.pdfSkipped}`);
  return report.passed ? 0 : 1;
}

function parseRole(v: string): 'ris' | 'platform' {
  if (v !== 'ris' && v !== 'platform') throw new InvalidArgumentError('expected ris or platform');
  return v;
}

function parseHostPort(v: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError('expected HOST:PORT');
  return { host: m[1]!, port: parsePortNumber(m[2]!) };
}

function parsePortNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a TCP port (0 for any free port)');
  return n;
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}
