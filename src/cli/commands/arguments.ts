import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../simulate/duration.js';

/** Argument parsers shared by the commands (`simulate …`). */

export function hostPort(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new InvalidArgumentError('expected HOST:PORT');
  return { host: m[1]!, port: Number(m[2]) };
}

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return n;
}

export function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}
