import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { canonicalJson, entryHash, entryLine, sealEntry, sha256Hex } from '../../native-host/src/journal/chain.js';
import type { JournalEntry } from '../../native-host/src/journal/entry.js';
import { Journal, journalHeadReport, readJournal } from '../../native-host/src/journal/journal.js';
import { journalTimestamp } from '../../native-host/src/journal/timestamp.js';
import { EntryChain, OTHER_PATIENT_SSIN, sendIntent, sendOutcome } from '../support/journal-records.js';

const directories: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eattest-journal-'));
  directories.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-25T09:30:00.000Z');
const journalAt = (dir: string, options: Partial<ConstructorParameters<typeof Journal>[0]> = {}) => new Journal({ stateDir: dir, now: () => NOW, ...options });

async function threeEntries(dir: string): Promise<Journal> {
  const journal = journalAt(dir);
  const intent = await journal.append(sendIntent({ inputReference: '26112510300000', careDate: '2026-11-25' }));
  await journal.append(sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: '500-1-261125-0000001-11' }));
  await journal.append(sendIntent({ inputReference: '26112510310000', careDate: '2026-11-25', consultationKey: 'c'.repeat(64), patientSsin: OTHER_PATIENT_SSIN }));
  return journal;
}

function lines(dir: string): string[] {
  return readFileSync(join(dir, 'journal', 'journal.jsonl'), 'utf8').split('\n').slice(0, -1);
}

async function appError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('journal time', () => {
  it('is Belgian wall-clock time with milliseconds and the UTC offset, across summer time', () => {
    expect(journalTimestamp(new Date('2026-01-15T12:00:00.123Z'))).toBe('2026-01-15T13:00:00.123+01:00');
    expect(journalTimestamp(new Date('2026-07-01T22:30:00.005Z'))).toBe('2026-07-02T00:30:00.005+02:00');
    expect(journalTimestamp(new Date('2026-03-29T00:59:59.999Z'))).toBe('2026-03-29T01:59:59.999+01:00');
    expect(journalTimestamp(new Date('2026-03-29T01:00:00.000Z'))).toBe('2026-03-29T03:00:00.000+02:00');
    expect(journalTimestamp(new Date('2026-10-25T00:30:00.000Z'))).toBe('2026-10-25T02:30:00.000+02:00');
    expect(journalTimestamp(new Date('2026-10-25T01:30:00.000Z'))).toBe('2026-10-25T02:30:00.000+01:00');
  });
});

describe('canonical hashing', () => {
  it('does not depend on key order or whitespace, and leaves undefined members out', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }], e: undefined })).toBe('{"a":[{"c":null,"d":"x"}],"b":1}');
    expect(canonicalJson({ a: 'é"\n' })).toBe('{"a":"é\\"\\n"}');
  });

  it('refuses values it cannot represent canonically', () => {
    expect(() => canonicalJson({ amount: 1.5 })).toThrow();
    expect(() => canonicalJson({ when: () => 1 })).toThrow();
  });

  it('hashes an entry the same however its members are ordered', () => {
    const entry = sealEntry(1, '2026-11-25T10:30:00.000+01:00', '0'.repeat(64), sendIntent({ inputReference: 'r1', careDate: '2026-11-25' }));
    const reordered = JSON.parse(JSON.stringify({ record: entry.record, prev: entry.prev, at: entry.at, seq: entry.seq })) as typeof entry;
    expect(entryHash(reordered)).toBe(entry.hash);
    expect(entry.hash).toBe(sha256Hex(canonicalJson({ seq: 1, at: entry.at, prev: entry.prev, record: entry.record })));
  });
});

