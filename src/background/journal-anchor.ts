import { AppError } from '../shared/errors.js';
import type { JournalHeadReport } from '../shared/host-protocol.js';
import type { HostRequest } from './patient-data.js';

/**
 * The extension's anchor of the host's transmission journal. The host anchors its journal's head
 * in a file beside it; a journal cut together with that file would pass the host's own check. So
 * the extension keeps the highest head the host has reported (hello/status: last entry's seq and
 * hash) and raises the alarm when the host reports a lower seq, or another hash at the seq it saw:
 * the popup shows it with the host's status, and no eAttest is sent (JOURNAL_TAMPERED).
 */

export interface SeenJournalHead {
  seq: number;
  hash: string;
  /** ISO instant the extension first saw this head. */
  seenAt: string;
}

export interface JournalHeadStore {
  highestJournalHead(): Promise<SeenJournalHead | undefined>;
  keepJournalHead(head: SeenJournalHead): Promise<void>;
}

const EXTENSION_ANCHOR = 'this browser';

/** The alarm for a report, or undefined when the journal reaches every anchor. */
export function journalAlarm(report: JournalHeadReport, seen: SeenJournalHead | undefined): AppError | undefined {
  if (seen !== undefined && report.seq < seen.seq) {
    return new AppError('JOURNAL_TAMPERED', `the host's journal ends at entry ${report.seq} but ${EXTENSION_ANCHOR} saw entry ${seen.seq}: entries were removed from its end`, {
      anchor: EXTENSION_ANCHOR,
      anchoredSeq: seen.seq,
      anchoredSeenAt: seen.seenAt,
      lastSeq: report.seq,
    });
  }
  if (seen !== undefined && report.seq === seen.seq && report.hash !== seen.hash) {
    return new AppError('JOURNAL_TAMPERED', `the host's journal entry ${report.seq} is not the one ${EXTENSION_ANCHOR} saw: it was rewritten`, { anchor: EXTENSION_ANCHOR, anchoredSeq: seen.seq, anchoredSeenAt: seen.seenAt });
  }
  switch (report.anchor) {
    case 'truncated':
    case 'diverged':
    case 'unreadable':
      return new AppError('JOURNAL_TAMPERED', `the host finds its journal ${report.anchor === 'unreadable' ? 'without a readable head anchor' : `${report.anchor} against its head anchor`}`, {
        anchor: 'the head file',
        status: report.anchor,
        lastSeq: report.seq,
      });
    case 'matches':
    case 'absent':
      return undefined;
  }
}

export class JournalAnchor {
  /** Observations one at a time, in the order the host's answers came. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: HostRequest,
    private readonly store: JournalHeadStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Compares a report with the highest head seen, keeps it when higher, and says what is wrong. */
  observe(report: JournalHeadReport | undefined): Promise<AppError | undefined> {
    const run = this.queue.then(async () => {
      // A host that could not read its journal folder says so on every write; nothing to compare here.
      if (report === undefined) return undefined;
      const seen = await this.store.highestJournalHead();
      const alarm = journalAlarm(report, seen);
      if (alarm === undefined && (seen === undefined || report.seq > seen.seq)) {
        await this.store.keepJournalHead({ seq: report.seq, hash: report.hash, seenAt: this.now().toISOString() });
      }
      return alarm;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * What an eAttest carries to the host: the highest head seen. The host checks it in the same
   * locked read that decides the send (no extra round trip) and refuses, JOURNAL_TAMPERED, when
   * its journal no longer reaches it.
   */
  async anchorForSend(): Promise<{ seq: number; hash: string } | undefined> {
    await this.queue;
    const seen = await this.store.highestJournalHead();
    return seen === undefined ? undefined : { seq: seen.seq, hash: seen.hash };
  }

  /** After a send, off the clinician's path: the journal grew, and the anchor follows it. */
  async follow(): Promise<void> {
    const alarm = await this.observe((await this.host('status', {})).journalHead);
    if (alarm !== undefined) console.warn('[eattest] journal anchor', alarm.message);
  }
}
