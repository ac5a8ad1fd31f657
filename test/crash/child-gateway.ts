import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildCommand, ChildReport, ChildSpec } from './gateway-process.js';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'gateway-process.js');
const START_TIMEOUT_MS = 20_000;

/** A forked child whose modules are loaded, waiting for its `start` command. */
interface Standby {
  readonly child: ChildProcess;
  readonly loaded: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function forkStandby(): Standby {
  const child = fork(ENTRY, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const loaded = new Promise<void>((resolve, reject) => {
    const onMessage = (r: ChildReport): void => {
      if (r.type !== 'loaded') return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
    void exited.then(({ code, signal }) =>
      reject(new Error(`gateway child exited while loading (code ${code}, signal ${signal})\n${stderr}`)),
    );
  });
  loaded.catch(() => undefined);
  return { child, loaded, exited, stderr: () => stderr };
}

/**
 * Starts gateway children, keeping the next one forked and loaded in advance: a restart then costs
 * opening the store and listening, as for an installed service, and not loading the code (seconds
 * on a busy two-core machine, which would make the crash tests slow without testing anything more).
 */
export class ChildLauncher {
  #standby: Standby | undefined = forkStandby();

  /** Hands the standby process its spec, waits until it listens, and forks the next standby. */
  async start(spec: ChildSpec): Promise<ChildGateway> {
    const standby = this.#standby ?? forkStandby();
    this.#standby = undefined;
    try {
      await standby.loaded;
      return await ChildGateway.start(standby, spec);
    } finally {
      this.#standby = forkStandby();
    }
  }

  /** Kills the standby process. */
  async close(): Promise<void> {
    const standby = this.#standby;
    this.#standby = undefined;
    if (!standby) return;
    standby.child.kill('SIGKILL');
    await standby.exited;
  }
}

/**
 * A gateway running in a child process ({@link ENTRY}), as the crash tests see it: started on a
 * storage, killed with SIGKILL (no shutdown hook runs, no buffer is flushed, open transactions die
 * with the process), or stopped gracefully at the end.
 */
export class ChildGateway {
  readonly mllpPort: number;
  readonly apiPort: number;
  /** Resolves when the process is gone, whatever the cause. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess, ready: { mllpPort: number; apiPort: number }, exited: ChildGateway['exited']) {
    this.#child = child;
    this.mllpPort = ready.mllpPort;
    this.apiPort = ready.apiPort;
    this.exited = exited;
  }

  /** Sends `start` and waits until the listeners are up; rejects with the child's stderr if it fails. */
  static async start(standby: Standby, spec: ChildSpec): Promise<ChildGateway> {
    const { child, exited } = standby;
    const ready = await new Promise<{ mllpPort: number; apiPort: number }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`gateway child not ready after ${START_TIMEOUT_MS} ms\n${standby.stderr()}`)),
        START_TIMEOUT_MS,
      );
      const onMessage = (r: ChildReport): void => {
        if (r.type === 'ready') {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve({ mllpPort: r.mllpPort, apiPort: r.apiPort });
        } else if (r.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`gateway child failed to start: ${r.error}\n${standby.stderr()}`));
        }
      };
      child.on('message', onMessage);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`gateway child exited before ready (code ${code}, signal ${signal})\n${standby.stderr()}`));
      });
      child.send({ type: 'start', spec } satisfies ChildCommand);
    });
    return new ChildGateway(child, ready, exited);
  }

  /** SIGKILL: the process stops between two machine instructions, exactly like a power cut for the process. */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.exited;
  }

  /** Open outbox items (pending, in flight or parked), as the child's store counts them. */
  async outboxOpen(): Promise<number> {
    const reply = this.#reply('depth');
    this.#send({ type: 'depth' });
    const r = await reply;
    return r.type === 'depth' ? r.open : Number.NaN;
  }

  /** Graceful stop (API, listener, dispatchers, store), then waits for the process to exit. */
  async stop(): Promise<void> {
    const stopped = this.#reply('stopped');
    this.#send({ type: 'stop' });
    await stopped;
    await this.exited;
  }

  #send(command: ChildCommand): void {
    this.#child.send(command);
  }

  async #reply(type: ChildReport['type']): Promise<ChildReport> {
    for (;;) {
      const [r] = (await once(this.#child, 'message')) as [ChildReport];
      if (r.type === type) return r;
    }
  }
}

/** A TCP port free right now on loopback, kept for every restart of a child (a sender reconnects to the same address). */
export { freePort } from '../helpers/ports.js';

/** Uniform random integer in [min, max]. */
export function randomBetween(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}
