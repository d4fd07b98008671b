import { isEntryOfKind, type EntryOfKind, type JournalEntry } from './entry.js';

/**
 * What the journal says happened to each send: the attempts of one InputReference, their
 * outcomes, and whether an acknowledged eAttest was cancelled since.
 */

/** kmehr error: the service is already attested (a lost answer of an earlier attempt, or another channel). */
export const ALREADY_ATTESTED_ERROR = '187';
/** kmehr cancel error: already cancelled, which for us is as good as cancelled now. */
export const ALREADY_CANCELLED_ERROR = '240';

export type SendStatus =
  | { status: 'acknowledged'; acknowledgementNumber: string }
  | { status: 'cancelled'; acknowledgementNumber: string }
  | { status: 'refused'; codes: string[] }
  /** The insurer says these services are already attested (error 187). */
  | { status: 'duplicate-at-insurer'; codes: string[] }
  /** Timeout, dropped connection, unreadable answer, or no outcome written at all (crash). */
  | { status: 'unknown'; journaled: boolean }
  /** Its outcome stayed unknown and the clinician gave it up after checking with the insurer (a `send-abandoned` entry). */
  | { status: 'abandoned'; reason: string };

export interface SendAttempt {
  intent: EntryOfKind<'send-intent'>;
  outcome?: EntryOfKind<'send-outcome'>;
}

/** The attempts that share one InputReference: one logical send. */
export interface SendHistory {
  consultationKey: string;
  inputReference: string;
  attempts: SendAttempt[];
  status: SendStatus;
}

function attemptStatus(attempt: SendAttempt, cancelled: ReadonlySet<string>): SendStatus {
  const result = attempt.outcome?.record.result;
  if (result === undefined) return { status: 'unknown', journaled: false };
  switch (result.status) {
    case 'acknowledged':
      return cancelled.has(result.acknowledgementNumber)
        ? { status: 'cancelled', acknowledgementNumber: result.acknowledgementNumber }
        : { status: 'acknowledged', acknowledgementNumber: result.acknowledgementNumber };
    case 'refused': {
      const codes = result.errors.map((error) => error.code);
      return codes.includes(ALREADY_ATTESTED_ERROR) ? { status: 'duplicate-at-insurer', codes } : { status: 'refused', codes };
    }
    case 'unknown':
      return { status: 'unknown', journaled: true };
  }
}

/** An acknowledgement in any attempt settles the send; otherwise the latest attempt speaks. */
function sendStatus(attempts: readonly SendAttempt[], cancelled: ReadonlySet<string>): SendStatus {
  const statuses = attempts.map((attempt) => attemptStatus(attempt, cancelled));
  const settled = statuses.find((status) => status.status === 'acknowledged' || status.status === 'cancelled');
  return settled ?? statuses.at(-1) ?? { status: 'unknown', journaled: false };
}

/** Every send in the entries, oldest first. */
export function sendHistories(entries: readonly JournalEntry[]): SendHistory[] {
  const attemptsByIntentSeq = new Map<number, SendAttempt>();
  const sends = new Map<string, { consultationKey: string; attempts: SendAttempt[] }>();
  const cancelled = new Set<string>();
  const abandoned = new Map<string, string>();
  for (const entry of entries) {
    if (isEntryOfKind(entry, 'send-intent')) {
      const attempt: SendAttempt = { intent: entry };
      attemptsByIntentSeq.set(entry.seq, attempt);
      const key = `${entry.record.consultationKey} ${entry.record.inputReference}`;
      const send = sends.get(key) ?? { consultationKey: entry.record.consultationKey, attempts: [] };
      send.attempts.push(attempt);
      sends.set(key, send);
    } else if (isEntryOfKind(entry, 'send-outcome')) {
      const attempt = attemptsByIntentSeq.get(entry.record.intentSeq);
      if (attempt !== undefined && attempt.intent.record.inputReference === entry.record.inputReference) attempt.outcome = entry;
    } else if (isEntryOfKind(entry, 'send-abandoned')) {
      abandoned.set(entry.record.inputReference, entry.record.reason);
    } else if (isEntryOfKind(entry, 'cancel-outcome')) {
      const { result } = entry.record;
      if (result.status === 'cancelled' || (result.status === 'refused' && result.errors.some((error) => error.code === ALREADY_CANCELLED_ERROR))) {
        cancelled.add(entry.record.acknowledgementNumber);
      }
    }
  }
  return [...sends.values()].map((send) => {
    const first = send.attempts[0];
    if (first === undefined) throw new Error('a send without attempts');
    const status = sendStatus(send.attempts, cancelled);
    const reason = abandoned.get(first.intent.record.inputReference);
    return {
      consultationKey: send.consultationKey,
      inputReference: first.intent.record.inputReference,
      attempts: send.attempts,
      // Only an unknown outcome can be given up; a settled one stays what the insurer said.
      status: status.status === 'unknown' && reason !== undefined ? { status: 'abandoned', reason } : status,
    };
  });
}
