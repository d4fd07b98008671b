import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_COMMANDS_IN_FLIGHT } from '../../native-host/src/host-session.js';
import { ensureTestPki } from '../../simulator/pki/test-pki.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * Finding 10 (commands in flight): the host started every command it was sent, however many. The
 * built host, signing in against a platform that accepts connections and never answers, holds
 * MAX_COMMANDS_IN_FLIGHT commands at most; the next ones are answered HOST_BUSY at once,
 * with their ids, unstarted; the held ones end on their own timeout.
 */
describe('commands in flight', () => {
  let host: HostProcess | undefined;
  let silent: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => (silent === undefined ? resolve(undefined) : silent.close(resolve)));
    silent = undefined;
  });

  it(`are at most ${MAX_COMMANDS_IN_FLIGHT}; the next are refused HOST_BUSY with their ids`, async () => {
    const pki = await ensureTestPki();
    // Accepts the connection, never completes TLS: every call hangs until the host's own timeout.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: `https://127.0.0.1:${port}`, config: { soapTimeoutMs: 3000 } });
    const running = startHost({ stateDir });
    host = running;
    await hello(running);

    const total = MAX_COMMANDS_IN_FLIGHT + 3;
    const replies = Array.from({ length: total }, () => running.request('provider', {}));
    // The refusals come at once, while the first eight still wait for the platform.
    const busy = await Promise.all(replies.slice(MAX_COMMANDS_IN_FLIGHT));
    expect(busy.map((reply) => !reply.ok && reply.error.code)).toEqual(Array.from({ length: total - MAX_COMMANDS_IN_FLIGHT }, () => 'HOST_BUSY'));
    expect(busy.map((reply) => reply.id)).toEqual(Array.from({ length: total - MAX_COMMANDS_IN_FLIGHT }, (_, n) => `t${MAX_COMMANDS_IN_FLIGHT + n + 2}`));
    // The held commands end with the platform's timeout, not with HOST_BUSY.
    const held = await Promise.all(replies.slice(0, MAX_COMMANDS_IN_FLIGHT));
    expect(new Set(held.map((reply) => !reply.ok && reply.error.code))).toEqual(new Set(['MYCARENET_TIMEOUT']));
    // And the host takes commands again.
    expect((await running.request('status', {})).ok).toBe(true);
  });
});
