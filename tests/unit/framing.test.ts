import { endianness } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, encodeFrame, type DecodedFrame } from '../../native-host/src/framing.js';
import { AppError } from '../../src/shared/errors.js';

const littleEndian = endianness() === 'LE';

function header(length: number): Buffer {
  const buffer = Buffer.alloc(4);
  if (littleEndian) buffer.writeUInt32LE(length, 0);
  else buffer.writeUInt32BE(length, 0);
  return buffer;
}

function frame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([header(body.length), body]);
}

/** Frames as plain values, so that assertions compare text rather than Buffer instances. */
function texts(frames: DecodedFrame[]): (string | { oversized: number })[] {
  return frames.map((f) => (f.kind === 'frame' ? f.body.toString('utf8') : { oversized: f.bytes }));
}

describe('FrameDecoder', () => {
  it('decodes one whole frame', () => {
    const decoder = new FrameDecoder(1024);
    expect(texts(decoder.push(frame('{"id":"1"}')))).toEqual(['{"id":"1"}']);
    expect(decoder.hasPartialFrame).toBe(false);
  });

  it('decodes a stream delivered one byte at a time, headers included', () => {
    const decoder = new FrameDecoder(1024);
    const stream = Buffer.concat([frame('{"a":1}'), frame('{"b":"two"}'), frame('')]);
    const out: DecodedFrame[] = [];
    for (let i = 0; i < stream.length; i++) {
      out.push(...decoder.push(stream.subarray(i, i + 1)));
      if (i === 0) expect(decoder.hasPartialFrame).toBe(true);
    }
    expect(texts(out)).toEqual(['{"a":1}', '{"b":"two"}', '']);
    expect(decoder.hasPartialFrame).toBe(false);
  });

  it('decodes several frames carried by one chunk, in order', () => {
    const decoder = new FrameDecoder(1024);
    const chunk = Buffer.concat([frame('first'), frame('second'), frame('third')]);
    expect(texts(decoder.push(chunk))).toEqual(['first', 'second', 'third']);
    expect(decoder.hasPartialFrame).toBe(false);
  });

  it('keeps half of the next frame until the rest arrives', () => {
    const decoder = new FrameDecoder(1024);
    const next = frame('{"id":"2","command":"status"}');
    const cut = 9;
    expect(texts(decoder.push(Buffer.concat([frame('{"id":"1"}'), next.subarray(0, cut)])))).toEqual(['{"id":"1"}']);
    expect(decoder.hasPartialFrame).toBe(true);
    expect(texts(decoder.push(next.subarray(cut)))).toEqual(['{"id":"2","command":"status"}']);
    expect(decoder.hasPartialFrame).toBe(false);
  });

  it('reports an oversized length once and reads nothing after it, whatever arrives', () => {
    const decoder = new FrameDecoder(16);
    const big = Buffer.alloc(100, 0x41);
    // The header and the first 10 body bytes arrive together.
    expect(texts(decoder.push(Buffer.concat([header(big.length), big.subarray(0, 10)])))).toEqual([{ oversized: 100 }]);
    // The framing has no resync point: the rest of the body and a valid frame are not read.
    expect(decoder.push(big.subarray(10))).toEqual([]);
    expect(decoder.push(frame('{"ok":1}'))).toEqual([]);
    expect(decoder.hasPartialFrame).toBe(false);
  });

  it('returns the frames before an oversized length in the same chunk, then stops', () => {
    const decoder = new FrameDecoder(4);
    const chunk = Buffer.concat([frame('ok'), frame('0123456789'), frame('no')]);
    expect(texts(decoder.push(chunk))).toEqual(['ok', { oversized: 10 }]);
    expect(decoder.push(frame('no'))).toEqual([]);
  });

  it('refuses a 0xFFFFFFFF length at once, without waiting for its body', () => {
    const decoder = new FrameDecoder(1024);
    expect(texts(decoder.push(header(0xffffffff)))).toEqual([{ oversized: 0xffffffff }]);
  });

  it('accepts a frame of exactly maxBytes', () => {
    const decoder = new FrameDecoder(5);
    expect(texts(decoder.push(frame('12345')))).toEqual(['12345']);
  });

  it('decodes a zero-length frame', () => {
    const decoder = new FrameDecoder(1024);
    const out = decoder.push(header(0));
    expect(out).toHaveLength(1);
    const only = out[0];
    expect(only?.kind).toBe('frame');
    if (only?.kind === 'frame') expect(only.body.length).toBe(0);
    expect(decoder.hasPartialFrame).toBe(false);
  });

  it('reports a partial frame while only part of a header has arrived', () => {
    const decoder = new FrameDecoder(1024);
    expect(decoder.hasPartialFrame).toBe(false);
    expect(decoder.push(header(3).subarray(0, 2))).toEqual([]);
    expect(decoder.hasPartialFrame).toBe(true);
    expect(decoder.push(header(3).subarray(2))).toEqual([]);
    expect(decoder.hasPartialFrame).toBe(true);
    expect(texts(decoder.push(Buffer.from('abc')))).toEqual(['abc']);
    expect(decoder.hasPartialFrame).toBe(false);
  });
});

describe('encodeFrame', () => {
  it('writes the body length in native byte order followed by the UTF-8 body', () => {
    const encoded = encodeFrame('{"x":1}', 1024);
    expect(encoded.length).toBe(4 + 7);
    expect(encoded.subarray(0, 4)).toEqual(header(7));
    expect(encoded.subarray(4).toString('utf8')).toBe('{"x":1}');
  });

  it('refuses a body over maxBytes with MESSAGE_TOO_LARGE', () => {
    let caught: unknown;
    try {
      encodeFrame('x'.repeat(11), 10);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect(error.code).toBe('MESSAGE_TOO_LARGE');
    expect(error.details).toEqual({ bytes: 11, limit: 10 });
  });

  it('measures the limit in bytes, not in characters', () => {
    // 'é' is one character but two bytes: 5 characters, 10 bytes.
    expect(() => encodeFrame('ééééé', 9)).toThrow(AppError);
    expect(encodeFrame('ééééé', 10).length).toBe(14);
  });

  it('round-trips multibyte UTF-8 through the decoder, even split inside a character', () => {
    const text = JSON.stringify({ name: 'Élodie Ça va 😀', emoji: '😀😀' });
    const bodyBytes = Buffer.byteLength(text, 'utf8');
    expect(bodyBytes).not.toBe(text.length);
    const encoded = encodeFrame(text, 1024);
    expect(encoded.length).toBe(4 + bodyBytes);
    const decoder = new FrameDecoder(1024);
    // Split in the middle of the first emoji's four bytes.
    const emojiAt = 4 + Buffer.from(text.slice(0, text.indexOf('😀')), 'utf8').length;
    const first = decoder.push(encoded.subarray(0, emojiAt + 2));
    expect(first).toEqual([]);
    const rest = decoder.push(encoded.subarray(emojiAt + 2));
    expect(texts(rest)).toEqual([text]);
    expect(JSON.parse(texts(rest)[0] as string)).toEqual({ name: 'Élodie Ça va 😀', emoji: '😀😀' });
  });
});
