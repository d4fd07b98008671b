import { AppError, toErrorPayload } from '../../src/shared/errors.js';
import { IDLE_EXIT_NOTICE, type HostReply } from '../../src/shared/host-protocol.js';
import { MAX_BROWSER_TO_HOST_BYTES, MAX_HOST_TO_BROWSER_BYTES } from '../../src/shared/limits.js';
import type { Dispatcher } from './dispatch.js';
import { FrameDecoder, encodeFrame } from './framing.js';
import type { Logger } from './log.js';

export interface SessionIo {
  input: NodeJS.ReadableStream;
  writeFrame(frame: Buffer): void;
  exit(code: number): void;
}

/**
 * One native-messaging session: frames in from the browser, replies out, until the browser closes
 * the port (end of input) or nothing has happened for the idle timeout. In-flight commands are
 * allowed to finish before the process exits, so that an outcome is never cut off half-recorded.
 */
/** How long a host that announced its idle exit still serves what was already on its way. */
const IDLE_EXIT_GRACE_MS = 500;

export function runSession(io: SessionIo, dispatcher: Dispatcher, log: Logger, idleTimeoutMs: number): void {
  const decoder = new FrameDecoder(MAX_BROWSER_TO_HOST_BYTES);
  let inFlight = 0;
  /** The browser closed the port: final. */
  let inputEnded = false;
  /** Nothing happened for the idle timeout: undone by the next message, so a request that arrives
   * while the last command finishes is served instead of being cut off by the exit. */
  let idleExpired = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  // Declared below; the idle path needs to write the notice.
  let send: (reply: HostReply) => void = () => undefined;

  /**
   * Leaving on idle says so first, then waits a moment: a request the browser posted before it read
   * the notice is still served (and cancels the exit); after the notice, it sends to a new host.
   */
  const exitWhenQuiet = (): void => {
    if (inFlight > 0) return;
    if (inputEnded) {
      if (idleTimer) clearTimeout(idleTimer);
      if (graceTimer) clearTimeout(graceTimer);
      io.exit(0);
      return;
    }
    if (idleExpired && graceTimer === undefined) {
      send({ id: null, ok: true, result: IDLE_EXIT_NOTICE });
      graceTimer = setTimeout(() => {
        if (idleExpired && inFlight === 0) io.exit(0);
      }, IDLE_EXIT_GRACE_MS);
    }
  };
  const armIdleTimer = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      log.info('idle timeout reached, exiting', { idleTimeoutMs });
      idleExpired = true;
      exitWhenQuiet();
    }, idleTimeoutMs);
  };

  send = (reply: HostReply): void => {
    let frame: Buffer;
    try {
      frame = encodeFrame(JSON.stringify(reply), MAX_HOST_TO_BROWSER_BYTES);
    } catch (error) {
      log.error('reply too large, sending an error instead', { id: reply.id ?? 'none' });
      const fallback: HostReply = { id: reply.id, ok: false, error: toErrorPayload(error) };
      frame = encodeFrame(JSON.stringify(fallback), MAX_HOST_TO_BROWSER_BYTES);
    }
    io.writeFrame(frame);
  };

  io.input.on('data', (chunk: Buffer) => {
    idleExpired = false;
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = undefined;
    armIdleTimer();
    for (const decoded of decoder.push(chunk)) {
      if (decoded.kind === 'oversized') {
        log.warn('refused an oversized message', { bytes: decoded.bytes });
        send({
          id: null,
          ok: false,
          error: new AppError('MESSAGE_TOO_LARGE', 'the message exceeds the host limit', {
            bytes: decoded.bytes,
            limit: MAX_BROWSER_TO_HOST_BYTES,
          }).toPayload(),
        });
        continue;
      }
      inFlight += 1;
      void dispatcher
        .handle(decoded.body)
        .then(send)
        .finally(() => {
          inFlight -= 1;
          exitWhenQuiet();
        });
    }
  });
  io.input.on('end', () => {
    if (decoder.hasPartialFrame) log.warn('input ended inside a frame');
    log.info('browser closed the port');
    inputEnded = true;
    exitWhenQuiet();
  });
  armIdleTimer();
}
