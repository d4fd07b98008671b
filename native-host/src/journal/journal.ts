import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../src/shared/errors.js';
import type { Logger } from '../log.js';
import { ChainVerifier, entryLine, parseEntryLine, sealEntry, sha256Hex, type ChainCheck } from './chain.js';
import { GENESIS_HASH, journalRecordSchema, MAX_ENTRY_BYTES, type JournalEntry, type JournalRecord } from './entry.js';
import { endOfLastCompleteLine, OverlongLine, readBytes, readLinesBackward, readLinesForward } from './lines.js';
import { acquireLock, LockLost, LockTimeout } from './lock.js';
import { journalTimestamp } from './timestamp.js';

/**
 * The transmission journal: `<stateDir>/journal/journal.jsonl`, append-only JSON lines, each
 * fsynced before the call it announces is made. Writers take the lock, re-read the tail (another
 * process may have appended), recover a torn last line into `quarantine/`, then append.
 */

/** A day after every timestamp: reading back stops at the last entry. */
const LAST_ENTRY_ONLY = '9999-12-31';

export interface JournalPaths {
  directory: string;
  file: string;
  lock: string;
  quarantine: string;
}

export function journalPaths(stateDir: string): JournalPaths {
  const directory = join(stateDir, 'journal');
  return { directory, file: join(directory, 'journal.jsonl'), lock: join(directory, 'journal.lock'), quarantine: join(directory, 'quarantine') };
}

export interface JournalOptions {
  stateDir: string;
  logger?: Logger;
  now?: () => Date;
  lockTimeoutMs?: number;
  staleLockMs?: number;
}

export interface TransactionPlan<T> {
  records: readonly JournalRecord[];
  value: T;
}

/** Writers see the entries written since this Belgian day (default: yesterday), oldest first. */
export interface TransactionOptions {
  recentSince?: string;
}

function unavailable(message: string, details?: Record<string, string | number>): AppError {
  return new AppError('JOURNAL_UNAVAILABLE', message, details);
}

function fsyncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; its file system makes the new name durable itself.
  }
}

