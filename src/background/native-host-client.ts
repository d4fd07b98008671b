import { AppError, describeZodIssues, type ErrorCode, type ErrorPayload } from '../shared/errors.js';
import { MAX_BROWSER_TO_HOST_BYTES } from '../shared/limits.js';
import { hostCommands, hostProgressSchema, hostReplySchema, idleExitNoticeSchema, type HostCommandName, type HostParams, type HostProgressStage, type HostResult } from '../shared/host-protocol.js';
import { negotiateProtocol, rangeOf, versionMismatchError } from '../shared/protocol-handshake.js';
import { HOST_PROTOCOL_RANGE, HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../shared/version.js';
import { BACKGROUND_ATTEST_WAIT_MS } from '../shared/transmission-timing.js';

/** The part of a native-messaging port the client uses (runtime.Port in both Chromium and Firefox). */
export interface NativePort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: (port: NativePort & { error?: { message?: string } | null }) => void): void };
}

export interface NativeHostClientOptions {
  connect: () => NativePort;
  /** Chromium reports why a port closed through runtime.lastError; Firefox through port.error. */
  lastErrorMessage: () => string | undefined;
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
  onLog?: (message: string) => void;
}

/** Errors the host sends just before it exits; they, not "host exited", are the reason to report. */
const SESSION_ENDING_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['CALLER_NOT_ALLOWED', 'HOST_MISCONFIGURED']);

interface Pending {
  command: HostCommandName;
  port: NativePort;
  resolve: (result: unknown) => void;
  reject: (error: AppError) => void;
  timer: ReturnType<typeof setTimeout>;
  /** The host's progress frames for this request (protocol 3). */
  onProgress?: ((stage: HostProgressStage) => void) | undefined;
}

/** A request left unanswered by a host that had announced its idle exit (retried, never shown). */
class HostRetired extends AppError {
  constructor() {
    super('HOST_CRASHED', 'the host left on its idle timeout before answering');
  }
}

/** Maps the browser's reason for a closed port to our error codes. */
export function disconnectError(reason: string | undefined, hostError: ErrorPayload | undefined): AppError {
  if (hostError !== undefined) return AppError.fromPayload(hostError);
  const text = reason ?? '';
  // Chromium: "Specified native messaging host not found."; Firefox: "No such native application <name>".
  if (/not found|no such native application/i.test(text)) return new AppError('HOST_NOT_INSTALLED', 'the eAttest host is not installed for this browser', { reason: text });
  if (/forbidden/i.test(text)) return new AppError('HOST_FORBIDDEN', 'the installed host does not allow this extension', { reason: text });
  return new AppError('HOST_CRASHED', 'the eAttest host stopped unexpectedly', { reason: text || 'port closed' });
}

/**
 * A long-lived connection to the native host. The port stays open while the worker lives (a spawn
 * costs ~300 ms, a message ~1 ms), requests are correlated by id and each has its own timeout.
 * When the host goes away, every waiting request fails with a typed error and the next request
 * starts a new host.
 */
