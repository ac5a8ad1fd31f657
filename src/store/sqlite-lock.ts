import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

import { StoreError } from './errors.js';

/** What the lock file says about its holder. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** A lock file younger than this that cannot be read is being written by its creator: not stale. */
const UNREADABLE_GRACE_MS = 10_000;

/** Lock files held by this process, by absolute path (a recycled pid must not look alive to itself). */
const heldHere = new Set<string>();

/** An acquired lock; `release` removes the file if it is still ours. */
export interface HeldLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the exclusive lock file of a SQLite database: created with O_EXCL and holding our pid, host
 * and start time. A file left by a dead process (its pid no longer exists on this host) is stale and
 * taken over; one held by a live process makes the open fail with `TLR_ERR_STORE_LOCKED`, naming it.
 *
 * Why a pid file and not only SQLite's own locking: SQLite serialises writers but lets any number of
 * processes use one file, and two gateways on one outbox release and steal each other's leases.
 * Limits, stated: a holder on another host (network file system) cannot be checked and counts as
 * alive; a dead holder whose pid was reused by an unrelated process counts as alive until that
 * process ends (the message says which pid, so an operator can decide to delete the file).
 */
export function acquireLockFile(databasePath: string): HeldLock {
  const path = `${resolve(databasePath)}.lock`;
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const mine = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, mine);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      heldHere.add(path);
      return {
        path,
        release: () => {
          heldHere.delete(path);
          try {
            if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('TLR_ERR_STORE_LOCKED', `cannot create the lock file ${path}: ${(error as Error).message}`, { cause: error });
      }
    }
    const holder = readHolder(path);
    if (holder === 'gone') continue;
    if (holder === 'being-written' || (holder !== 'unreadable' && isAlive(holder, path))) {
      const who =
        holder === 'being-written' ? 'a process that is starting' : `process ${holder.pid} on ${holder.host} (since ${holder.startedAt})`;
      throw new StoreError(
        'TLR_ERR_STORE_LOCKED',
        `the database ${resolve(databasePath)} is in use by ${who}: two gateways must not share one SQLite data directory ` +
          `(they would send the same messages twice). Stop the other one, give this one its own data directory, or use PostgreSQL ` +
          `to run several instances. If that process no longer exists, delete ${path}.`,
      );
    }
    // Stale: its holder is dead. Remove it and try again to create ours.
    try {
      unlinkSync(path);
    } catch {
      // someone else removed it first
    }
  }
  throw new StoreError('TLR_ERR_STORE_LOCKED', `could not take the lock file ${path}: another process keeps taking it`);
}

function readHolder(path: string): LockHolder | 'gone' | 'being-written' | 'unreadable' {
  let text: string;
  let ageMs: number;
  try {
    text = readFileSync(path, 'utf8');
    ageMs = Date.now() - statSync(path).mtimeMs;
  } catch {
    return 'gone';
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? '?') };
    }
  } catch {
    // fall through
  }
  return ageMs < UNREADABLE_GRACE_MS ? 'being-written' : 'unreadable';
}

function isAlive(holder: LockHolder, path: string): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return heldHere.has(path);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
