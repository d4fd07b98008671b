import { describe, expect, it } from 'vitest';
import { JournalAnchor, journalAlarm, type JournalHeadStore, type SeenJournalHead } from '../../src/background/journal-anchor.js';
import type { HostRequest } from '../../src/background/patient-data.js';
import type { JournalHeadReport } from '../../src/shared/host-protocol.js';
import { GENESIS_HASH } from '../../native-host/src/journal/entry.js';
import { checkAnchor } from '../../native-host/src/journal/head.js';

/** The extension's anchor of the host's journal: the highest head seen, and the alarm when the host reports less. */

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const report = (seq: number, hash = HASH_A, anchor: JournalHeadReport['anchor'] = 'matches'): JournalHeadReport => ({ seq, hash, anchor });

class MemoryHeadStore implements JournalHeadStore {
  head: SeenJournalHead | undefined;
  writes = 0;
  highestJournalHead(): Promise<SeenJournalHead | undefined> {
    return Promise.resolve(this.head);
  }
  keepJournalHead(head: SeenJournalHead): Promise<void> {
    this.writes += 1;
    this.head = head;
    return Promise.resolve();
  }
}

const noHost: HostRequest = (command) => Promise.reject(new Error(`unexpected ${command}`));

describe('the journal head the extension keeps', () => {
  it('keeps the highest head reported, writing only when it grows', async () => {
    const store = new MemoryHeadStore();
    const anchor = new JournalAnchor(noHost, store, () => new Date('2026-11-30T09:00:00Z'));
    expect(await anchor.observe(report(3))).toBeUndefined();
    expect(await anchor.observe(report(3))).toBeUndefined();
    expect(await anchor.observe(report(9, HASH_B))).toBeUndefined();
    expect(store.head).toEqual({ seq: 9, hash: HASH_B, seenAt: '2026-11-30T09:00:00.000Z' });
    expect(store.writes).toBe(2);
    // A host that could not read its journal folder reports nothing: nothing to compare, nothing kept.
    expect(await anchor.observe(undefined)).toBeUndefined();
  });

  it('raises the alarm for a lower seq, another hash at the seq it saw, or the host’s own finding, and keeps the higher head', async () => {
    const seen: SeenJournalHead = { seq: 14, hash: HASH_A, seenAt: '2026-11-30T09:00:00.000Z' };
    expect(journalAlarm(report(2), seen)?.toPayload()).toMatchObject({ code: 'JOURNAL_TAMPERED', details: { anchor: 'this browser', anchoredSeq: 14, anchoredSeenAt: seen.seenAt, lastSeq: 2 } });
    expect(journalAlarm(report(14, HASH_B), seen)?.details).toEqual({ anchor: 'this browser', anchoredSeq: 14, anchoredSeenAt: seen.seenAt });
    expect(journalAlarm(report(20, HASH_B, 'truncated'), seen)?.details).toEqual({ anchor: 'the head file', status: 'truncated', lastSeq: 20 });
    expect(journalAlarm(report(20, HASH_B, 'absent'), seen)).toBeUndefined();
    expect(journalAlarm(report(0), undefined)).toBeUndefined();

    const store = new MemoryHeadStore();
    store.head = seen;
    const anchor = new JournalAnchor(noHost, store);
    expect((await anchor.observe(report(2)))?.code).toBe('JOURNAL_TAMPERED');
    expect(store.head).toEqual(seen);
  });

  it('gives a send the highest head seen, asking the host nothing, and follows the journal after it', async () => {
    const store = new MemoryHeadStore();
    store.head = { seq: 14, hash: HASH_A, seenAt: '2026-11-30T09:00:00.000Z' };
    const asked: string[] = [];
    const host = ((command: string) => {
      asked.push(command);
      return Promise.resolve({ hostVersion: '0.1.0', protocolVersion: 1, environment: 'simulator', certificate: null, uptimeMs: 1, journalHead: report(16, HASH_B) });
    }) as HostRequest;
    const anchor = new JournalAnchor(host, store);
    expect(await anchor.anchorForSend()).toEqual({ seq: 14, hash: HASH_A });
    expect(asked).toEqual([]);
    await anchor.follow();
    expect(asked).toEqual(['status']);
    expect(await anchor.anchorForSend()).toEqual({ seq: 16, hash: HASH_B });
  });

  it('on the host: an anchor seen on an empty journal (seq 0) is reached by every journal; a higher one only by a journal that holds it', () => {
    expect(checkAnchor({ seq: 0, hash: GENESIS_HASH }, 0, () => undefined)).toEqual({ status: 'matches' });
    expect(checkAnchor({ seq: 0, hash: GENESIS_HASH }, 7, () => HASH_B)).toEqual({ status: 'matches' });
    expect(checkAnchor({ seq: 7, hash: HASH_A }, 6, () => HASH_A)).toEqual({ status: 'truncated', anchoredSeq: 7, lastSeq: 6 });
    expect(checkAnchor({ seq: 7, hash: HASH_A }, 9, () => HASH_B)).toEqual({ status: 'diverged', anchoredSeq: 7 });
    expect(checkAnchor({ seq: 7, hash: HASH_A }, 9, (seq) => (seq === 7 ? HASH_A : undefined))).toEqual({ status: 'matches' });
  });
});
