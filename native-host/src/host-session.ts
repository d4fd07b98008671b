import { AppError, toErrorPayload } from '../../src/shared/errors.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
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
export function runSession(io: SessionIo, dispatcher: Dispatcher, log: Logger, idleTimeoutMs: number): void {
  const decoder = new FrameDecoder(MAX_BROWSER_TO_HOST_BYTES);
  let inFlight = 0;
  let closing = false;
  let idleTimer: NodeJS.Timeout | undefined;

  const exitWhenQuiet = (): void => {
    if (closing && inFlight === 0) {
      if (idleTimer) clearTimeout(idleTimer);
      io.exit(0);
    }
  };
  const armIdleTimer = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      log.info('idle timeout reached, exiting', { idleTimeoutMs });
      closing = true;
      exitWhenQuiet();
    }, idleTimeoutMs);
  };

  const send = (reply: HostReply): void => {
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
    closing = true;
    exitWhenQuiet();
  });
  armIdleTimer();
}
