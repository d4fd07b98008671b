import { hostname } from 'node:os';
import { PRODUCT_VERSION } from '../../../src/shared/version.js';
import type { ChainCheck } from './chain.js';
import { currentOsUser } from './entry.js';
import type { AnchorCheck } from './head.js';
import { sendHistories, type SendHistory, type SendStatus } from './history.js';
import type { JournalReading } from './journal.js';
import { journalTimestamp } from './timestamp.js';

/** What `eattest-host journal` prints, and the export an auditor receives. */

/** Screens get shared with support: show enough of the SSIN to recognise it, not all of it. */
function maskedSsin(ssin: string): string {
  return `${ssin.slice(0, 6)}-•••-${ssin.slice(9)}`;
}

function describeStatus(status: SendStatus): string {
  switch (status.status) {
    case 'acknowledged':
      return `acknowledged ${status.acknowledgementNumber}`;
    case 'cancelled':
      return `cancelled (was ${status.acknowledgementNumber})`;
    case 'refused':
      return `refused (${status.codes.join(', ')})`;
    case 'duplicate-at-insurer':
      return `refused: already attested at the insurer (${status.codes.join(', ')})`;
    case 'unknown':
      return status.journaled ? 'outcome unknown (will be retried with the same reference)' : 'no outcome journaled (interrupted; will be retried)';
    case 'abandoned':
      return `outcome unknown, abandoned after checking with the insurer: ${status.reason}`;
  }
}

function describeSend(send: SendHistory): string {
  const first = send.attempts[0]?.intent;
  const last = send.attempts.at(-1)?.intent;
  if (first === undefined || last === undefined) return '';
  const acts = first.record.acts.map((act) => `${act.code}×${act.quantity}`).join(' ');
  return `  ${first.at.slice(11, 19)}  patient ${maskedSsin(first.record.patientSsin)}  ${acts}  ref ${send.inputReference} attempt ${last.record.attemptNbr}  ${describeStatus(send.status)}${describeSignature(send)}`;
}

/** An answer accepted although its insurer signature could not be fully verified says so, with why. */
function describeSignature(send: SendHistory): string {
  const check = send.attempts.at(-1)?.outcome?.record.insurerSignature?.check;
  return check?.status === 'unverified' ? `  (insurer signature not verified: ${check.reasons.join(', ')})` : '';
}

export function describeChain(check: ChainCheck): string {
  if (check.ok) return `valid, ${check.entries} entries, head ${check.headHash}`;
  const { firstBreak } = check;
  return `BROKEN at line ${firstBreak.line}${firstBreak.seq === undefined ? '' : ` (entry ${firstBreak.seq})`}: ${firstBreak.reason}; the ${check.entries} entries before it are intact`;
}

/** Whether the journal reaches its head anchor, and when not, what a person should do. */
export function describeHead(head: AnchorCheck): string[] {
  switch (head.status) {
    case 'matches':
      return ['head anchor reached'];
    case 'absent':
      return ['NOT ANCHORED: there is no head file beside the journal, so a cut cannot be ruled out (an install older than the anchor, or the file was deleted); the next write anchors it from the last entry and journals that it did'];
    case 'unreadable':
      return [`HEAD ANCHOR UNREADABLE (${head.reason}): sends are refused; if the journal is intact, delete journal/head and the next write anchors it again, journaling that it did`];
    case 'truncated':
      return [
        `TRUNCATED: the journal ends at entry ${head.lastSeq} but its head anchor says entry ${head.anchoredSeq} was written; entries ${head.lastSeq + 1}–${head.anchoredSeq} are missing`,
        'sends are refused until the journal is restored from a backup that verifies up to the anchored entry; without one, `eattest-host journal --accept-loss` journals the loss and sends go on (from the day after the last lost entry, so that no lost send of the day can go out twice)',
      ];
    case 'diverged':
      return [
        `REWRITTEN: the journal's entry ${head.anchoredSeq} is not the one its head anchor names`,
        'sends are refused until the journal is restored from a backup that verifies up to the anchored entry',
      ];
  }
}

/** The chain is intact and reaches its anchor: the exit code of `eattest-host journal`. */
export function journalIntact(reading: JournalReading): boolean {
  return reading.check.ok && reading.head.status === 'matches';
}

export function describeTornTail(reading: JournalReading): string[] {
  const lines: string[] = [];
  if (reading.tornTailBytes > 0) {
    lines.push(`warning: ${reading.tornTailBytes} bytes after the last entry are an interrupted write; the next write keeps them in quarantine/ and journals it`);
  }
  if (reading.quarantined.length > 0) lines.push(`quarantined: ${reading.quarantined.map((name) => `quarantine/${name}`).join(', ')}`);
  return lines;
}

export function summarizeJournal(reading: JournalReading, now: Date): string {
  if (!reading.exists && reading.head.status === 'matches') return `No journal yet at ${reading.file}: nothing has been sent from this computer.\n`;
  const today = journalTimestamp(now).slice(0, 10);
  const todays = sendHistories(reading.entries).filter((send) => send.attempts[0]?.intent.at.startsWith(today) === true);
  const cancels = reading.entries.filter((entry) => entry.record.kind === 'cancel-intent' && entry.at.startsWith(today)).length;
  const consultations = reading.entries.filter((entry) => entry.record.kind === 'consultation' && entry.at.startsWith(today)).length;
  return [
    `Journal ${reading.file}`,
    `  chain ${describeChain(reading.check)}`,
    ...describeHead(reading.head).map((line) => `  ${line}`),
    ...describeTornTail(reading).map((line) => `  ${line}`),
    `Today's sends (${today}, Belgian time): ${todays.length}${cancels > 0 ? `; cancellations requested: ${cancels}` : ''}`,
    ...todays.map(describeSend),
    `Today's consultations (insurability, DMG holder, tariffs): ${consultations}`,
    '',
  ].join('\n');
}

/** Everything an auditor needs: the entries as written, the chain check, and who exported when. */
export function journalExport(reading: JournalReading, now: Date): unknown {
  const osUser = currentOsUser();
  return {
    format: 'eattest-transmission-journal',
    version: 1,
    exportedAt: journalTimestamp(now),
    exportedBy: { osUser, hostName: hostname(), software: `eattest-host ${PRODUCT_VERSION}` },
    journalFile: reading.file,
    chain: reading.check,
    headAnchor: reading.head,
    hashing: 'each entry: hash = SHA-256 (hex) of the canonical JSON (sorted keys, no whitespace) of {seq, at, prev, record}; prev = the previous entry hash, 64 zeros for the first',
    tornTailBytes: reading.tornTailBytes,
    quarantined: reading.quarantined.map((name) => `quarantine/${name}`),
    entries: reading.entries,
  };
}
