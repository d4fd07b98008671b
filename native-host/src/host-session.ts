import { AppError, toErrorPayload } from '../../src/shared/errors.js';
import { IDLE_EXIT_NOTICE, type HostProgress, type HostReply } from '../../src/shared/host-protocol.js';
import { MAX_BROWSER_TO_HOST_BYTES, MAX_HOST_TO_BROWSER_BYTES } from '../../src/shared/limits.js';
import type { Dispatcher } from './dispatch.js';
import { FrameDecoder, encodeFrame } from './framing.js';
import type { Logger } from './log.js';

export interface SessionIo {
  input: NodeJS.ReadableStream;
  writeFrame(frame: Buffer): void;
  exit(code: number): void;
}

/** How long a host that announced its idle exit still serves what was already on its way. */
const IDLE_EXIT_GRACE_MS = 500;

/**
 * Commands run at once, at most. The extension has a handful in flight at busy moments (status,
 * insurability, tariffs, a send); more is a runaway or hostile caller, answered HOST_BUSY unstarted.
 */
export const MAX_COMMANDS_IN_FLIGHT = 8;

/** The exit code after the browser's stream was refused (a frame length over the limit). */
export const STREAM_REFUSED_EXIT_CODE = 1;

/**
 * One native-messaging session: frames in from the browser, replies out, until the browser closes
 * the port (end of input), sends a length it may not (the stream is then refused and the host
 * leaves), or nothing has happened for the idle timeout. In-flight commands are allowed to finish
 * before the process exits, so that an outcome is never cut off half-recorded.
 */

export function runSession(io: SessionIo, dispatcher: Dispatcher, log: Logger, idleTimeoutMs: number): void {
  const decoder = new FrameDecoder(MAX_BROWSER_TO_HOST_BYTES);
  let inFlight = 0;
  /** The browser closed the port: final. */
  let inputEnded = false;
  /** The browser sent a frame length over the limit: no further byte is read, and the host leaves. */
  let streamRefused = false;
  let exiting = false;
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
    if (inFlight > 0 || exiting) return;
    if (inputEnded) {
      if (idleTimer) clearTimeout(idleTimer);
      if (graceTimer) clearTimeout(graceTimer);
      exiting = true;
      io.exit(streamRefused ? STREAM_REFUSED_EXIT_CODE : 0);
      return;
    }
    if (idleExpired && graceTimer === undefined) {
      send({ id: null, ok: true, result: IDLE_EXIT_NOTICE });
      graceTimer = setTimeout(() => {
        if (idleExpired && inFlight === 0 && !exiting) {
          exiting = true;
          io.exit(0);
        }
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

  // A progress frame is small and fixed in shape (host-protocol.ts): it always fits a frame.
  const sendProgress = (progress: HostProgress): void => io.writeFrame(encodeFrame(JSON.stringify(progress), MAX_HOST_TO_BROWSER_BYTES));

  const onData = (chunk: Buffer): void => {
    idleExpired = false;
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = undefined;
    armIdleTimer();
    for (const decoded of decoder.push(chunk)) {
      if (decoded.kind === 'oversized') {
        refuseStream(decoded.bytes);
        return;
      }
      if (inFlight >= MAX_COMMANDS_IN_FLIGHT) {
        log.warn('refused a command: too many in flight', { inFlight });
        send(dispatcher.refuse(decoded.body, new AppError('HOST_BUSY', 'the host is already running as many commands as it allows', { limit: MAX_COMMANDS_IN_FLIGHT })));
        continue;
      }
      inFlight += 1;
      void dispatcher
        .handle(decoded.body, sendProgress)
        .then(send)
        .finally(() => {
          inFlight -= 1;
          exitWhenQuiet();
        });
    }
  };
  /**
   * A length over the limit: Chromium's framing has no resync point, so the stream is over. Say
   * why (no request id can be known), read nothing more, let what runs finish, and leave.
   */
  const refuseStream = (bytes: number): void => {
    log.warn('refused an oversized message; closing the session', { bytes });
    send({
      id: null,
      ok: false,
      error: new AppError('MESSAGE_TOO_LARGE', 'the message exceeds the host limit; the host closes the session', {
        bytes,
        limit: MAX_BROWSER_TO_HOST_BYTES,
      }).toPayload(),
    });
    streamRefused = true;
    inputEnded = true;
    io.input.removeListener('data', onData);
    io.input.pause();
    exitWhenQuiet();
  };
  io.input.on('data', onData);
  io.input.on('end', () => {
    if (decoder.hasPartialFrame) log.warn('input ended inside a frame');
    log.info('browser closed the port');
    inputEnded = true;
    exitWhenQuiet();
  });
  armIdleTimer();
}
