import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The host's log. Never stdout (that carries frames only). Lines go to `<stateDir>/host.log`,
 * rotated at 1 MiB, or to stderr when the file cannot be written. Callers must never pass
 * secrets or patient data; messages are short facts about what the host did.
 */
export interface Logger {
  info(message: string, fields?: Record<string, string | number | boolean>): void;
  warn(message: string, fields?: Record<string, string | number | boolean>): void;
  error(message: string, fields?: Record<string, string | number | boolean>): void;
}

const MAX_LOG_BYTES = 1024 * 1024;

function format(level: string, message: string, fields?: Record<string, string | number | boolean>): string {
  return `${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`;
}

export function createFileLogger(stateDir: string): Logger {
  const file = join(stateDir, 'host.log');
  let useStderr = false;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  } catch {
    useStderr = true;
  }
  const write = (line: string): void => {
    if (!useStderr) {
      try {
        if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
        appendFileSync(file, line, { mode: 0o600 });
        return;
      } catch {
        useStderr = true;
      }
    }
    process.stderr.write(line);
  };
  return loggerWritingTo(write);
}

export function createStderrLogger(): Logger {
  return loggerWritingTo((line) => process.stderr.write(line));
}

function loggerWritingTo(write: (line: string) => void): Logger {
  return {
    info: (message, fields) => write(format('info', message, fields)),
    warn: (message, fields) => write(format('warn', message, fields)),
    error: (message, fields) => write(format('error', message, fields)),
  };
}
