/**
 * Child-process entry of the crash-safety tests: runs one gateway instance (role, storage and ports
 * given by the parent) until it is told to stop — or, more to the point, until it is killed with
 * SIGKILL. Compiled to `dist/test/crash/gateway-process.js` and started with `child_process.fork`.
 *
 * Protocol over the IPC channel (see {@link ChildCommand}, {@link ChildReport}):
 * - once its modules are loaded the child reports `loaded` and waits for `start` with its
 *   {@link ChildSpec}: the parent keeps one such process on standby, so that a restart after a kill
 *   costs what a restart of an already installed service costs (open the store, listen), not the
 *   loading of the code — which on a busy two-core machine would dominate the test's duration;
 * - the child reports `ready` once the MLLP listener (and the REST API, when asked) is listening;
 * - the parent may ask for the outbox depth (`depth` → `depth`) and for a graceful stop
 *   (`stop` → `stopped`, then the process exits).
 *
 * Fault injection: `killAfterCommitOf` names placer order numbers; when the gateway emits the event of
 * such an order — which it does after the store transaction committed and before the ACK is written —
 * the process SIGKILLs itself. That is the narrowest window of commit-then-acknowledge ("stored, not
 * acknowledged"), which a timer-driven kill only hits by chance.
 */
import { pino } from 'pino';
import { Gateway } from '../../src/gateway/gateway.js';
import { loadConfig } from '../../src/gateway/config.js';
import type { GatewayConfigInput, Role } from '../../src/gateway/config.js';
import { startGateway } from '../../src/gateway/start.js';

/** What the parent passes with the `start` command. */
export interface ChildSpec {
  role: Role;
  storageUrl: string;
  dataDir: string;
  mllpPort: number;
  partnerPort: number;
  /** Start the REST API on this port (RIS side of the outbound test); omitted: headless core. */
  apiPort?: number;
  apiKey?: string;
  /** Partner ACK timeout; the outbox lease is twice this plus 5 s. */
  ackTimeoutMs?: number;
  /** Outbox poll interval of the dispatcher, ms. */
  pollMs?: number;
  /** Placer order numbers whose committed event makes the process kill itself. */
  killAfterCommitOf?: string[];
}

export type ChildCommand = { type: 'start'; spec: ChildSpec } | { type: 'stop' } | { type: 'depth' };

export type ChildReport =
  | { type: 'loaded' }
  | { type: 'ready'; mllpPort: number; apiPort: number }
  | { type: 'depth'; open: number }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };

function report(r: ChildReport): void {
  process.send?.(r);
}

async function run(spec: ChildSpec): Promise<void> {
  const overrides: GatewayConfigInput = {
    role: spec.role,
    storage: { url: spec.storageUrl },
    dataDir: spec.dataDir,
    mllp: { host: '127.0.0.1', port: spec.mllpPort },
    partner: { host: '127.0.0.1', port: spec.partnerPort, ...(spec.ackTimeoutMs ? { ackTimeoutMs: spec.ackTimeoutMs } : {}) },
    api: { host: '127.0.0.1', port: spec.apiPort ?? 0, keys: spec.apiKey ? [spec.apiKey] : [] },
    logLevel: 'error',
  };
  // An empty environment: the child must run on exactly what the parent gave it.
  const config = await loadConfig({ overrides, env: {} });
  // Errors only, on stderr (the parent keeps stdout clean and shows stderr when a start fails).
  const logger = pino({ level: 'error', base: { role: config.role } }, pino.destination(2));
  const options = { logger, ...(spec.pollMs ? { pollMs: spec.pollMs } : {}) };
  const gw = spec.apiPort !== undefined ? await startGateway(config, options) : await Gateway.start(config, options);

  const killers = new Set(spec.killAfterCommitOf ?? []);
  if (killers.size > 0) {
    gw.on('event', (event) => {
      if (event.placerOrderNumber !== undefined && killers.has(event.placerOrderNumber)) process.kill(process.pid, 'SIGKILL');
    });
  }

  process.on('message', (command: ChildCommand) => {
    if (command.type === 'start') return;
    if (command.type === 'depth') {
      void gw.store
        .outboxDepth()
        .then((depth) => report({ type: 'depth', open: depth.reduce((n, d) => n + d.pending + d.inFlight + d.parked, 0) }));
    } else if (command.type === 'stop') {
      void gw.stop().then(() => {
        report({ type: 'stopped' });
        process.disconnect();
      });
    }
  });
  report({ type: 'ready', mllpPort: gw.mllpPort, apiPort: gw.apiPort });
}

process.once('message', (command: ChildCommand) => {
  if (command.type !== 'start') return;
  run(command.spec).catch((error: unknown) => {
    report({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  });
});
report({ type: 'loaded' });
