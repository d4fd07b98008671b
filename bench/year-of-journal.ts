import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { entryLine, sealEntry } from '../native-host/src/journal/chain.js';
import { GENESIS_HASH, type JournalEntry, type JournalRecord } from '../native-host/src/journal/entry.js';
import { writeHeadFile } from '../native-host/src/journal/head.js';
import { Journal, journalHeadReport, journalPaths } from '../native-host/src/journal/journal.js';
import { brusselsDate } from '../src/shared/domain/calendar.js';
import { journalTimestamp } from '../native-host/src/journal/timestamp.js';
import { hello, startHost, type HostProcess } from '../tests/support/host-process.js';
import { sendIntent, sendOutcome } from '../tests/support/journal-records.js';
import { attestationOf, type BenchEnvironment } from './environment.js';
import { startToHandshake } from './host-startup.js';
import { ratio, summarize, type Summary } from './stats.js';

/**
 * "A year of journal" (issue 13): no start-up or send cost may grow with the journal's length. Two
 * host state folders, provisioned alike; one gets a journal of 100,000 valid chained entries written
 * over the past year (sends and their outcomes, consultations) with its head anchored, the other none.
 * Measured on the built host over its real stdio against the simulator, interleaved so that both see
 * the same machine load: the start (spawn to handshake, which reports the journal head) and the warm
 * send as the background makes it (status, which it now asks before every send for the journal head,
 * then provider and attest).
 */

export const YEAR_OF_JOURNAL_ENTRIES = 100_000;

export interface YearOfJournalFigures {
  entries: number;
  journalBytes: number;
  generateMs: number;
  startEmptyMs: Summary;
  startYearMs: Summary;
  /** Median against median, as the other rows; the samples are interleaved so that both see the same load. */
  startRatio: number;
  warmSendEmptyMs: Summary;
  warmSendYearMs: Summary;
  /** As startRatio. */
  warmSendRatio: number;
  /**
   * The journal's own part of a send, in process (no simulator, no stdio): the head report, the
   * locked decision that journals an intent, the outcome's append. What the journal's length could
   * change, without the noise of everything else a send does.
   */
  journalWorkEmptyMs: Summary;
  journalWorkYearMs: Summary;
  journalWorkRatio: number;
}


const DAY_MS = 86_400_000;

function consultation(careDate: string): JournalRecord {
  return {
    kind: 'consultation',
    subject: 'insurability',
    environment: 'simulator',
    responsible: { nihii11: '10012345001', ssin: '79051212347', name: 'Dr Anna Peeters' },
    executor: { certificateHolderSsin: '79051212347', osUser: 'anna', hostName: 'surgery-pc', via: 'browser' },
    patientSsin: '85073003328',
    careDate,
    outcome: 'answered',
    latencyMs: 420,
    disturbances: [],
  };
}

/**
 * Writes `count` chained entries ending two days before `now` (so that the writers' "since
 * yesterday" finds none of them, as on a real morning), and anchors the head. About 2 s for 100,000.
 */
export function writeYearOfJournal(stateDir: string, count: number, now: Date): { bytes: number; elapsedMs: number } {
  const started = performance.now();
  const paths = journalPaths(stateDir);
  mkdirSync(paths.directory, { recursive: true, mode: 0o700 });
  const fd = openSync(paths.file, 'wx', 0o600);
  const first = now.getTime() - 367 * DAY_MS;
  const span = 365 * DAY_MS;
  let previous: JournalEntry | undefined;
  let bytes = 0;
  let pending: string[] = [];
  const flush = (): void => {
    const chunk = Buffer.from(pending.join(''), 'utf8');
    for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
    bytes += chunk.length;
    pending = [];
  };
  const add = (record: JournalRecord, at: string): JournalEntry => {
    const entry = sealEntry((previous?.seq ?? 0) + 1, at, previous?.hash ?? GENESIS_HASH, record);
    pending.push(entryLine(entry));
    previous = entry;
    if (pending.length >= 2000) flush();
    return entry;
  };
  try {
    // A year's mix: each send an intent and its acknowledged outcome, and a consultation now and then.
    for (let index = 0; (previous?.seq ?? 0) < count; index += 1) {
      const at = journalTimestamp(new Date(first + Math.floor((span * (previous?.seq ?? 0)) / count)));
      const careDate = at.slice(0, 10);
      if (index % 10 === 9) {
        add(consultation(careDate), at);
        continue;
      }
      const intent = add(sendIntent({ consultationKey: createHash('sha256').update(`year-${index}`).digest('hex'), inputReference: `Y${String(index).padStart(13, '0')}`, careDate }), at);
      if ((previous?.seq ?? 0) < count) add(sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: `500-1-${String(index).padStart(7, '0')}-11` }), at);
    }
    flush();
    // On disk before anything is measured, as a year-old journal is: the first send must not pay for the writeback.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (previous !== undefined) writeHeadFile(paths.head, previous);
  return { bytes, elapsedMs: performance.now() - started };
}

