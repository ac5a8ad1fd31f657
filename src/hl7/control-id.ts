import { randomFillSync } from 'node:crypto';

let counter = 0;
/** The base-36 text of the last millisecond seen (several ids are made within one under load). */
let lastMillisecond = Number.NaN;
let lastTime = '';

/**
 * A new message control id (MSH-10, ST max 20 in v2.5.1): base-36 milliseconds, a per-process
 * counter and 40 random bits — unique across processes and restarts, and roughly time-ordered.
 */
export function newControlId(prefix = ''): string {
  counter = (counter + 1) % 1296;
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    lastTime = now.toString(36).toUpperCase();
  }
  const time = lastTime;
  const seq = counter.toString(36).toUpperCase().padStart(2, '0');
  const rand = randomFiveBytes().toString(36).toUpperCase().padStart(8, '0');
  return (prefix + time + seq + rand).slice(0, 20);
}

/**
 * Random bytes are drawn from the CSPRNG 1,280 at a time and used five by five, each only once: a
 * `randomBytes(5)` per id cost a system call per acknowledgement, a fifth of an MLLP server's time
 * answering AA (Node's `randomUUID` keeps a cache the same way).
 */
const RANDOM_POOL = Buffer.alloc(5 * 256);
let randomOffset = RANDOM_POOL.length;

function randomFiveBytes(): number {
  if (randomOffset + 5 > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomOffset = 0;
  }
  const value = RANDOM_POOL.readUIntBE(randomOffset, 5);
  randomOffset += 5;
  return value;
}
