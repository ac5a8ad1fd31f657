import { rm } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { DemoHalves, DemoSummary } from '../../simulate/index.js';
import { DEMO_MIN_ORDERS } from '../../simulate/demo-stories.js';
import { formatDuration, parseDuration } from '../../simulate/duration.js';
import { writeOut } from '../output.js';
import { CDA_ENVIRONMENT, helpSections } from '../help.js';

interface DemoCliOptions {
  exit?: boolean;
  json?: boolean;
  orders: number;
  dataDir?: string;
  seed?: number;
  reports: 'auto' | 'on' | 'off';
  ackTimeout?: number;
  onward: 'pfi' | 'dmp';
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
    return n;
  };
}

/** The last stdout line of `demo --json`: the contract CI and scripts parse. */
export function demoJsonLine(s: DemoSummary): string {
  return JSON.stringify({
    orders: s.orders,
    byState: s.byState,
    messages: s.messages,
    acks: s.acks,
    validationErrors: s.validationErrors,
    reportsReceived: s.reportsReceived,
    orderDocuments: s.orderDocuments,
    skippedStages: s.skippedStages,
    onward: s.onward,
    publications: s.publications,
    outcome: outcomeOf(s),
    problems: s.problems,
  });
}

/** `every expected outcome happened` only when the whole chain ran (or a stage was turned off on request) without problem. */
function outcomeOf(s: DemoSummary): string {
  if (s.problems.length) return `${s.problems.length} problem(s)`;
  const skipped = s.skippedStages.filter((stage) => !stage.requested);
  if (skipped.length) return `incomplete: skipped ${skipped.map((stage) => `${stage.stage} (${stage.reason})`).join('; ')}`;
  const off = s.skippedStages.filter((stage) => stage.requested);
  return off.length
    ? `every expected outcome happened (${off.map((stage) => stage.stage).join(', ')} turned off)`
    : 'every expected outcome happened';
}

function onwardRoute(value: string): 'pfi' | 'dmp' {
  if (value !== 'pfi' && value !== 'dmp') throw new InvalidArgumentError('expected pfi or dmp');
  return value;
}

function reportsMode(value: string): 'auto' | 'on' | 'off' {
  if (value !== 'auto' && value !== 'on' && value !== 'off') throw new InvalidArgumentError('expected auto, on or off');
  return value;
}

function summaryLines(s: DemoSummary): string[] {
  const states = Object.entries(s.byState)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const stories = Object.entries(s.stories)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const reports = s.reportStage.included
    ? `${s.reports.sent} written, ${s.reports.replaced} replaced, ${s.reports.deleted} deleted; ` +
      `${s.reportsReceived} report message(s) received by the RIS`
    : `skipped: ${s.reportStage.reason ?? ''}`;
  return [
    '',
    `Summary (${formatDuration(s.durationMs)})`,
    `  requests            ${s.orders}: ${stories}`,
    `  final states (RIS)  ${states}`,
    `  messages            ${s.messages.sent} sent, ${s.messages.received} received`,
    `  acknowledgements    AA ${s.acks.AA}, AE ${s.acks.AE}, AR ${s.acks.AR}`,
    `  validation          ${s.validationErrors} error(s), ${s.validationWarnings} warning(s)`,
    `  reports             ${reports}`,
    `  publications (${s.onward.toUpperCase()})  ${publicationsLine(s)}`,
    `  order documents     ${documentLine(s, 'request', 'DA-IMG')}; ${documentLine(s, 'supporting', 'supporting')}`,
    s.problems.length
      ? `  PROBLEMS            ${s.problems.length}:\n${s.problems.map((p) => `    - ${p}`).join('\n')}`
      : `  outcome             ${outcomeOf(s)}`,
  ];
}

function documentLine(s: DemoSummary, role: 'request' | 'supporting', label: string): string {
  const n = s.orderDocuments[role];
  return `${label} ${n.sent} sent, ${n.received} received, ${n.valid} valid`;
}

function endpointLines(h: DemoHalves): string[] {
  const lines = [''];
  for (const [name, gw] of [
    ['RIS', h.ris],
    ['platform', h.platform],
  ] as const) {
    const base = `http://${gw.config.api.host}:${gw.apiPort}`;
    const console = gw.http?.hasRoute({ method: 'GET', url: '/console' }) ? `, console ${base}/console` : '';
    lines.push(`${name.padEnd(9)} API ${base}/api, docs ${base}/docs${console}, MLLP ${gw.config.mllp.host}:${gw.mllpPort}`);
  }
  lines.push(
    `API key   ${h.apiKey}   (curl -H "Authorization: Bearer ${h.apiKey}" http://${h.ris.config.api.host}:${h.ris.apiPort}/api/orders)`,
  );
  if (h.dmp) lines.push(`DMP       ${h.dmp.double.url} (test double: /repository, /registry, GET /entries)`);
  lines.push(`data      ${h.dataDir}`);
  return lines;
}

