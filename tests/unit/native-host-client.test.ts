import { afterEach, describe, expect, it, vi } from 'vitest';
import { NativeHostClient, disconnectError, type NativeHostClientOptions, type NativePort } from '../../src/background/native-host-client.js';
import { AppError } from '../../src/shared/errors.js';
import type { HostStatus } from '../../src/shared/host-protocol.js';
import { MAX_BROWSER_TO_HOST_BYTES } from '../../src/shared/limits.js';
import { BACKGROUND_ATTEST_WAIT_MS, HOST_ATTEST_WORST_CASE_MS } from '../../src/shared/transmission-timing.js';
import { HOST_PROTOCOL_RANGE, HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../src/shared/version.js';

interface Request {
  id: string;
  command: string;
  params: unknown;
}

/** What the fake host does with a request: a reply to send, or undefined to stay silent. */
type HostBehaviour = (request: Request, port: FakePort) => unknown;

type DisconnectListener = Parameters<NativePort['onDisconnect']['addListener']>[0];

const status: HostStatus = { hostVersion: '0.1.0', protocolVersion: HOST_PROTOCOL_VERSION, environment: 'simulator', certificate: null, uptimeMs: 42 };

const healthyHello = { hostVersion: '0.1.0', protocolVersion: HOST_PROTOCOL_VERSION, protocolRange: HOST_PROTOCOL_RANGE };

/** Answers hello and status like a healthy host. */
const healthyHost: HostBehaviour = (request) => {
  if (request.command === 'hello') return { id: request.id, ok: true, result: healthyHello };
  if (request.command === 'status') return { id: request.id, ok: true, result: status };
  return undefined;
};

/** Answers hello only; everything else waits for the test to answer. */
const helloOnlyHost: HostBehaviour = (request) => (request.command === 'hello' ? healthyHost(request, undefined as never) : undefined);

class FakePort implements NativePort {
  readonly posted: Request[] = [];
  readonly messageListeners: ((message: unknown) => void)[] = [];
  readonly disconnectListeners: DisconnectListener[] = [];
  disconnected = false;
  error: { message?: string } | null = null;

  readonly onMessage = { addListener: (listener: (message: unknown) => void) => void this.messageListeners.push(listener) };
  readonly onDisconnect = { addListener: (listener: DisconnectListener) => void this.disconnectListeners.push(listener) };

  constructor(private readonly behaviour: HostBehaviour) {}

  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    const request = message as Request;
    this.posted.push(request);
    const reply = this.behaviour(request, this);
    // The browser delivers replies asynchronously.
    if (reply !== undefined) void Promise.resolve().then(() => this.deliver(reply));
  }

  disconnect(): void {
    this.disconnected = true;
  }

  deliver(message: unknown): void {
    if (this.disconnected) return;
    for (const listener of this.messageListeners) listener(message);
  }

  /** The host went away; Firefox reports why through port.error. */
  close(firefoxError?: string): void {
    if (firefoxError !== undefined) this.error = { message: firefoxError };
    this.disconnected = true;
    for (const listener of this.disconnectListeners) listener(this);
  }
}

interface Harness {
  client: NativeHostClient;
  ports: FakePort[];
  connect: ReturnType<typeof vi.fn<() => NativePort>>;
  logs: string[];
  setLastError(message: string | undefined): void;
  port(index?: number): FakePort;
}

function harness(behaviour: HostBehaviour = healthyHost, options: Partial<NativeHostClientOptions> = {}): Harness {
  const ports: FakePort[] = [];
  const logs: string[] = [];
  let lastError: string | undefined;
  const connect = vi.fn<() => NativePort>(() => {
    const port = new FakePort(behaviour);
    ports.push(port);
    return port;
  });
  const client = new NativeHostClient({
    connect,
    lastErrorMessage: () => lastError,
    onLog: (message) => logs.push(message),
    ...options,
  });
  return {
    client,
    ports,
    connect,
    logs,
    setLastError: (message) => {
      lastError = message;
    },
    port: (index = ports.length - 1) => {
      const port = ports[index];
      if (port === undefined) throw new Error(`no port ${index}`);
      return port;
    },
  };
}