/** writeSync may write less than asked; a journal line is never left half-written by us. */
function writeFully(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

function previousDay(isoDate: string): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

interface Tail {
  /** Newest last. */
  recent: JournalEntry[];
  last: JournalEntry | undefined;
}

/** Reads back from `end` until the entries are older than `since`, checking the links between them. */
function readTail(fd: number, end: number, since: string): Tail {
  const newestFirst: JournalEntry[] = [];
  let lineFromEnd = 0;
  try {
    for (const line of readLinesBackward(fd, end)) {
      lineFromEnd += 1;
      const parsed = parseEntryLine(line);
      if (!parsed.ok) throw unavailable(`the journal is damaged ${lineFromEnd} line(s) from its end: ${parsed.reason}`, { lineFromEnd });
      const later = newestFirst.at(-1);
      if (later !== undefined && (later.prev !== parsed.entry.hash || later.seq !== parsed.entry.seq + 1)) {
        throw unavailable(`the journal chain is broken before entry ${later.seq}`, { seq: later.seq });
      }
      newestFirst.push(parsed.entry);
      // Timestamps are Belgian wall-clock time, so their first ten characters are the Belgian day.
      if (parsed.entry.at.slice(0, 10) < since) break;
    }
  } catch (error) {
    if (error instanceof OverlongLine) throw unavailable(`the journal is damaged: ${error.message}`);
    throw error;
  }
  const recent = newestFirst.reverse();
  return { recent, last: recent.at(-1) };
}

/**
 * What this process last read of a journal's tail, so that a transaction reads only what was
 * appended since (by this process or another) instead of the last two days again: a busy day's
 * tail is megabytes of sealed requests (120 sends made each transaction cost ~130 ms).
 */
interface CachedTail {
  device: number;
  inode: number;
  /** The offset read up to, just after a newline. */
  end: number;
  /** The Belgian day the entries cover (with the one before it, the link): any later day can be answered. */
  since: string;
  /** Newest last. */
  entries: JournalEntry[];
}

const cachedTails = new Map<string, CachedTail>();

/** The entries since `since` plus the one just before them, as readTail gives them. */
function tailView(entries: readonly JournalEntry[], since: string): Tail {
  let start = entries.length;
  while (start > 0 && (entries[start - 1]?.at.slice(0, 10) ?? '') >= since) start -= 1;
  const recent = entries.slice(Math.max(0, start - 1));
  return { recent, last: recent.at(-1) };
}

/** readTail, answered from the cache when it still describes this file, reading only the new lines. */
function recentTail(fd: number, file: string, identity: { dev: number; ino: number }, end: number, since: string, keepSince: string): Tail {
  const { dev, ino } = identity;
  const cached = cachedTails.get(file);
  if (cached === undefined || cached.device !== dev || cached.inode !== ino || cached.end > end || since < cached.since) {
    const tail = readTail(fd, end, since < keepSince ? since : keepSince);
    cachedTails.set(file, { device: dev, inode: ino, end, since: since < keepSince ? since : keepSince, entries: [...tail.recent] });
    return tailView(tail.recent, since);
  }
  let last = cached.entries.at(-1);
  // The file's last entry is read again every time (one line): a damaged or altered one stops the writer as before.
  if (last !== undefined) {
    const line = readLinesBackward(fd, cached.end).next();
    const parsed = line.done === true ? undefined : parseEntryLine(line.value);
    if (parsed === undefined || !parsed.ok || parsed.entry.hash !== last.hash) {
      cachedTails.delete(file);
      throw unavailable(`the journal is damaged at entry ${last.seq}: ${parsed !== undefined && !parsed.ok ? parsed.reason : 'it is not the entry this process read'}`, { seq: last.seq });
    }
  }
  readLinesForward(
    fd,
    end,
    (line) => {
      if (line.kind === 'overlong') throw unavailable(`the journal is damaged: a line after offset ${cached.end} is longer than ${MAX_ENTRY_BYTES} bytes`);
      const parsed = parseEntryLine(line.text);
      if (!parsed.ok) throw unavailable(`the journal is damaged after entry ${last?.seq ?? 0}: ${parsed.reason}`, { seq: last?.seq ?? 0 });
      if (parsed.entry.seq !== (last?.seq ?? 0) + 1 || parsed.entry.prev !== (last?.hash ?? GENESIS_HASH)) {
        throw unavailable(`the journal chain is broken before entry ${parsed.entry.seq}`, { seq: parsed.entry.seq });
      }
      cached.entries.push(parsed.entry);
      last = parsed.entry;
    },
    cached.end,
  );
  cached.end = end;
  if (keepSince > cached.since) {
    cached.entries = tailView(cached.entries, keepSince).recent;
    cached.since = keepSince;
  }
  return tailView(cached.entries, since);
}

/** After this process appended: the cache follows, or is dropped when it no longer matches the file. */
function rememberAppended(fd: number, file: string, readUpTo: number, written: readonly JournalEntry[]): void {
  const cached = cachedTails.get(file);
  if (cached === undefined) return;
  if (cached.end !== readUpTo) {
    cachedTails.delete(file);
    return;
  }
  cached.entries.push(...written);
  cached.end = fstatSync(fd).size;
}

export class Journal {
  readonly paths: JournalPaths;
  private readonly now: () => Date;

  constructor(private readonly options: JournalOptions) {
    this.paths = journalPaths(options.stateDir);
    this.now = options.now ?? (() => new Date());
  }

  async append(record: JournalRecord): Promise<JournalEntry> {
    // An append needs only the last entry, not the recent ones.
    const { appended } = await this.transaction(() => ({ records: [record], value: undefined }), { recentSince: LAST_ENTRY_ONLY });
    const entry = appended.at(-1);
    if (entry === undefined) throw new Error('append wrote nothing');
    return entry;
  }

  /**
   * Under the lock: `work` sees the recent entries (after any other process's appends) and says
   * what to append; it may be async (building a signed request) but must not call the network.
   */
  async transaction<T>(
    work: (recent: readonly JournalEntry[], now: Date) => TransactionPlan<T> | Promise<TransactionPlan<T>>,
    options: TransactionOptions = {},
  ): Promise<{ value: T; appended: JournalEntry[] }> {
    mkdirSync(this.paths.directory, { recursive: true, mode: 0o700 });
    const brokenLocks: string[] = [];
    let lock;
    try {
      lock = await acquireLock(this.paths.lock, {
        timeoutMs: this.options.lockTimeoutMs ?? 10_000,
        staleMs: this.options.staleLockMs ?? 30_000,
        onStaleBroken: (why) => brokenLocks.push(why),
      });
    } catch (error) {
      if (error instanceof LockTimeout) throw unavailable(error.message);
      throw error;
    }
    let fd: number | undefined;
    try {
      const existed = readdirSync(this.paths.directory).includes('journal.jsonl');
      fd = openSync(this.paths.file, 'a+', 0o600);
      if (!existed) fsyncDirectory(this.paths.directory);
      const stat = fstatSync(fd);
      const size = stat.size;
      const completeEnd = endOfLastCompleteLine(fd, size);
      const today = journalTimestamp(this.now()).slice(0, 10);
      const yesterday = previousDay(today);
      // A torn tail is rare: recover it from a fresh reading, and read afresh next time too.
      if (completeEnd < size) cachedTails.delete(this.paths.file);
      const tail = recentTail(fd, this.paths.file, stat, completeEnd, options.recentSince ?? yesterday, yesterday);

      const housekeeping: JournalRecord[] = brokenLocks.map((why) => ({ kind: 'journal-disturbance', disturbance: 'stale-lock-broken', detail: why.slice(0, 500) }));
      if (completeEnd < size) {
        housekeeping.push(this.recoverTornTail(fd, completeEnd, size, tail));
        cachedTails.delete(this.paths.file);
      }
      let last = tail.last;
      const written: JournalEntry[] = [];
      if (housekeeping.length > 0) {
        lock.assertHeld();
        written.push(...this.write(fd, last, housekeeping));
        last = written.at(-1);
        tail.recent.push(...written);
      }

      const plan = await work(tail.recent, this.now());
      lock.assertHeld();
      const appended = this.write(fd, last, plan.records);
      rememberAppended(fd, this.paths.file, completeEnd, [...written, ...appended]);
      return { value: plan.value, appended };
    } catch (error) {
      // Whatever failed, the next transaction reads the file rather than trust what this one cached.
      cachedTails.delete(this.paths.file);
      if (error instanceof LockLost) throw unavailable(error.message);
      if (error instanceof Error && 'code' in error && typeof error.code === 'string' && !(error instanceof AppError)) {
        throw unavailable(`cannot write the journal: ${error.code}`, { cause: error.code });
      }
      throw error;
    } finally {
      if (fd !== undefined) closeSync(fd);
      lock.release();
    }
  }

  /** Appends the records after `last`, in one write, and makes them durable before returning. */
  private write(fd: number, last: JournalEntry | undefined, records: readonly JournalRecord[]): JournalEntry[] {
    if (records.length === 0) return [];
    const entries: JournalEntry[] = [];
    let previous = last;
    for (const record of records) {
      const checked = journalRecordSchema.safeParse(record);
      if (!checked.success) throw new AppError('INTERNAL', 'refused to journal a malformed record', { kind: record.kind });
      const entry = sealEntry((previous?.seq ?? 0) + 1, journalTimestamp(this.now()), previous?.hash ?? GENESIS_HASH, checked.data);
      entries.push(entry);
      previous = entry;
    }
    const text = entries.map(entryLine).join('');
    if (entries.some((entry) => Buffer.byteLength(entryLine(entry)) > MAX_ENTRY_BYTES)) {
      throw new AppError('INTERNAL', `a journal entry would exceed ${MAX_ENTRY_BYTES} bytes`);
    }
    writeFully(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
    return entries;
  }

  /**
   * A crash mid-write leaves bytes after the last newline. A complete entry that only lacks its
   * newline is kept; anything else goes to a quarantine file (never dropped) before the file is
   * cut back to the last good entry. Either way a disturbance record says what happened.
   */
  private recoverTornTail(fd: number, completeEnd: number, size: number, tail: Tail): JournalRecord {
    const bytes = readBytes(fd, completeEnd, size);
    const parsed = parseEntryLine(bytes.toString('utf8'));
    const last = tail.last;
    if (parsed.ok && parsed.entry.seq === (last?.seq ?? 0) + 1 && parsed.entry.prev === (last?.hash ?? GENESIS_HASH)) {
      writeSync(fd, '\n');
      fsyncSync(fd);
      tail.recent.push(parsed.entry);
      tail.last = parsed.entry;
      this.options.logger?.warn('journal: completed an entry that lacked its newline', { seq: parsed.entry.seq });
      return { kind: 'journal-disturbance', disturbance: 'missing-newline-repaired', detail: `entry ${parsed.entry.seq} was complete but lacked its newline`, bytes: bytes.length };
    }
    mkdirSync(this.paths.quarantine, { recursive: true, mode: 0o700 });
    const name = `torn-${journalTimestamp(this.now()).replace(/[:.]/g, '')}-after-seq-${last?.seq ?? 0}.bin`;
    const quarantined = openSync(join(this.paths.quarantine, name), 'wx', 0o600);
    try {
      writeSync(quarantined, bytes);
      fsyncSync(quarantined);
    } finally {
      closeSync(quarantined);
    }
    fsyncDirectory(this.paths.quarantine);
    ftruncateSync(fd, completeEnd);
    fsyncSync(fd);
    this.options.logger?.warn('journal: quarantined a torn last line', { bytes: bytes.length, file: name });
    return {
      kind: 'journal-disturbance',
      disturbance: 'torn-tail-quarantined',
      detail: `an interrupted write left ${bytes.length} bytes after entry ${last?.seq ?? 0}; kept in the quarantine file`,
      quarantineFile: `quarantine/${name}`,
      bytes: bytes.length,
      sha256: sha256Hex(bytes),
    };
  }
}

export interface JournalReading {
  file: string;
  exists: boolean;
  check: ChainCheck;
  /** The valid entries, in order (up to the first break). */
  entries: JournalEntry[];
  /** Bytes after the last newline, not yet recovered (a writer will quarantine them). */
  tornTailBytes: number;
  quarantined: string[];
}

/** Reads and verifies the whole journal without taking the lock (for reports and audits). */
export function readJournal(stateDir: string, options: { keepEntries: boolean } = { keepEntries: true }): JournalReading {
  const paths = journalPaths(stateDir);
  let quarantined: string[] = [];
  try {
    quarantined = readdirSync(paths.quarantine).sort();
  } catch {
    quarantined = [];
  }
  const verifier = new ChainVerifier(options.keepEntries);
  let fd: number;
  try {
    fd = openSync(paths.file, 'r');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      return { file: paths.file, exists: false, check: verifier.result, entries: [], tornTailBytes: 0, quarantined };
    }
    throw error;
  }
  try {
    const { tornTailBytes } = readLinesForward(fd, fstatSync(fd).size, (line) => {
      if (line.kind === 'line') verifier.accept(line.text);
      else verifier.acceptUnreadable(`longer than ${MAX_ENTRY_BYTES} bytes (${line.bytes})`);
    });
    return { file: paths.file, exists: true, check: verifier.result, entries: verifier.entries, tornTailBytes, quarantined };
  } finally {
    closeSync(fd);
  }
}