/** One send as the background makes it, on a warm host: status (the journal head), provider, attest. */
async function timedSend(host: HostProcess, code: string): Promise<number> {
  const started = performance.now();
  for (const [command, params] of [
    ['status', {}],
    ['provider', {}],
    ['attest', { attestation: attestationOf(code) }],
  ] as const) {
    const reply = await host.request(command, params);
    if (!reply.ok) throw new Error(`${command} refused: ${JSON.stringify(reply.error)}`);
  }
  return performance.now() - started;
}

/** One send's journal work, in this process. */
async function timedJournalWork(stateDir: string, index: number): Promise<number> {
  const careDate = brusselsDate(new Date());
  const journal = new Journal({ stateDir });
  const started = performance.now();
  journalHeadReport(stateDir);
  const { appended } = await journal.transaction(() => ({
    records: [sendIntent({ consultationKey: createHash('sha256').update(`work-${index}`).digest('hex'), inputReference: `W${String(index).padStart(13, '0')}`, careDate })],
    value: undefined,
  }));
  const intent = appended[0];
  if (intent === undefined) throw new Error('no intent journaled');
  await journal.append(sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: `500-1-${String(index).padStart(7, '0')}-12` }));
  return performance.now() - started;
}

export async function measureYearOfJournal(env: BenchEnvironment, options: { starts: number; sends: number; warmups: number; journalWork: number; entries?: number }): Promise<YearOfJournalFigures> {
  const entries = options.entries ?? YEAR_OF_JOURNAL_ENTRIES;
  const empty = env.provisionState();
  const year = env.provisionState();
  const written = writeYearOfJournal(year, entries, new Date());

  const startEmpty: number[] = [];
  const startYear: number[] = [];
  // One unmeasured start of each warms the file cache (the journal's tail included).
  await startToHandshake(empty, false);
  await startToHandshake(year, false);
  for (let run = 0; run < options.starts; run += 1) {
    // Alternating which starts first, so that neither always follows the other.
    for (const which of run % 2 === 0 ? ['empty', 'year'] : ['year', 'empty']) {
      if (which === 'empty') startEmpty.push((await startToHandshake(empty, false)).elapsedMs);
      else startYear.push((await startToHandshake(year, false)).elapsedMs);
    }
  }

  const hosts = [startHost({ stateDir: empty }), startHost({ stateDir: year })] as const;
  const sendEmpty: number[] = [];
  const sendYear: number[] = [];
  try {
    for (const host of hosts) {
      const greeting = await hello(host);
      if (!greeting.ok) throw new Error('the host refused the handshake');
    }
    for (let run = 0; run < options.warmups + options.sends; run += 1) {
      // Alternating which goes first, so that neither always follows the other's disk writes.
      const order = run % 2 === 0 ? [0, 1] : [1, 0];
      for (const which of order) {
        const elapsed = await timedSend(hosts[which as 0 | 1], env.freshActCode());
        if (run >= options.warmups) (which === 0 ? sendEmpty : sendYear).push(elapsed);
      }
    }
  } finally {
    for (const host of hosts) {
      host.child.stdin.end();
      await host.exited;
    }
  }

  const workEmpty: number[] = [];
  const workYear: number[] = [];
  for (let run = 0; run < options.warmups + options.journalWork; run += 1) {
    for (const which of run % 2 === 0 ? ['empty', 'year'] : ['year', 'empty']) {
      const elapsed = await timedJournalWork(which === 'empty' ? empty : year, run);
      if (run >= options.warmups) (which === 'empty' ? workEmpty : workYear).push(elapsed);
    }
  }

  const startEmptyMs = summarize(startEmpty);
  const startYearMs = summarize(startYear);
  const warmSendEmptyMs = summarize(sendEmpty);
  const warmSendYearMs = summarize(sendYear);
  return {
    entries,
    journalBytes: written.bytes,
    generateMs: Math.round(written.elapsedMs),
    startEmptyMs,
    startYearMs,
    startRatio: ratio(startYearMs.median, startEmptyMs.median),
    warmSendEmptyMs,
    warmSendYearMs,
    warmSendRatio: ratio(warmSendYearMs.median, warmSendEmptyMs.median),
    journalWorkEmptyMs: summarize(workEmpty),
    journalWorkYearMs: summarize(workYear),
    journalWorkRatio: ratio(summarize(workYear).median, summarize(workEmpty).median),
  };
}
