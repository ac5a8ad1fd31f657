import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MllpFrameDecoder, type MllpFrameTooLargeError, encodeFrame } from '../../src/mllp/index.js';
import { frame, sampleMessage } from './helpers.js';

function collect(decoder: MllpFrameDecoder): { frames: string[]; skipped: number[]; errors: MllpFrameTooLargeError[] } {
  const out = { frames: [] as string[], skipped: [] as number[], errors: [] as MllpFrameTooLargeError[] };
  decoder.on('frame', (payload) => out.frames.push(payload.toString('latin1')));
  decoder.on('skipped', (count) => out.skipped.push(count));
  decoder.on('error', (error) => out.errors.push(error));
  return out;
}

describe('MllpFrameDecoder', () => {
  it('reassembles a frame delivered one byte at a time', () => {
    const decoder = new MllpFrameDecoder();
    const out = collect(decoder);
    const bytes = frame(sampleMessage('BYTE1'));
    for (let i = 0; i < bytes.length; i++) decoder.push(bytes.subarray(i, i + 1));
    assert.deepEqual(out.frames, [sampleMessage('BYTE1').toString('latin1')]);
    assert.equal(decoder.skippedByteCount, 0);
    assert.equal(decoder.pendingBytes, 0);
  });

  it('splits three frames delivered in one chunk', () => {
    const decoder = new MllpFrameDecoder();
    const out = collect(decoder);
    decoder.push(Buffer.concat([frame('A'), frame('BB'), frame('CCC')]));
    assert.deepEqual(out.frames, ['A', 'BB', 'CCC']);
    assert.equal(decoder.frameCount, 3);
  });

  it('skips and counts garbage between frames without losing either frame', () => {
    const decoder = new MllpFrameDecoder();
    const out = collect(decoder);
    decoder.push(Buffer.concat([Buffer.from('junk'), frame('A'), Buffer.from('\n\nmore junk'), frame('B')]));
    assert.deepEqual(out.frames, ['A', 'B']);
    assert.equal(decoder.skippedByteCount, 'junk'.length + '\n\nmore junk'.length);
  });

  it('ends a frame at FS even when the trailing CR is missing', () => {
    const decoder = new MllpFrameDecoder();
    const out = collect(decoder);
    decoder.push(Buffer.from('\x0bA\x1c\x0bB\x1c\r'));
    assert.deepEqual(out.frames, ['A', 'B']);
    assert.equal(decoder.skippedByteCount, 0);
  });

  it('holds a frame with no end block until the rest arrives', () => {
    const decoder = new MllpFrameDecoder();
    const out = collect(decoder);
    decoder.push(Buffer.from('\x0bMSH|partial'));
    assert.deepEqual(out.frames, []);
    assert.equal(decoder.pendingBytes, 11);
    assert.equal(decoder.inFrame, true);
    decoder.push(Buffer.from(' end\x1c\r'));
    assert.deepEqual(out.frames, ['MSH|partial end']);
  });

  it('drops an unfinished frame when a new start block arrives, counting its bytes as skipped', () => {
    const decoder = new MllpFrameDecoder();
    const out = collect(decoder);
    decoder.push(Buffer.from('\x0babandoned'));
    decoder.push(Buffer.from('\x0bkept\x1c\r'));
    assert.deepEqual(out.frames, ['kept']);
    assert.equal(decoder.skippedByteCount, 9);
  });

  it('reports an oversized frame once, keeps only its head and resumes with the next frame', () => {
    const decoder = new MllpFrameDecoder({ maxFrameBytes: 100 });
    const out = collect(decoder);
    const big = Buffer.concat([sampleMessage('BIG1'), Buffer.alloc(10_000, 0x41)]);
    const bytes = encodeFrame(big);
    for (let i = 0; i < bytes.length; i += 1000) decoder.push(bytes.subarray(i, i + 1000));
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0]!.code, 'TLR_ERR_MLLP_FRAME_TOO_LARGE');
    assert.ok(out.errors[0]!.head.toString('latin1').startsWith('MSH|^~\\&|RIS'));
    assert.ok(out.errors[0]!.head.length <= 4096);
    // Memory stays bounded while the rest of the oversized frame streams in.
    assert.equal(decoder.pendingBytes, 0);
    decoder.push(frame('next'));
    assert.deepEqual(out.frames, ['next']);
    assert.equal(decoder.skippedByteCount, big.length);
  });

  it('counts the bytes of a partial frame dropped by reset', () => {
    const decoder = new MllpFrameDecoder();
    decoder.push(Buffer.from('\x0b12345'));
    assert.equal(decoder.reset(), 5);
    assert.equal(decoder.skippedByteCount, 5);
    assert.equal(decoder.inFrame, false);
  });
});
