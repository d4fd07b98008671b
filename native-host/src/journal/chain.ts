import { createHash } from 'node:crypto';
import { describeZodIssues } from '../../../src/shared/errors.js';
import { GENESIS_HASH, journalEntrySchema, MAX_ENTRY_BYTES, type JournalEntry, type JournalRecord } from './entry.js';

/**
 * The hash chain: each entry's hash is SHA-256 over the canonical form of everything else in it
 * (sequence, time, previous hash, record), so changing any field, removing or reordering entries
 * breaks the chain at that point.
 */

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, no undefined members. Our
 * records hold only strings, integers, booleans, arrays and objects, for which this is the
 * same as RFC 8785.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError('the journal holds integers only');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`cannot put a ${typeof value} in the journal`);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function entryHash(entry: Omit<JournalEntry, 'hash'>): string {
  const hashed: Json = { seq: entry.seq, at: entry.at, prev: entry.prev, record: entry.record as unknown as Json };
  return sha256Hex(canonicalJson(hashed));
}

export function sealEntry(seq: number, at: string, prev: string, record: JournalRecord): JournalEntry {
  return { seq, at, prev, record, hash: entryHash({ seq, at, prev, record }) };
}

/** The line written to the file (not canonical: the hash is recomputed from the parsed values). */
export function entryLine(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** The sequence number an entry after `previous` takes: the next one, or past the lost entries an accepted loss names. */
export function nextSeq(previous: { seq: number } | undefined, record: JournalRecord): number {
  if (record.kind === 'journal-disturbance' && record.lost !== undefined) return record.lost.throughSeq + 1;
  return (previous?.seq ?? 0) + 1;
}

/** Whether `entry` follows `previous` (undefined: the start) in the chain: it links to its hash and takes the next sequence number. */
export function followsInChain(previous: { seq: number; hash: string } | undefined, entry: JournalEntry): boolean {
  if (entry.prev !== (previous?.hash ?? GENESIS_HASH)) return false;
  const lost = entry.record.kind === 'journal-disturbance' ? entry.record.lost : undefined;
  if (lost !== undefined && lost.afterSeq !== (previous?.seq ?? 0)) return false;
  return entry.seq === nextSeq(previous, entry.record);
}

export type LineParse = { ok: true; entry: JournalEntry } | { ok: false; reason: string };

/** Parses one line (without its newline) and checks its own hash; the link to the previous entry is the caller's. */
export function parseEntryLine(line: string): LineParse {
  if (Buffer.byteLength(line) > MAX_ENTRY_BYTES) return { ok: false, reason: `longer than ${MAX_ENTRY_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = journalEntrySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `not a journal entry (${describeZodIssues(parsed.error)})` };
  if (entryHash(parsed.data) !== parsed.data.hash) return { ok: false, reason: 'its hash does not match its content' };
  return { ok: true, entry: parsed.data };
}

export interface ChainBreak {
  /** 1-based line number in the file. */
  line: number;
  /** The sequence number the line claims, when it could be read. */
  seq?: number;
  reason: string;
}

/** Follows the chain entry by entry; call `accept` for every line in order. */
export class ChainVerifier {
  private last: JournalEntry | undefined;
  private count = 0;
  private lineNumber = 0;
  private firstBreak: ChainBreak | undefined;
  readonly entries: JournalEntry[] = [];
  /** The hash of entry `watchedSeq`, once the chain reached it intact. */
  watchedHash: string | undefined;

  /** `watchedSeq`: an entry whose hash is wanted even when the entries are not kept (the head anchor's). */
  constructor(
    private readonly keepEntries: boolean,
    private readonly watchedSeq?: number,
  ) {}

  accept(line: string): void {
    this.lineNumber += 1;
    if (this.firstBreak !== undefined) return;
    const parsed = parseEntryLine(line);
    if (!parsed.ok) {
      this.firstBreak = { line: this.lineNumber, ...claimedSeq(line), reason: parsed.reason };
      return;
    }
    const { entry } = parsed;
    if (!followsInChain(this.last, entry)) {
      const expectedSeq = nextSeq(this.last, entry.record);
      const reason = entry.seq !== expectedSeq ? `sequence number ${entry.seq} where ${expectedSeq} was expected` : 'its previous-hash does not match the entry before it';
      this.firstBreak = { line: this.lineNumber, seq: entry.seq, reason };
      return;
    }
    this.last = entry;
    this.count += 1;
    if (entry.seq === this.watchedSeq) this.watchedHash = entry.hash;
    if (this.keepEntries) this.entries.push(entry);
  }

  /** A line that could not even be read (too long). */
  acceptUnreadable(reason: string): void {
    this.lineNumber += 1;
    this.firstBreak ??= { line: this.lineNumber, reason };
  }

  get result(): ChainCheck {
    const valid = { entries: this.count, lastSeq: this.last?.seq ?? 0, headHash: this.last?.hash ?? GENESIS_HASH };
    return this.firstBreak === undefined ? { ok: true, ...valid } : { ok: false, ...valid, firstBreak: this.firstBreak };
  }
}

export type ChainCheck =
  /** `lastSeq` differs from `entries` after an accepted loss. */
  | { ok: true; entries: number; lastSeq: number; headHash: string }
  /** `entries`, `lastSeq` and `headHash` describe the valid prefix before the break. */
  | { ok: false; entries: number; lastSeq: number; headHash: string; firstBreak: ChainBreak };

/** Best effort: the "seq" a damaged line claims, to name it in a report. */
function claimedSeq(line: string): { seq?: number } {
  const match = /^\{"seq":(\d{1,12}),/.exec(line);
  return match?.[1] === undefined ? {} : { seq: Number(match[1]) };
}