describe('the journal chain', () => {
  it('chains appended entries and verifies them', async () => {
    const dir = stateDir();
    await threeEntries(dir);
    const reading = readJournal(dir);
    expect(reading.check).toMatchObject({ ok: true, entries: 3 });
    expect(reading.entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(reading.entries[0]?.prev).toBe('0'.repeat(64));
    expect(reading.entries[1]?.prev).toBe(reading.entries[0]?.hash);
    expect(reading.entries[0]?.at).toBe('2026-11-25T10:30:00.000+01:00');
    // Patient identifiers: readable by the clinician's account only.
    expect(statSync(join(dir, 'journal', 'journal.jsonl')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'journal')).mode & 0o777).toBe(0o700);
  });

  it('detects a change to any field of any entry, at that entry', async () => {
    const dir = stateDir();
    await threeEntries(dir);
    const original = lines(dir);
    let checked = 0;
    original.forEach((line, index) => {
      for (const tampered of everyFieldChanged(JSON.parse(line) as unknown)) {
        const copy = [...original];
        copy[index] = JSON.stringify(tampered);
        writeFileSync(join(dir, 'journal', 'journal.jsonl'), `${copy.join('\n')}\n`);
        const { check } = readJournal(dir);
        expect(check.ok, JSON.stringify(tampered).slice(0, 200)).toBe(false);
        if (!check.ok) expect(check.firstBreak.line).toBe(index + 1);
        checked += 1;
      }
    });
    expect(checked).toBeGreaterThan(50);
  });

  it('names a plausible edit by its hash, and a re-hashed edit by the broken link after it', async () => {
    const dir = stateDir();
    await threeEntries(dir);
    const original = lines(dir);
    const first = JSON.parse(original[0] ?? '') as ReturnType<typeof sealEntry>;
    if (first.record.kind !== 'send-intent') throw new Error('expected an intent');
    const edited = { ...first, record: { ...first.record, patientSsin: OTHER_PATIENT_SSIN } };
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), [JSON.stringify(edited), ...original.slice(1), ''].join('\n'));
    expect(readJournal(dir).check).toMatchObject({ ok: false, entries: 0, firstBreak: { line: 1, seq: 1, reason: 'its hash does not match its content' } });

    const rehashed = entryLine(sealEntry(edited.seq, edited.at, edited.prev, edited.record));
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), [rehashed.trimEnd(), ...original.slice(1), ''].join('\n'));
    expect(readJournal(dir).check).toMatchObject({ ok: false, entries: 1, firstBreak: { line: 2, seq: 2, reason: 'its previous-hash does not match the entry before it' } });
  });

  it('detects a removed or reordered entry', async () => {
    const dir = stateDir();
    await threeEntries(dir);
    const [a, b, c] = lines(dir);
    const file = join(dir, 'journal', 'journal.jsonl');
    writeFileSync(file, `${a}\n${c}\n`);
    expect(readJournal(dir).check).toMatchObject({ ok: false, firstBreak: { line: 2, seq: 3 } });
    writeFileSync(file, `${b}\n${a}\n${c}\n`);
    expect(readJournal(dir).check).toMatchObject({ ok: false, firstBreak: { line: 1, seq: 2 } });
  });

  it('refuses an oversized or malformed record before writing anything', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    const huge = { ...sendIntent({ inputReference: 'r9', careDate: '2026-11-25' }), request: 'A'.repeat(3 * 1024 * 1024) };
    expect((await appError(journal.append(huge))).code).toBe('INTERNAL');
    expect(readJournal(dir).check).toMatchObject({ ok: true, entries: 3 });
  });

  it('refuses to write after a damaged last entry, so that decisions never rest on a broken chain', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    const original = lines(dir);
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), [...original.slice(0, 2), (original[2] ?? '').replace('"attemptNbr":1', '"attemptNbr":2'), ''].join('\n'));
    const error = await appError(journal.append(sendIntent({ inputReference: 'r9', careDate: '2026-11-25' })));
    expect(error.code).toBe('JOURNAL_UNAVAILABLE');
    expect(lines(dir)).toHaveLength(3);
  });
});

