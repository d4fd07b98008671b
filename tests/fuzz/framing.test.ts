import { endianness } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommandTable } from '../../native-host/src/commands/context.js';
import { lazyCommandHandlers } from '../../native-host/src/commands/lazy.js';
import { hostConfigSchema } from '../../native-host/src/config.js';
import { Dispatcher } from '../../native-host/src/dispatch.js';
import { encodeFrame, FrameDecoder, type DecodedFrame } from '../../native-host/src/framing.js';
import { hostCommands, hostReplySchema, type HostCommandName } from '../../src/shared/host-protocol.js';
import { HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../src/shared/version.js';
import { fuzzParameters } from './fuzz-settings.js';

const MAX = 4096;
const littleEndian = endianness() === 'LE';

function header(length: number): Buffer {
  const bytes = Buffer.alloc(4);
  if (littleEndian) bytes.writeUInt32LE(length);
  else bytes.writeUInt32BE(length);
  return bytes;
}

/** A byte stream cut into chunks at arbitrary points. */
function chunked(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => (stream.length === 0 ? 0 : cut % stream.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, stream.length]) {
    chunks.push(stream.subarray(from, point));
    from = point;
  }
  return chunks;
}

function decodeAll(decoder: FrameDecoder, chunks: Buffer[]): DecodedFrame[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

describe('the frame decoder under arbitrary input', () => {
  it('never throws; yields frames within the limit and, at most once and last, an oversized length', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 20 }), (chunks) => {
        const decoder = new FrameDecoder(MAX);
        const out = decodeAll(decoder, chunks.map((chunk) => Buffer.from(chunk)));
        const oversized = out.findIndex((frame) => frame.kind === 'oversized');
        expect(oversized === -1 || oversized === out.length - 1).toBe(true);
        for (const frame of out) if (frame.kind === 'frame') expect(frame.body.length).toBeLessThanOrEqual(MAX);
        // Whatever comes after a refused length is not read.
        if (oversized !== -1) expect(decoder.push(Buffer.concat([header(1), Buffer.from('x')]))).toEqual([]);
      }),
      fuzzParameters(300),
    );
  });

  it('gives back exactly the frames encoded, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200, unit: 'grapheme' }), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (bodies, cuts) => {
        const stream = Buffer.concat(bodies.map((body) => encodeFrame(body, MAX)));
        const out = decodeAll(new FrameDecoder(MAX), chunked(stream, cuts));
        expect(out.map((frame) => (frame.kind === 'frame' ? frame.body.toString('utf8') : frame))).toEqual(bodies);
      }),
      fuzzParameters(300),
    );
  });

  it('refuses a stream of valid frames followed by a bad length after exactly those frames', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 50 }), { maxLength: 5 }), fc.integer({ min: MAX + 1, max: 0xffffffff }), fc.uint8Array({ maxLength: 100 }), fc.array(fc.nat(), { maxLength: 10 }), (bodies, bad, rest, cuts) => {
        const stream = Buffer.concat([...bodies.map((body) => encodeFrame(body, MAX)), header(bad), Buffer.from(rest)]);
        const out = decodeAll(new FrameDecoder(MAX), chunked(stream, cuts));
        expect(out).toEqual([...bodies.map((body) => ({ kind: 'frame', body: Buffer.from(body) })), { kind: 'oversized', bytes: bad }]);
      }),
      fuzzParameters(300),
    );
  });
});

describe('the dispatcher under arbitrary frames', () => {
  const handlers: CommandTable = lazyCommandHandlers(() => Promise.reject(new Error('the fuzz never loads the command modules')));
  const context = {
    config: hostConfigSchema.parse({}),
    stateDir: '/nonexistent/eattest-fuzz',
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    caller: { browserFamily: 'chromium' as const, extensionId: 'kpghmhnplncbdjmflbikfegpgigphlfp' },
    startedAt: Date.now(),
    certificateSummary: () => null,
    get ehealth(): never {
      throw new Error('no eHealth service in the fuzz');
    },
  };
  const hello = Buffer.from(JSON.stringify({ id: 'h', command: 'hello', params: { protocolVersion: HOST_PROTOCOL_VERSION, extensionVersion: PRODUCT_VERSION } }));
  const commands = Object.keys(hostCommands) as HostCommandName[];
  // Bodies from bytes, from JSON values, and from requests whose command is real and params arbitrary.
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value))),
    fc
      .record({ id: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null)), command: fc.constantFrom(...commands), params: fc.jsonValue({ maxDepth: 4 }) }, { requiredKeys: ['command'] })
      .map((request) => Buffer.from(JSON.stringify(request))),
  );

  it('answers every frame with a reply its schema accepts, and never rejects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(body, { minLength: 1, maxLength: 5 }), async (greeted, bodies) => {
        const dispatcher = new Dispatcher(handlers, context);
        if (greeted) await dispatcher.handle(hello);
        for (const frame of bodies) {
          const reply = await dispatcher.handle(frame);
          expect(hostReplySchema.safeParse(reply).success).toBe(true);
        }
      }),
      fuzzParameters(200),
    );
  });
});