/**
 * `cisis-tlr demo [--exit] [--json] [--orders N] [--data-dir DIR] [--seed N]`: a RIS half and a
 * platform half on loopback exchange a realistic scenario through every flow, then stay up for
 * exploration until Ctrl-C (`--exit` stops at the end). Exit code 0 only when every expected
 * outcome happened. With `--json` the last stdout line is the JSON summary.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a RIS and a teleradiology platform on loopback through every flow, print a summary, keep them running')
    .option('--exit', 'stop both halves once the scenario is over (for CI)')
    .option('--json', 'end with the summary as one JSON line on stdout')
    .option('--orders <n>', `number of requests (≥ ${DEMO_MIN_ORDERS})`, integerAtLeast(DEMO_MIN_ORDERS), 24)
    .option('--data-dir <dir>', 'directory of the two SQLite databases (default: a fresh temp directory)')
    .option('--seed <n>', 'seed of the simulated data (default: random, printed)', integerAtLeast(0))
    .option(
      '--ack-timeout <duration>',
      "time each half waits for the other's acknowledgement before retrying a delivery (default 10s)",
      duration,
    )
    .option(
      '--reports <mode>',
      'auto: report performed exams when the CDA rule sets are ready within 25 s; on: wait for them; off',
      reportsMode,
      'auto',
    )
    .option(
      '--onward <route>',
      'where the RIS sends the reports on: pfi (its integration platform: DMP, MSSanté) or dmp (a local DMP double, directly over XDS.b)',
      onwardRoute,
      'pfi',
    )
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr demo',
          'cisis-tlr demo --exit --json --orders 30 --seed 1 | tail -1 | jq .',
          'cisis-tlr demo --exit --onward dmp',
        ],
        environment: CDA_ENVIRONMENT,
      }),
    )
    .action(async (o: DemoCliOptions) => {
      // Loaded here, not at the top: `--help` and the other commands must not pay for the gateway.
      const { runDemoScenario, startDemoHalves } = await import('../../simulate/index.js');
      const out = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      const halves = await startDemoHalves({
        ...(o.dataDir ? { dataDir: o.dataDir } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.ackTimeout ? { ackTimeoutMs: o.ackTimeout } : {}),
        onward: o.onward,
      });
      let summary: DemoSummary;
      try {
        out(
          `cisis-tlr demo: ${o.orders} requests between a RIS (MLLP ${halves.ris.mllpPort}) ` +
            `and a teleradiology platform (MLLP ${halves.platform.mllpPort}), seed ${halves.seed}`,
        );
        summary = await runDemoScenario(halves, { orders: o.orders, reports: o.reports, print: out });
      } catch (e) {
        await halves.stop();
        if (!o.dataDir) await rm(halves.dataDir, { recursive: true, force: true });
        throw e;
      }
      for (const l of summaryLines(summary)) out(l);
      process.exitCode = summary.problems.length || summary.skippedStages.some((stage) => !stage.requested) ? 1 : 0;
      if (!o.exit) {
        for (const l of endpointLines(halves)) out(l);
        out('Both halves keep running; Ctrl-C to stop.');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      }
      await halves.stop();
      // A directory the demo created for itself goes with it; one given with --data-dir stays.
      if (!o.dataDir) await rm(halves.dataDir, { recursive: true, force: true });
      if (o.json) await writeOut(`${demoJsonLine(summary)}\n`);
      // A first compilation of the CDA rule sets that `auto` gave up waiting for still runs in a child
      // process, which would keep this one alive for minutes: the demo is over, so leave now.
      if (summary.reportStage.included === false && o.reports === 'auto') process.exit(process.exitCode ?? 0);
    });
}

/** `DMP 3 accepted, 1 skipped; MSSanté 4 accepted`: the onward route's destinations by status (the direct route: the DMP only). */
function publicationsLine(s: DemoSummary): string {
  const part = (label: string, byStatus: Record<string, number | undefined>): string => {
    const counts = Object.entries(byStatus).filter(([, n]) => n);
    return `${label} ${counts.length ? counts.map(([status, n]) => `${n} ${status}`).join(', ') : 'none'}`;
  };
  if (s.onward === 'dmp') return part('DMP', s.publications.dmp);
  return `${part('DMP', s.publications.dmp)}; ${part('MSSanté', s.publications.mssante)}`;
}