describe('a torn last line', () => {
  it('is reported, kept in quarantine, journaled as a disturbance, and the chain continues', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    const file = join(dir, 'journal', 'journal.jsonl');
    const fourth = entryLine(sealEntry(4, journalTimestamp(NOW), readJournal(dir).check.headHash, sendIntent({ inputReference: 'r4', careDate: '2026-11-25' })));
    const torn = fourth.slice(0, 150);
    appendFileSync(file, torn);

    const before = readJournal(dir);
    expect(before.check).toMatchObject({ ok: true, entries: 3 });
    expect(before.tornTailBytes).toBe(150);

    await journal.append(sendIntent({ inputReference: 'r5', careDate: '2026-11-25' }));
    const after = readJournal(dir);
    expect(after.check).toMatchObject({ ok: true, entries: 5 });
    expect(after.tornTailBytes).toBe(0);
    const disturbance = after.entries[3]?.record;
    expect(disturbance).toMatchObject({ kind: 'journal-disturbance', disturbance: 'torn-tail-quarantined', bytes: 150, sha256: sha256Hex(torn) });
    expect(after.entries[4]?.record).toMatchObject({ kind: 'send-intent', inputReference: 'r5' });
    expect(after.quarantined).toHaveLength(1);
    const quarantined = readFileSync(join(dir, 'journal', 'quarantine', after.quarantined[0] ?? ''), 'utf8');
    expect(quarantined).toBe(torn);
    expect(disturbance?.kind === 'journal-disturbance' && disturbance.quarantineFile).toBe(`quarantine/${after.quarantined[0] ?? ''}`);
  });

  it('that is a complete entry lacking only its newline is kept in the chain', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    const fourth = entryLine(sealEntry(4, journalTimestamp(NOW), readJournal(dir).check.headHash, sendIntent({ inputReference: 'r4', careDate: '2026-11-25' })));
    appendFileSync(join(dir, 'journal', 'journal.jsonl'), fourth.trimEnd());
    await journal.append(sendIntent({ inputReference: 'r5', careDate: '2026-11-25' }));
    const after = readJournal(dir);
    expect(after.check).toMatchObject({ ok: true, entries: 6 });
    expect(after.entries.map((entry) => entry.record.kind)).toEqual(['send-intent', 'send-outcome', 'send-intent', 'send-intent', 'journal-disturbance', 'send-intent']);
    expect(after.entries[4]?.record).toMatchObject({ disturbance: 'missing-newline-repaired' });
    expect(existsSync(join(dir, 'journal', 'quarantine'))).toBe(false);
  });
});

describe('one writer at a time', () => {
  it('makes a second writer wait for the first, and both entries chain', async () => {
    const dir = stateDir();
    const first = journalAt(dir);
    const second = journalAt(dir);
    const order: string[] = [];
    const slow = first.transaction(async () => {
      order.push('first starts');
      await new Promise((resolve) => setTimeout(resolve, 200));
      order.push('first writes');
      return { records: [sendIntent({ inputReference: 'first', careDate: '2026-11-25' })], value: undefined };
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const quick = second.transaction((recent) => {
      order.push(`second sees ${recent.length}`);
      return { records: [sendIntent({ inputReference: 'second', careDate: '2026-11-25' })], value: undefined };
    });
    await Promise.all([slow, quick]);
    expect(order).toEqual(['first starts', 'first writes', 'second sees 1']);
    const reading = readJournal(dir);
    expect(reading.check).toMatchObject({ ok: true, entries: 2 });
    expect(reading.entries.map((entry) => entry.record.kind === 'send-intent' && entry.record.inputReference)).toEqual(['first', 'second']);
  });

  it('gives up after its timeout while another writer holds the lock', async () => {
    const dir = stateDir();
    let release = (): void => undefined;
    const holding = journalAt(dir).transaction(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { records: [], value: undefined };
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const error = await appError(journalAt(dir, { lockTimeoutMs: 100 }).append(sendIntent({ inputReference: 'r', careDate: '2026-11-25' })));
    expect(error.code).toBe('JOURNAL_UNAVAILABLE');
    release();
    await holding;
    expect(existsSync(join(dir, 'journal', 'journal.lock'))).toBe(false);
  });

  it('breaks a lock left by a process that no longer runs, and journals it', async () => {
    const dir = stateDir();
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    await threeEntries(dir);
    writeFileSync(join(dir, 'journal', 'journal.lock'), JSON.stringify({ pid: deadPid, host: hostname(), nonce: '0'.repeat(32), takenAtMs: Date.now() }));
    await journalAt(dir, { lockTimeoutMs: 500 }).append(sendIntent({ inputReference: 'r4', careDate: '2026-11-25' }));
    const reading = readJournal(dir);
    expect(reading.check).toMatchObject({ ok: true, entries: 5 });
    expect(reading.entries[3]?.record).toMatchObject({ kind: 'journal-disturbance', disturbance: 'stale-lock-broken' });
    expect(readdirSync(join(dir, 'journal')).sort()).toEqual(['head', 'journal.jsonl']);
  });

  it('writes nothing when its lock was taken from it meanwhile', async () => {
    const dir = stateDir();
    await threeEntries(dir);
    const error = await appError(
      journalAt(dir).transaction(() => {
        writeFileSync(join(dir, 'journal', 'journal.lock'), JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'f'.repeat(32), takenAtMs: Date.now() }));
        return { records: [sendIntent({ inputReference: 'r4', careDate: '2026-11-25' })], value: undefined };
      }),
    );
    expect(error.code).toBe('JOURNAL_UNAVAILABLE');
    expect(lines(dir)).toHaveLength(3);
  });
});

/** Copies of `value` with one leaf changed each (a string's last character, a number plus one). */
function everyFieldChanged(value: unknown): unknown[] {
  if (typeof value === 'string') {
    const last = value.at(-1) ?? '';
    const replacement = /\d/.test(last) ? String((Number(last) + 1) % 10) : last === 'a' ? 'b' : 'a';
    return [`${value.slice(0, -1)}${replacement}`];
  }
  if (typeof value === 'number') return [value + 1];
  if (typeof value === 'boolean') return [!value];
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    return items.flatMap((item, index) => everyFieldChanged(item).map((changed) => items.map((original, at) => (at === index ? changed : original))));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, member]) => everyFieldChanged(member).map((changed) => ({ ...value, [key]: changed })));
  }
  return [];
}

