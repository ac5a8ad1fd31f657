import { EventEmitter } from 'node:events';
import { CARRIAGE_RETURN, DEFAULT_MAX_FRAME_BYTES, END_BLOCK, FRAME_HEAD_BYTES, START_BLOCK } from './constants.js';
import { MllpFrameTooLargeError } from './errors.js';

/** Events of `MllpFrameDecoder`. */
export interface FrameDecoderEvents {
  /** A complete frame payload (without `<VT>`, `<FS><CR>`). */
  frame: [payload: Buffer];
  /** Bytes found outside any frame (or in a frame abandoned for a new start block) were dropped. */
  skipped: [byteCount: number];
  /** A frame crossed the size limit; the decoder drops the rest of it without buffering. */
  error: [error: MllpFrameTooLargeError];
}

type DecoderState = 'between-frames' | 'in-frame' | 'after-end-block' | 'discarding-oversized';

/**
 * Turns a byte stream into MLLP frame payloads. Frames may be split across any number of TCP
 * chunks and several frames may arrive in one chunk.
 *
 * Robustness choices, because a transport must survive any peer:
 * - Bytes outside a frame (garbage, a stray LF after `<FS><CR>`) are skipped and counted, never fatal.
 * - The `<CR>` after `<FS>` is expected but not required: a frame ends at `<FS>`.
 * - A `<VT>` inside an unfinished frame means the sender restarted (e.g. after a timeout) without
 *   closing the previous frame: the partial frame is dropped (counted as skipped) and a new one
 *   begins, as HAPI does. `<VT>` is a control character that valid ER7 never contains.
 * - When a frame exceeds `maxFrameBytes`, an `error` event carries its first 4 KiB (to address a
 *   rejection) and the decoder stops buffering: the rest of that frame is discarded up to its end
 *   block, so memory stays bounded whatever the peer sends.
 * - A frame without an end block is held until more data arrives; the owner decides how long
 *   (the server's idle timeout).
 */
export class MllpFrameDecoder extends EventEmitter<FrameDecoderEvents> {
  readonly maxFrameBytes: number;
  private state: DecoderState = 'between-frames';
  private parts: Buffer[] = [];
  private held = 0;
  private oversizedBytes = 0;
  private framesDecoded = 0;
  private bytesSkipped = 0;

  constructor(options: { maxFrameBytes?: number } = {}) {
    super();
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Frames completed since creation. */
  get frameCount(): number {
    return this.framesDecoded;
  }

  /** Bytes dropped since creation (outside frames, abandoned partial frames, oversized frames). */
  get skippedByteCount(): number {
    return this.bytesSkipped;
  }

  /** Bytes of an unfinished frame currently held in memory. */
  get pendingBytes(): number {
    return this.held;
  }

  /** Whether a frame has started and not yet ended. */
  get inFrame(): boolean {
    return this.state === 'in-frame' || this.state === 'discarding-oversized';
  }

  /** Feeds one chunk; emits `frame`, `skipped` and `error` synchronously. */
  push(chunk: Buffer): void {
    let skipped = 0;
    let pos = 0;
    const length = chunk.length;
    while (pos < length) {
      switch (this.state) {
        case 'after-end-block':
          if (chunk[pos] === CARRIAGE_RETURN) pos++;
          this.state = 'between-frames';
          break;
        case 'between-frames': {
          const start = chunk.indexOf(START_BLOCK, pos);
          if (start === -1) {
            skipped += length - pos;
            pos = length;
          } else {
            skipped += start - pos;
            pos = start + 1;
            this.state = 'in-frame';
          }
          break;
        }
        case 'in-frame': {
          const end = chunk.indexOf(END_BLOCK, pos);
          const stop = end === -1 ? length : end;
          const restart = chunk.subarray(pos, stop).indexOf(START_BLOCK);
          if (restart !== -1) {
            skipped += this.held + restart;
            this.parts = [];
            this.held = 0;
            pos += restart + 1;
            break;
          }
          if (stop > pos) {
            this.parts.push(chunk.subarray(pos, stop));
            this.held += stop - pos;
          }
          if (this.held > this.maxFrameBytes) {
            const received = this.held;
            const head = Buffer.concat(this.parts, Math.min(received, FRAME_HEAD_BYTES));
            this.parts = [];
            this.held = 0;
            if (end === -1) {
              this.oversizedBytes = received;
              this.state = 'discarding-oversized';
              pos = length;
            } else {
              skipped += received;
              this.state = 'after-end-block';
              pos = end + 1;
            }
            this.emit('error', new MllpFrameTooLargeError(this.maxFrameBytes, received, head));
            break;
          }
          if (end === -1) {
            pos = length;
            break;
          }
          const payload = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held);
          this.parts = [];
          this.held = 0;
          this.state = 'after-end-block';
          pos = end + 1;
          this.framesDecoded++;
          this.emit('frame', payload);
          break;
        }
        case 'discarding-oversized': {
          const end = chunk.indexOf(END_BLOCK, pos);
          const stop = end === -1 ? length : end;
          this.oversizedBytes += stop - pos;
          if (end === -1) {
            pos = length;
          } else {
            skipped += this.oversizedBytes;
            this.oversizedBytes = 0;
            this.state = 'after-end-block';
            pos = end + 1;
          }
          break;
        }
      }
    }
    if (skipped > 0) {
      this.bytesSkipped += skipped;
      this.emit('skipped', skipped);
    }
  }

  /** Drops any partial frame (e.g. when the connection closed mid-frame) and returns its size. */
  reset(): number {
    const dropped = this.held + this.oversizedBytes;
    this.parts = [];
    this.held = 0;
    this.oversizedBytes = 0;
    this.state = 'between-frames';
    if (dropped > 0) this.bytesSkipped += dropped;
    return dropped;
  }
}
