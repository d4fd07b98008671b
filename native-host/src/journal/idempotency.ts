import { brusselsDate } from '../../../src/shared/domain/calendar.js';
import { isEntryOfKind, type JournalEntry } from './entry.js';
import { sendHistories } from './history.js';

export { newInputReference };
import { newInputReference } from '../mycarenet/commons/input-reference.js';

/**
 * Before an eAttest is sent: is it new, a retry of a send whose outcome is unknown, or refused?
 * Pure: the journal entries and the clock in, a decision out (PROTOCOL §8.6, rule 6).
 */

/** Beyond this many attempts of one send, a person should look at what is wrong. */
export const MAX_SEND_ATTEMPTS = 10;

export type SendDecision =
  | { action: 'new'; inputReference: string; attemptNbr: 1 }
  | { action: 'retry'; inputReference: string; attemptNbr: number; previousIntentSeq: number }
  | { action: 'refuse'; reason: 'already-acknowledged'; acknowledgementNumber: string; intentSeq: number }
  | { action: 'refuse'; reason: 'duplicate-at-insurer'; intentSeq: number }
  | { action: 'refuse'; reason: 'not-today'; careDate: string; today: string }
  | { action: 'refuse'; reason: 'too-many-attempts'; inputReference: string; attempts: number };

export interface SendRequest {
  consultationKey: string;
  /** The attestation's day of care (YYYY-MM-DD). */
  careDate: string;
}

/**
 * `entries` must hold at least every entry since the day before the care date; the journal's
 * transaction gives exactly that.
 */
export function decideSend(entries: readonly JournalEntry[], request: SendRequest, now: Date): SendDecision {
  const sends = sendHistories(entries).filter((send) => send.consultationKey === request.consultationKey);
  for (const send of sends) {
    const first = send.attempts[0];
    if (first === undefined) continue;
    if (send.status.status === 'acknowledged') {
      return { action: 'refuse', reason: 'already-acknowledged', acknowledgementNumber: send.status.acknowledgementNumber, intentSeq: first.intent.seq };
    }
    if (send.status.status === 'duplicate-at-insurer') return { action: 'refuse', reason: 'duplicate-at-insurer', intentSeq: first.intent.seq };
  }
  const today = brusselsDate(now);
  if (request.careDate !== today) return { action: 'refuse', reason: 'not-today', careDate: request.careDate, today };

  const unsettled = sends.filter((send) => send.status.status === 'unknown').at(-1);
  if (unsettled !== undefined) {
    const latest = unsettled.attempts.at(-1);
    const attempts = Math.max(...unsettled.attempts.map((attempt) => attempt.intent.record.attemptNbr));
    if (latest === undefined) throw new Error('a send without attempts');
    if (attempts >= MAX_SEND_ATTEMPTS) return { action: 'refuse', reason: 'too-many-attempts', inputReference: unsettled.inputReference, attempts };
    return { action: 'retry', inputReference: unsettled.inputReference, attemptNbr: attempts + 1, previousIntentSeq: latest.intent.seq };
  }
  const taken = new Set(entries.flatMap((entry) => (isEntryOfKind(entry, 'send-intent') || isEntryOfKind(entry, 'cancel-intent') ? [entry.record.inputReference] : [])));
  return { action: 'new', inputReference: newInputReference(now, taken), attemptNbr: 1 };
}