describe('the tail a writer sees, read incrementally', () => {
  const seenBy = (journal: Journal): Promise<string[]> =>
    journal.transaction((recent) => ({ records: [], value: recent.map((entry) => (entry.record.kind === 'send-intent' ? entry.record.inputReference : entry.record.kind)) })).then((done) => done.value);

  it('includes what another process appended since this one last read', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    expect(await seenBy(journal)).toEqual(['26112510300000', 'send-outcome', '26112510310000']);
    // Another process: a line sealed after the current last entry, written straight to the file.
    const fourth = sealEntry(4, journalTimestamp(NOW), readJournal(dir).check.headHash, sendIntent({ inputReference: '26112510320000', careDate: '2026-11-25' }));
    appendFileSync(join(dir, 'journal', 'journal.jsonl'), entryLine(fourth));
    expect(await seenBy(journal)).toEqual(['26112510300000', 'send-outcome', '26112510310000', '26112510320000']);
    const fifth = await journal.append(sendIntent({ inputReference: '26112510330000', careDate: '2026-11-25' }));
    expect(fifth.seq).toBe(5);
    expect(readJournal(dir).check).toMatchObject({ ok: true, entries: 5 });
  });

  it('refuses a line another process appended that does not link to the last entry', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    await seenBy(journal);
    appendFileSync(join(dir, 'journal', 'journal.jsonl'), entryLine(sealEntry(4, journalTimestamp(NOW), 'f'.repeat(64), sendIntent({ inputReference: 'r4', careDate: '2026-11-25' }))));
    expect((await appError(seenBy(journal))).code).toBe('JOURNAL_UNAVAILABLE');
  });

  it('reads a replaced file afresh', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    await seenBy(journal);
    const file = join(dir, 'journal', 'journal.jsonl');
    // Another file in its place (a restore, say), one entry longer: its last line is read, not the cache.
    const fourth = sealEntry(4, journalTimestamp(NOW), readJournal(dir).check.headHash, sendIntent({ inputReference: '26112510320000', careDate: '2026-11-25', consultationKey: 'e'.repeat(64) }));
    const longer = `${lines(dir).join('\n')}\n${entryLine(fourth)}`;
    rmSync(file);
    writeFileSync(file, longer);
    expect(await seenBy(journal)).toEqual(['26112510300000', 'send-outcome', '26112510310000', '26112510320000']);
  });

  it('drops the days before yesterday, keeping the entry just before them as the link', async () => {
    const dir = stateDir();
    let now = new Date('2026-11-23T09:00:00.000Z');
    const journal = journalAt(dir, { now: () => now });
    await journal.append(sendIntent({ inputReference: '26112310000000', careDate: '2026-11-23' }));
    await journal.append(sendIntent({ inputReference: '26112310010000', careDate: '2026-11-23', consultationKey: 'd'.repeat(64) }));
    now = new Date('2026-11-24T09:00:00.000Z');
    await journal.append(sendIntent({ inputReference: '26112410000000', careDate: '2026-11-24', consultationKey: 'e'.repeat(64) }));
    expect(await seenBy(journal)).toEqual(['26112310000000', '26112310010000', '26112410000000']);
    now = new Date('2026-11-26T09:00:00.000Z');
    expect(await seenBy(journal)).toEqual(['26112410000000']);
    await journal.append(sendIntent({ inputReference: '26112610000000', careDate: '2026-11-26', consultationKey: 'f'.repeat(64) }));
    expect(await seenBy(journalAt(dir, { now: () => now }))).toEqual(['26112410000000', '26112610000000']);
  });
});