/** Lets promise chains run (the client awaits connect before sending). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('NativeHostClient', () => {
  it('says hello first, then sends the request and resolves its parsed result', async () => {
    const h = harness();
    expect(h.client.connected).toBe(false);
    const result = await h.client.request('status', {});
    expect(result).toEqual(status);
    expect(h.connect).toHaveBeenCalledTimes(1);
    expect(h.port().posted).toEqual([
      { id: '1', command: 'hello', params: { protocolVersion: HOST_PROTOCOL_VERSION, protocolRange: HOST_PROTOCOL_RANGE, extensionVersion: PRODUCT_VERSION } },
      { id: '2', command: 'status', params: {} },
    ]);
    expect(h.client.connected).toBe(true);
  });

  it('returns the hello result from connect and shares one handshake between callers', async () => {
    const h = harness();
    const [a, b] = await Promise.all([h.client.connect(), h.client.connect()]);
    expect(a).toEqual(healthyHello);
    expect(b).toBe(a);
    await Promise.all([h.client.request('status', {}), h.client.request('status', {})]);
    expect(h.connect).toHaveBeenCalledTimes(1);
    expect(h.port().posted.map((r) => r.command)).toEqual(['hello', 'status', 'status']);
  });

  it('correlates concurrent requests by id when the host answers out of order', async () => {
    const h = harness(helloOnlyHost);
    const first = h.client.request('status', {});
    const second = h.client.request('status', {});
    await flush();
    const [, req1, req2] = h.port().posted;
    expect(req1?.command).toBe('status');
    expect(req2?.command).toBe('status');
    expect(req1?.id).not.toBe(req2?.id);
    h.port().deliver({ id: req2?.id, ok: true, result: { ...status, uptimeMs: 2 } });
    h.port().deliver({ id: req1?.id, ok: true, result: { ...status, uptimeMs: 1 } });
    expect((await first).uptimeMs).toBe(1);
    expect((await second).uptimeMs).toBe(2);
  });

  it('times a request out with HOST_TIMEOUT and ignores the late reply', async () => {
    vi.useFakeTimers();
    const h = harness(helloOnlyHost, { requestTimeoutMs: 1000 });
    const pending = h.client.request('status', {});
    const outcome = rejection(pending);
    await flush();
    const request = h.port().posted[1];
    expect(request?.command).toBe('status');
    vi.advanceTimersByTime(999);
    await flush();
    vi.advanceTimersByTime(1);
    const error = await outcome;
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(error.details).toEqual({ command: 'status', timeoutMs: 1000 });
    h.port().deliver({ id: request?.id, ok: true, result: status });
    expect(h.logs).toEqual([`a reply arrived for request ${request?.id ?? ''} after it timed out`]);
    // The connection itself is still usable.
    expect(h.client.connected).toBe(true);
  });

  it('waits for a send longer than the host’s worst case, whatever the default timeout (finding 6)', async () => {
    vi.useFakeTimers();
    const h = harness(helloOnlyHost, { requestTimeoutMs: 30_000 });
    const outcome = rejection(h.client.request('attest', { attestation: {} as never }));
    let settled = false;
    void outcome.then(() => (settled = true));
    await flush();
    expect(BACKGROUND_ATTEST_WAIT_MS).toBeGreaterThan(HOST_ATTEST_WORST_CASE_MS);
    vi.advanceTimersByTime(BACKGROUND_ATTEST_WAIT_MS - 1);
    await flush();
    expect(settled).toBe(false);
    vi.advanceTimersByTime(1);
    expect((await outcome).details).toEqual({ command: 'attest', timeoutMs: BACKGROUND_ATTEST_WAIT_MS });
  });

  it('honours a per-request timeout', async () => {
    vi.useFakeTimers();
    const h = harness(helloOnlyHost, { requestTimeoutMs: 60_000 });
    const outcome = rejection(h.client.request('status', {}, 50));
    await flush();
    vi.advanceTimersByTime(50);
    expect((await outcome).details).toEqual({ command: 'status', timeoutMs: 50 });
  });

  it('fails with HOST_TIMEOUT when the handshake is not answered, and drops the port', async () => {
    vi.useFakeTimers();
    const h = harness(() => undefined, { handshakeTimeoutMs: 500 });
    const outcome = rejection(h.client.request('status', {}));
    await flush();
    vi.advanceTimersByTime(500);
    const error = await outcome;
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(error.details).toEqual({ command: 'hello', timeoutMs: 500 });
    await flush();
    expect(h.port().disconnected).toBe(true);
    expect(h.client.connected).toBe(false);
    expect(h.port().posted.map((r) => r.command)).toEqual(['hello']);
  });

  it.each([
    ['Specified native messaging host not found.', 'HOST_NOT_INSTALLED'],
    ['Access to the specified native messaging host is forbidden.', 'HOST_FORBIDDEN'],
    ['Native host has exited.', 'HOST_CRASHED'],
  ] as const)('maps the disconnect reason "%s" to %s for pending requests', async (reason, code) => {
    const h = harness(helloOnlyHost);
    const outcome = rejection(h.client.request('status', {}));
    await flush();
    expect(h.port().posted).toHaveLength(2);
    h.setLastError(reason);
    h.port().close();
    const error = await outcome;
    expect(error.code).toBe(code);
    expect(error.details).toEqual({ reason });
    expect(h.logs).toEqual([`host port closed: ${code}`]);
    expect(h.client.connected).toBe(false);
  });

  it('fails the handshake itself when the host is not installed', async () => {
    const h = harness(() => undefined);
    const outcome = rejection(h.client.request('status', {}));
    h.setLastError('Specified native messaging host not found.');
    h.port().close();
    expect((await outcome).code).toBe('HOST_NOT_INSTALLED');
  });

  it("reads Firefox's port.error in preference to lastError", async () => {
    const h = harness(helloOnlyHost);
    const outcome = rejection(h.client.request('status', {}));
    await flush();
    h.setLastError('Native host has exited.');
    h.port().close('No such native application be.eattest.companion');
    // Firefox's wording for a host with no manifest: not installed (lastError alone would say a crash).
    expect((await outcome).code).toBe('HOST_NOT_INSTALLED');
    const h2 = harness(helloOnlyHost);
    const outcome2 = rejection(h2.client.request('status', {}));
    await flush();
    h2.setLastError('Native host has exited.');
    h2.port().close('Specified native messaging host not found.');
    expect((await outcome2).code).toBe('HOST_NOT_INSTALLED');
  });

  it('reports a port closed without a reason as HOST_CRASHED', async () => {
    const h = harness(helloOnlyHost);
    const outcome = rejection(h.client.request('status', {}));
    await flush();
    h.port().close();
    const error = await outcome;
    expect(error.code).toBe('HOST_CRASHED');
    expect(error.details).toEqual({ reason: 'port closed' });
  });

  it('uses an uncorrelated host error (id null) for waiting requests and for the disconnect that follows', async () => {
    const h = harness(() => undefined);
    const outcome = rejection(h.client.request('status', {}));
    await flush();
    // The host writes its refusal and exits; the browser reports the exit right after the frame.
    h.setLastError('Native host has exited.');
    h.port().deliver({ id: null, ok: false, error: { code: 'CALLER_NOT_ALLOWED', message: 'the calling extension is not allowed' } });
    h.port().close();
    const error = await outcome;
    expect(error.code).toBe('CALLER_NOT_ALLOWED');
    expect(error.message).toBe('the calling extension is not allowed');
    // The disconnect keeps the host's reason rather than the generic "exited".
    expect(h.logs).toEqual(['host port closed: CALLER_NOT_ALLOWED']);
    expect(h.client.connected).toBe(false);
  });

  it('fails every waiting request when the uncorrelated error arrives on its own', async () => {
    const h = harness(helloOnlyHost);
    const first = rejection(h.client.request('status', {}));
    const second = rejection(h.client.request('status', {}));
    await flush();
    h.port().deliver({ id: null, ok: false, error: { code: 'HOST_MISCONFIGURED', message: 'bad config' } });
    expect((await first).code).toBe('HOST_MISCONFIGURED');
    expect((await second).code).toBe('HOST_MISCONFIGURED');
  });

  it('does not let a passing uncorrelated error explain a later crash', async () => {
    const h = harness(helloOnlyHost);
    const first = rejection(h.client.request('status', {}));
    await flush();
    h.port().deliver({ id: null, ok: false, error: { code: 'MESSAGE_TOO_LARGE', message: 'too large' } });
    expect((await first).code).toBe('MESSAGE_TOO_LARGE');
    const second = rejection(h.client.request('status', {}));
    await flush();
    h.setLastError('Native host has exited.');
    h.port().close();
    expect((await second).code).toBe('HOST_CRASHED');
  });

  it('refuses a request too large for the host without sending it', async () => {
    const h = harness(helloOnlyHost);
    await h.client.connect();
    const huge = { padding: 'x'.repeat(MAX_BROWSER_TO_HOST_BYTES) } as unknown as Record<string, never>;
    const error = await rejection(h.client.request('status', huge));
    expect(error.code).toBe('MESSAGE_TOO_LARGE');
    expect(h.port().posted.map((request) => request.command)).toEqual(['hello']);
  });

  it('rejects a handshake with a host whose range is wholly above its own: update the extension to the host\'s version', async () => {
    const newer = HOST_PROTOCOL_RANGE.max + 1;
    const h = harness((request) => ({ id: request.id, ok: true, result: { hostVersion: '9.0.0', protocolVersion: newer, protocolRange: { min: newer, max: newer } } }));
    const error = await rejection(h.client.connect());
    expect(error.code).toBe('HOST_VERSION_MISMATCH');
    expect(error.details).toMatchObject({ update: 'extension', toVersion: '9.0.0', hostProtocolMin: newer, extensionProtocolMax: HOST_PROTOCOL_RANGE.max });
    await flush();
    expect(h.port().disconnected).toBe(true);
    expect(h.client.connected).toBe(false);
  });

  it('rejects a handshake with a host of an older protocol (no range, a single older version): update the host to this version', async () => {
    const h = harness((request) => ({ id: request.id, ok: true, result: { hostVersion: '0.0.9', protocolVersion: HOST_PROTOCOL_RANGE.min - 1 } }));
    const error = await rejection(h.client.connect());
    expect(error.code).toBe('HOST_VERSION_MISMATCH');
    expect(error.details).toMatchObject({ update: 'host', toVersion: PRODUCT_VERSION, hostVersion: '0.0.9' });
  });

  it('takes a host that refuses the ranged hello as malformed (a protocol-1 host) for a host to update', async () => {
    const h = harness((request) => ({ id: request.id, ok: false, error: { code: 'INVALID_MESSAGE', message: 'unrecognized key: protocolRange' } }));
    const error = await rejection(h.client.connect());
    expect(error.code).toBe('HOST_VERSION_MISMATCH');
    expect(error.details).toMatchObject({ update: 'host', toVersion: PRODUCT_VERSION });
  });

  it('refuses a host that claims a version outside what the pair shares', async () => {
    const h = harness((request) => ({ id: request.id, ok: true, result: { ...healthyHello, protocolVersion: HOST_PROTOCOL_RANGE.max + 5, protocolRange: { min: 1, max: HOST_PROTOCOL_RANGE.max + 5 } } }));
    const error = await rejection(h.client.connect());
    expect(error.code).toBe('INVALID_MESSAGE');
  });

  it('turns a host error reply into an AppError with its code and details', async () => {
    const h = harness((request) =>
      request.command === 'hello'
        ? healthyHost(request, undefined as never)
        : { id: request.id, ok: false, error: { code: 'HOST_MISCONFIGURED', message: 'bad config', details: { file: 'config.json' } } },
    );
    const error = await rejection(h.client.request('status', {}));
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('HOST_MISCONFIGURED');
    expect(error.message).toBe('bad config');
    expect(error.details).toEqual({ file: 'config.json' });
    // A correlated error does not end the session.
    expect(h.client.connected).toBe(true);
  });

  it('rejects a malformed result with INVALID_MESSAGE', async () => {
    const h = harness((request) =>
      request.command === 'hello'
        ? healthyHost(request, undefined as never)
        : { id: request.id, ok: true, result: { hostVersion: '0.1.0', protocolVersion: HOST_PROTOCOL_VERSION } },
    );
    const error = await rejection(h.client.request('status', {}));
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(String(error.details?.['issues'])).toContain('environment');
  });

  it('ignores and logs a reply that is not a host reply at all', async () => {
    const h = harness(helloOnlyHost);
    const pending = h.client.request('status', {});
    await flush();
    h.port().deliver({ hello: 'world' });
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toMatch(/^ignored a malformed host reply: /);
    h.port().deliver({ id: h.port().posted[1]?.id, ok: true, result: status });
    expect(await pending).toEqual(status);
  });

  it('reconnects on the next request after a disconnect', async () => {
    const h = harness();
    expect(await h.client.request('status', {})).toEqual(status);
    h.setLastError('Native host has exited.');
    h.port(0).close();
    expect(h.client.connected).toBe(false);
    h.setLastError(undefined);
    expect(await h.client.request('status', {})).toEqual(status);
    expect(h.connect).toHaveBeenCalledTimes(2);
    expect(h.port(1).posted.map((r) => r.command)).toEqual(['hello', 'status']);
    expect(h.client.connected).toBe(true);
  });

  it('maps a failure to open the port', async () => {
    const client = new NativeHostClient({
      connect: () => {
        throw new Error('Specified native messaging host not found.');
      },
      lastErrorMessage: () => undefined,
    });
    expect((await rejection(client.request('status', {}))).code).toBe('HOST_NOT_INSTALLED');
  });

  it('disconnect() closes the port and the next request starts a new host', async () => {
    const h = harness();
    await h.client.connect();
    h.client.disconnect();
    expect(h.port(0).disconnected).toBe(true);
    expect(h.client.connected).toBe(false);
    expect(await h.client.request('status', {})).toEqual(status);
    expect(h.connect).toHaveBeenCalledTimes(2);
  });
});

describe('disconnectError', () => {
  it('prefers the host error over the browser reason', () => {
    const error = disconnectError('Native host has exited.', { code: 'HOST_MISCONFIGURED', message: 'm' });
    expect(error.code).toBe('HOST_MISCONFIGURED');
  });

  it('matches the browser reasons case-insensitively', () => {
    expect(disconnectError('specified native messaging host NOT FOUND', undefined).code).toBe('HOST_NOT_INSTALLED');
    expect(disconnectError('No such native application be.eattest.companion', undefined).code).toBe('HOST_NOT_INSTALLED');
    expect(disconnectError('FORBIDDEN', undefined).code).toBe('HOST_FORBIDDEN');
    expect(disconnectError(undefined, undefined).toPayload()).toEqual({
      code: 'HOST_CRASHED',
      message: 'the eAttest host stopped unexpectedly',
      details: { reason: 'port closed' },
    });
  });

  it('after the host announces its idle exit, asks a new host again what the leaving one did not answer', async () => {
    const h = harness(helloOnlyHost);
    await h.client.connect();
    const answer = h.client.request('status', {});
    await Promise.resolve();
    const leaving = h.port(0);
    // The host leaves: notice, then the port closes, the status request unanswered.
    leaving.deliver({ id: null, ok: true, result: { notice: 'idle-exit' } });
    leaving.close();
    await vi.waitFor(() => expect(h.ports).toHaveLength(2));
    const fresh = h.port(1);
    await vi.waitFor(() => expect(fresh.posted.map((request) => request.command)).toEqual(['hello', 'status']));
    const retried = fresh.posted[1];
    fresh.deliver({ id: retried?.id, ok: true, result: status });
    await expect(answer).resolves.toEqual(status);
    expect(h.logs.join('\n')).toContain('idle timeout');
  });

  it('sends new requests to a new host once the old one announced its exit, and lets it finish what it has', async () => {
    const h = harness(helloOnlyHost);
    await h.client.connect();
    const first = h.client.request('status', {});
    await Promise.resolve();
    const leaving = h.port(0);
    leaving.deliver({ id: null, ok: true, result: { notice: 'idle-exit' } });
    expect(h.client.connected).toBe(false);
    const second = h.client.request('status', {});
    await vi.waitFor(() => expect(h.ports).toHaveLength(2));
    // The leaving host still answers the request it had; then it is let go.
    leaving.deliver({ id: leaving.posted[1]?.id, ok: true, result: status });
    await expect(first).resolves.toEqual(status);
    expect(leaving.disconnected).toBe(true);
    const fresh = h.port(1);
    await vi.waitFor(() => expect(fresh.posted.map((request) => request.command)).toEqual(['hello', 'status']));
    fresh.deliver({ id: fresh.posted[1]?.id, ok: true, result: status });
    await expect(second).resolves.toEqual(status);
  });

  it('does not repeat a request when a host that said nothing goes away', async () => {
    const h = harness(helloOnlyHost);
    await h.client.connect();
    const answer = h.client.request('status', {});
    await Promise.resolve();
    h.port(0).close();
    await expect(answer).rejects.toMatchObject({ code: 'HOST_CRASHED' });
    expect(h.ports).toHaveLength(1);
  });
});

describe('NativeHostClient progress frames (protocol 3)', () => {
  it('hands a progress frame to its request only, settles nothing with it, and ignores one for no request or malformed', async () => {
    const h = harness(helloOnlyHost);
    const stages: string[] = [];
    const otherStages: string[] = [];
    const answer = h.client.request('status', {}, undefined, (stage) => stages.push(stage));
    const other = h.client.request('status', {}, undefined, (stage) => otherStages.push(stage));
    await flush();
    const [, first, second] = h.port().posted;
    h.port().deliver({ type: 'progress', id: first?.id, stage: 'signingIn' });
    h.port().deliver({ type: 'progress', id: 'no-such-request', stage: 'signingIn' });
    h.port().deliver({ type: 'progress', id: first?.id, stage: 'sending', extra: true });
    h.port().deliver({ type: 'progress', id: first?.id, stage: 'signInDone' });
    await flush();
    expect(stages).toEqual(['signingIn', 'signInDone']);
    expect(otherStages).toEqual([]);
    h.port().deliver({ id: first?.id, ok: true, result: status });
    h.port().deliver({ id: second?.id, ok: true, result: status });
    expect(await answer).toEqual(status);
    expect(await other).toEqual(status);
    // The malformed one is logged as what it is not: a host reply.
    expect(h.logs.filter((line) => line.startsWith('ignored a malformed host reply'))).toHaveLength(1);
  });
});
