import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../src/shared/errors.js';
import type { Logger } from '../log.js';
import { ChainVerifier, entryLine, followsInChain, nextSeq, parseEntryLine, sealEntry, sha256Hex, type ChainCheck } from './chain.js';
import { fsyncDirectory } from '../durable-file.js';
import { GENESIS_HASH, journalRecordSchema, MAX_ENTRY_BYTES, type JournalEntry, type JournalRecord } from './entry.js';
import { checkAnchor, checkHeadFile, journalTamperedError, readHeadFile, writeHeadFile, type AnchorCheck, type HeadFile } from './head.js';
import { endOfLastCompleteLine, OverlongLine, readBytes, readLinesBackward, readLinesForward } from './lines.js';
import { acquireLock, LockLost, LockTimeout } from './lock.js';
import { journalTimestamp } from './timestamp.js';

/**
 * The transmission journal: `<stateDir>/journal/journal.jsonl`, append-only JSON lines, each
 * fsynced before the call it announces is made. Writers take the lock, re-read the tail (another
 * process may have appended), recover a torn last line into `quarantine/`, check that the journal
 * still reaches its head anchored in `head` (see head.ts), then append and move the anchor.
 */

/** A day after every timestamp: reading back stops at the last entry. */
const LAST_ENTRY_ONLY = '9999-12-31';

export interface JournalPaths {
  directory: string;
  file: string;
  lock: string;
  quarantine: string;
  /** The head anchor: the last entry written, kept outside the journal. */
  head: string;
}

export function journalPaths(stateDir: string): JournalPaths {
  const directory = join(stateDir, 'journal');
  return { directory, file: join(directory, 'journal.jsonl'), lock: join(directory, 'journal.lock'), quarantine: join(directory, 'quarantine'), head: join(directory, 'head') };
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
  /**
   * A journal that no longer reaches its head anchor: a decision (the default) is refused, since
   * what was cut may be the send it would repeat. A record of what already happened (an outcome, a
   * consultation made) is still written, so that no evidence is lost, but the anchor is not moved:
   * the journal stays marked until a person restores it. 'accept-loss' is `acceptLoss`'s alone: the
   * record it writes moves the anchor past the lost entries.
   */
  whenTampered?: 'refuse' | 'record' | 'accept-loss';
  /**
   * The highest head the caller (the extension) has seen of this journal: a third anchor, checked
   * in the same locked read as the head file, so that a journal cut together with its head file is
   * refused without a separate round trip.
   */
  callerAnchor?: { seq: number; hash: string; name: string } | undefined;
}

/** What a transaction's work learns of the journal's anchors (only `acceptLoss` needs it). */
export interface AnchorState {
  tampering: Tampering | undefined;
  headFile: HeadFile;
}

export type LossAcceptance = { accepted: JournalEntry } | { refused: string };