describe('the head anchored outside the journal', () => {
  const headOf = (dir: string): { seq: number; hash: string; at: string } => JSON.parse(readFileSync(join(dir, 'journal', 'head'), 'utf8')) as { seq: number; hash: string; at: string };
  const decide = (journal: Journal) => journal.transaction(() => ({ records: [sendIntent({ inputReference: '26112510400000', careDate: '2026-11-25', consultationKey: 'f'.repeat(64) })], value: 'decided' }));
  /** A journal written by hand (as by another process or an older install): no head file, nothing remembered in this process. */
  function handWritten(dir: string, count: number): JournalEntry[] {
    const chain = new EntryChain(NOW);
    for (let index = 0; index < count; index += 1) chain.add(sendIntent({ inputReference: `2611251${String(index).padStart(7, '0')}`, careDate: '2026-11-25', consultationKey: sha256Hex(`key-${index}`) }));
    mkdirSync(join(dir, 'journal'), { recursive: true });
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), chain.entries.map(entryLine).join(''));
    return chain.entries;
  }

  it('names the last entry after every append, in a file only the clinician reads', async () => {
    const dir = stateDir();
    await threeEntries(dir);
    const reading = readJournal(dir);
    expect(headOf(dir)).toEqual({ seq: 3, hash: reading.check.headHash, at: reading.entries[2]?.at });
    expect(statSync(join(dir, 'journal', 'head')).mode & 0o777).toBe(0o600);
    expect(reading.head).toEqual({ status: 'matches' });
    expect(journalHeadReport(dir)).toEqual({ seq: 3, hash: reading.check.headHash, anchor: 'matches' });
  });

  it('refuses to decide on a journal cut from 14 entries to 2, records outcomes without moving the anchor, and verify names the cut', async () => {
    const dir = stateDir();
    const journal = journalAt(dir);
    for (let index = 0; index < 14; index += 1) await journal.append(sendIntent({ inputReference: `2611251${String(index).padStart(7, '0')}`, careDate: '2026-11-25', consultationKey: sha256Hex(`key-${index}`) }));
    const anchored = headOf(dir);
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), `${lines(dir).slice(0, 2).join('\n')}\n`);
    // The chain alone still verifies: the anchor is what tells.
    const reading = readJournal(dir);
    expect(reading.check).toMatchObject({ ok: true, entries: 2 });
    expect(reading.head).toEqual({ status: 'truncated', anchoredSeq: 14, lastSeq: 2 });
    expect(journalHeadReport(dir)).toMatchObject({ seq: 2, anchor: 'truncated' });

    const refused = await appError(decide(journal));
    expect(refused.code).toBe('JOURNAL_TAMPERED');
    expect(refused.details).toMatchObject({ anchor: 'the head file', anchoredSeq: 14, lastSeq: 2 });
    expect(lines(dir)).toHaveLength(2);
    // Another process, fresh: the same.
    expect((await appError(decide(journalAt(dir)))).code).toBe('JOURNAL_TAMPERED');

    const outcome = await journal.append(sendOutcome(reading.entries[1] as JournalEntry, { status: 'acknowledged', acknowledgementNumber: '500-1-261125-0000002-11' }));
    expect(outcome.seq).toBe(3);
    expect(headOf(dir)).toEqual(anchored);
    expect(readJournal(dir).head).toEqual({ status: 'truncated', anchoredSeq: 14, lastSeq: 3 });
  });

  it('refuses a journal rewritten to the same length, and an unreadable head', async () => {
    const dir = stateDir();
    await threeEntries(dir);
    const original = lines(dir);
    const rewritten = new EntryChain(NOW);
    for (const line of original) {
      const entry = JSON.parse(line) as JournalEntry;
      rewritten.add(entry.record.kind === 'send-intent' ? { ...entry.record, patientSsin: OTHER_PATIENT_SSIN } : entry.record);
    }
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), rewritten.entries.map(entryLine).join(''));
    expect(readJournal(dir).check).toMatchObject({ ok: true, entries: 3 });
    expect(readJournal(dir).head).toEqual({ status: 'diverged', anchoredSeq: 3 });
    expect((await appError(decide(journalAt(dir)))).code).toBe('JOURNAL_TAMPERED');

    writeFileSync(join(dir, 'journal', 'journal.jsonl'), `${original.join('\n')}\n`);
    writeFileSync(join(dir, 'journal', 'head'), '{"seq":');
    expect(readJournal(dir).head).toEqual({ status: 'unreadable', reason: 'not JSON' });
    expect((await appError(decide(journalAt(dir)))).details).toMatchObject({ anchor: 'the head file' });
  });

  it('without a head file, anchors an older journal from its last entry and journals that it did', async () => {
    const dir = stateDir();
    const entries = handWritten(dir, 3);
    expect(readJournal(dir).head).toEqual({ status: 'absent' });
    expect(journalHeadReport(dir)).toEqual({ seq: 3, hash: entries[2]?.hash, anchor: 'absent' });
    expect((await decide(journalAt(dir))).value).toBe('decided');
    const reading = readJournal(dir);
    expect(reading.entries[3]?.record).toMatchObject({ kind: 'journal-disturbance', disturbance: 'head-anchor-created' });
    expect(headOf(dir)).toMatchObject({ seq: 5, hash: reading.check.headHash });
    expect(reading.head).toEqual({ status: 'matches' });
  });

  it('a running process remembers its head: a journal cut together with its head file is refused', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), `${lines(dir)[0] ?? ''}\n`);
    rmSync(join(dir, 'journal', 'head'));
    const refused = await appError(decide(journal));
    expect(refused.code).toBe('JOURNAL_TAMPERED');
    expect(refused.details).toMatchObject({ anchor: 'this host process', anchoredSeq: 3, lastSeq: 1 });
  });

  it('accepts a head one write behind (a crash between the append and the anchor) and catches it up', async () => {
    const dir = stateDir();
    const journal = await threeEntries(dir);
    const behind = headOf(dir);
    await journal.append(sendIntent({ inputReference: '26112510320000', careDate: '2026-11-25', consultationKey: 'e'.repeat(64) }));
    writeFileSync(join(dir, 'journal', 'head'), JSON.stringify(behind));
    expect(readJournal(dir).head).toEqual({ status: 'matches' });
    expect(journalHeadReport(dir)).toMatchObject({ seq: 4, anchor: 'matches' });
    expect((await decide(journalAt(dir))).value).toBe('decided');
    expect(headOf(dir).seq).toBe(5);
  });
});

