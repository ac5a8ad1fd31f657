import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A new message control id (MSH-10, ST max 20 in v2.5.1): base-36 milliseconds, a per-process
 * counter and 40 random bits — unique across processes and restarts, and roughly time-ordered.
 */
export function newControlId(prefix = ''): string {
  counter = (counter + 1) % 1296;
  const time = Date.now().toString(36).toUpperCase();
  const seq = counter.toString(36).toUpperCase().padStart(2, '0');
  const rand = randomBytes(5).readUIntBE(0, 5).toString(36).toUpperCase().padStart(8, '0');
  return (prefix + time + seq + rand).slice(0, 20);
}