export class NativeHostClient {
  private port: NativePort | undefined;
  private ready: Promise<HostResult<'hello'>> | undefined;
  private readonly pending = new Map<string, Pending>();
  /** Ports of hosts that announced their idle exit. */
  private readonly retiring = new Set<NativePort>();
  private nextId = 1;
  /** An uncorrelated error the host sent just before closing (caller refused, misconfigured). */
  private hostError: ErrorPayload | undefined;
  private readonly handshakeTimeoutMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: NativeHostClientOptions) {
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  get connected(): boolean {
    return this.port !== undefined;
  }

  /** Starts the host and completes the handshake (or returns the one under way). */
  connect(): Promise<HostResult<'hello'>> {
    if (this.ready !== undefined) return this.ready;
    this.hostError = undefined;
    let port: NativePort;
    try {
      port = this.options.connect();
    } catch (error) {
      return Promise.reject(disconnectError(error instanceof Error ? error.message : undefined, undefined));
    }
    this.port = port;
    port.onMessage.addListener((message) => this.receive(port, message));
    port.onDisconnect.addListener((closed) => this.closed(port, closed.error?.message ?? this.options.lastErrorMessage()));
    const ready = this.handshake(port);
    this.ready = ready;
    ready.catch(() => this.drop(port));
    return ready;
  }

  /**
   * Says this extension's versions; the host answers with the version the pair speaks. A host that
   * predates protocol ranges refuses the hello itself as malformed: it is the one to update.
   */
  private async handshake(port: NativePort): Promise<HostResult<'hello'>> {
    const extension = { version: PRODUCT_VERSION, range: { ...HOST_PROTOCOL_RANGE } };
    let hello: HostResult<'hello'>;
    try {
      hello = await this.send(port, 'hello', { protocolVersion: HOST_PROTOCOL_VERSION, protocolRange: extension.range, extensionVersion: PRODUCT_VERSION }, this.handshakeTimeoutMs);
    } catch (error) {
      if (error instanceof AppError && error.code === 'INVALID_MESSAGE') throw versionMismatchError('host', extension, { version: 'unknown', range: { min: 1, max: 1 } });
      throw error;
    }
    const host = { version: hello.hostVersion, range: rangeOf(hello) };
    const negotiation = negotiateProtocol(extension.range, host.range);
    if ('update' in negotiation) throw versionMismatchError(negotiation.update, extension, host);
    if (hello.protocolVersion !== negotiation.agreed) {
      throw new AppError('INVALID_MESSAGE', 'the host agreed on a protocol version the pair does not share', { hostProtocolVersion: hello.protocolVersion, expected: negotiation.agreed });
    }
    return hello;
  }

  /** `onProgress`: the stages the host says it is in while it runs this request (a host of protocol 3 or later). */
  async request<C extends HostCommandName>(command: C, params: HostParams<C>, timeoutMs = waitFor(command, this.requestTimeoutMs), onProgress?: (stage: HostProgressStage) => void): Promise<HostResult<C>> {
    try {
      return await this.requestOnce(command, params, timeoutMs, onProgress);
    } catch (error) {
      // Posted to a host that had announced its idle exit and left without answering: the request
      // never ran there, so it goes to a new host, once.
      if (!(error instanceof HostRetired)) throw error;
      this.options.onLog?.(`the host left on its idle timeout before answering ${command}; asking a new host`);
      return this.requestOnce(command, params, timeoutMs, onProgress);
    }
  }

  private async requestOnce<C extends HostCommandName>(command: C, params: HostParams<C>, timeoutMs: number, onProgress?: (stage: HostProgressStage) => void): Promise<HostResult<C>> {
    await this.connect();
    const port = this.port;
    if (port === undefined) throw new AppError('HOST_CRASHED', 'the eAttest host went away');
    return this.send(port, command, params, timeoutMs, onProgress);
  }

  disconnect(): void {
    if (this.port !== undefined) this.drop(this.port);
  }

  private send<C extends HostCommandName>(port: NativePort, command: C, params: HostParams<C>, timeoutMs: number, onProgress?: (stage: HostProgressStage) => void): Promise<HostResult<C>> {
    const id = String(this.nextId++);
    return new Promise<HostResult<C>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('HOST_TIMEOUT', `the host did not answer ${command} in time`, { command, timeoutMs }));
      }, timeoutMs);
      this.pending.set(id, { command, port, resolve: resolve as (result: unknown) => void, reject, timer, onProgress });
      const message = { id, command, params };
      // The host refuses oversized frames without being able to say which request it was: refuse here instead.
      const bytes = new TextEncoder().encode(JSON.stringify(message)).length;
      if (bytes > MAX_BROWSER_TO_HOST_BYTES) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new AppError('MESSAGE_TOO_LARGE', `the ${command} request is too large for the host`, { bytes, limit: MAX_BROWSER_TO_HOST_BYTES }));
        return;
      }
      try {
        port.postMessage(message);
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(disconnectError(error instanceof Error ? error.message : undefined, this.hostError));
      }
    });
  }

  private receive(port: NativePort, message: unknown): void {
    // A progress frame (protocol 3) is for the request in flight with its id; it settles nothing.
    const progress = hostProgressSchema.safeParse(message);
    if (progress.success) {
      this.pending.get(progress.data.id)?.onProgress?.(progress.data.stage);
      return;
    }
    const reply = hostReplySchema.safeParse(message);
    if (!reply.success) {
      this.options.onLog?.(`ignored a malformed host reply: ${describeZodIssues(reply.error)}`);
      return;
    }
    const { id } = reply.data;
    if (id === null) {
      if (reply.data.ok) {
        if (idleExitNoticeSchema.safeParse(reply.data.result).success) this.retire(port);
        else this.options.onLog?.('ignored an uncorrelated success reply');
        return;
      }
      // The host could not tie this error to a request, so every waiting request fails with it.
      // Only the errors that end the session explain the port closing that follows.
      if (SESSION_ENDING_ERRORS.has(reply.data.error.code)) this.hostError = reply.data.error;
      this.rejectAll(AppError.fromPayload(reply.data.error), port);
      return;
    }
    const pending = this.pending.get(id);
    if (pending === undefined) {
      this.options.onLog?.(`a reply arrived for request ${id} after it timed out`);
      return;
    }
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (this.retiring.has(pending.port) && !this.hasPendingOn(pending.port)) this.drop(pending.port);
    if (!reply.data.ok) {
      pending.reject(AppError.fromPayload(reply.data.error));
      return;
    }
    const result = hostCommands[pending.command].result.safeParse(reply.data.result);
    if (result.success) pending.resolve(result.data);
    else pending.reject(new AppError('INVALID_MESSAGE', `the host's ${pending.command} result is malformed`, { issues: describeZodIssues(result.error) }));
  }

  private closed(port: NativePort, reason: string | undefined): void {
    if (this.retiring.delete(port)) {
      // The host said it was leaving: what it left unanswered is asked again of a new host.
      this.rejectAll(new HostRetired(), port);
      return;
    }
    const error = disconnectError(reason, this.hostError);
    this.options.onLog?.(`host port closed: ${error.code}`);
    if (this.port === port) {
      this.port = undefined;
      this.ready = undefined;
    }
    this.rejectAll(error, port);
  }

  /** The host announced its idle exit: new requests start a new host; this one finishes what it has. */
  private retire(port: NativePort): void {
    if (this.port === port) {
      this.port = undefined;
      this.ready = undefined;
    }
    this.retiring.add(port);
    if (!this.hasPendingOn(port)) this.drop(port);
  }

  private hasPendingOn(port: NativePort): boolean {
    for (const pending of this.pending.values()) if (pending.port === port) return true;
    return false;
  }

  private drop(port: NativePort): void {
    this.retiring.delete(port);
    if (this.port === port) {
      this.port = undefined;
      this.ready = undefined;
    }
    try {
      port.disconnect();
    } catch {
      // Already closed.
    }
  }

  private rejectAll(error: AppError, port?: NativePort): void {
    for (const [id, pending] of this.pending) {
      if (port !== undefined && pending.port !== port) continue;
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
  }
}

/**
 * A transmission (send, cancel) is waited for longer than the host can take on it (the shared
 * worst case), so that the clinician's "Send again" never meets an attempt still on the wire.
 */
function waitFor(command: HostCommandName, requestTimeoutMs: number): number {
  return command === 'attest' || command === 'cancel' ? Math.max(requestTimeoutMs, BACKGROUND_ATTEST_WAIT_MS) : requestTimeoutMs;
}
