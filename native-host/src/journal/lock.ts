import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import * as z from 'zod/mini';

/**
 * One writer at a time across processes (the browser's host and a CLI may run together): a
 * lock file created exclusively (O_EXCL), holding who took it. A lock whose process is gone, or
 * that is older than any append can take, is stale and is broken by renaming it away first, so
 * that two processes breaking the same stale lock cannot delete each other's fresh one.
 */

const lockContentSchema = z.strictObject({
  pid: z.int().check(z.gte(1)),
  host: z.string().check(z.maxLength(255)),
  nonce: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
  takenAtMs: z.int().check(z.gte(0)),
});
type LockContent = z.infer<typeof lockContentSchema>;

export interface LockOptions {
  /** How long to wait for another writer before giving up. */
  timeoutMs: number;
  /** A lock held longer than this is stale whatever its process (appends take milliseconds). */
  staleMs: number;
  /** Told when a stale lock was broken, so that it can be journaled. */
  onStaleBroken?: (description: string) => void;
}

export class LockTimeout extends Error {
  override readonly name = 'LockTimeout';
}

export class LockLost extends Error {
  override readonly name = 'LockLost';
}

export interface HeldLock {
  /** Throws LockLost if another process has taken the lock meanwhile (ours was judged stale). */
  assertHeld(): void;
  release(): void;
}

function readLock(file: string): LockContent | undefined {
  try {
    const parsed = lockContentSchema.safeParse(JSON.parse(readFileSync(file, 'utf8').slice(0, 4096)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'ESRCH';
  }
}

/** Why the lock at `file` is stale, or undefined when it must be respected. */
function staleness(file: string, staleMs: number, nowMs: number): { why: string; content: LockContent | undefined } | undefined {
  const content = readLock(file);
  let ageMs: number;
  try {
    ageMs = nowMs - (content?.takenAtMs ?? statSync(file).mtimeMs);
  } catch {
    return undefined; // gone meanwhile: just try again
  }
  if (content !== undefined && content.host === hostname() && content.pid !== process.pid && processIsGone(content.pid)) {
    return { why: `lock left by process ${content.pid}, which no longer runs`, content };
  }
  // An unreadable lock is one whose writer died between creating and filling it; give it a moment.
  if (ageMs > (content === undefined ? Math.min(staleMs, 2000) : staleMs)) {
    return { why: `lock held for ${Math.round(ageMs)} ms${content === undefined ? ' (unreadable)' : ` by process ${content.pid} on ${content.host}`}`, content };
  }
  return undefined;
}

function breakStaleLock(file: string, judged: LockContent | undefined): boolean {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return false; // someone else broke it first
  }
  const moved = readLock(aside);
  const sameAsJudged = judged === undefined ? moved === undefined : moved?.nonce === judged.nonce;
  if (!sameAsJudged) {
    // We moved a lock taken after our judgement: put it back if the place is still free.
    try {
      linkSync(aside, file);
    } catch {
      // Its holder will find out through assertHeld before it writes.
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  return true;
}

function tryCreate(file: string, content: LockContent): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(content));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function acquireLock(file: string, options: LockOptions): Promise<HeldLock> {
  const deadline = Date.now() + options.timeoutMs;
  const content: LockContent = { pid: process.pid, host: hostname(), nonce: randomBytes(16).toString('hex'), takenAtMs: Date.now() };
  for (;;) {
    content.takenAtMs = Date.now();
    if (tryCreate(file, content)) break;
    const stale = staleness(file, options.staleMs, Date.now());
    if (stale !== undefined && breakStaleLock(file, stale.content)) {
      options.onStaleBroken?.(stale.why);
      continue;
    }
    if (Date.now() >= deadline) throw new LockTimeout(`another process has held ${file} for more than ${options.timeoutMs} ms`);
    await pause(5 + Math.floor(Math.random() * 20));
  }
  let released = false;
  return {
    assertHeld() {
      if (released || readLock(file)?.nonce !== content.nonce) throw new LockLost(`the journal lock ${file} is no longer ours`);
    },
    release() {
      if (released) return;
      released = true;
      if (readLock(file)?.nonce === content.nonce) unlinkSync(file);
    },
  };
}
