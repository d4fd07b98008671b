import type { JournalSend } from '../../../src/shared/domain/receipt.js';
import { sendHistories, type SendHistory } from '../journal/history.js';
import { readJournalSince } from '../journal/journal.js';
import type { Logger } from '../log.js';
import { loadSendRecord } from './send-records.js';

/**
 * The sends of one day of care as the journal knows them (the `journalDay` command): the extension
 * rebuilds its history and settles its pending records from this. The attestation itself comes
 * from the send record written beside the journal before the intent.
 */

function statusOf(send: SendHistory): Pick<JournalSend, 'status' | 'acknowledgementNumber' | 'refusals'> {
  switch (send.status.status) {
    case 'acknowledged':
    case 'cancelled':
      return { status: send.status.status, acknowledgementNumber: send.status.acknowledgementNumber };
    case 'refused':
    case 'duplicate-at-insurer': {
      const result = send.attempts.at(-1)?.outcome?.record.result;
      const errors = result?.status === 'refused' ? result.errors : [];
      return {
        status: 'refused',
        refusals: errors.slice(0, 50).map((error) => ({ code: error.code, ...(error.xpath !== undefined ? { location: error.xpath } : {}), ...(error.meaning !== undefined ? { description: error.meaning } : {}) })),
      };
    }
    case 'unknown':
      // No outcome at all: in flight, or the host stopped mid-send; an outcome "unknown" was journaled otherwise.
      return { status: send.status.journaled ? 'unknown' : 'pending' };
    case 'abandoned':
      return { status: 'abandoned' };
  }
}

export function journalDay(stateDir: string, date: string, log: Logger): JournalSend[] {
  // A day's sends are journaled from that day on (only today's care is sent): the journal's older
  // years are not read, and a broken link in what is read is a JOURNAL_UNAVAILABLE error.
  const entries = readJournalSince(stateDir, date);
  const sends: JournalSend[] = [];
  for (const send of sendHistories(entries)) {
    const first = send.attempts[0]?.intent;
    const last = send.attempts.at(-1);
    if (first === undefined || last === undefined || first.record.careDate !== date) continue;
    const record = loadSendRecord(stateDir, send.inputReference);
    if (record === undefined) {
      log.warn('journalDay: a send without its send record is left out', { inputReference: send.inputReference });
      continue;
    }
    sends.push({
      consultationKey: send.consultationKey,
      inputReference: send.inputReference,
      attemptNbr: last.intent.record.attemptNbr,
      patientSsin: first.record.patientSsin,
      careDate: first.record.careDate,
      ...statusOf(send),
      at: (last.outcome ?? last.intent).at,
      attestation: record.attestation,
    });
  }
  return sends.slice(-2000);
}
