import { findFreePort } from '../../src/simulate/free-port.js';

/** A TCP port free on 127.0.0.1 right now (the OS picks it; it is released before returning). */
export function freePort(): Promise<number> {
  return findFreePort('127.0.0.1');
}
