import { endianness } from 'node:os';
import { AppError } from '../../src/shared/errors.js';

/**
 * Native-messaging framing: each message is a 32-bit length in the machine's native byte order,
 * followed by that many bytes of UTF-8 JSON. Chunks from stdin may split a header or a body, or
 * carry several frames; the decoder copes with all of these.
 */

const HEADER_BYTES = 4;
const littleEndian = endianness() === 'LE';

function readLength(buffer: Buffer, offset: number): number {
  return littleEndian ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset);
}

export function encodeFrame(json: string, maxBytes: number): Buffer {
  const body = Buffer.from(json, 'utf8');
  if (body.length > maxBytes) {
    throw new AppError('MESSAGE_TOO_LARGE', `outgoing message of ${body.length} bytes exceeds ${maxBytes}`, {
      bytes: body.length,
      limit: maxBytes,
    });
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  if (littleEndian) frame.writeUInt32LE(body.length, 0);
  else frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

export type DecodedFrame = { kind: 'frame'; body: Buffer } | { kind: 'oversized'; bytes: number };

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of an oversized frame still to be thrown away, so the stream stays in step. */
  private discarding = 0;

  constructor(private readonly maxBytes: number) {}

  /** Feeds a chunk; returns every frame it completes, in order. */
  push(chunk: Buffer): DecodedFrame[] {
    const out: DecodedFrame[] = [];
    let data = chunk;
    if (this.discarding > 0) {
      const skip = Math.min(this.discarding, data.length);
      this.discarding -= skip;
      data = data.subarray(skip);
      if (data.length === 0) return out;
    }
    this.pending.push(data);
    this.pendingBytes += data.length;

    let buffer = this.pending.length === 1 ? data : Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    while (buffer.length - offset >= HEADER_BYTES) {
      const length = readLength(buffer, offset);
      if (length > this.maxBytes) {
        out.push({ kind: 'oversized', bytes: length });
        const available = buffer.length - offset - HEADER_BYTES;
        const skip = Math.min(length, available);
        offset += HEADER_BYTES + skip;
        this.discarding = length - skip;
        if (this.discarding > 0) break;
        continue;
      }
      if (buffer.length - offset - HEADER_BYTES < length) break;
      out.push({ kind: 'frame', body: buffer.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length) });
      offset += HEADER_BYTES + length;
    }
    buffer = buffer.subarray(offset);
    // Copy the remainder so completed frames do not pin the large concatenated buffer.
    this.pending = buffer.length > 0 ? [Buffer.from(buffer)] : [];
    this.pendingBytes = buffer.length;
    return out;
  }

  /** True when a frame has started but not finished (useful to report a truncated stream). */
  get hasPartialFrame(): boolean {
    return this.pendingBytes > 0 || this.discarding > 0;
  }
}