describe('a loss accepted when no backup reaches the anchor', () => {
  const YESTERDAY = new Date('2026-11-24T15:00:00.000Z');
  async function fourteenCutToTwo(dir: string, writtenAt: Date): Promise<void> {
    const journal = journalAt(dir, { now: () => writtenAt });
    for (let index = 0; index < 14; index += 1) await journal.append(sendIntent({ inputReference: `2611241${String(index).padStart(7, '0')}`, careDate: '2026-11-24', consultationKey: sha256Hex(`key-${index}`) }));
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), `${lines(dir).slice(0, 2).join('\n')}\n`);
  }

  it('is journaled past the lost entries, so that sequence numbers never go back, and sends go on', async () => {
    const dir = stateDir();
    await fourteenCutToTwo(dir, YESTERDAY);
    const acceptance = await journalAt(dir).acceptLoss('anna');
    if (!('accepted' in acceptance)) throw new Error(`refused: ${acceptance.refused}`);
    const { accepted } = acceptance;
    expect(accepted.seq).toBe(15);
    expect(accepted.prev).toBe(readJournal(dir).entries[1]?.hash);
    expect(accepted.record).toMatchObject({ kind: 'journal-disturbance', disturbance: 'loss-accepted', lost: { afterSeq: 2, throughSeq: 14 } });
    expect(accepted.record.kind === 'journal-disturbance' && accepted.record.detail).toBe('entries 3–14 were cut from the journal and could not be restored; the loss was accepted by anna');
    const reading = readJournal(dir);
    expect(reading.check).toMatchObject({ ok: true, entries: 3, lastSeq: 15 });
    expect(reading.head).toEqual({ status: 'matches' });
    expect(journalHeadReport(dir)).toMatchObject({ seq: 15, anchor: 'matches' });
    const next = await journalAt(dir).append(sendIntent({ inputReference: '26112510300000', careDate: '2026-11-25' }));
    expect(next.seq).toBe(16);
    expect(readJournal(dir).check).toMatchObject({ ok: true, entries: 4, lastSeq: 16 });
  });

  it('is refused while a lost entry is of today, for a journal that lost nothing, and for a rewritten one', async () => {
    const dir = stateDir();
    await fourteenCutToTwo(dir, NOW);
    expect(await journalAt(dir).acceptLoss('anna')).toEqual({ refused: expect.stringContaining('the last lost entry was written today') as string });
    expect(lines(dir)).toHaveLength(2);
    expect(readJournal(dir).head).toMatchObject({ status: 'truncated' });

    const whole = stateDir();
    await threeEntries(whole);
    expect(await journalAt(whole).acceptLoss('anna')).toEqual({ refused: 'the journal reaches its head anchor: nothing was lost' });

    const rewritten = stateDir();
    await fourteenCutToTwo(rewritten, YESTERDAY);
    writeFileSync(join(rewritten, 'journal', 'head'), JSON.stringify({ seq: 2, hash: 'e'.repeat(64), at: journalTimestamp(YESTERDAY) }));
    expect(await journalAt(rewritten).acceptLoss('anna')).toEqual({ refused: expect.stringContaining('restored from a backup, not accepted') as string });
  });

  it('a gap no accepted loss explains, or one that does not start at the last entry, breaks the chain', async () => {
    const dir = stateDir();
    await fourteenCutToTwo(dir, YESTERDAY);
    const [first, second] = readJournal(dir).entries as [JournalEntry, JournalEntry];
    const lost = { afterSeq: 2, throughSeq: 14, headHash: 'e'.repeat(64), headAt: journalTimestamp(YESTERDAY) };
    const skipped = sealEntry(15, journalTimestamp(NOW), second.hash, sendIntent({ inputReference: 'r15', careDate: '2026-11-25' }));
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), [first, second, skipped].map(entryLine).join(''));
    expect(readJournal(dir).check).toMatchObject({ ok: false, firstBreak: { line: 3, reason: 'sequence number 15 where 3 was expected' } });
    const misplaced = sealEntry(15, journalTimestamp(NOW), first.hash, { kind: 'journal-disturbance', disturbance: 'loss-accepted', detail: 'forged', lost: { ...lost, afterSeq: 1 } });
    writeFileSync(join(dir, 'journal', 'journal.jsonl'), [first, second, misplaced].map(entryLine).join(''));
    expect(readJournal(dir).check).toMatchObject({ ok: false, firstBreak: { line: 3 } });
  });
});
