import { readSync } from 'node:fs';
import { MAX_ENTRY_BYTES } from './entry.js';

/**
 * Reading the journal file by lines without loading it whole: forwards (verification, reports)
 * and backwards from the end (the writer needs only the last entries). The bytes after the last
 * newline are never a line: they are the torn tail of an interrupted write.
 */

const CHUNK_BYTES = 256 * 1024;
/**
 * Reading back starts small and doubles up to CHUNK_BYTES: the last entry is usually all a writer or
 * the handshake needs, and it should cost the same in a journal of a year as in one of a day.
 */
const FIRST_BACKWARD_CHUNK_BYTES = 16 * 1024;
const NEWLINE = 0x0a;

export type ForwardLine = { kind: 'line'; text: string } | { kind: 'overlong'; bytes: number };

export interface ForwardReadResult {
  /** Bytes up to and including the last newline. */
  completeBytes: number;
  /** Bytes after the last newline (an interrupted write), if any. */
  tornTailBytes: number;
}

/** Calls `onLine` for every complete line, in order, from `from` (which must follow a newline, or be 0). */
export function readLinesForward(fd: number, fileSize: number, onLine: (line: ForwardLine) => void, from = 0): ForwardReadResult {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  let position = from;
  let completeBytes = from;
  const chunk = Buffer.alloc(CHUNK_BYTES);
  while (position < fileSize) {
    const read = readSync(fd, chunk, 0, Math.min(CHUNK_BYTES, fileSize - position), position);
    if (read === 0) break;
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE, 0); newline !== -1 && newline < read; newline = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, newline);
      const lineBytes = pendingBytes + piece.length;
      if (overlong || lineBytes > MAX_ENTRY_BYTES) onLine({ kind: 'overlong', bytes: lineBytes });
      else onLine({ kind: 'line', text: Buffer.concat([...pending, piece]).toString('utf8') });
      pending = [];
      pendingBytes = 0;
      overlong = false;
      start = newline + 1;
      completeBytes = position + start;
    }
    const rest = chunk.subarray(start, read);
    pendingBytes += rest.length;
    if (pendingBytes > MAX_ENTRY_BYTES) {
      overlong = true;
      pending = [];
    } else {
      pending.push(Buffer.from(rest));
    }
    position += read;
  }
  return { completeBytes, tornTailBytes: fileSize - completeBytes };
}

/** The offset just after the last newline (0 when there is none). */
export function endOfLastCompleteLine(fd: number, fileSize: number): number {
  let chunkBytes = FIRST_BACKWARD_CHUNK_BYTES;
  let end = fileSize;
  while (end > 0) {
    const start = Math.max(0, end - chunkBytes);
    const chunk = Buffer.allocUnsafe(end - start);
    const read = readSync(fd, chunk, 0, end - start, start);
    const newline = chunk.subarray(0, read).lastIndexOf(NEWLINE);
    if (newline !== -1) return start + newline + 1;
    end = start;
    chunkBytes = Math.min(chunkBytes * 2, CHUNK_BYTES);
  }
  return 0;
}

export class OverlongLine extends Error {
  override readonly name = 'OverlongLine';
}

/** Complete lines before `end` (which follows a newline), last first. */
export function* readLinesBackward(fd: number, end: number): Generator<string> {
  if (end === 0) return;
  let position = end - 1; // the final newline is not part of the last line
  let data = Buffer.alloc(0);
  let chunkBytes = FIRST_BACKWARD_CHUNK_BYTES;
  for (;;) {
    const newline = data.lastIndexOf(NEWLINE);
    if (newline !== -1) {
      yield data.subarray(newline + 1).toString('utf8');
      data = data.subarray(0, newline);
      continue;
    }
    if (position === 0) {
      yield data.toString('utf8');
      return;
    }
    if (data.length > MAX_ENTRY_BYTES) throw new OverlongLine(`a line before offset ${position + data.length} is longer than ${MAX_ENTRY_BYTES} bytes`);
    const size = Math.min(chunkBytes, position);
    chunkBytes = Math.min(chunkBytes * 2, CHUNK_BYTES);
    position -= size;
    const chunk = Buffer.alloc(size);
    readSync(fd, chunk, 0, size, position);
    data = Buffer.concat([chunk, data]);
  }
}

export function readBytes(fd: number, start: number, end: number): Buffer {
  const bytes = Buffer.alloc(end - start);
  let done = 0;
  while (done < bytes.length) {
    const read = readSync(fd, bytes, done, bytes.length - done, start + done);
    if (read === 0) break;
    done += read;
  }
  return bytes.subarray(0, done);
}
