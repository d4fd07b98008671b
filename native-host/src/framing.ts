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

/**
 * Splits the browser's byte stream into frames. A length over the limit ends the stream: the
 * framing has no resync point (any four bytes read as a length), so after one bad length nothing
 * that follows can be trusted to start a frame. The decoder reports it once and reads no further.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private refused = false;

  constructor(private readonly maxBytes: number) {}

  /** Feeds a chunk; returns every frame it completes, in order, ending with `oversized` if a bad length came. */
  push(chunk: Buffer): DecodedFrame[] {
    const out: DecodedFrame[] = [];
    if (this.refused) return out;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;

    let buffer = this.pending.length === 1 ? chunk : Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    while (buffer.length - offset >= HEADER_BYTES) {
      const length = readLength(buffer, offset);
      if (length > this.maxBytes) {
        out.push({ kind: 'oversized', bytes: length });
        this.refused = true;
        this.pending = [];
        this.pendingBytes = 0;
        return out;
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
    return this.pendingBytes > 0;
  }
}
