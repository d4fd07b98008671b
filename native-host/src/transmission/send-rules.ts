import { brusselsDate } from '../../../src/shared/domain/calendar.js';
import { AppError } from '../../../src/shared/errors.js';
import { isEntryOfKind, type JournalEntry } from '../journal/entry.js';
import { sendHistories, type SendHistory } from '../journal/history.js';
import { newInputReference } from '../mycarenet/commons/input-reference.js';

/**
 * NEVER TWICE (PROTOCOL rule 6, §8.6): the rule that decides whether an eAttest may leave the machine.
 *
 * A "room" is one provider (NIHII), one patient (SSIN) and one day of care. While any eAttest of a
 * room has an unknown outcome (timed out, connection dropped, unreadable answer, host stopped
 * mid-send), the insurer may hold it: no NEW eAttest for that room leaves the machine, whatever
 * the clinician edited since. There are exactly two ways forward:
 *   1. a retry of the STORED request of that send: the same sealed content, the same InputReference,
 *      attemptNbr + 1 (the insurer recognises a retry and answers with the number it gave, if any);
 *   2. an explicit, journaled abandon (`send-abandoned`): the clinician checked with the insurer and
 *      gives that send up, with their reason; only then may a new eAttest for the room go out.
 * Besides: a consultation already acknowledged (or that the insurer says is already attested) is
 * never sent again; only today's care is sent; a send tried MAX_SEND_ATTEMPTS times stops for a
 * person to look. And one attempt per room is on the wire at a time (transmission/in-flight.ts).
 *
 * Pure: the journal entries and the clock in, a decision out. The decision and the intent it
 * allows are written under the journal's lock (send-reservation.ts), so two processes cannot both
 * decide "new".
 */

/** Beyond this many attempts of one send, a person should look at what is wrong. */
export const MAX_SEND_ATTEMPTS = 10;

export type SendDecision =
  | { action: 'new'; inputReference: string; attemptNbr: 1 }
  /** `consultationKey` is the stored send's: it differs from the request's when the draft was edited since. */
  | { action: 'retry'; inputReference: string; attemptNbr: number; previousIntentSeq: number; consultationKey: string }
  | { action: 'refuse'; reason: 'already-acknowledged'; acknowledgementNumber: string; intentSeq: number }
  | { action: 'refuse'; reason: 'duplicate-at-insurer'; intentSeq: number }
  | { action: 'refuse'; reason: 'not-today'; careDate: string; today: string }
  | { action: 'refuse'; reason: 'too-many-attempts'; inputReference: string; attempts: number };

/** One provider, one patient, one day of care. */
export interface Room {
  providerNihii11: string;
  patientSsin: string;
  /** The attestation's day of care (YYYY-MM-DD). */
  careDate: string;
}

export interface SendRequest extends Room {
  consultationKey: string;
}

export function roomOf(send: SendHistory): Room | undefined {
  const first = send.attempts[0]?.intent.record;
  return first === undefined ? undefined : { providerNihii11: first.responsible.nihii11, patientSsin: first.patientSsin, careDate: first.careDate };
}

export function sameRoom(a: Room, b: Room): boolean {
  return a.providerNihii11 === b.providerNihii11 && a.patientSsin === b.patientSsin && a.careDate === b.careDate;
}

/** The room's send whose outcome is unknown (the latest, should an older journal hold several). */
export function openSendOf(entries: readonly JournalEntry[], room: Room): SendHistory | undefined {
  return sendHistories(entries)
    .filter((send) => send.status.status === 'unknown' && sameRoomOf(send, room))
    .at(-1);
}

function sameRoomOf(send: SendHistory, room: Room): boolean {
  const of = roomOf(send);
  return of !== undefined && sameRoom(of, room);
}

/** References already used by a send or a cancellation: a new one must differ from all of them. */
export function takenReferences(entries: readonly JournalEntry[]): Set<string> {
  return new Set(entries.flatMap((entry) => (isEntryOfKind(entry, 'send-intent') || isEntryOfKind(entry, 'cancel-intent') ? [entry.record.inputReference] : [])));
}

