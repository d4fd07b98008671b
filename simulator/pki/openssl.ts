import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Runs `openssl` and `keytool` as child processes: argument arrays only (never a shell string),
 * and never a secret on the command line (passwords travel in files: `-passin file:`, `-…pass:file`).
 * A process-wide limit keeps the number of concurrent children at the number of cores.
 */

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly stderr: string,
    cause: unknown,
  ) {
    super(`${tool} ${args.join(' ')} failed: ${stderr.trim() || String(cause)}`, { cause });
    this.name = 'ToolError';
  }
}

type Task<T> = () => Promise<T>;

/** At most `concurrency` tasks run at once; the others wait in arrival order. */
export function createLimiter(concurrency: number): <T>(task: Task<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: Task<T>): Promise<T> => {
    if (active >= concurrency) {
      // The finishing task hands its slot over directly, so `active` is not incremented here.
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      active += 1;
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

const limit = createLimiter(Math.max(2, availableParallelism()));

export interface RunOptions {
  /** Working directory of the child (default: this process's). */
  cwd?: string;
}

function run(tool: string, args: readonly string[], options: RunOptions): Promise<ToolOutput> {
  const settings = { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, windowsHide: true, ...options } as const;
  return limit(
    () =>
      new Promise<ToolOutput>((resolve, reject) => {
        execFile(tool, args, settings, (error, stdout, stderr) => {
          if (error) reject(new ToolError(tool, args, stderr, error));
          else resolve({ stdout, stderr });
        });
      }),
  );
}

/** `openssl <args>` (OpenSSL 3). */
export function openssl(args: readonly string[], options: RunOptions = {}): Promise<ToolOutput> {
  return run('openssl', args, options);
}

/**
 * `keytool <args>` (Java 17). The JVM flags only shorten start-up (client compiler, serial GC):
 * keytool runs for a fraction of a second and start-up dominates.
 */
export function keytool(args: readonly string[], options: RunOptions = {}): Promise<ToolOutput> {
  return run('keytool', ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', ...args], options);
}

/**
 * Like Promise.all, but settles only when every promise has settled, so that no child process is
 * still writing when the caller cleans up after a failure. Rejects with the first failure in order.
 */
export async function all<T extends readonly unknown[] | []>(values: T): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  await Promise.allSettled(values);
  return Promise.all(values);
}