function unavailable(message: string, details?: Record<string, string | number>): AppError {
  return new AppError('JOURNAL_UNAVAILABLE', message, details);
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
      if (later !== undefined && !followsInChain(parsed.entry, later)) {
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
      // An intact entry other than the one read here: rewritten under this process.
      if (parsed?.ok === true) throw journalTamperedError({ status: 'diverged', anchoredSeq: last.seq }, 'this host process');
      throw unavailable(`the journal is damaged at entry ${last.seq}: ${parsed === undefined ? 'it is not the entry this process read' : parsed.reason}`, { seq: last.seq });
    }
  }
  readLinesForward(
    fd,
    end,
    (line) => {
      if (line.kind === 'overlong') throw unavailable(`the journal is damaged: a line after offset ${cached.end} is longer than ${MAX_ENTRY_BYTES} bytes`);
      const parsed = parseEntryLine(line.text);
      if (!parsed.ok) throw unavailable(`the journal is damaged after entry ${last?.seq ?? 0}: ${parsed.reason}`, { seq: last?.seq ?? 0 });
      if (!followsInChain(last, parsed.entry)) {
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

/**
 * The newest entry this process wrote or found at the journal's head: a third anchor, for the time a
 * host runs (a journal cut together with its head file meanwhile is caught before the next decision).
 */
const anchoredInProcess = new Map<string, { seq: number; hash: string }>();

/** The hash of entry `seq` of the journal ending at `end`: from the entries already read, else reading back. */
function entryHashAt(fd: number, end: number, known: readonly JournalEntry[], seq: number): string | undefined {
  const knownEntry = known.find((entry) => entry.seq === seq);
  if (knownEntry !== undefined) return knownEntry.hash;
  try {
    for (const line of readLinesBackward(fd, end)) {
      const parsed = parseEntryLine(line);
      if (!parsed.ok || parsed.entry.seq < seq) return undefined;
      if (parsed.entry.seq === seq) return parsed.entry.hash;
    }
  } catch (error) {
    if (error instanceof OverlongLine) return undefined;
    throw error;
  }
  return undefined;
}

export type Tampering = { check: Exclude<AnchorCheck, { status: 'matches' | 'absent' }>; anchor: string };

/** The first anchor the journal does not reach: its head file, or what this process last saw. */
function tamperingOf(
  headFile: HeadFile,
  inProcess: { seq: number; hash: string } | undefined,
  caller: TransactionOptions['callerAnchor'],
  lastSeq: number,
  hashAt: (seq: number) => string | undefined,
): Tampering | undefined {
  const fromFile = checkHeadFile(headFile, lastSeq, hashAt);
  if (fromFile.status !== 'matches' && fromFile.status !== 'absent') return { check: fromFile, anchor: 'the head file' };
  for (const [anchor, name] of [[inProcess, 'this host process'], [caller, caller?.name]] as const) {
    const check = anchor === undefined ? undefined : checkAnchor(anchor, lastSeq, hashAt);
    if (check !== undefined && check.status !== 'matches' && check.status !== 'absent') return { check, anchor: name ?? 'the caller' };
  }
  return undefined;
}

export class Journal {
  readonly paths: JournalPaths;
  private readonly now: () => Date;

  constructor(private readonly options: JournalOptions) {
    this.paths = journalPaths(options.stateDir);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records what already happened (an outcome, a consultation made): written even to a journal that
   * no longer reaches its anchor, since losing evidence helps no one; decisions use `transaction`.
   */
  async append(record: JournalRecord): Promise<JournalEntry> {
    // An append needs only the last entry, not the recent ones.
    const { appended } = await this.transaction(() => ({ records: [record], value: undefined }), { recentSince: LAST_ENTRY_ONLY, whenTampered: 'record' });
    const entry = appended.at(-1);
    if (entry === undefined) throw new Error('append wrote nothing');
    return entry;
  }

  /**
   * Under the lock: `work` sees the recent entries (after any other process's appends) and says
   * what to append; it may be async (building a signed request) but must not call the network.
   */
  async transaction<T>(
    work: (recent: readonly JournalEntry[], now: Date, anchor: AnchorState) => TransactionPlan<T> | Promise<TransactionPlan<T>>,
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
      const lastSeq = tail.last?.seq ?? 0;
      const headFile = readHeadFile(this.paths.head);
      const file = fd;
      const tampering = tamperingOf(headFile, anchoredInProcess.get(this.paths.file), options.callerAnchor, lastSeq, (seq) => entryHashAt(file, completeEnd, tail.recent, seq));
      if (headFile.kind === 'absent' && lastSeq > 0 && tampering === undefined) {
        // An install older than the anchor, or the file deleted: anchored from here on, and said so in
        // the journal itself. A cut made before that is the extension's anchor to catch.
        this.options.logger?.warn('journal: no head anchor beside the journal; written from its last entry', { seq: lastSeq });
        housekeeping.push({ kind: 'journal-disturbance', disturbance: 'head-anchor-created', detail: `no head anchor beside a journal of ${lastSeq} entries: written from its last entry (an older install, or the file was deleted)` });
      }
      let last = tail.last;
      const written: JournalEntry[] = [];
      if (housekeeping.length > 0) {
        lock.assertHeld();
        written.push(...this.write(fd, last, housekeeping));
        last = written.at(-1);
        tail.recent.push(...written);
      }
      if (tampering !== undefined && (options.whenTampered ?? 'refuse') === 'refuse') throw journalTamperedError(tampering.check, tampering.anchor);

      const plan = await work(tail.recent, this.now(), { tampering, headFile });
      lock.assertHeld();
      const appended = this.write(fd, last, plan.records);
      rememberAppended(fd, this.paths.file, completeEnd, [...written, ...appended]);
      const newest = appended.at(-1) ?? last;
      // Only an accepted loss moves an anchor the journal does not reach.
      if (tampering !== undefined && !(options.whenTampered === 'accept-loss' && appended.length > 0)) {
        this.options.logger?.warn('journal: recorded in a journal that does not reach its anchor; the anchor stays where it was', { anchor: tampering.anchor, status: tampering.check.status });
      } else if (newest !== undefined) {
        if (headFile.kind !== 'present' || headFile.head.seq !== newest.seq || headFile.head.hash !== newest.hash) writeHeadFile(this.paths.head, newest);
        anchoredInProcess.set(this.paths.file, { seq: newest.seq, hash: newest.hash });
      }
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

  /**
   * `eattest-host journal --accept-loss`: the way forward when entries were cut from the journal's
   * end and no backup reaches its head anchor. A journaled, explicit act: the record names the lost
   * entries and takes the sequence number after them, so the anchors (head file, extension) move on
   * and never see the sequence go back. Refused when the last lost entry is of today: a send of
   * today that was lost could then go out twice, whereas tomorrow today's care can no longer be
   * sent at all (eAttest takes only the day's care). Refused too for a journal rewritten rather
   * than cut, or an unreadable anchor: those are restored, not accepted.
   */
  async acceptLoss(acceptedBy: string): Promise<LossAcceptance> {
    const { value, appended } = await this.transaction<string | undefined>(
      (recent, now, anchor) => {
        const { tampering, headFile } = anchor;
        if (tampering === undefined) return { records: [], value: 'the journal reaches its head anchor: nothing was lost' };
        if (tampering.check.status !== 'truncated' || headFile.kind !== 'present') {
          return { records: [], value: `${journalTamperedError(tampering.check, tampering.anchor).message}; a journal rewritten, or without a readable anchor, is restored from a backup, not accepted as it is` };
        }
        const today = journalTimestamp(now).slice(0, 10);
        const lastLostDay = headFile.head.at.slice(0, 10);
        if (lastLostDay >= today) {
          return { records: [], value: `the last lost entry was written today (${headFile.head.at}): a send of today among the lost ones could go out twice; restore the journal from a backup, or accept the loss tomorrow, when today's care can no longer be sent` };
        }
        const afterSeq = recent.at(-1)?.seq ?? 0;
        const { seq: throughSeq, hash: headHash, at: headAt } = headFile.head;
        const detail = `entries ${afterSeq + 1}–${throughSeq} were cut from the journal and could not be restored; the loss was accepted by ${acceptedBy.slice(0, 200)}`;
        return { records: [{ kind: 'journal-disturbance', disturbance: 'loss-accepted', detail, lost: { afterSeq, throughSeq, headHash, headAt } }], value: undefined };
      },
      { recentSince: LAST_ENTRY_ONLY, whenTampered: 'accept-loss' },
    );
    const accepted = appended[0];
    if (value !== undefined || accepted === undefined) return { refused: value ?? 'nothing was written' };
    this.options.logger?.warn('journal: a loss of entries was accepted', { through: accepted.seq - 1 });
    return { accepted };
  }

  /** Appends the records after `last`, in one write, and makes them durable before returning. */
  private write(fd: number, last: JournalEntry | undefined, records: readonly JournalRecord[]): JournalEntry[] {
    if (records.length === 0) return [];
    const entries: JournalEntry[] = [];
    let previous = last;
    for (const record of records) {
      const checked = journalRecordSchema.safeParse(record);
      if (!checked.success) throw new AppError('INTERNAL', 'refused to journal a malformed record', { kind: record.kind });
      const entry = sealEntry(nextSeq(previous, checked.data), journalTimestamp(this.now()), previous?.hash ?? GENESIS_HASH, checked.data);
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
    if (parsed.ok && followsInChain(last, parsed.entry)) {
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
  /** Whether the intact chain reaches the head anchored beside it. */
  head: AnchorCheck;
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
  const headFile = readHeadFile(paths.head);
  const verifier = new ChainVerifier(options.keepEntries, headFile.kind === 'present' ? headFile.head.seq : undefined);
  const headCheck = (): AnchorCheck => checkHeadFile(headFile, verifier.result.lastSeq, () => verifier.watchedHash);
  let fd: number;
  try {
    fd = openSync(paths.file, 'r');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      return { file: paths.file, exists: false, check: verifier.result, head: headCheck(), entries: [], tornTailBytes: 0, quarantined };
    }
    throw error;
  }
  try {
    const { tornTailBytes } = readLinesForward(fd, fstatSync(fd).size, (line) => {
      if (line.kind === 'line') verifier.accept(line.text);
      else verifier.acceptUnreadable(`longer than ${MAX_ENTRY_BYTES} bytes (${line.bytes})`);
    });
    return { file: paths.file, exists: true, check: verifier.result, head: headCheck(), entries: verifier.entries, tornTailBytes, quarantined };
  } finally {
    closeSync(fd);
  }
}

/**
 * The entries written since the Belgian day `since` (and the one before them), read back from the
 * end with their links checked: what a day's view needs, at a cost that does not grow with the
 * journal's age. The whole chain is `readJournal`'s (audits, `journal --verify`).
 */
export function readJournalSince(stateDir: string, since: string): JournalEntry[] {
  const paths = journalPaths(stateDir);
  let fd: number;
  try {
    fd = openSync(paths.file, 'r');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  try {
    return readTail(fd, endOfLastCompleteLine(fd, fstatSync(fd).size), since).recent;
  } finally {
    closeSync(fd);
  }
}

/** The journal's last entry and whether it reaches its head anchor, as `hello` and `status` report it. */
export interface JournalHeadReport {
  seq: number;
  hash: string;
  anchor: AnchorCheck['status'];
}

/** Reads the head file and the journal's last line only: as cheap with a year of journal as with none. */
export function journalHeadReport(stateDir: string): JournalHeadReport {
  const paths = journalPaths(stateDir);
  const headFile = readHeadFile(paths.head);
  let fd: number;
  try {
    fd = openSync(paths.file, 'r');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { seq: 0, hash: GENESIS_HASH, anchor: checkHeadFile(headFile, 0, () => undefined).status };
    throw error;
  }
  try {
    const end = endOfLastCompleteLine(fd, fstatSync(fd).size);
    const lastLine = readLinesBackward(fd, end).next();
    const parsed = lastLine.done === true ? undefined : parseEntryLine(lastLine.value);
    if (parsed !== undefined && !parsed.ok) return { seq: 0, hash: GENESIS_HASH, anchor: 'unreadable' };
    const last = parsed?.entry;
    const lastSeq = last?.seq ?? 0;
    return { seq: lastSeq, hash: last?.hash ?? GENESIS_HASH, anchor: checkHeadFile(headFile, lastSeq, (seq) => entryHashAt(fd, end, last === undefined ? [] : [last], seq)).status };
  } catch (error) {
    if (error instanceof OverlongLine) return { seq: 0, hash: GENESIS_HASH, anchor: 'unreadable' };
    throw error;
  } finally {
    closeSync(fd);
  }
}
