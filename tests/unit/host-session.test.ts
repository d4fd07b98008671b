import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommandContext, CommandTable } from '../../native-host/src/commands/context.js';
import { lazyCommandHandlers } from '../../native-host/src/commands/lazy.js';
import { hostConfigSchema } from '../../native-host/src/config.js';
import { Dispatcher } from '../../native-host/src/dispatch.js';
import { encodeFrame, FrameDecoder } from '../../native-host/src/framing.js';
import { MAX_COMMANDS_IN_FLIGHT, runSession, STREAM_REFUSED_EXIT_CODE } from '../../native-host/src/host-session.js';
import type { Logger } from '../../native-host/src/log.js';
import { hostReplySchema, type HostReply } from '../../src/shared/host-protocol.js';
import { MAX_BROWSER_TO_HOST_BYTES } from '../../src/shared/limits.js';
import { HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../src/shared/version.js';
import { frameHeader } from '../support/host-process.js';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A session over in-memory streams whose `status` waits until the test opens its gate, so that
 * commands can be held in flight. Everything else is the host's own session and dispatcher.
 */
function session(): {
  input: PassThrough;
  replies: HostReply[];
  exits: number[];
  statusStarted: () => number;
  openGate: () => void;
  request: (id: string, command: string, params?: unknown) => void;
  settled: () => Promise<void>;
} {
  const input = new PassThrough();
  const replies: HostReply[] = [];
  const exits: number[] = [];
  const decoder = new FrameDecoder(MAX_BROWSER_TO_HOST_BYTES);
  let started = 0;
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const handlers: CommandTable = {
    ...lazyCommandHandlers(() => Promise.reject(new Error('no heavy command in this test'))),
    status: async () => {
      started += 1;
      await gate;
      return { hostVersion: PRODUCT_VERSION, protocolVersion: HOST_PROTOCOL_VERSION, environment: 'simulator', certificate: null, uptimeMs: 0 };
    },
  };
  const context: CommandContext = {
    config: hostConfigSchema.parse({}),
    stateDir: '/nonexistent/eattest-session-test',
    log: silent,
    caller: { browserFamily: 'chromium', extensionId: 'kpghmhnplncbdjmflbikfegpgigphlfp' },
    startedAt: Date.now(),
    certificateSummary: () => null,
    get ehealth(): never {
      throw new Error('no eHealth service in this test');
    },
  };
  runSession(
    {
      input,
      writeFrame: (frame) => {
        for (const decoded of decoder.push(frame)) {
          if (decoded.kind === 'frame') replies.push(hostReplySchema.parse(JSON.parse(decoded.body.toString('utf8'))));
        }
      },
      exit: (code) => exits.push(code),
    },
    new Dispatcher(handlers, context),
    silent,
    60_000,
  );
  const request = (id: string, command: string, params: unknown = {}): void => {
    input.write(encodeFrame(JSON.stringify({ id, command, params }), MAX_BROWSER_TO_HOST_BYTES));
  };
  // Every step here is a promise or a stream event: a few turns of the event loop settle them.
  const settled = async (): Promise<void> => {
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  return { input, replies, exits, statusStarted: () => started, openGate: () => openGate(), request, settled };
}

const hello = { protocolVersion: HOST_PROTOCOL_VERSION, extensionVersion: PRODUCT_VERSION };

describe('host session', () => {
  it(`runs at most ${MAX_COMMANDS_IN_FLIGHT} commands at once and answers the next HOST_BUSY, unstarted, with its id`, async () => {
    const host = session();
    host.request('h', 'hello', hello);
    await host.settled();
    for (let n = 0; n < MAX_COMMANDS_IN_FLIGHT + 2; n += 1) host.request(`s${n}`, 'status');
    await host.settled();
    expect(host.statusStarted()).toBe(MAX_COMMANDS_IN_FLIGHT);
    const busy = host.replies.filter((reply) => !reply.ok && reply.error.code === 'HOST_BUSY');
    expect(busy.map((reply) => reply.id)).toEqual([`s${MAX_COMMANDS_IN_FLIGHT}`, `s${MAX_COMMANDS_IN_FLIGHT + 1}`]);
    expect(!busy[0]?.ok && busy[0]?.error.details).toEqual({ limit: MAX_COMMANDS_IN_FLIGHT });

    // Once those finish, the host takes commands again.
    host.openGate();
    await host.settled();
    host.request('after', 'status');
    await host.settled();
    expect(host.replies.find((reply) => reply.id === 'after')?.ok).toBe(true);
    expect(host.replies.filter((reply) => reply.ok && reply.id?.startsWith('s') === true)).toHaveLength(MAX_COMMANDS_IN_FLIGHT);
    expect(host.exits).toEqual([]);
  });

  it('refuses the stream on an oversized length: says so, reads nothing more, and exits once the commands in flight are answered', async () => {
    const host = session();
    host.request('h', 'hello', hello);
    await host.settled();
    host.request('running', 'status');
    await host.settled();
    host.input.write(frameHeader(MAX_BROWSER_TO_HOST_BYTES + 1));
    // A frame after the bad length is not read: there is no telling where frames start any more.
    host.request('after', 'status');
    await host.settled();
    expect(host.replies.at(-1)).toMatchObject({ id: null, ok: false, error: { code: 'MESSAGE_TOO_LARGE' } });
    expect(host.statusStarted()).toBe(1);
    // The command already running is answered before the host leaves.
    expect(host.exits).toEqual([]);
    host.openGate();
    await host.settled();
    expect(host.replies.find((reply) => reply.id === 'running')?.ok).toBe(true);
    expect(host.replies.find((reply) => reply.id === 'after')).toBeUndefined();
    expect(host.exits).toEqual([STREAM_REFUSED_EXIT_CODE]);
  });

  it('leaves at once on an oversized length when nothing is in flight, and only once', async () => {
    const host = session();
    host.input.write(frameHeader(0xffffffff));
    await host.settled();
    host.input.end();
    await host.settled();
    expect(host.replies).toEqual([
      { id: null, ok: false, error: expect.objectContaining({ code: 'MESSAGE_TOO_LARGE', details: { bytes: 0xffffffff, limit: MAX_BROWSER_TO_HOST_BYTES } }) as unknown },
    ]);
    expect(host.exits).toEqual([STREAM_REFUSED_EXIT_CODE]);
  });
});