/**
 * `entries` must hold at least every entry since the day before the care date; the journal's
 * transaction gives exactly that.
 */
export function decideSend(entries: readonly JournalEntry[], request: SendRequest, now: Date): SendDecision {
  const sends = sendHistories(entries);
  for (const send of sends.filter((candidate) => candidate.consultationKey === request.consultationKey)) {
    const first = send.attempts[0];
    if (first === undefined) continue;
    if (send.status.status === 'acknowledged') {
      return { action: 'refuse', reason: 'already-acknowledged', acknowledgementNumber: send.status.acknowledgementNumber, intentSeq: first.intent.seq };
    }
    if (send.status.status === 'duplicate-at-insurer') return { action: 'refuse', reason: 'duplicate-at-insurer', intentSeq: first.intent.seq };
  }
  const today = brusselsDate(now);
  if (request.careDate !== today) return { action: 'refuse', reason: 'not-today', careDate: request.careDate, today };

  const open = sends.filter((send) => send.status.status === 'unknown' && sameRoomOf(send, request)).at(-1);
  if (open !== undefined) {
    const latest = open.attempts.at(-1);
    if (latest === undefined) throw new Error('a send without attempts');
    const attempts = Math.max(...open.attempts.map((attempt) => attempt.intent.record.attemptNbr));
    if (attempts >= MAX_SEND_ATTEMPTS) return { action: 'refuse', reason: 'too-many-attempts', inputReference: open.inputReference, attempts };
    return { action: 'retry', inputReference: open.inputReference, attemptNbr: attempts + 1, previousIntentSeq: latest.intent.seq, consultationKey: open.consultationKey };
  }
  return { action: 'new', inputReference: newInputReference(now, takenReferences(entries)), attemptNbr: 1 };
}

/**
 * May this send be given up? Only a send whose outcome is unknown: an acknowledged one is
 * cancelled instead (the insurer has it), a refused one holds nothing back.
 */
export function decideAbandon(entries: readonly JournalEntry[], inputReference: string): SendHistory {
  const send = sendHistories(entries).find((candidate) => candidate.inputReference === inputReference);
  if (send === undefined) throw new AppError('INVALID_MESSAGE', 'no send of the last two days has this reference', { inputReference });
  if (send.status.status !== 'unknown') {
    throw new AppError('INVALID_MESSAGE', `this send's outcome is not unknown (${send.status.status}): there is nothing to abandon`, { inputReference, status: send.status.status });
  }
  return send;
}

export type CancelGo = { inputReference: string; attemptNbr: number };

/** A cancellation: the latest of this number whose outcome is unknown is retried; otherwise a new reference. */
export function decideCancel(entries: readonly JournalEntry[], acknowledgementNumber: string, now: Date): CancelGo {
  const intents = entries.filter((entry) => isEntryOfKind(entry, 'cancel-intent') && entry.record.acknowledgementNumber === acknowledgementNumber);
  const last = intents.at(-1);
  if (last !== undefined && isEntryOfKind(last, 'cancel-intent')) {
    const outcome = entries.find((entry) => isEntryOfKind(entry, 'cancel-outcome') && entry.record.intentSeq === last.seq);
    const settled = outcome !== undefined && isEntryOfKind(outcome, 'cancel-outcome') && outcome.record.result.status !== 'unknown';
    if (!settled) {
      if (last.record.attemptNbr >= MAX_SEND_ATTEMPTS) throw new AppError('MYCARENET_UNAVAILABLE', `the cancellation was tried ${last.record.attemptNbr} times without an answer`, { inputReference: last.record.inputReference });
      return { inputReference: last.record.inputReference, attemptNbr: last.record.attemptNbr + 1 };
    }
  }
  return { inputReference: newInputReference(now, takenReferences(entries)), attemptNbr: 1 };
}
