import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { AppError } from '../../../src/shared/errors.js';
import { writeFileDurably } from '../durable-file.js';
import { hashSchema, timestampSchema, type JournalEntry } from './entry.js';

/**
 * The journal's head anchored outside the journal. A journal cut back (its last entries removed)
 * is still a valid chain: only something kept elsewhere knows how far it reached. `journal/head`
 * names the last entry written (seq, hash) and when; it is replaced atomically after every append,
 * under the journal lock. A writer whose journal no longer reaches its head, or holds another entry
 * at the head's place, refuses to decide a send; `journal verify` names it. The extension keeps a
 * second anchor (the highest head the host reported), which also catches a head file cut along.
 */

const MAX_HEAD_FILE_BYTES = 1024;

export const journalHeadSchema = z.strictObject({ seq: z.int().check(z.gte(1)), hash: hashSchema, at: timestampSchema });
export type JournalHead = z.infer<typeof journalHeadSchema>;

export type HeadFile = { kind: 'absent' } | { kind: 'present'; head: JournalHead } | { kind: 'unreadable'; reason: string };

export function readHeadFile(file: string): HeadFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'unreadable', reason: error instanceof Error && 'code' in error ? String(error.code) : 'unreadable' };
  }
  if (text.length > MAX_HEAD_FILE_BYTES) return { kind: 'unreadable', reason: `longer than ${MAX_HEAD_FILE_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: 'not JSON' };
  }
  const parsed = journalHeadSchema.safeParse(raw);
  return parsed.success ? { kind: 'present', head: parsed.data } : { kind: 'unreadable', reason: 'not a journal head' };
}

export function writeHeadFile(file: string, entry: JournalEntry): void {
  const head: JournalHead = { seq: entry.seq, hash: entry.hash, at: entry.at };
  writeFileDurably(file, `${JSON.stringify(head)}\n`);
}

/** What a journal says about an anchor: it reaches it (maybe beyond, after a crash between append and anchor write) or not. */
export type AnchorCheck =
  | { status: 'matches' }
  /** No head file beside a journal that has entries (an install older than the anchor, or the file deleted). */
  | { status: 'absent' }
  | { status: 'unreadable'; reason: string }
  /** The journal ends before the anchored entry: entries were cut from its end. */
  | { status: 'truncated'; anchoredSeq: number; lastSeq: number }
  /** The journal holds another entry where the anchored one was: rewritten. */
  | { status: 'diverged'; anchoredSeq: number };

/**
 * `hashAt` gives the hash of the journal's entry `seq` (at most `lastSeq`), reading back as far
 * as needed; undefined when the journal has no such entry.
 */
export function checkAnchor(anchor: { seq: number; hash: string }, lastSeq: number, hashAt: (seq: number) => string | undefined): AnchorCheck {
  // Seq 0 is the empty journal (GENESIS_HASH): every journal reaches it.
  if (anchor.seq === 0) return { status: 'matches' };
  if (anchor.seq > lastSeq) return { status: 'truncated', anchoredSeq: anchor.seq, lastSeq };
  return hashAt(anchor.seq) === anchor.hash ? { status: 'matches' } : { status: 'diverged', anchoredSeq: anchor.seq };
}

export function checkHeadFile(headFile: HeadFile, lastSeq: number, hashAt: (seq: number) => string | undefined): AnchorCheck {
  switch (headFile.kind) {
    case 'absent':
      return lastSeq === 0 ? { status: 'matches' } : { status: 'absent' };
    case 'unreadable':
      return { status: 'unreadable', reason: headFile.reason };
    case 'present':
      return checkAnchor(headFile.head, lastSeq, hashAt);
  }
}

/** Why a writer refuses: the journal is not the one its anchor describes. */
export function journalTamperedError(check: Exclude<AnchorCheck, { status: 'matches' | 'absent' }>, anchor: string): AppError {
  switch (check.status) {
    case 'truncated':
      return new AppError(
        'JOURNAL_TAMPERED',
        `the journal ends at entry ${check.lastSeq} but ${anchor} says entry ${check.anchoredSeq} was written: entries were removed from its end; nothing is sent until it is restored (eattest-host journal --verify)`,
        { anchor, anchoredSeq: check.anchoredSeq, lastSeq: check.lastSeq },
      );
    case 'diverged':
      return new AppError(
        'JOURNAL_TAMPERED',
        `the journal's entry ${check.anchoredSeq} is not the one ${anchor} names: it was rewritten; nothing is sent until it is restored (eattest-host journal --verify)`,
        { anchor, anchoredSeq: check.anchoredSeq },
      );
    case 'unreadable':
      return new AppError('JOURNAL_TAMPERED', `${anchor} cannot be read (${check.reason}); nothing is sent until it is repaired (eattest-host journal --verify)`, { anchor });
  }
}
