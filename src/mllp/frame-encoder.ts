import { CARRIAGE_RETURN, END_BLOCK, START_BLOCK } from './constants.js';

const START = Buffer.of(START_BLOCK);
const END = Buffer.of(END_BLOCK, CARRIAGE_RETURN);

/** Wraps a message payload in an MLLP frame: `<VT> payload <FS><CR>`. */
export function encodeFrame(payload: Uint8Array): Buffer {
  return Buffer.concat([START, payload, END], payload.length + 3);
}
